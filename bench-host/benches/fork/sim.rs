//! The `vm` crate's strategies on simulated RAM. One simulated machine per
//! size (allocated once, reused), and per strategy a freshly built parent
//! that only that strategy forks: classic leaves the parent's pages COW
//! and on-demand leaves its last-level tables shared, which would change
//! what the next strategy has to do.
//!
//! Classic and on-demand change the parent at its first fork (pages
//! become COW, tables shared); `verify` takes that first fork, so every
//! measured fork sees the steady state a forking server sees: parent
//! entries already COW / shared, with one holder again once the previous
//! child is gone.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bench_host::sim::{self, ram_frames, SimChild, SimProcess, BATCH};
use bench_host::workload::{Operation, Size, SIZES};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion};
use vm::host::{host_mm, HostMm};
use vm::StrategyKind;

/// Forks `iters` children in batches of [`sim::batch`] (one for hybrid:
/// its parent cannot fork while lent), timing only the forks; each batch
/// is torn down untimed.
fn time_forks(
    mm: &mut HostMm,
    parent: &mut SimProcess,
    kind: StrategyKind,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    let mut children: Vec<SimChild> = Vec::with_capacity(BATCH);
    let mut left = iters;
    while left > 0 {
        let n = left.min(sim::batch(kind) as u64);
        let start = Instant::now();
        for _ in 0..n {
            children.push(black_box(parent.fork(mm, kind).expect("fork")));
        }
        total += start.elapsed();
        for child in children.drain(..) {
            parent.end_child(mm, child);
        }
        left -= n;
    }
    total
}

/// Forks a batch untimed, times each child's first write to the same
/// parent page (fault, resolution, the store), tears the batch down.
fn time_first_writes(
    mm: &mut HostMm,
    parent: &mut SimProcess,
    kind: StrategyKind,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    let mut children: Vec<SimChild> = Vec::with_capacity(BATCH);
    let mut left = iters;
    while left > 0 {
        let n = left.min(sim::batch(kind) as u64);
        for _ in 0..n {
            children.push(parent.fork(mm, kind).expect("fork"));
        }
        let start = Instant::now();
        for child in children.iter_mut() {
            parent.child_write(mm, child).expect("child write");
        }
        total += start.elapsed();
        for child in children.drain(..) {
            parent.end_child(mm, child);
        }
        left -= n;
    }
    total
}

fn group<'a>(c: &'a mut Criterion, op: Operation) -> BenchmarkGroup<'a, WallTime> {
    c.benchmark_group(op.group())
}

fn bench_strategy(c: &mut Criterion, mm: &mut HostMm, size: Size, kind: StrategyKind) {
    let built = Instant::now();
    let mut parent = SimProcess::build(mm, size.bytes).expect("build the parent");
    let built = built.elapsed();
    let work = sim::verify(mm, &mut parent, kind)
        .unwrap_or_else(|e| panic!("{} at {}: {e}", kind.name(), size.label));
    eprintln!(
        "vm {} {}: parent built in {built:.2?}, {} frames in use; one fork + write did {work:?}",
        kind.name(),
        size.label,
        mm.frames_in_use()
    );
    let id = BenchmarkId::new(kind.name(), size.label);

    let mut g = group(c, Operation::Fork);
    g.bench_function(id.clone(), |b| {
        b.iter_custom(|iters| time_forks(mm, &mut parent, kind, iters))
    });
    g.finish();

    let mut g = group(c, Operation::FirstWriteFault);
    g.bench_function(id.clone(), |b| {
        b.iter_custom(|iters| time_first_writes(mm, &mut parent, kind, iters))
    });
    g.finish();

    let mut g = group(c, Operation::ForkRelease);
    g.bench_function(id, |b| {
        b.iter(|| {
            let child = parent.fork(mm, kind).expect("fork");
            parent.end_child(mm, black_box(child));
        })
    });
    g.finish();

    parent.destroy(mm);
}

/// What one `Instant::now()` + `elapsed()` pair costs: included once per
/// batch in `time_forks`, so once per hybrid fork (logged, not subtracted).
fn timer_cost() -> Duration {
    const N: u32 = 10_000;
    let start = Instant::now();
    for _ in 0..N {
        black_box(Instant::now().elapsed());
    }
    start.elapsed() / N
}

/// Every strategy at every size.
pub fn benches(c: &mut Criterion) {
    eprintln!("timer: {:?} per Instant::now() + elapsed()", timer_cost());
    for size in SIZES {
        let mut mm = host_mm(ram_frames(size.bytes));
        for kind in StrategyKind::ALL {
            bench_strategy(c, &mut mm, size, kind);
        }
        assert_eq!(mm.frames_in_use(), 0, "a benchmark leaked frames");
    }
    eprintln!("simulated RAM freed; {}", super::rss_text());
}

//! What promoting a hybrid child costs, by target and by the parent's
//! mapped (and touched) size: into on-demand form (upper tables copied,
//! last-level tables shared) against classic (every borrowed table
//! copied). Each iteration forks untimed, times the promotion alone, and
//! tears the child down untimed. After the first on-demand promotion the
//! parent's last-level tables stay shared-flagged with one holder (as
//! after an on-demand fork), the steady state a server forking snapshot
//! children sees.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use vm::host::{host_mm, HostMm};
use vm::{AddressSpace, Child, EagerPages, PromoteTarget, Prot, Strategy, Vma, VmaKind};

const HEAP: u64 = 0x1000_0000;
const STACK_TOP: u64 = 0x7fff_ffff_0000;
const SIZES: [(u64, &str); 3] = [(1 << 20, "1MiB"), (64 << 20, "64MiB"), (1 << 30, "1GiB")];

/// A parent with `bytes` of touched heap and a touched stack page.
fn parent(mm: &mut HostMm, bytes: u64) -> AddressSpace {
    let mut p = AddressSpace::new(mm).unwrap();
    let heap = Vma::new(HEAP..HEAP + bytes, Prot::RW, VmaKind::Heap);
    let stack = Vma::new(STACK_TOP - 0x10000..STACK_TOP, Prot::RW, VmaKind::Stack);
    for vma in [heap, stack] {
        p.map(mm, vma).unwrap().ignore();
    }
    for va in (HEAP..HEAP + bytes)
        .step_by(4096)
        .chain([STACK_TOP - 0x100])
    {
        p.copy_to_user(mm, va, &[1]).unwrap().ignore();
    }
    p
}

fn time_promotions(
    mm: &mut HostMm,
    p: &mut AddressSpace,
    target: PromoteTarget,
    iters: u64,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let eager = EagerPages::for_libc_fork(STACK_TOP - 0x200, 0);
        let Child::Space(mut c) = p.fork(mm, Strategy::Hybrid(eager)).unwrap().child else {
            unreachable!("hybrid fork gives the child a space")
        };
        let start = Instant::now();
        let flush = black_box(c.promote(mm, p, target).unwrap());
        total += start.elapsed();
        flush.parent.ignore();
        flush.child.ignore();
        c.destroy(mm).unwrap();
    }
    total
}

fn bench(c: &mut Criterion) {
    for (bytes, label) in SIZES {
        let frames = (bytes / 4096) as usize * 2 + 4096;
        for (target, name) in [
            (PromoteTarget::OnDemand, "ondemand"),
            (PromoteTarget::Classic, "classic"),
        ] {
            let mut mm = host_mm(frames);
            let mut p = parent(&mut mm, bytes);
            let mut g = c.benchmark_group("promote");
            g.sample_size(10);
            g.bench_function(BenchmarkId::new(name, label), |b| {
                b.iter_custom(|iters| time_promotions(&mut mm, &mut p, target, iters))
            });
            g.finish();
            p.destroy(&mut mm).unwrap();
            assert_eq!(
                mm.frames_in_use(),
                0,
                "the promotion benchmark leaked frames"
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);

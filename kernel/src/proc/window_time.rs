//! How long hybrid children take from fork to execve: the data behind the
//! window's CPU budget ([`super::hybrid::BUDGET_NS`]). Each borrowing
//! child that calls execve adds its CPU time so far (fork to the call,
//! not the load's own work) to a histogram shown in `/proc/forkstat`
//! (`hybrid exec_after: ...`).
use core::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the buckets, in microseconds (the last is unbounded).
pub const BOUNDS_US: [u64; 5] = [50, 200, 1_000, 5_000, 10_000];

static BUCKETS: [AtomicU64; BOUNDS_US.len() + 1] =
    [const { AtomicU64::new(0) }; BOUNDS_US.len() + 1];
static MAX_NS: AtomicU64 = AtomicU64::new(0);
static TOTAL_NS: AtomicU64 = AtomicU64::new(0);

/// A child exec'd after `cpu_ns` of CPU time in its window.
pub fn exec_after(cpu_ns: u64) {
    let us = cpu_ns / 1000;
    let i = BOUNDS_US
        .iter()
        .position(|&b| us <= b)
        .unwrap_or(BOUNDS_US.len());
    BUCKETS[i].fetch_add(1, Ordering::Relaxed);
    MAX_NS.fetch_max(cpu_ns, Ordering::Relaxed);
    TOTAL_NS.fetch_add(cpu_ns, Ordering::Relaxed);
}

/// The forkstat line's fields: `le_50us=.. le_200us=.. ... more=..
/// max_us=.. mean_us=..`.
pub fn summary() -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::new();
    let mut n = 0;
    for (i, b) in BUCKETS.iter().enumerate() {
        let c = b.load(Ordering::Relaxed);
        n += c;
        match BOUNDS_US.get(i) {
            Some(us) => {
                let _ = write!(s, "le_{us}us={c} ");
            }
            None => {
                let _ = write!(s, "more={c} ");
            }
        }
    }
    let mean = TOTAL_NS.load(Ordering::Relaxed) / n.max(1) / 1000;
    let _ = write!(
        s,
        "max_us={} mean_us={mean}",
        MAX_NS.load(Ordering::Relaxed) / 1000
    );
    s
}

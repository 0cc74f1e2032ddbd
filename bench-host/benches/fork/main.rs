//! `cargo bench -p bench-host`: every `vm` fork strategy on simulated RAM
//! at 1 MiB, 64 MiB and 1 GiB of touched memory (fork alone, the child's
//! first write fault, fork then release), then the host Linux's fork,
//! vfork and posix_spawn from a process with the same touched memory.
//! The simulated RAM is freed before the host part runs, so the host
//! process forks only its own touched memory (plus the bench binary).
//!
//! Criterion ids come from `bench_host::workload`; `bench-report` reads
//! them back. Budget: about 3 minutes on 2 cores.

#![deny(unsafe_op_in_unsafe_fn)]
#![forbid(unsafe_code)]

mod linux;
mod sim;

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .nresamples(20_000)
        .without_plots()
}

/// The resident set of this process, for the log.
fn rss_text() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(str::to_string)
        })
        .unwrap_or_default()
}

criterion_group! {
    name = benches;
    config = config();
    targets = sim::benches, linux::benches
}
criterion_main!(benches);

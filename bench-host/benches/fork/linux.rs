//! The host Linux's own fork, vfork and posix_spawn, from this process
//! with 1 MiB, 64 MiB and 1 GiB of touched anonymous memory (4 KiB pages).
//! Each iteration is timed whole: the call, the child's `_exit(0)` (or
//! `/bin/true`'s run) and the parent's `waitpid`, which includes the
//! kernel tearing the child's address space down.

use std::time::Duration;

use bench_host::linux::{
    fork_exit_wait, posix_spawn_wait, vfork_exit_wait, TouchedMemory, VforkStack,
};
use bench_host::workload::{Operation, SIZES};
use criterion::{BenchmarkId, Criterion, SamplingMode};

const SPAWNED: &std::ffi::CStr = c"/bin/true";

/// The three host benchmarks at every size.
pub fn benches(c: &mut Criterion) {
    let mut stack = VforkStack::default();
    for size in SIZES {
        let mem = TouchedMemory::new(size.bytes as usize).expect("mmap the touched memory");
        let pages = mem.len() / 4096;
        let resident = mem.resident_pages().expect("mincore");
        assert_eq!(resident, pages, "touched memory is not all resident");
        eprintln!(
            "linux {}: {pages} pages touched; {}",
            size.label,
            super::rss_text()
        );
        fork_exit_wait().expect("fork");
        vfork_exit_wait(&mut stack).expect("vfork");
        posix_spawn_wait(SPAWNED).expect("posix_spawn /bin/true");

        let mut g = c.benchmark_group("linux");
        g.sampling_mode(SamplingMode::Flat)
            .measurement_time(Duration::from_secs(3));
        let id = |op: Operation| BenchmarkId::new(op.name(), size.label);
        g.bench_function(id(Operation::LinuxFork), |b| {
            b.iter(|| fork_exit_wait().expect("fork"))
        });
        g.bench_function(id(Operation::LinuxVfork), |b| {
            b.iter(|| vfork_exit_wait(&mut stack).expect("vfork"))
        });
        g.bench_function(id(Operation::LinuxPosixSpawn), |b| {
            b.iter(|| posix_spawn_wait(SPAWNED).expect("posix_spawn"))
        });
        g.finish();
        assert_eq!(mem.resident_pages().expect("mincore"), pages);
    }
}

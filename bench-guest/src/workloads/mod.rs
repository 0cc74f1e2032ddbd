//! The workload table: every benchmark the program runs, in order, with
//! its iteration counts. This table is the one list of workloads; the host
//! harness learns it from the program's `BENCH_PLAN` lines.
mod ipc;
mod memory;
mod process;
mod snapshot;
mod syscalls;

use crate::sys::Res;

/// One benchmark: `run(n)` does `n` iterations of the work and returns the
/// nanoseconds they took, or why it could not do the work.
#[derive(Debug)]
pub struct Workload {
    /// The name in `BENCH` lines and the report.
    pub name: &'static str,
    /// Iterations in a full run.
    pub iters: u64,
    /// Iterations in a quick run.
    pub quick: u64,
    /// Does the work.
    pub run: fn(u64) -> Res<u64>,
}

const fn w(name: &'static str, iters: u64, quick: u64, run: fn(u64) -> Res<u64>) -> Workload {
    Workload {
        name,
        iters,
        quick,
        run,
    }
}

/// Every workload. Counts are sized so that a full run of each takes
/// roughly 10-100 ms of guest time on Linux under `-icount` (one ns per
/// instruction), a quick one about a tenth of that or less.
pub const ALL: &[Workload] = &[
    w("getpid", 20_000, 2_000, syscalls::getpid),
    w("read_null", 20_000, 2_000, syscalls::read_null),
    w("write_null", 20_000, 2_000, syscalls::write_null),
    w("pipe", 10_000, 1_000, ipc::pipe_small),
    w("pipe_pingpong", 2_000, 200, ipc::pipe_pingpong),
    w("open_close", 5_000, 500, syscalls::open_close),
    w("stat", 5_000, 500, syscalls::stat),
    w("fstat", 20_000, 2_000, syscalls::fstat),
    w("clock_gettime", 20_000, 2_000, syscalls::clock_gettime),
    w("mmap_munmap", 5_000, 500, memory::mmap_munmap),
    w("mmap_fault", 500, 50, memory::mmap_fault),
    w("mprotect", 5_000, 500, memory::mprotect),
    w("brk", 5_000, 500, syscalls::brk),
    w("sigaction", 20_000, 2_000, syscalls::sigaction),
    w("sigprocmask", 20_000, 2_000, syscalls::sigprocmask),
    w("signal_delivery", 5_000, 500, syscalls::signal_delivery),
    w("fork_exit", 500, 50, process::fork_exit),
    w("vfork_exit", 500, 50, process::vfork_exit),
    w("fork_exec", 200, 20, process::fork_exec),
    w("vfork_exec", 200, 20, process::vfork_exec),
    w("posix_spawn", 200, 20, process::posix_spawn_wait),
    w("exec_chain", 50, 5, process::exec_chain),
    w("fork_then_pingpong", 200, 20, process::fork_then_pingpong),
    w("shell_noop", 50, 5, ipc::shell_noop),
    w("busybox_pipeline", 20, 3, ipc::busybox_pipeline),
    w("fork_exit_64m", 50, 5, process::fork_exit_64m),
    w("fork_exec_64m", 50, 5, process::fork_exec_64m),
    w("fork_exit_1g", 5, 2, process::fork_exit_1g),
    w("fork_exec_1g", 5, 2, process::fork_exec_1g),
    // The parent's fork stall only (see snapshot.rs), five snapshots in a
    // row from one parent: what a server doing periodic BGSAVEs sees.
    w("snapshot_64m", 5, 5, snapshot::snapshot_64m),
    w("snapshot_512m", 5, 2, snapshot::snapshot_512m),
];

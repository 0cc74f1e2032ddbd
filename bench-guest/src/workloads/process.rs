//! Process creation: fork, vfork, posix_spawn and exec, each checking the
//! child's exit status; the fork workloads again with the parent holding a
//! large touched heap.
use super::memory::touched_heap;
use crate::spawn::{posix_spawn, vfork_run, VforkChild, VforkStack};
use crate::sys::{exit_now, fork_run, read_exact, wait_exit, write_all, ExecSpec, Res};
use crate::timer::time;

/// The program the exec workloads run, and the code it exits with.
pub const EXIT_PROGRAM: &str = "/bin/bench-exit";
const EXIT_PROGRAM_CODE: i32 = 42;
/// The code the fork/vfork children `_exit` with.
const CHILD_CODE: i32 = 7;
/// Execs per `exec_chain` child (each exec replaces the previous image).
pub const CHAIN_EXECS: u32 = 4;
/// Round trips per `fork_then_pingpong` child.
pub const PINGPONG_ROUNDS: usize = 16;

fn exit_spec() -> ExecSpec {
    ExecSpec::new(EXIT_PROGRAM, &[EXIT_PROGRAM])
}

pub fn fork_exit(n: u64) -> Res<u64> {
    time(n, || {
        wait_exit(fork_run(|| exit_now(CHILD_CODE))?, CHILD_CODE)
    })
}

pub fn vfork_exit(n: u64) -> Res<u64> {
    let mut stack = VforkStack::new();
    let what = VforkChild::Exit(CHILD_CODE);
    time(n, || wait_exit(vfork_run(&mut stack, &what)?, CHILD_CODE))
}

pub fn fork_exec(n: u64) -> Res<u64> {
    let spec = exit_spec();
    time(n, || {
        wait_exit(fork_run(|| spec.exec_in_child())?, EXIT_PROGRAM_CODE)
    })
}

pub fn vfork_exec(n: u64) -> Res<u64> {
    let spec = exit_spec();
    let mut stack = VforkStack::new();
    let what = VforkChild::Exec(&spec);
    time(n, || {
        wait_exit(vfork_run(&mut stack, &what)?, EXIT_PROGRAM_CODE)
    })
}

pub fn posix_spawn_wait(n: u64) -> Res<u64> {
    let spec = exit_spec();
    time(n, || wait_exit(posix_spawn(&spec)?, EXIT_PROGRAM_CODE))
}

/// posix_spawn of a child that execs itself [`CHAIN_EXECS`] more times.
pub fn exec_chain(n: u64) -> Res<u64> {
    let count = CHAIN_EXECS.to_string();
    let spec = ExecSpec::new(EXIT_PROGRAM, &[EXIT_PROGRAM, "chain", &count]);
    time(n, || wait_exit(posix_spawn(&spec)?, EXIT_PROGRAM_CODE))
}

/// fork, then [`PINGPONG_ROUNDS`] one-byte round trips between parent and
/// child over two pipes, then the child exits: a child that lives on after
/// fork and sleeps (what promotes a hybrid child).
pub fn fork_then_pingpong(n: u64) -> Res<u64> {
    time(n, || {
        let (to_child_r, to_child_w) = crate::sys::pipe()?;
        let (to_parent_r, to_parent_w) = crate::sys::pipe()?;
        let pid = fork_run(|| {
            let mut b = [0u8; 1];
            for _ in 0..PINGPONG_ROUNDS {
                if read_exact(to_child_r, &mut b).is_err()
                    || write_all(to_parent_w, &[b[0] + 1]).is_err()
                {
                    exit_now(1);
                }
            }
            exit_now(CHILD_CODE)
        })?;
        let mut result = Ok(());
        for i in 0..PINGPONG_ROUNDS {
            let mut b = [0u8; 1];
            let sent = i as u8;
            result = write_all(to_child_w, &[sent]).and_then(|_| read_exact(to_parent_r, &mut b));
            if result.is_ok() && b[0] != sent + 1 {
                result = Err(format!("round {i}: got {} for {sent}", b[0]));
            }
            if result.is_err() {
                break;
            }
        }
        for fd in [to_child_r, to_child_w, to_parent_r, to_parent_w] {
            crate::sys::close(fd);
        }
        result.and(wait_exit(pid, CHILD_CODE))
    })
}

/// Runs `work` with a touched heap of `mib` MiB, and checks the heap is
/// unchanged afterwards (no child's write reached the parent).
fn with_heap(mib: usize, n: u64, work: fn(u64) -> Res<u64>) -> Res<u64> {
    let heap = touched_heap(mib)?;
    let ns = work(n)?;
    heap.verify(0x5a)?;
    Ok(ns)
}

pub fn fork_exit_64m(n: u64) -> Res<u64> {
    with_heap(64, n, fork_exit)
}

pub fn fork_exit_1g(n: u64) -> Res<u64> {
    with_heap(1024, n, fork_exit)
}

pub fn fork_exec_64m(n: u64) -> Res<u64> {
    with_heap(64, n, fork_exec)
}

pub fn fork_exec_1g(n: u64) -> Res<u64> {
    with_heap(1024, n, fork_exec)
}

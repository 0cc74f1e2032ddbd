//! Out of memory while a hybrid child is promoted: the child is killed,
//! never the parent. Each round the child writes its copy of the parent's
//! buffer (inside the window) and then makes a system call a fork+exec
//! child does not make (`kill(self, 0)`), which promotes it to a classic
//! child; it then checks its copy and exits 0.
//!
//! Our kernel can fail promotions on purpose: booted with
//! `fail_promotion=N` (fault injection, like Linux's fail_page_alloc), the
//! first N promotions find no free frame. This program reads the kernel
//! command line (/proc/cmdline) and the fork policy (/proc/forkstat), and
//! expects the children of its first N rounds to die by SIGKILL when the
//! policy is hybrid; otherwise (Linux, other strategies, no injection)
//! every child exits 0. Either way the parent's buffer, malloc and println
//! must stay intact.
//!
//! With `--by-sleep` the child is promoted by a sleep instead: it reads
//! an empty pipe (a call the window allows), which blocks, and the
//! scheduler promotes it before it sleeps; the parent, woken by the
//! promotion, writes the byte the child waits for. A child killed there
//! must unwind out of the blocking read before it exits (ending it inside
//! the sleep leaked its kernel stack).
//!
//! Usage: promote_oom [--rounds N] [--buffer-kb K] [--by-sleep]   (defaults
//! 3, 1024; at least one round more than the failures injected)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{pattern, Args, Checker};

/// A touched region the children never write: it spans at least one
/// whole last-level table that a hybrid child still borrows when it is
/// promoted, so promotion must allocate page tables (a child that had
/// written everywhere would own all its tables, and promoting it would
/// need no memory at all).
const UNTOUCHED_KB: usize = 4096;
/// Where the untouched mapping goes: top-level slot 64, which nothing else
/// uses (the image, heap, mmap area and stack are in slots 0 and 255).
const UNTOUCHED_HINT: usize = 0x2000_0000_0000;

/// Promotions the kernel fails on purpose in this boot: `fail_promotion=N`
/// on the command line, when fork is hybrid (only hybrid promotes).
fn injected_failures() -> usize {
    let cmdline = std::fs::read_to_string("/proc/cmdline").unwrap_or_default();
    let hybrid = std::fs::read_to_string("/proc/forkstat")
        .is_ok_and(|t| t.lines().any(|l| l.trim() == "fork_policy: hybrid"));
    let n = cmdline
        .split_whitespace()
        .find_map(|w| w.strip_prefix("fail_promotion="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if hybrid {
        n
    } else {
        0
    }
}

/// The child: writes its copy of the buffer, gets promoted, checks its
/// copy. Exit 0 when the copy is right, 1 otherwise.
fn child(view: usize, len: usize, b: u8, wake_fd: Option<i32>) -> i32 {
    // SAFETY: this process's copy of the parent's buffer, `len` bytes,
    // which nothing else in this process uses.
    let mine = unsafe { std::slice::from_raw_parts_mut(view as *mut u8, len) };
    for page in mine.chunks_mut(4096).step_by(2) {
        page[0] = !b;
    }
    match wake_fd {
        // A blocking read: promotes a hybrid child before it sleeps.
        Some(fd) => {
            let mut byte = [0u8];
            if sys::read_exact(fd, &mut byte).is_err() {
                return 3;
            }
        }
        // Outside the fork+exec set: promotes a hybrid child.
        None => {
            if sys::kill(sys::getpid(), 0).is_err() {
                return 2;
            }
        }
    }
    let right = mine
        .chunks(4096)
        .enumerate()
        .all(|(i, p)| p[0] == if i % 2 == 0 { !b } else { b } && p[1..].iter().all(|&x| x == b));
    i32::from(!right)
}

fn main() {
    let args = Args::from_env();
    let kb: usize = args.value("--buffer-kb", 1024);
    let failures = injected_failures();
    let by_sleep = args.flag("--by-sleep");
    let rounds = args.value("--rounds", 3).max(failures + 1);
    let mut c = Checker::new("promote_oom");
    c.note(format_args!(
        "{failures} promotion failures injected, {rounds} rounds"
    ));

    let mut buf = vec![0u8; kb * 1024];
    // Far from everything the child writes (its own 512 GiB slot of the
    // top-level table), so promotion must allocate tables for it under
    // either target: classic copies them, on-demand copies the upper ones.
    let mut untouched = Mapping::anon_near(UNTOUCHED_HINT, UNTOUCHED_KB * 1024).expect("mmap");
    untouched.as_mut_slice().fill(0x5a);
    let (mut as_expected, mut intact, mut libc_ok) = (0, 0, 0);
    for round in 0..rounds {
        let b = pattern(round, 3);
        buf.fill(b);
        let (view, len) = (buf.as_mut_ptr() as usize, buf.len());
        let pipe = if by_sleep {
            Some(sys::pipe().expect("pipe"))
        } else {
            None
        };
        let pid = sys::spawn_child(|| child(view, len, b, pipe.map(|p| p.0))).expect("fork");
        let status = if let Some((r, w)) = pipe {
            sys::write_all(w, b"x").expect("wake the child");
            let status = sys::wait(pid);
            sys::close(r);
            sys::close(w);
            status
        } else {
            sys::wait(pid)
        };
        let expected = if round < failures {
            Status::Signaled(libc::SIGKILL)
        } else {
            Status::Exited(0)
        };
        as_expected += usize::from(status == Ok(expected));
        intact += usize::from(
            buf.iter().all(|&x| x == b) && untouched.as_slice().iter().all(|&x| x == 0x5a),
        );
        let v: Vec<String> = (0..100).map(|i| format!("{round}-{i}")).collect();
        libc_ok += usize::from(v[99] == format!("{round}-99"));
        println!(
            "  round {round}: pattern {b:#04x}, child {pid}: {status:?} (expected {expected:?})"
        );
    }
    c.equal(
        "children ended as expected (SIGKILL while promotion fails)",
        as_expected,
        rounds,
    );
    c.equal(
        format_args!(
            "rounds with the parent's {kb} KiB buffer and {UNTOUCHED_KB} KiB mapping intact"
        ),
        intact,
        rounds,
    );
    c.equal("rounds with malloc/format working", libc_ok, rounds);
    c.finish();
}

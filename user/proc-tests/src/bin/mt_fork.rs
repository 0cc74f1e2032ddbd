//! A multi-threaded parent forks while its other thread keeps writing
//! memory. (Our kernel must take the classic path here: a borrowing child
//! would see the writer's stores.) The writer sweeps a 256 KiB array over
//! and over, storing its sweep number in every word. The main thread forks
//! N children, alternately one that execs `exit_with 3` and one that reads
//! its snapshot and exits. A snapshot child checks, with async-signal-safe
//! work only: the main thread's own region holds the pattern of this round,
//! and every writer word holds a sweep number between the one the parent
//! saw just before fork and the writer's counter in the child's copy.
//! Afterwards: every child ended as expected, the writer ran during the
//! forks, and its array and the main region are exactly right.
//!
//! Usage: mt_fork [--forks N]   (default 100)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{pattern, sibling, Args, Checker};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::Arc;

const WORDS: usize = 32 * 1024;

struct Shared {
    sweep: AtomicU64,
    words: Vec<AtomicU64>,
    stop: AtomicBool,
}

fn writer(s: &Shared) -> u64 {
    while !s.stop.load(SeqCst) {
        let n = s.sweep.load(SeqCst) + 1;
        for w in &s.words {
            w.store(n, SeqCst);
        }
        s.sweep.store(n, SeqCst);
    }
    s.sweep.load(SeqCst)
}

/// The snapshot child's checks; returns a bitmask of failures.
fn check_snapshot(s: &Shared, region: &[u8], b: u8, seen: u64) -> i32 {
    let mut bad = 0;
    if !region.iter().all(|&x| x == b) {
        bad |= 1;
    }
    // In the copy, the writer is frozen mid-sweep at `sweep` (finished)
    // or writing `sweep + 1`; `seen` was read before fork.
    let top = s.sweep.load(SeqCst) + 1;
    if s.sweep.load(SeqCst) < seen {
        bad |= 2;
    }
    if !s
        .words
        .iter()
        .all(|w| (seen..=top).contains(&w.load(SeqCst)))
    {
        bad |= 4;
    }
    bad
}

fn main() {
    let args = Args::from_env();
    let forks: usize = args.value("--forks", 100);
    let mut c = Checker::new("mt_fork");
    let path = CString::new(sibling("exit_with")).expect("no NUL");
    let three = CString::new("3").expect("no NUL");
    let argv = [path.as_ptr(), three.as_ptr(), std::ptr::null()];
    let envp: [*const libc::c_char; 1] = [std::ptr::null()];

    let s = Arc::new(Shared {
        sweep: AtomicU64::new(0),
        words: (0..WORDS).map(|_| AtomicU64::new(0)).collect(),
        stop: AtomicBool::new(false),
    });
    let w = std::thread::spawn({
        let s = Arc::clone(&s);
        move || writer(&s)
    });
    let mut region = vec![0u8; 64 * 1024];
    while s.sweep.load(SeqCst) < 2 {
        std::hint::spin_loop();
    }
    let first = s.sweep.load(SeqCst);
    let (mut exec_ok, mut snap_ok) = (0, 0);
    for i in 0..forks {
        let b = pattern(i, 5);
        region.fill(b);
        let seen = s.sweep.load(SeqCst);
        let exec = i % 2 == 0;
        let pid = sys::spawn_child(|| {
            if exec {
                // SAFETY: argv and envp are null-terminated arrays of valid
                // NUL-terminated strings that outlive the call.
                unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
                return 127;
            }
            check_snapshot(&s, &region, b, seen)
        });
        match (pid.map(sys::wait), exec) {
            (Ok(Ok(Status::Exited(3))), true) => exec_ok += 1,
            (Ok(Ok(Status::Exited(0))), false) => snap_ok += 1,
            (other, _) => println!("  fork {i} (exec {exec}): {other:?}"),
        }
    }
    let during = s.sweep.load(SeqCst) - first;
    s.stop.store(true, SeqCst);
    let last = w.join().unwrap_or(0);

    c.equal(
        "children that exec'd exit_with 3",
        exec_ok,
        forks.div_ceil(2),
    );
    c.equal("children whose snapshot was consistent", snap_ok, forks / 2);
    c.check(
        format_args!("writer thread swept {during} times during the forks"),
        during > 0,
    );
    c.check(
        format_args!("writer's array all equal its last sweep {last}"),
        s.words.iter().all(|w| w.load(SeqCst) == last),
    );
    c.check(
        "main thread's region holds its last pattern",
        region
            .iter()
            .all(|&x| x == pattern(forks.saturating_sub(1), 5)),
    );
    c.finish();
}

//! No leak: MemFree (from /proc/meminfo) before and after N
//! fork + execve(exit_with 0) + exit + wait4 cycles.
//!
//! On Linux MemFree moves on its own (page cache, other processes), so by
//! default the program only reports the delta. On our kernel the suite
//! passes `--exact`: MemFree must come back to exactly its starting value
//! (or within `--max-delta-kb K` when that is given with it). Every cycle
//! must also end with exit code 0. A warm-up of 10 cycles runs first so
//! that one-time growth (our heap, the kernel's caches) is not counted.
//!
//! Usage: no_leak [--cycles N] [--exact] [--max-delta-kb K]   (1000, off, 0)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{sibling, Args, Checker};
use std::ffi::CString;

/// MemFree in kB, or None when /proc/meminfo is missing or has no such
/// line. Reads into a stack buffer: allocating here could grow our own
/// heap between the two readings and count as a leak.
fn mem_free_kb() -> Option<i64> {
    // SAFETY: the path is a NUL-terminated literal.
    let fd = unsafe { libc::open(c"/proc/meminfo".as_ptr(), libc::O_RDONLY) };
    if fd < 0 {
        return None;
    }
    let mut buf = [0u8; 8192];
    let mut len = 0;
    while len < buf.len() {
        match sys::read(fd, &mut buf[len..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    sys::close(fd);
    let text = std::str::from_utf8(&buf[..len]).ok()?;
    let line = text.lines().find(|l| l.starts_with("MemFree:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `n` cycles; returns how many ended with exit code 0. Allocates
/// nothing inside the loop.
fn cycles(n: usize, argv: &[*const libc::c_char], envp: &[*const libc::c_char]) -> usize {
    let mut ok = 0;
    for _ in 0..n {
        let pid = sys::spawn_child(|| {
            // SAFETY: argv and envp are null-terminated arrays of valid
            // NUL-terminated strings that outlive the call.
            unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
            127
        });
        if let Ok(pid) = pid {
            ok += usize::from(sys::wait(pid) == Ok(Status::Exited(0)));
        }
    }
    ok
}

fn main() {
    let args = Args::from_env();
    let n: usize = args.value("--cycles", 1000);
    let exact = args.flag("--exact");
    let max_delta: i64 = args.value("--max-delta-kb", 0);
    let mut c = Checker::new("no_leak");

    let path = CString::new(sibling("exit_with")).expect("no NUL in the path");
    let zero = CString::new("0").expect("no NUL");
    let argv = [path.as_ptr(), zero.as_ptr(), std::ptr::null()];
    let envp = [std::ptr::null()];

    c.equal("warm-up cycles that exited 0", cycles(10, &argv, &envp), 10);
    let before = mem_free_kb();
    let start = sys::now_ms();
    let ok = cycles(n, &argv, &envp);
    let ms = sys::now_ms() - start;
    let after = mem_free_kb();
    c.equal(
        format_args!("fork/exec/exit cycles that exited 0 ({ms} ms)"),
        ok,
        n,
    );
    match (before, after) {
        (Some(b), Some(a)) => {
            let delta = a - b;
            let what = format_args!("MemFree {b} kB -> {a} kB (delta {delta:+} kB)");
            if exact {
                c.check(
                    format_args!("{what}, allowed +-{max_delta} kB"),
                    delta.abs() <= max_delta,
                );
            } else {
                c.note(format_args!(
                    "{what}; not checked without --exact (Linux's MemFree is not exact)"
                ));
            }
        }
        _ if exact => {
            c.check("MemFree readable from /proc/meminfo", false);
        }
        _ => c.note("no MemFree in /proc/meminfo; not needed without --exact"),
    }
    c.finish();
}

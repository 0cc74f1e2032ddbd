//! No leak: the kernel's memory ledger before and after N cycles of one
//! kind (`--mode`): `forkexec` (fork + execve(exit_with 0) + exit + wait4),
//! `forkexit` (fork + _exit + wait4) or `pipemmap` (pipe, close both ends,
//! mmap 64 KiB, touch it, munmap).
//!
//! On Linux MemFree moves on its own (page cache, other processes), so by
//! default the program only reports the deltas. On our kernel the suite
//! passes `--exact`: every ledger line of /proc/meminfo (MemFree, Slab,
//! KernelStack, VmallocUsed, KernelHeap, KernelPageTables) must come back
//! to exactly its starting value (MemFree within `--max-delta-kb K` when
//! that is given). Every cycle must also succeed. A warm-up of 10 cycles
//! runs first so that one-time growth (our heap, the kernel's caches) is
//! not counted.
//!
//! Usage: no_leak [--mode M] [--cycles N] [--exact] [--max-delta-kb K]
//! (forkexec, 1000, off, 0)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{sibling, Args, Checker, Mapping};
use std::ffi::CString;

/// The ledger's lines, in /proc/meminfo's order.
const LEDGER: [&str; 6] = [
    "MemFree",
    "Slab",
    "KernelStack",
    "VmallocUsed",
    "KernelHeap",
    "KernelPageTables",
];

/// Each ledger line in kB (None when missing). Reads into a stack buffer:
/// allocating here could grow our own heap between the two readings and
/// count as a leak.
fn ledger() -> [Option<i64>; LEDGER.len()] {
    let mut out = [None; LEDGER.len()];
    // SAFETY: the path is a NUL-terminated literal.
    let fd = unsafe { libc::open(c"/proc/meminfo".as_ptr(), libc::O_RDONLY) };
    if fd < 0 {
        return out;
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
    let Ok(text) = std::str::from_utf8(&buf[..len]) else {
        return out;
    };
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some(name), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        if let Some(i) = LEDGER
            .iter()
            .position(|l| name.strip_suffix(':') == Some(l))
        {
            out[i] = value.parse().ok();
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    ForkExec,
    ForkExit,
    PipeMmap,
}

/// Runs `n` cycles; returns how many succeeded. Allocates nothing inside
/// the loop.
fn cycles(
    mode: Mode,
    n: usize,
    argv: &[*const libc::c_char],
    envp: &[*const libc::c_char],
) -> usize {
    let mut ok = 0;
    for _ in 0..n {
        let good = match mode {
            Mode::ForkExec => sys::spawn_child(|| {
                // SAFETY: argv and envp are null-terminated arrays of valid
                // NUL-terminated strings that outlive the call.
                unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
                127
            })
            .is_ok_and(|pid| sys::wait(pid) == Ok(Status::Exited(0))),
            Mode::ForkExit => {
                sys::spawn_child(|| 0).is_ok_and(|pid| sys::wait(pid) == Ok(Status::Exited(0)))
            }
            Mode::PipeMmap => pipe_mmap(),
        };
        ok += usize::from(good);
    }
    ok
}

fn pipe_mmap() -> bool {
    let Ok((r, w)) = sys::pipe() else {
        return false;
    };
    sys::close(r);
    sys::close(w);
    let Ok(mut m) = Mapping::anon(64 << 10) else {
        return false;
    };
    for page in m.as_mut_slice().chunks_mut(4096) {
        page[0] = 1;
    }
    m.unmap()
}

fn main() {
    let args = Args::from_env();
    let n: usize = args.value("--cycles", 1000);
    let exact = args.flag("--exact");
    let max_delta: i64 = args.value("--max-delta-kb", 0);
    let mode = match args.value::<String>("--mode", "forkexec".into()).as_str() {
        "forkexec" => Mode::ForkExec,
        "forkexit" => Mode::ForkExit,
        "pipemmap" => Mode::PipeMmap,
        other => {
            eprintln!("no_leak: unknown --mode {other}");
            std::process::exit(2);
        }
    };
    let mut c = Checker::new("no_leak");

    let path = CString::new(sibling("exit_with")).expect("no NUL in the path");
    let zero = CString::new("0").expect("no NUL");
    let argv = [path.as_ptr(), zero.as_ptr(), std::ptr::null()];
    let envp = [std::ptr::null()];

    c.equal(
        "warm-up cycles that succeeded",
        cycles(mode, 10, &argv, &envp),
        10,
    );
    let before = ledger();
    let start = sys::now_ms();
    let ok = cycles(mode, n, &argv, &envp);
    let ms = sys::now_ms() - start;
    let after = ledger();
    c.equal(format_args!("cycles that succeeded ({ms} ms)"), ok, n);
    for (i, name) in LEDGER.iter().enumerate() {
        match (before[i], after[i]) {
            (Some(b), Some(a)) => {
                let delta = a - b;
                let what = format_args!("{name} {b} kB -> {a} kB (delta {delta:+} kB)");
                let allowed = if i == 0 { max_delta } else { 0 };
                if exact {
                    c.check(
                        format_args!("{what}, allowed +-{allowed} kB"),
                        delta.abs() <= allowed,
                    );
                } else {
                    c.note(format_args!("{what}; not checked without --exact"));
                }
            }
            _ if exact => {
                c.check(format_args!("{name} readable from /proc/meminfo"), false);
            }
            _ => c.note(format_args!(
                "no {name} in /proc/meminfo; not needed without --exact"
            )),
        }
    }
    c.finish();
}

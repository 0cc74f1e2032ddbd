//! Helpers shared by the user test programs: raw system calls that report
//! the errno, and a checker that prints one line per check and exits with
//! the verdict.
//!
//! The programs are ordinary static Linux binaries: `scripts/test-user-on-linux.sh`
//! runs them on the host Linux to prove the expectations are Linux's before
//! the kernel is held to them.

use std::fmt::Display;
use std::io::Error;

/// Performs system call `nr` with up to six arguments, returning the raw
/// result or the errno.
pub fn syscall(nr: libc::c_long, args: &[u64]) -> Result<i64, i32> {
    assert!(
        args.len() <= 6,
        "x86_64 system calls take at most six arguments"
    );
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    // SAFETY: the raw syscall may read or write memory at addresses in
    // `args`. Callers pass either valid buffers they own or addresses that
    // are deliberately invalid (null, kernel-half, unmapped), which the
    // kernel must reject with EFAULT without touching our memory.
    let ret = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if ret == -1 {
        Err(Error::last_os_error().raw_os_error().unwrap_or(0))
    } else {
        Ok(ret)
    }
}

/// The symbolic name of an errno, for readable output.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::EBADF => "EBADF",
        libc::EFAULT => "EFAULT",
        libc::EEXIST => "EEXIST",
        libc::ENOTDIR => "ENOTDIR",
        libc::EISDIR => "EISDIR",
        libc::EINVAL => "EINVAL",
        libc::ENOTTY => "ENOTTY",
        libc::ERANGE => "ERANGE",
        libc::ENOSYS => "ENOSYS",
        libc::ENOTEMPTY => "ENOTEMPTY",
        libc::ENAMETOOLONG => "ENAMETOOLONG",
        libc::ESPIPE => "ESPIPE",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        _ => return format!("errno {errno}"),
    };
    name.to_string()
}

/// Counts checks and failures; every check prints one line, indented so
/// that the kernel test runner's own unindented `ok`/`FAIL` lines (one per
/// program) stay the only ones a harness greps for.
#[derive(Debug, Default)]
pub struct Checker {
    checks: u32,
    failures: u32,
}

impl Checker {
    pub fn new() -> Self {
        Checker::default()
    }

    /// A boolean check with a description of what should hold.
    pub fn check(&mut self, what: impl Display, ok: bool) {
        self.checks += 1;
        if ok {
            println!("  ok   {what}");
        } else {
            self.failures += 1;
            println!("  FAIL {what}");
        }
    }

    /// Two values that must be equal.
    pub fn equal<T: PartialEq + std::fmt::Debug>(&mut self, what: impl Display, got: T, want: T) {
        let ok = got == want;
        if ok {
            self.check(format_args!("{what} = {got:?}"), true);
        } else {
            self.check(format_args!("{what}: got {got:?}, want {want:?}"), false);
        }
    }

    /// A syscall result that must be the error `errno`.
    pub fn errno(&mut self, what: impl Display, result: Result<i64, i32>, errno: i32) {
        match result {
            Err(e) if e == errno => self.check(format_args!("{what} = -{}", errno_name(e)), true),
            Err(e) => self.check(
                format_args!(
                    "{what}: got -{}, want -{}",
                    errno_name(e),
                    errno_name(errno)
                ),
                false,
            ),
            Ok(v) => self.check(
                format_args!("{what}: got {v}, want -{}", errno_name(errno)),
                false,
            ),
        }
    }

    /// A syscall result that must succeed; returns the value (or -1).
    pub fn success(&mut self, what: impl Display, result: Result<i64, i32>) -> i64 {
        match result {
            Ok(v) => {
                self.check(format_args!("{what} = {v}"), true);
                v
            }
            Err(e) => {
                self.check(
                    format_args!("{what}: got -{}, want success", errno_name(e)),
                    false,
                );
                -1
            }
        }
    }

    /// Prints the summary and exits: 0 if every check passed.
    pub fn finish(self, program: &str) -> ! {
        println!(
            "{program}: {} checks, {} failed",
            self.checks, self.failures
        );
        std::process::exit(if self.failures == 0 { 0 } else { 1 })
    }
}

//! Rust std's `Command::output()` and `Command::spawn` with piped stdio,
//! unmodified (issue 11): std reads the child's stdout and stderr through
//! pipes it makes non-blocking with `ioctl(FIONBIO)`, which panicked with
//! "Not a tty" on a kernel that only knew terminal ioctls. The child is
//! this program again, run with `--child`.
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::Checker;
use std::io::Write;
use std::process::{Command, Stdio};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        print!("to stdout");
        eprint!("to stderr");
        std::process::exit(7);
    }
    let me = &args[0];
    let mut c = Checker::new("std_command_output");
    match Command::new(me).arg("--child").output() {
        Ok(out) => {
            c.equal("exit code", out.status.code(), Some(7));
            c.equal("stdout", out.stdout.as_slice(), b"to stdout".as_slice());
            c.equal("stderr", out.stderr.as_slice(), b"to stderr".as_slice());
        }
        Err(e) => {
            c.check(format_args!("output() failed: {e}"), false);
        }
    }
    // stdin piped too: the child's output is read back after writing.
    let child = Command::new(me)
        .arg("--child")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            let wrote = child.stdin.take().map(|mut s| s.write_all(b"x").is_ok());
            // The child never reads: the write may fail with EPIPE once it
            // exited, which is fine; it must not hang or panic.
            let _ = wrote;
            match child.wait_with_output() {
                Ok(out) => c.equal(
                    "piped stdout",
                    out.stdout.as_slice(),
                    b"to stdout".as_slice(),
                ),
                Err(e) => c.check(format_args!("wait_with_output failed: {e}"), false),
            };
        }
        Err(e) => {
            c.check(format_args!("spawn failed: {e}"), false);
        }
    }
    c.finish()
}

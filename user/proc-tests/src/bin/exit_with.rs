//! The small program the exec tests start: `exit_with CODE` exits with
//! CODE; `exit_with sig SIGNUM` kills itself with signal SIGNUM (default
//! action restored first, so SIGTERM and friends really terminate).
//! A malformed command line exits 100, a code no test expects.
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        [code] => match code.parse::<i32>() {
            Ok(code) => sys::exit_now(code),
            Err(_) => sys::exit_now(100),
        },
        ["sig", num] => match num.parse::<i32>() {
            Ok(sig) => {
                // SAFETY: restoring the default action has no memory
                // conditions.
                unsafe { libc::signal(sig, libc::SIG_DFL) };
                let _ = sys::kill(sys::getpid(), sig);
                // A signal whose default action is to ignore (or a kernel
                // that lost it) lands here.
                sys::exit_now(101)
            }
            Err(_) => sys::exit_now(100),
        },
        _ => sys::exit_now(100),
    }
}

//! The adaptive hybrid window, as a program sees it: children that live
//! on (each sleeps before it exits) and then one that execs, then one more
//! that lives on. Every child must end as it should under any strategy
//! (this program's own checks, on Linux too). Under fork=hybrid the
//! suite's counters (manifest.hybrid, through forkexec_counters) show the
//! rule: the first two children are hybrid and promoted by their sleep
//! (the nanosleep call),
//! the third and the exec'ing fourth are forked on demand (the parent's
//! children live on), the fourth's exec sends the parent back to hybrid,
//! and the fifth is hybrid again.
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{sibling, Checker};
use std::ffi::CString;

/// A child that sleeps 20 ms (a long-lived child's first sleep) and
/// exits `code`.
fn sleeper(code: i32) -> Result<libc::pid_t, i32> {
    sys::spawn_child(|| {
        sys::sleep_ms(20);
        code
    })
}

fn main() {
    let mut c = Checker::new("adaptive_fork");
    let path = CString::new(sibling("exit_with")).expect("no NUL in the path");
    let code = CString::new("7").expect("no NUL");
    let argv = [path.as_ptr(), code.as_ptr(), std::ptr::null()];
    let envp = [std::ptr::null()];
    for i in 0..3 {
        let st = sleeper(i).and_then(sys::wait);
        c.equal(
            format_args!("long-lived child {i} exits {i}"),
            st,
            Ok(Status::Exited(i)),
        );
    }
    let st = sys::spawn_child(|| {
        // SAFETY: argv and envp are null-terminated arrays of valid
        // NUL-terminated strings that outlive the call.
        unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
        127
    })
    .and_then(sys::wait);
    c.equal("the exec'ing child exits 7", st, Ok(Status::Exited(7)));
    let st = sleeper(5).and_then(sys::wait);
    c.equal(
        "the last long-lived child exits 5",
        st,
        Ok(Status::Exited(5)),
    );
    c.finish();
}

//! A fork parent killed by a signal that is not SIGKILL while its child
//! has not yet exec'd or exited: the parent dies by that signal and the
//! child runs on as an ordinary orphan, whatever the fork strategy. Under
//! the hybrid fork the parent is asleep in fork() while the child borrows
//! its memory; musl's fork wrapper blocks every signal around the system
//! call (as on Linux, the signal waits for fork to return), so the child
//! leaves the window by its CPU budget, and the parent dies as fork
//! returns and unblocks.
//!
//! A courier process (forked first) polls a MAP_SHARED word; the child
//! publishes its parent's pid there and yields until its parent is gone;
//! the courier sends SIGTERM (default action: terminate). Checked each
//! round: the parent dies by SIGTERM; the orphaned child runs to its end
//! (it holds a pipe's write end, read here to end of file) and reports
//! that it saw its parent go.
//!
//! Usage: parent_killed [--rounds N]   (default 5)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::courier;
use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{Args, Checker};

/// Yields a child waits for its parent to go before giving up.
const MAX_YIELDS: u32 = 1_000_000;

/// The middle process: forks the child, then waits for it (it is killed
/// before the child ends). The child publishes the middle process's pid,
/// yields until it is orphaned, and writes one byte: 1 when it saw its
/// parent go, 0 when it gave up.
fn middle(shared: &Mapping, report: i32) -> i32 {
    let me = sys::getpid();
    let child = sys::spawn_child(|| {
        courier::publish_pid(shared, me);
        let mut yields = 0;
        // SAFETY: getppid has no arguments or conditions.
        while unsafe { libc::getppid() } == me && yields < MAX_YIELDS {
            // SAFETY: sched_yield has no arguments or conditions.
            unsafe { libc::sched_yield() };
            yields += 1;
        }
        let orphaned = u8::from(yields < MAX_YIELDS);
        i32::from(sys::write(report, &[orphaned]).is_err())
    });
    match child {
        Ok(pid) => {
            let _ = sys::wait(pid);
            0
        }
        Err(_) => 3,
    }
}

fn main() {
    let args = Args::from_env();
    let rounds: usize = args.value("--rounds", 5);
    let mut c = Checker::new("parent_killed");

    let shared = Mapping::shared(4096).expect("mmap shared");
    let courier_pid =
        sys::spawn_child(|| courier::run(&shared, libc::SIGTERM)).expect("fork the courier");
    let (mut killed, mut orphans_done) = (0, 0);
    for round in 0..rounds {
        let (r, w) = sys::pipe().expect("pipe");
        let pid = sys::spawn_child(|| middle(&shared, w)).expect("fork the middle process");
        sys::close(w);
        let status = sys::wait(pid);
        killed += usize::from(status == Ok(Status::Signaled(libc::SIGTERM)));
        let mut byte = [0u8; 1];
        let report = sys::read(r, &mut byte);
        // End of file follows once the orphan has exited.
        let mut rest = [0u8; 1];
        let eof = sys::read(r, &mut rest) == Ok(0);
        sys::close(r);
        orphans_done += usize::from(report == Ok(1) && byte[0] == 1 && eof);
        println!("  round {round}: middle {pid}: {status:?}, orphan report {report:?} {byte:?}");
    }
    courier::finish(&mut c, &shared, courier_pid, rounds);
    c.equal("parents killed by SIGTERM in their wait", killed, rounds);
    c.equal(
        "orphaned children that saw their parent go and ended",
        orphans_done,
        rounds,
    );
    c.finish();
}

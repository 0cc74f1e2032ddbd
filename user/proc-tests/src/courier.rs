//! A third process that signals children right after they fork: the
//! parent of a hybrid fork is asleep in fork() while its child borrows, so
//! a signal that must land inside that window has to come from elsewhere.
//! The courier polls a MAP_SHARED word for a pid (the child stores its own
//! there, with no system call but getpid) and signals it at once; between
//! polls it yields, so it runs whenever the child yields.
use crate::sys::{self, Status};
use crate::{Checker, Mapping};
use std::sync::atomic::Ordering::SeqCst;

/// Word 0 of the shared page: the pid to signal (0 = none yet).
const VICTIM: usize = 0;
/// Word 1: set to stop the courier.
const STOP: usize = 1;
/// Word 2: signals sent.
const SENT: usize = 2;

/// The courier's loop (run it in a forked child; returns its exit code):
/// sends `sig` to every pid published with [`publish`] until [`finish`] stops it.
pub fn run(shared: &Mapping, sig: i32) -> i32 {
    let (victim, stop, sent) = (
        shared.atomic_u64(VICTIM),
        shared.atomic_u64(STOP),
        shared.atomic_u64(SENT),
    );
    while stop.load(SeqCst) == 0 {
        let pid = victim.swap(0, SeqCst);
        if pid != 0 {
            if sys::kill(pid as i32, sig).is_ok() {
                sent.fetch_add(1, SeqCst);
            }
        } else {
            // SAFETY: sched_yield has no arguments or conditions.
            unsafe { libc::sched_yield() };
        }
    }
    0
}

/// Asks the courier to signal the calling process.
pub fn publish(shared: &Mapping) {
    publish_pid(shared, sys::getpid());
}

/// Asks the courier to signal process `pid`.
pub fn publish_pid(shared: &Mapping, pid: libc::pid_t) {
    shared.atomic_u64(VICTIM).store(pid as u64, SeqCst);
}

/// Stops the courier `pid` and checks that it exited 0 having sent
/// `want` signals.
pub fn finish(c: &mut Checker, shared: &Mapping, pid: libc::pid_t, want: usize) {
    shared.atomic_u64(STOP).store(1, SeqCst);
    let sent = shared.atomic_u64(SENT).load(SeqCst);
    c.equal("courier exited", sys::wait(pid), Ok(Status::Exited(0)));
    c.equal("signals the courier sent", sent, want as u64);
}

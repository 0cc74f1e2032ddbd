//! Sending signals: pending sets (per process and per thread), which
//! thread a signal wakes, the actions decided at send time (SIGKILL,
//! SIGCONT, discarding ignored signals), and what interrupts a sleep.
//! Delivery on the way back to user mode lives in [`deliver`].
pub mod deliver;
pub mod timedwait;

use super::thread::Thread;
use super::{current_process, sched, Process};
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use linux_abi::process::wait_status_signaled;
use linux_abi::signal::{
    default_action, si_code, DefaultAction, SigInfo, SigSet, SIGCONT, SIGKILL, SIGSTOP, SIGTSTP,
    SIGTTIN, SIGTTOU, SIG_DFL, SIG_IGN,
};

/// Kernel-internal "restart the call" codes (never seen by user mode): a
/// blocking call interrupted by a signal returns one of them and the
/// return path turns it into a restart or EINTR (Linux's
/// `include/linux/errno.h`).
pub const ERESTARTSYS: i32 = 512;
/// Restart unless a handler ran (then EINTR): pause, sigsuspend, sleeps.
pub const ERESTARTNOHAND: i32 = 514;

/// `Errno` for [`ERESTARTSYS`]: restart after a handler with SA_RESTART.
pub fn restart_sys() -> linux_abi::Errno {
    linux_abi::Errno::try_new(ERESTARTSYS).expect("512 is below MAX_ERRNO")
}

/// `Errno` for [`ERESTARTNOHAND`].
pub fn restart_nohand() -> linux_abi::Errno {
    linux_abi::Errno::try_new(ERESTARTNOHAND).expect("514 is below MAX_ERRNO")
}

/// Signals pending for `t` and not blocked by it.
pub fn deliverable(proc: &Process, t: &Thread) -> SigSet {
    let pending = proc.signals.lock().pending.0 | t.sig_pending.load(Ordering::Relaxed);
    SigSet(pending & !t.sig_mask.load(Ordering::Relaxed))
}

/// Whether the current thread's sleep should end: a signal it does not
/// block is pending, or it must exit.
pub fn interrupted() -> bool {
    let t = sched::current();
    let Some(p) = &t.process else {
        return false;
    };
    t.must_exit.load(Ordering::Relaxed)
        || p.group_exit.lock().is_some()
        || deliverable(p, &t).0 != 0
}

/// The wait status of a process `sig`'s default action kills: with the
/// core bit (WCOREDUMP) when the action dumps core and RLIMIT_CORE lets a
/// dump happen, as on Linux (which sets it only for a dump written; no
/// file is written here, see `proc::rlimit`).
pub fn fatal_status(p: &Process, sig: u32) -> i32 {
    let core = default_action(sig) == DefaultAction::CoreDump && p.rlimits.lock().dumps_core();
    wait_status_signaled(sig, core)
}

/// Wakes `t` if it sleeps interruptibly.
pub fn wake_for_signal(t: &Arc<Thread>) {
    if t.interruptible.load(Ordering::Relaxed) {
        sched::wake(t);
    }
}

fn is_stop(sig: u32) -> bool {
    matches!(sig, SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU)
}

/// Whether `p` would throw `sig` away on arrival (ignored and not blocked
/// by every thread; Linux's `sig_ignored`).
fn ignored(p: &Process, sig: u32) -> bool {
    let h = p.signals.lock().actions[sig as usize - 1].sa_handler;
    let ignore = h == SIG_IGN || (h == SIG_DFL && default_action(sig) == DefaultAction::Ignore);
    ignore
        && p.threads
            .lock()
            .iter()
            .all(|t| !SigSet(t.sig_mask.load(Ordering::Relaxed)).contains(sig))
}

/// Starts the exit of every thread of `p` with wait status `status`
/// (the first group exit wins).
pub fn kill_group(p: &Process, status: i32) {
    {
        let mut g = p.group_exit.lock();
        if g.is_none() {
            *g = Some(status);
        }
    }
    p.stopped.store(false, Ordering::Relaxed);
    p.stop_wait.wake_all();
    // Every sleep ends, even an uninterruptible one (its loop re-checks
    // and a killed vfork parent stops waiting): Linux's "killable" sleeps.
    for t in p.threads.lock().iter() {
        t.must_exit.store(true, Ordering::Relaxed);
        sched::wake(t);
    }
}

/// Sends `sig` to process `p` (`kill`), or to one of its threads when
/// `thread` is given (`tgkill`). Signal 0 only checks that `p` exists.
pub fn send(p: &Arc<Process>, thread: Option<&Arc<Thread>>, sig: u32, info: SigInfo) {
    if sig == 0 || p.is_zombie() || p.group_exit.lock().is_some() {
        return;
    }
    if super::exit::is_init(p) && p.signals.lock().actions[sig as usize - 1].sa_handler == SIG_DFL {
        return; // init takes only the signals it handles (sig_task_ignored)
    }
    if sig == SIGKILL {
        kill_group(p, wait_status_signaled(SIGKILL, false));
        return;
    }
    if sig == SIGCONT {
        let mut s = p.signals.lock();
        for stop in [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU] {
            s.pending = s.pending.without(stop);
        }
        drop(s);
        if p.stopped.swap(false, Ordering::Relaxed) {
            *p.job_event.lock() = Some(super::JobEvent::Continued);
            super::exit::notify_parent_job(p, si_code::CLD_CONTINUED, SIGCONT);
            p.stop_wait.wake_all();
        }
    } else if is_stop(sig) {
        let mut s = p.signals.lock();
        s.pending = s.pending.without(SIGCONT);
    }
    if ignored(p, sig) {
        return;
    }
    {
        let mut s = p.signals.lock();
        let already = match thread {
            Some(t) => SigSet(t.sig_pending.load(Ordering::Relaxed)).contains(sig),
            None => s.pending.contains(sig),
        };
        if already && sig < linux_abi::signal::SIGRTMIN {
            return; // standard signals do not queue
        }
        s.info.insert(sig, info);
        match thread {
            Some(t) => {
                t.sig_pending
                    .fetch_or(SigSet::EMPTY.with(sig).0, Ordering::Relaxed);
            }
            None => s.pending = s.pending.with(sig),
        }
    }
    // Wake a thread that can take it.
    let threads = p.threads.lock().clone();
    let target = match thread {
        Some(t) => Some(t.clone()),
        None => threads
            .iter()
            .find(|t| !SigSet(t.sig_mask.load(Ordering::Relaxed)).contains(sig))
            .cloned(),
    };
    if let Some(t) = target {
        let unblocked = !SigSet(t.sig_mask.load(Ordering::Relaxed)).contains(sig);
        if unblocked && kills_by_default(p, sig) {
            // As Linux's complete_signal: a signal that will kill the
            // process does so at once, so it also ends sleeps that wait
            // for nothing else to happen first (a vfork parent's, a
            // stopped process's).
            kill_group(p, fatal_status(p, sig));
            return;
        }
        wake_for_signal(&t);
    }
    if p.stopped.load(Ordering::Relaxed) {
        p.stop_wait.wake_all();
    }
}

/// Whether `sig`'s action in `p` is the default one and that kills.
fn kills_by_default(p: &Process, sig: u32) -> bool {
    p.signals.lock().actions[sig as usize - 1].sa_handler == SIG_DFL
        && matches!(
            default_action(sig),
            DefaultAction::Terminate | DefaultAction::CoreDump
        )
}

/// `siginfo` for a signal sent by the current process with `kill`.
pub fn user_info(sig: u32, code: i32) -> SigInfo {
    let pid = current_process().map_or(0, |p| p.pid);
    SigInfo::sent(sig, code, pid as i32, 0)
}

/// An exception's signal for the current thread. Returns true when a
/// handler will run; otherwise (no handler, or the signal blocked) the
/// process is killed, as Linux's `force_sig` does.
pub fn force_fault(sig: u32, addr: u64) -> bool {
    let t = sched::current();
    let p = t.process.clone().expect("fault without a process");
    let h = p.signals.lock().actions[sig as usize - 1].sa_handler;
    let blocked = SigSet(t.sig_mask.load(Ordering::Relaxed)).contains(sig);
    if h != SIG_DFL && h != SIG_IGN && !blocked {
        p.signals
            .lock()
            .info
            .insert(sig, SigInfo::fault(sig, 1, addr));
        t.sig_pending
            .fetch_or(SigSet::EMPTY.with(sig).0, Ordering::Relaxed);
        true
    } else {
        kill_group(&p, fatal_status(&p, sig));
        false
    }
}

/// Sends the signals typed at the console since the last call (Ctrl-C:
/// SIGINT, ...) to its foreground process group.
pub fn poll_console_interrupts() {
    let typed = SigSet(crate::fs::console::SIGNALS.swap(0, Ordering::Relaxed));
    let pgid = super::pgrp::foreground();
    if typed.0 == 0 || pgid == 0 {
        return;
    }
    for sig in 1..=linux_abi::signal::NSIG {
        if !typed.contains(sig) {
            continue;
        }
        for p in super::all() {
            if p.pgid.load(Ordering::Relaxed) == pgid {
                send(&p, None, sig, SigInfo::sent(sig, si_code::SI_KERNEL, 0, 0));
            }
        }
    }
}

/// SIGPIPE for the current thread (a write to a pipe without readers).
pub fn send_sigpipe() {
    let t = sched::current();
    if let Some(p) = t.process.clone() {
        let sig = linux_abi::signal::SIGPIPE;
        send(&p, Some(&t), sig, user_info(sig, si_code::SI_USER));
    }
}

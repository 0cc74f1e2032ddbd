//! `rt_sigtimedwait`: taking a signal synchronously instead of running
//! its handler. The set's signals are usually blocked (that is how a
//! program keeps them for sigwait), so for the wait they count as
//! unblocked, as Linux does, and a sleep ends when one arrives.
use super::{deliver, interrupted};
use crate::proc::sched;
use core::sync::atomic::Ordering;
use linux_abi::signal::{SigInfo, SigSet};
use linux_abi::Errno;

/// Waits until a signal of `set` is pending, removes it and returns its
/// siginfo. EAGAIN once `deadline` (uptime ns) has passed without one,
/// EINTR when another signal the thread does not block arrives first.
pub fn timed_wait(set: SigSet, deadline: Option<u64>) -> Result<SigInfo, Errno> {
    let t = sched::current();
    let p = t.process.clone().ok_or(Errno::ESRCH)?;
    let old = t.sig_mask.load(Ordering::Relaxed);
    t.sig_mask.store(old & !set.0, Ordering::Relaxed);
    let result = loop {
        let pending = p.signals.lock().pending.0 | t.sig_pending.load(Ordering::Relaxed);
        let hit = pending & set.0;
        if hit != 0 {
            let sig = hit.trailing_zeros() + 1;
            break Ok(deliver::take(&p, &t, sig));
        }
        if interrupted() {
            break Err(Errno::EINTR);
        }
        match deadline {
            Some(d) if crate::time::uptime_ns() >= d => break Err(Errno::EAGAIN),
            Some(d) => sched::sleep_until(d),
            None => sched::block_interruptible(),
        }
    };
    t.sig_mask.store(old, Ordering::Relaxed);
    result
}

//! ITIMER_REAL (`setitimer`, `alarm`): one timer per process, checked on
//! every tick; expiry sends SIGALRM and re-arms an interval timer.
use super::{current_process, find, Process};
use alloc::collections::BTreeMap;
use linux_abi::signal::{si_code, SigInfo, SIGALRM};
use spin::Mutex;

/// pid -> (deadline in `uptime_ns`, interval in ns, 0 for one-shot).
static ARMED: Mutex<BTreeMap<u32, (u64, u64)>> = Mutex::new(BTreeMap::new());

/// A timer value in nanoseconds: (time to expiry, interval).
pub type Value = (u64, u64);

/// The current process's timer: nanoseconds left and the interval.
pub fn get() -> Value {
    let Some(p) = current_process() else {
        return (0, 0);
    };
    let now = crate::time::uptime_ns();
    ARMED
        .lock()
        .get(&p.pid)
        .map_or((0, 0), |&(d, i)| (d.saturating_sub(now).max(1000), i))
}

/// Sets the current process's timer (`value` 0 disarms); returns the old one.
pub fn set(value_ns: u64, interval_ns: u64) -> Value {
    let old = get();
    let Some(p) = current_process() else {
        return old;
    };
    let mut armed = ARMED.lock();
    if value_ns == 0 {
        armed.remove(&p.pid);
    } else {
        let deadline = crate::time::deadline_after_ns(value_ns);
        armed.insert(p.pid, (deadline, interval_ns));
    }
    old
}

/// Disarms `p`'s timer (at exit).
pub fn disarm(p: &Process) {
    ARMED.lock().remove(&p.pid);
}

/// Called on every tick with the current `uptime_ns`.
pub fn tick(now: u64) {
    let mut fired = alloc::vec::Vec::new();
    {
        let mut armed = ARMED.lock();
        armed.retain(|&pid, (deadline, interval)| {
            if *deadline > now {
                return true;
            }
            fired.push(pid);
            if *interval == 0 {
                return false;
            }
            // Expiries missed meanwhile collapse into this one, as on Linux.
            *deadline += *interval;
            if *deadline <= now {
                *deadline = now + *interval;
            }
            true
        });
    }
    for pid in fired {
        if let Some(p) = find(pid) {
            super::signal::send(
                &p,
                None,
                SIGALRM,
                SigInfo::sent(SIGALRM, si_code::SI_KERNEL, 0, 0),
            );
        }
    }
}

//! Signal calls: dispositions, masks, the alternate stack, sending
//! (`kill`, `tgkill`, `tkill`), waiting (`rt_sigsuspend`, `pause`),
//! `rt_sigreturn`.
use super::SysResult;
use crate::arch::trapframe::TrapFrame;
use crate::proc::signal::{self as sig, restart_nohand};
use crate::proc::uaccess::{read_struct, write_struct};
use crate::proc::{current_process, sched, Process};
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use linux_abi::signal::{si_code, KernelSigaction, SigSet, NSIG, SIGKILL, SIGSET_SIZE, SIGSTOP};
use linux_abi::Errno;

pub fn rt_sigaction(sig: u64, act: u64, old: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let sig = sig as u32;
    if sig == 0 || sig > NSIG {
        return Err(Errno::EINVAL);
    }
    let new = if act != 0 {
        Some(read_struct::<KernelSigaction>(act)?)
    } else {
        None
    };
    if new.is_some() && (sig == SIGKILL || sig == SIGSTOP) {
        return Err(Errno::EINVAL);
    }
    let p = current_process().ok_or(Errno::ESRCH)?;
    let prev = p.signals.lock().actions[sig as usize - 1];
    if old != 0 {
        write_struct(old, &prev)?;
    }
    if let Some(mut a) = new {
        a.sa_mask = SigSet(a.sa_mask).blockable().0;
        let mut s = p.signals.lock();
        s.actions[sig as usize - 1] = a;
        // Setting a signal to be ignored discards it if pending.
        let h = a.sa_handler;
        let ignore = h == linux_abi::signal::SIG_IGN
            || (h == linux_abi::signal::SIG_DFL
                && linux_abi::signal::default_action(sig)
                    == linux_abi::signal::DefaultAction::Ignore);
        if ignore {
            s.pending = s.pending.without(sig);
            drop(s);
            for t in p.threads.lock().iter() {
                t.sig_pending
                    .fetch_and(!SigSet::EMPTY.with(sig).0, Ordering::Relaxed);
            }
        }
    }
    Ok(0)
}

pub fn rt_sigprocmask(how: u64, set: u64, old: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let t = sched::current();
    let cur = SigSet(t.sig_mask.load(Ordering::Relaxed));
    let new = if set != 0 {
        let s = SigSet(read_struct::<u64>(set)?);
        Some(match how {
            0 => SigSet(cur.0 | s.0),
            1 => SigSet(cur.0 & !s.0),
            2 => s,
            _ => return Err(Errno::EINVAL),
        })
    } else {
        None
    };
    if old != 0 {
        write_struct(old, &cur.0)?;
    }
    if let Some(n) = new {
        t.sig_mask.store(n.blockable().0, Ordering::Relaxed);
    }
    Ok(0)
}

pub fn rt_sigpending(set: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let t = sched::current();
    let p = current_process().ok_or(Errno::ESRCH)?;
    let pending = p.signals.lock().pending.0 | t.sig_pending.load(Ordering::Relaxed);
    write_struct(set, &(pending & t.sig_mask.load(Ordering::Relaxed)))?;
    Ok(0)
}

pub fn rt_sigsuspend(set: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let mask = SigSet(read_struct::<u64>(set)?).blockable();
    let t = sched::current();
    t.saved_mask
        .store(t.sig_mask.load(Ordering::Relaxed), Ordering::Relaxed);
    t.has_saved_mask.store(true, Ordering::Relaxed);
    t.sig_mask.store(mask.0, Ordering::Relaxed);
    pause()
}

pub fn rt_sigtimedwait(set: u64, info: u64, timeout: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let set = SigSet(read_struct::<u64>(set)?).blockable();
    let deadline = if timeout == 0 {
        None
    } else {
        let ts: linux_abi::time::Timespec = read_struct(timeout)?;
        if !ts.is_valid_timeout() {
            return Err(Errno::EINVAL);
        }
        Some(crate::time::deadline_after_ns(ts.as_nanos_saturating()))
    };
    let si = sig::timedwait::timed_wait(set, deadline)?;
    if info != 0 {
        write_struct(info, &si)?;
    }
    Ok(si.si_signo as u64)
}

pub fn pause() -> SysResult {
    while !sig::interrupted() {
        sched::block_interruptible();
    }
    Err(restart_nohand())
}

pub fn rt_sigreturn(frame: &mut TrapFrame) -> SysResult {
    Ok(sig::deliver::sigreturn(frame))
}

/// `sigaltstack` for the calling thread; `user_rsp` tells whether it runs
/// on its alternate stack now (reported as SS_ONSTACK; no change then).
pub fn sigaltstack(ss: u64, old: u64, user_rsp: u64) -> SysResult {
    use linux_abi::signal::{SS_DISABLE, SS_ONSTACK};
    const SS_AUTODISARM: i32 = 1 << 31;
    const MINSIGSTKSZ: u64 = 2048;
    let t = sched::current();
    let cur = *t.altstack.lock();
    let on_it = sig::deliver::on_altstack(cur, user_rsp);
    if old != 0 {
        let st = linux_abi::signal::StackT {
            ss_sp: cur.0,
            ss_flags: if on_it { SS_ONSTACK } else { cur.1 },
            pad: 0,
            ss_size: cur.2,
        };
        write_struct(old, &st)?;
    }
    if ss != 0 {
        let st: linux_abi::signal::StackT = read_struct(ss)?;
        if on_it {
            return Err(Errno::EPERM);
        }
        if st.ss_flags & !(SS_DISABLE | SS_AUTODISARM) != 0 {
            return Err(Errno::EINVAL);
        }
        if st.ss_flags & SS_DISABLE == 0 && st.ss_size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        }
        *t.altstack.lock() = (st.ss_sp, st.ss_flags & SS_DISABLE, st.ss_size);
    }
    Ok(0)
}

fn check_sig(s: u64) -> Result<u32, Errno> {
    let s = s as u32;
    if s > NSIG {
        Err(Errno::EINVAL)
    } else {
        Ok(s)
    }
}

pub fn kill(pid: u64, s: u64) -> SysResult {
    let s = check_sig(s)?;
    let pid = pid as i32;
    let me = current_process().ok_or(Errno::ESRCH)?;
    let info = sig::user_info(s, si_code::SI_USER);
    let targets: alloc::vec::Vec<Arc<Process>> = match pid {
        p if p > 0 => crate::proc::find(p as u32).into_iter().collect(),
        0 => {
            let g = me.pgid.load(Ordering::Relaxed);
            crate::proc::all()
                .into_iter()
                .filter(|p| p.pgid.load(Ordering::Relaxed) == g)
                .collect()
        }
        -1 => crate::proc::all()
            .into_iter()
            .filter(|p| !crate::proc::exit::is_init(p) && p.pid != me.pid)
            .collect(),
        g => crate::proc::all()
            .into_iter()
            .filter(|p| p.pgid.load(Ordering::Relaxed) == g.unsigned_abs())
            .collect(),
    };
    let targets: alloc::vec::Vec<_> = targets
        .into_iter()
        .filter(|p| !p.is_zombie() || pid > 0)
        .collect();
    if targets.is_empty() {
        return Err(Errno::ESRCH);
    }
    for p in &targets {
        sig::send(p, None, s, info);
    }
    Ok(0)
}

fn find_thread(
    tgid: Option<u32>,
    tid: u32,
) -> Result<(Arc<Process>, Arc<crate::proc::thread::Thread>), Errno> {
    let procs = match tgid {
        Some(g) => crate::proc::find(g).into_iter().collect(),
        None => crate::proc::all(),
    };
    for p in procs {
        let t = p.threads.lock().iter().find(|t| t.tid == tid).cloned();
        if let Some(t) = t {
            return Ok((p, t));
        }
    }
    Err(Errno::ESRCH)
}

pub fn tgkill(tgid: u64, tid: u64, s: u64) -> SysResult {
    let s = check_sig(s)?;
    if (tgid as i32) <= 0 || (tid as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    let (p, t) = find_thread(Some(tgid as u32), tid as u32)?;
    sig::send(&p, Some(&t), s, sig::user_info(s, si_code::SI_TKILL));
    Ok(0)
}

pub fn tkill(tid: u64, s: u64) -> SysResult {
    let s = check_sig(s)?;
    if (tid as i32) <= 0 {
        return Err(Errno::EINVAL);
    }
    let (p, t) = find_thread(None, tid as u32)?;
    sig::send(&p, Some(&t), s, sig::user_info(s, si_code::SI_TKILL));
    Ok(0)
}

//! Signal state calls. Dispositions, the mask and the alternate stack are
//! stored and reported; delivery arrives with issue 4.
use super::SysResult;
use crate::proc::current_process;
use crate::proc::uaccess::{read_struct, write_struct};
use linux_abi::signal::{KernelSigaction, SigSet, NSIG, SIGKILL, SIGSET_SIZE, SIGSTOP};
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
    if let Some(a) = new {
        p.signals.lock().actions[sig as usize - 1] = a;
    }
    Ok(0)
}

pub fn rt_sigprocmask(how: u64, set: u64, old: u64, size: u64) -> SysResult {
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let p = current_process().ok_or(Errno::ESRCH)?;
    let cur = p.signals.lock().mask;
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
        p.signals.lock().mask = n.blockable();
    }
    Ok(0)
}

pub fn sigaltstack(ss: u64, old: u64) -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    let cur = p.signals.lock().altstack;
    if old != 0 {
        let st = linux_abi::signal::StackT {
            ss_sp: cur.0,
            ss_flags: cur.1,
            pad: 0,
            ss_size: cur.2,
        };
        write_struct(old, &st)?;
    }
    if ss != 0 {
        let st: linux_abi::signal::StackT = read_struct(ss)?;
        const SS_DISABLE: i32 = 2;
        const MINSIGSTKSZ: u64 = 2048;
        if st.ss_flags & !SS_DISABLE != 0 {
            return Err(Errno::EINVAL);
        }
        if st.ss_flags & SS_DISABLE == 0 && st.ss_size < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        }
        p.signals.lock().altstack = (st.ss_sp, st.ss_flags, st.ss_size);
    }
    Ok(0)
}

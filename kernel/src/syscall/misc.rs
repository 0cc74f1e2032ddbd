//! Process, signal-state, time and system-information calls.
use super::uaccess::{copy_to_user, read_struct, write_struct};
use super::SysResult;
use crate::proc::{current_process, sched};
use core::sync::atomic::Ordering;
use linux_abi::resource::Rlimit;
use linux_abi::signal::{KernelSigaction, SigSet, NSIG, SIGKILL, SIGSET_SIZE, SIGSTOP};
use linux_abi::time::{
    Timespec, Timeval, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE,
    CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_COARSE,
    CLOCK_THREAD_CPUTIME_ID,
};
use linux_abi::utsname::Utsname;
use linux_abi::Errno;

pub fn exit(code: u64) -> SysResult {
    crate::proc::exit_current(linux_abi::process::wait_status_exited(code as u8))
}

pub fn getpid() -> SysResult {
    Ok(u64::from(current_process().ok_or(Errno::ESRCH)?.pid))
}

pub fn getpgid(pid: u64) -> SysResult {
    let me = current_process().ok_or(Errno::ESRCH)?.pid;
    if pid == 0 || pid == u64::from(me) {
        Ok(u64::from(me))
    } else {
        Err(Errno::ESRCH)
    }
}

pub fn getppid() -> SysResult {
    Ok(u64::from(current_process().ok_or(Errno::ESRCH)?.ppid))
}

pub fn set_tid_address(addr: u64) -> SysResult {
    let t = sched::current();
    t.clear_child_tid.store(addr, Ordering::Relaxed);
    Ok(u64::from(t.tid))
}

pub fn set_robust_list(_head: u64, len: u64) -> SysResult {
    if len != 24 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

pub fn arch_prctl(code: u64, addr: u64) -> SysResult {
    const ARCH_SET_GS: u64 = 0x1001;
    const ARCH_SET_FS: u64 = 0x1002;
    const ARCH_GET_FS: u64 = 0x1003;
    const ARCH_GET_GS: u64 = 0x1004;
    match code {
        ARCH_SET_FS => {
            if addr >= crate::mm::layout::USER_END {
                return Err(Errno::EPERM);
            }
            sched::current().fs_base.store(addr, Ordering::Relaxed);
            crate::arch::set_fs_base(addr);
            Ok(0)
        }
        ARCH_GET_FS => {
            let v = sched::current().fs_base.load(Ordering::Relaxed);
            write_struct(addr, &v)?;
            Ok(0)
        }
        ARCH_SET_GS | ARCH_GET_GS => Err(Errno::EINVAL),
        _ => Err(Errno::EINVAL),
    }
}

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

fn clock_ns(clock: u64) -> Result<u64, Errno> {
    match clock as u32 {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE => Ok(crate::time::realtime_ns()),
        CLOCK_MONOTONIC
        | CLOCK_MONOTONIC_RAW
        | CLOCK_MONOTONIC_COARSE
        | CLOCK_BOOTTIME
        | CLOCK_PROCESS_CPUTIME_ID
        | CLOCK_THREAD_CPUTIME_ID => Ok(crate::time::uptime_ns()),
        _ => Err(Errno::EINVAL),
    }
}

pub fn clock_gettime(clock: u64, tp: u64) -> SysResult {
    let ns = clock_ns(clock)?;
    write_struct(tp, &Timespec::from_nanos(ns))?;
    Ok(0)
}

pub fn clock_getres(clock: u64, tp: u64) -> SysResult {
    clock_ns(clock)?;
    if tp != 0 {
        write_struct(tp, &Timespec::from_nanos(1_000_000_000 / crate::time::HZ))?;
    }
    Ok(0)
}

pub fn gettimeofday(tv: u64, _tz: u64) -> SysResult {
    if tv != 0 {
        let ns = crate::time::realtime_ns();
        let v = Timeval {
            tv_sec: (ns / 1_000_000_000) as i64,
            tv_usec: ((ns % 1_000_000_000) / 1000) as i64,
        };
        write_struct(tv, &v)?;
    }
    Ok(0)
}

pub fn nanosleep(req: u64, rem: u64) -> SysResult {
    clock_nanosleep(u64::from(CLOCK_MONOTONIC), 0, req, rem)
}

pub fn clock_nanosleep(clock: u64, flags: u64, req: u64, rem: u64) -> SysResult {
    const TIMER_ABSTIME: u64 = 1;
    let now = clock_ns(clock)?;
    let ts: Timespec = read_struct(req)?;
    if !ts.is_valid() {
        return Err(Errno::EINVAL);
    }
    let mut ns = (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64);
    if flags & TIMER_ABSTIME != 0 {
        ns = ns.saturating_sub(now);
    }
    let rem = if flags & TIMER_ABSTIME != 0 { 0 } else { rem };
    let deadline = crate::time::ticks().saturating_add(crate::time::ns_to_ticks(ns));
    while crate::time::ticks() < deadline {
        sched::sleep_until(deadline);
        if crate::proc::current_has_fatal_signal() {
            if rem != 0 {
                let left = (deadline - crate::time::ticks()) * (1_000_000_000 / crate::time::HZ);
                write_struct(rem, &Timespec::from_nanos(left))?;
            }
            return Err(Errno::EINTR);
        }
    }
    Ok(0)
}

pub fn uname(buf: u64) -> SysResult {
    let u = Utsname::new("Linux", "kernel", "6.1.0-rust", "#1 SMP", "x86_64");
    write_struct(buf, &u)?;
    Ok(0)
}

pub fn getrandom(buf: u64, len: u64, flags: u64) -> SysResult {
    if flags & !7 != 0 {
        return Err(Errno::EINVAL);
    }
    let len = (len as usize).min(1 << 25);
    let mut done = 0;
    let mut chunk = [0u8; 256];
    while done < len {
        let n = (len - done).min(chunk.len());
        crate::random::fill(&mut chunk[..n]);
        copy_to_user(buf + done as u64, &chunk[..n])?;
        done += n;
    }
    Ok(done as u64)
}

pub fn prlimit64(pid: u64, resource: u64, new: u64, old: u64) -> SysResult {
    let me = current_process().ok_or(Errno::ESRCH)?.pid;
    if pid != 0 && pid != u64::from(me) {
        return Err(Errno::ESRCH);
    }
    const RLIMIT_STACK: u64 = 3;
    const RLIMIT_NOFILE: u64 = 7;
    const RLIM_INFINITY: u64 = u64::MAX;
    if resource >= 16 {
        return Err(Errno::EINVAL);
    }
    let lim = match resource {
        RLIMIT_STACK => Rlimit {
            rlim_cur: crate::proc::loader::STACK_SIZE,
            rlim_max: RLIM_INFINITY,
        },
        RLIMIT_NOFILE => {
            let n = crate::fs::fdtable::MAX_FDS as u64;
            Rlimit {
                rlim_cur: n,
                rlim_max: n,
            }
        }
        _ => Rlimit {
            rlim_cur: RLIM_INFINITY,
            rlim_max: RLIM_INFINITY,
        },
    };
    if new != 0 {
        let _: Rlimit = read_struct(new)?; // accepted, not enforced
    }
    if old != 0 {
        write_struct(old, &lim)?;
    }
    Ok(0)
}

pub fn sched_getaffinity(pid: u64, size: u64, mask: u64) -> SysResult {
    let me = current_process().ok_or(Errno::ESRCH)?.pid;
    if pid != 0 && pid != u64::from(me) {
        return Err(Errno::ESRCH);
    }
    if size < 8 || !size.is_multiple_of(8) {
        return Err(Errno::EINVAL);
    }
    write_struct(mask, &1u64)?; // one CPU
    Ok(8)
}

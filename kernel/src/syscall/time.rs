//! Clocks and sleeping.
use super::SysResult;
use crate::proc::sched;
use crate::proc::uaccess::{read_struct, write_struct};
use linux_abi::time::{
    Timespec, Timeval, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE,
    CLOCK_MONOTONIC_RAW, CLOCK_PROCESS_CPUTIME_ID, CLOCK_REALTIME, CLOCK_REALTIME_COARSE,
    CLOCK_THREAD_CPUTIME_ID,
};
use linux_abi::Errno;

fn clock_ns(clock: u64) -> Result<u64, Errno> {
    match clock as u32 {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE => Ok(crate::time::realtime_ns()),
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_MONOTONIC_COARSE | CLOCK_BOOTTIME => {
            Ok(crate::time::uptime_ns())
        }
        CLOCK_PROCESS_CPUTIME_ID => Ok(crate::proc::current_process().map_or(0, |p| p.cpu_ns())),
        CLOCK_THREAD_CPUTIME_ID => Ok(sched::current().cpu_time_ns()),
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

/// `time(2)`: seconds since the epoch, also stored at `tloc` if given.
pub fn time(tloc: u64) -> SysResult {
    let secs = crate::time::realtime_secs();
    if tloc != 0 {
        write_struct(tloc, &(secs as i64))?;
    }
    Ok(secs)
}

pub fn nanosleep(req: u64, rem: u64) -> SysResult {
    clock_nanosleep(u64::from(CLOCK_MONOTONIC), 0, req, rem)
}

pub fn clock_nanosleep(clock: u64, flags: u64, req: u64, rem: u64) -> SysResult {
    const TIMER_ABSTIME: u64 = 1;
    let now = clock_ns(clock)?;
    let ts: Timespec = read_struct(req)?;
    if !ts.is_valid_timeout() {
        return Err(Errno::EINVAL);
    }
    let mut ns = ts.as_nanos_saturating();
    if flags & TIMER_ABSTIME != 0 {
        ns = ns.saturating_sub(now);
    }
    let rem = if flags & TIMER_ABSTIME != 0 { 0 } else { rem };
    let deadline = crate::time::deadline_after_ns(ns);
    while crate::time::uptime_ns() < deadline {
        sched::sleep_until(deadline);
        if crate::proc::current_has_fatal_signal() {
            if rem != 0 {
                let left = deadline.saturating_sub(crate::time::uptime_ns());
                write_struct(rem, &Timespec::from_nanos(left))?;
            }
            return Err(crate::proc::signal::restart_nohand());
        }
    }
    Ok(0)
}

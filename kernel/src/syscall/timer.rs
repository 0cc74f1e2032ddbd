//! The ITIMER_REAL timer calls (`alarm`, `setitimer`, `getitimer`):
//! argument decoding for `proc::itimer`.
use super::SysResult;
use crate::proc::itimer;
use linux_abi::time::Timeval;
use linux_abi::Errno;

fn tv_ns(tv: &Timeval) -> Result<u64, Errno> {
    if tv.tv_sec < 0 || !(0..1_000_000).contains(&tv.tv_usec) {
        return Err(Errno::EINVAL);
    }
    Ok((tv.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(tv.tv_usec as u64 * 1000))
}

fn ns_tv(ns: u64) -> Timeval {
    Timeval {
        tv_sec: (ns / 1_000_000_000) as i64,
        tv_usec: ((ns % 1_000_000_000) / 1000) as i64,
    }
}

fn write_itimerval(addr: u64, (value, interval): itimer::Value) -> Result<(), Errno> {
    let mut b = [0u8; 32];
    linux_abi::AbiBytes::write_image(&ns_tv(interval), &mut b[..16]);
    linux_abi::AbiBytes::write_image(&ns_tv(value), &mut b[16..]);
    crate::proc::uaccess::copy_to_user(addr, &b)
}

const ITIMER_REAL: u64 = 0;

pub fn getitimer(which: u64, cur: u64) -> SysResult {
    match which {
        ITIMER_REAL => {
            write_itimerval(cur, itimer::get())?;
            Ok(0)
        }
        1 | 2 => {
            write_itimerval(cur, (0, 0))?;
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn setitimer(which: u64, new: u64, old: u64) -> SysResult {
    if which != ITIMER_REAL {
        return if which <= 2 {
            Err(Errno::ENOSYS)
        } else {
            Err(Errno::EINVAL)
        };
    }
    let (interval, value) = if new != 0 {
        let b = crate::proc::uaccess::read_bytes(new, 32)?;
        let i: Timeval = linux_abi::AbiBytes::read_image(&b[..16]);
        let v: Timeval = linux_abi::AbiBytes::read_image(&b[16..]);
        (tv_ns(&i)?, tv_ns(&v)?)
    } else {
        (0, 0)
    };
    let prev = itimer::set(value, interval);
    if old != 0 {
        write_itimerval(old, prev)?;
    }
    Ok(0)
}

pub fn alarm(secs: u64) -> SysResult {
    let secs = secs.min(u64::from(u32::MAX));
    let (left, _) = itimer::set(secs * 1_000_000_000, 0);
    // Round to the nearest second, and never report 0 for a pending alarm.
    let s = (left + 500_000_000) / 1_000_000_000;
    Ok(if left > 0 { s.max(1) } else { 0 })
}

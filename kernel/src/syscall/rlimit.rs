//! getrlimit, setrlimit, prlimit64: reading and changing a process's
//! limits (rules in `proc::rlimit`).
use super::SysResult;
use crate::proc::uaccess::{read_struct, write_struct};
use crate::proc::{current_process, find};
use linux_abi::resource::Rlimit;
use linux_abi::Errno;

pub fn prlimit64(pid: u64, resource: u64, new: u64, old: u64) -> SysResult {
    let me = current_process().ok_or(Errno::ESRCH)?;
    let target = match pid as i32 {
        0 => me.clone(),
        p if p > 0 => find(p as u32).ok_or(Errno::ESRCH)?,
        _ => return Err(Errno::EINVAL),
    };
    let resource = u32::try_from(resource).map_err(|_| Errno::EINVAL)?;
    let new = if new != 0 {
        Some(read_struct::<Rlimit>(new)?)
    } else {
        None
    };
    let privileged = me.cred.lock().privileged();
    let mut limits = target.rlimits.lock();
    let cur = limits.get(resource)?;
    if let Some(n) = new {
        limits.set(resource, n, privileged)?;
    }
    drop(limits);
    if old != 0 {
        write_struct(old, &cur)?;
    }
    Ok(0)
}

pub fn getrlimit(resource: u64, old: u64) -> SysResult {
    prlimit64(0, resource, 0, old)
}

pub fn setrlimit(resource: u64, new: u64) -> SysResult {
    prlimit64(0, resource, new, 0)
}

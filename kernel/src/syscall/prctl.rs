//! `prctl` (the options a libc program and BusyBox use) and `rseq`.
//!
//! musl and glibc start quietly on this kernel only if both answer the way
//! Linux does: glibc registers restartable sequences with `rseq` at start
//! and expects ENOSYS where the kernel has none; BusyBox names its applets
//! with `PR_SET_NAME`; supervisors use `PR_SET_PDEATHSIG` and
//! `PR_SET_CHILD_SUBREAPER`. Unknown options get EINVAL, as on Linux.
use super::SysResult;
use crate::proc::prctl::COMM_LEN;
use crate::proc::uaccess::{copy_from_user, copy_to_user};
use crate::proc::{current_process, sched};
use core::sync::atomic::Ordering;
use linux_abi::signal::NSIG;
use linux_abi::Errno;

const PR_SET_PDEATHSIG: u64 = 1;
const PR_GET_PDEATHSIG: u64 = 2;
const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_SET_CHILD_SUBREAPER: u64 = 36;
const PR_GET_CHILD_SUBREAPER: u64 = 37;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_GET_NO_NEW_PRIVS: u64 = 39;

/// `rseq`: not supported. libc treats ENOSYS as "no rseq" and carries on,
/// so this is the expected answer, not a gap worth a warning.
pub fn rseq() -> SysResult {
    Err(Errno::ENOSYS)
}

pub fn prctl(option: u64, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    let ctl = &p.ctl;
    let r = Ordering::Relaxed;
    match option {
        PR_SET_PDEATHSIG => {
            // Linux's valid_signal(): 0 (clear) up to the highest signal.
            if arg2 > u64::from(NSIG) {
                return Err(Errno::EINVAL);
            }
            ctl.pdeath_signal.store(arg2 as u32, r);
            Ok(0)
        }
        PR_GET_PDEATHSIG => {
            let sig = ctl.pdeath_signal.load(r) as i32;
            copy_to_user(arg2, &sig.to_ne_bytes())?;
            Ok(0)
        }
        PR_GET_DUMPABLE => Ok(u64::from(ctl.dumpable.load(r))),
        PR_SET_DUMPABLE => match arg2 {
            // 2 (SUID_DUMP_ROOT) is for the kernel's own use: EINVAL.
            0 | 1 => {
                ctl.dumpable.store(arg2 == 1, r);
                Ok(0)
            }
            _ => Err(Errno::EINVAL),
        },
        PR_SET_NAME => {
            let name = read_name(arg2)?;
            sched::current().comm.set(&name);
            Ok(0)
        }
        PR_GET_NAME => {
            let name = sched::current().comm.get(&p.name.lock());
            copy_to_user(arg2, &name)?;
            Ok(0)
        }
        PR_SET_CHILD_SUBREAPER => {
            ctl.child_subreaper.store(arg2 != 0, r);
            Ok(0)
        }
        PR_GET_CHILD_SUBREAPER => {
            let v = i32::from(ctl.child_subreaper.load(r));
            copy_to_user(arg2, &v.to_ne_bytes())?;
            Ok(0)
        }
        PR_SET_NO_NEW_PRIVS => {
            // Only "set"; it can never be cleared. Unused arguments must
            // be zero, as Linux checks.
            if arg2 != 1 || arg3 != 0 || arg4 != 0 || arg5 != 0 {
                return Err(Errno::EINVAL);
            }
            ctl.no_new_privs.store(true, r);
            Ok(0)
        }
        PR_GET_NO_NEW_PRIVS => {
            if arg2 != 0 || arg3 != 0 || arg4 != 0 || arg5 != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(u64::from(ctl.no_new_privs.load(r)))
        }
        _ => Err(Errno::EINVAL),
    }
}

/// Reads a new thread name: up to 15 bytes, stopping at a NUL, never
/// reading a page past the one the string ends in (a short name at the
/// end of a page must work), EFAULT for an unreadable first byte.
fn read_name(addr: u64) -> Result<[u8; COMM_LEN], Errno> {
    let mut name = [0u8; COMM_LEN];
    let want = COMM_LEN - 1;
    let first = ((4096 - addr % 4096) as usize).min(want);
    copy_from_user(addr, &mut name[..first])?;
    if first < want && !name[..first].contains(&0) {
        let next = addr.checked_add(first as u64).ok_or(Errno::EFAULT)?;
        copy_from_user(next, &mut name[first..want])?;
    }
    Ok(name)
}

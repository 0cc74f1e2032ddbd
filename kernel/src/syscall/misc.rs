//! Process identity, thread setup and system information calls.
use super::SysResult;
use crate::proc::uaccess::{copy_to_user, write_struct};
use crate::proc::{current_process, sched};
use core::sync::atomic::Ordering;
use linux_abi::Errno;

pub fn getpid() -> SysResult {
    Ok(u64::from(current_process().ok_or(Errno::ESRCH)?.pid))
}

pub fn getppid() -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    Ok(u64::from(p.ppid.load(Ordering::Relaxed)))
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

/// `sysinfo(2)`: uptime, load averages, memory in pages of `mem_unit`
/// bytes (RAM and free RAM as /proc/meminfo counts them; no swap), and
/// the number of processes.
pub fn sysinfo(buf: u64) -> SysResult {
    let shift = linux_abi::sysinfo::SI_LOAD_SHIFT - crate::proc::loadavg::FSHIFT;
    let info = linux_abi::sysinfo::Sysinfo {
        uptime: (crate::time::uptime_ns() / 1_000_000_000) as i64,
        loads: crate::proc::loadavg::averages().map(|l| l << shift),
        totalram: crate::mm::frame::usable_count(),
        freeram: crate::mm::user::free_frames(),
        procs: crate::proc::all().len().min(u16::MAX as usize) as u16,
        mem_unit: crate::mm::frame::FRAME_SIZE as u32,
        ..Default::default()
    };
    write_struct(buf, &info)?;
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

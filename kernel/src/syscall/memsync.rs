//! mlock/munlock/mlock2/mlockall/munlockall and msync. Memory is never
//! swapped and shared file mappings are not yet supported, so locking
//! and syncing have nothing to do; what remains is Linux's argument
//! checking, which programs and test suites rely on: EINVAL for bad
//! flags, ENOMEM when a page of the range is not mapped.
use super::mem::with_mem;
use super::SysResult;
use linux_abi::Errno;

const PAGE_MASK: u64 = !0xfff;
const MLOCK_ONFAULT: u64 = 1;
const MCL_CURRENT: u64 = 1;
const MCL_FUTURE: u64 = 2;
const MCL_ONFAULT: u64 = 4;
const MS_ASYNC: u64 = 1;
const MS_INVALIDATE: u64 = 2;
const MS_SYNC: u64 = 4;

/// Ok when every page of `start..end` is mapped, else ENOMEM.
fn check_mapped(start: u64, end: u64) -> SysResult {
    with_mem(|m| {
        if m.space.vmas().covers(&(start..end)) {
            Ok(0)
        } else {
            Err(Errno::ENOMEM)
        }
    })
}

/// The page range `[start, len)` names, as Linux's `do_mlock` rounds it
/// (the start down, the length up with the start's offset, wrapping as
/// the C arithmetic does); EINVAL when it wraps past the address space.
fn lock_range(start: u64, len: u64) -> SysResult {
    let len = len
        .wrapping_add(start & !PAGE_MASK)
        .wrapping_add(!PAGE_MASK)
        & PAGE_MASK;
    let start = start & PAGE_MASK;
    let end = start.wrapping_add(len);
    if end < start {
        return Err(Errno::EINVAL);
    }
    if end == start {
        return Ok(0);
    }
    check_mapped(start, end)
}

pub fn mlock(start: u64, len: u64) -> SysResult {
    lock_range(start, len)
}

pub fn mlock2(start: u64, len: u64, flags: u64) -> SysResult {
    if flags & !MLOCK_ONFAULT != 0 {
        return Err(Errno::EINVAL);
    }
    lock_range(start, len)
}

pub fn munlock(start: u64, len: u64) -> SysResult {
    lock_range(start, len)
}

pub fn mlockall(flags: u64) -> SysResult {
    if flags == 0 || flags & !(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0 || flags == MCL_ONFAULT
    {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

pub fn munlockall() -> SysResult {
    Ok(0)
}

pub fn msync(start: u64, len: u64, flags: u64) -> SysResult {
    if flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || start & !PAGE_MASK != 0
        || (flags & MS_ASYNC != 0 && flags & MS_SYNC != 0)
    {
        return Err(Errno::EINVAL);
    }
    let len = len.wrapping_add(!PAGE_MASK) & PAGE_MASK;
    let end = start.wrapping_add(len);
    if end < start {
        return Err(Errno::ENOMEM);
    }
    if end == start {
        return Ok(0);
    }
    check_mapped(start, end)
}

//! Memory system calls: brk, mmap, munmap, mprotect, madvise.
use super::SysResult;
use crate::fs::file::NodeKind;
use crate::fs::with_fs;
use crate::mm::user::{self, with_mm};
use crate::proc::{current_process, loader, UserMem};
use linux_abi::fcntl::{O_ACCMODE, O_RDONLY, O_WRONLY};
use linux_abi::mman::*;
use linux_abi::Errno;
use vm::{Prot, VmError, Vma, VmaKind};

const PAGE: u64 = 4096;
/// The heap may not grow past this distance from its start.
const BRK_MAX: u64 = 1 << 36;

pub(super) fn with_mem<R>(f: impl FnOnce(&mut UserMem) -> Result<R, Errno>) -> Result<R, Errno> {
    let p = current_process().ok_or(Errno::ESRCH)?;
    let mem = p.mem();
    let mut mem = mem.lock();
    f(mem.as_mut().ok_or(Errno::ESRCH)?)
}

fn vm_errno(e: VmError) -> Errno {
    match e {
        VmError::OutOfMemory => Errno::ENOMEM,
        VmError::Overlap | VmError::NotMapped => Errno::ENOMEM,
        _ => Errno::EINVAL,
    }
}

pub fn brk(addr: u64) -> SysResult {
    with_mem(|m| {
        let cur_end = m.brk.next_multiple_of(PAGE);
        if addr < m.brk_start || addr > m.brk_start + BRK_MAX {
            return Ok(m.brk);
        }
        let new_end = addr.next_multiple_of(PAGE);
        let root = m.space.root();
        let res = with_mm(|mm| {
            if new_end > cur_end {
                let vma = Vma::new(cur_end..new_end, Prot::RW, VmaKind::Heap);
                m.space.map(mm, vma).map(|t| user::flush(t, root))
            } else if new_end < cur_end {
                m.space
                    .unmap(mm, new_end..cur_end)
                    .map(|t| user::flush(t, root))
            } else {
                Ok(())
            }
        });
        if res.is_ok() {
            m.brk = addr;
        }
        Ok(m.brk)
    })
}

pub fn mmap(addr: u64, len: u64, prot: u64, flags: u64, fd: u64, off: u64) -> SysResult {
    let (prot, flags) = (prot as u32, flags as u32);
    // Linux's order: the offset's alignment (x86's sys_mmap), then the
    // descriptor (ksys_mmap_pgoff), then everything else (do_mmap).
    if !off.is_multiple_of(PAGE) {
        return Err(Errno::EINVAL);
    }
    let anon = flags & MAP_ANONYMOUS != 0;
    let f = if anon {
        None
    } else {
        Some(super::lookup::file(fd)?)
    };
    if len == 0 || !addr.is_multiple_of(PAGE) && flags & MAP_FIXED != 0 {
        return Err(Errno::EINVAL);
    }
    let len = len.checked_next_multiple_of(PAGE).ok_or(Errno::ENOMEM)?;
    if len > crate::mm::layout::USER_END {
        return Err(Errno::ENOMEM);
    }
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    let kind = flags & MAP_TYPE;
    if kind != MAP_PRIVATE && kind != MAP_SHARED && kind != MAP_SHARED_VALIDATE {
        return Err(Errno::EINVAL);
    }
    let data = match f {
        None => None,
        Some(f) => {
            let acc = f.flags.load(core::sync::atomic::Ordering::Relaxed) & O_ACCMODE;
            if kind != MAP_PRIVATE && prot & PROT_WRITE != 0 && acc == O_RDONLY {
                return Err(Errno::EACCES); // a shared write needs a writable file
            }
            if acc == O_WRONLY {
                return Err(Errno::EACCES);
            }
            if kind != MAP_PRIVATE {
                return Err(Errno::ENODEV); // shared file mappings: not yet
            }
            match f.node() {
                Some((ino, NodeKind::File)) => Some(with_fs(|fs| -> Result<_, Errno> {
                    let d = fs.file_bytes(ino)?;
                    let start = usize::try_from(off).unwrap_or(usize::MAX).min(d.len());
                    let end = (start as u64).saturating_add(len).min(d.len() as u64) as usize;
                    Ok(d[start..end].to_vec())
                })?),
                _ => return Err(Errno::ENODEV),
            }
        }
    };
    let vprot = Prot::from_linux(prot);
    with_mem(|m| {
        if m.space.vmas().len() >= user::MAX_MAP_COUNT {
            return Err(Errno::ENOMEM);
        }
        let root = m.space.root();
        let fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0;
        with_mm(|mm| {
            let start = if fixed {
                if addr
                    .checked_add(len)
                    .is_none_or(|e| e > crate::mm::layout::USER_END)
                {
                    return Err(Errno::ENOMEM);
                }
                if m.space.vmas().overlaps(&(addr..addr + len)) {
                    if flags & MAP_FIXED_NOREPLACE != 0 {
                        return Err(Errno::EEXIST);
                    }
                    user::flush(m.space.unmap(mm, addr..addr + len).map_err(vm_errno)?, root);
                }
                addr
            } else {
                let hint = if (PAGE..loader::STACK_TOP - loader::STACK_SIZE).contains(&addr) {
                    m.space
                        .vmas()
                        .find_free(len, addr, loader::STACK_TOP - loader::STACK_SIZE)
                } else {
                    None
                };
                hint.or_else(|| {
                    m.space.vmas().find_free(
                        len,
                        loader::MMAP_BASE,
                        loader::STACK_TOP - loader::STACK_SIZE,
                    )
                })
                .or_else(|| m.space.vmas().find_free(len, 1 << 30, loader::MMAP_BASE))
                .ok_or(Errno::ENOMEM)?
            };
            let mut vma = Vma::new(
                start..start + len,
                vprot,
                if anon {
                    VmaKind::Anonymous
                } else {
                    VmaKind::Image
                },
            );
            vma.shared = kind != MAP_PRIVATE;
            user::flush(m.space.map(mm, vma).map_err(vm_errno)?, root);
            if let Some(d) = &data {
                if let Err(e) = m.space.populate(mm, start, d) {
                    let _ = m
                        .space
                        .unmap(mm, start..start + len)
                        .map(|t| user::flush(t, root));
                    return Err(vm_errno(e));
                }
            }
            Ok(start)
        })
    })
}

fn check_range(addr: u64, len: u64) -> Result<core::ops::Range<u64>, Errno> {
    if !addr.is_multiple_of(PAGE) {
        return Err(Errno::EINVAL);
    }
    let len = len.checked_next_multiple_of(PAGE).ok_or(Errno::EINVAL)?;
    let end = addr.checked_add(len).ok_or(Errno::EINVAL)?;
    if end > crate::mm::layout::USER_END {
        return Err(Errno::EINVAL);
    }
    Ok(addr..end)
}

pub fn munmap(addr: u64, len: u64) -> SysResult {
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    let r = check_range(addr, len)?;
    with_mem(|m| {
        let root = m.space.root();
        let t = with_mm(|mm| m.space.unmap(mm, r)).map_err(vm_errno)?;
        user::flush(t, root);
        Ok(0)
    })
}

pub fn mprotect(addr: u64, len: u64, prot: u64) -> SysResult {
    let prot = prot as u32;
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    let r = check_range(addr, len)?;
    if r.is_empty() {
        return Ok(0);
    }
    with_mem(|m| {
        let root = m.space.root();
        let t = with_mm(|mm| m.space.protect(mm, r, Prot::from_linux(prot))).map_err(vm_errno)?;
        user::flush(t, root);
        Ok(0)
    })
}

pub fn madvise(addr: u64, len: u64, advice: u64) -> SysResult {
    let r = check_range(addr, len)?;
    match advice as u32 {
        MADV_DONTNEED | MADV_FREE => with_mem(|m| {
            // Drop the pages; the areas stay, so the next touch gets zeros.
            let root = m.space.root();
            let areas: alloc::vec::Vec<Vma> =
                m.space.vmas().iter_overlapping(&r).copied().collect();
            if areas.iter().any(|v| v.shared) {
                return Ok(0);
            }
            with_mm(|mm| -> Result<(), Errno> {
                user::flush(m.space.unmap(mm, r.clone()).map_err(vm_errno)?, root);
                for v in areas {
                    let piece = Vma {
                        start: v.start.max(r.start),
                        end: v.end.min(r.end),
                        ..v
                    };
                    user::flush(m.space.map(mm, piece).map_err(vm_errno)?, root);
                }
                Ok(())
            })?;
            Ok(0)
        }),
        MADV_NORMAL | MADV_RANDOM | MADV_SEQUENTIAL | MADV_WILLNEED | MADV_DONTFORK
        | MADV_DOFORK | MADV_MERGEABLE | MADV_UNMERGEABLE | MADV_HUGEPAGE | MADV_NOHUGEPAGE
        | MADV_DONTDUMP | MADV_DODUMP | MADV_COLD | MADV_PAGEOUT => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

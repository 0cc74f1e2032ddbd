//! Reading and writing user memory through the page tables, as the MMU
//! would: a write to a read-only page is a fault, never a silent write.
//! The `copy_*_user` forms then resolve the fault like the CPU's fault
//! handler would and retry, which is how a kernel writes into a
//! copy-on-write or borrowed page without touching anyone else's frame.

use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};

use crate::entry::{self, PAGE_SIZE};
use crate::fault::Need;
use crate::mm::Mm;
use crate::phys::{FrameAlloc, PhysMem};
use crate::space::AddressSpace;
use crate::{Access, Fault, TlbFlush, VmError};

/// A user access the tables do not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFault {
    /// The faulting address.
    pub addr: u64,
    /// What was attempted.
    pub access: Access,
    /// Whether the page was present (a protection fault) or not.
    pub present: bool,
}

impl AddressSpace {
    /// The frame a user-mode `access` to `va` reaches, checking present,
    /// user, writable and no-execute bits at every level as the MMU does.
    pub fn translate<P: PhysMem, A: FrameAlloc>(
        &self,
        mm: &Mm<P, A>,
        va: u64,
        access: Access,
    ) -> Result<PhysFrame, PageFault> {
        let fault = |present| PageFault {
            addr: va,
            access,
            present,
        };
        if va >= entry::USER_END {
            return Err(fault(false));
        }
        let (mut writable, mut user, mut exec) = (true, true, true);
        let mut table = self.root();
        for level in (1..=4).rev() {
            let e = mm.entry(table, entry::index(va, level));
            if !e.present() {
                return Err(fault(false));
            }
            writable &= e.has(F::WRITABLE);
            user &= e.has(F::USER_ACCESSIBLE);
            exec &= !e.has(F::NO_EXECUTE);
            table = e.frame();
        }
        let ok = user
            && match access {
                Access::Read => true,
                Access::Write => writable,
                Access::Execute => exec,
            };
        if ok {
            Ok(table)
        } else {
            Err(fault(true))
        }
    }

    /// Reads user memory as the user would, without resolving faults.
    pub fn read_user<P: PhysMem, A: FrameAlloc>(
        &self,
        mm: &Mm<P, A>,
        va: u64,
        buf: &mut [u8],
    ) -> Result<(), PageFault> {
        for (addr, off, range) in chunks(va, buf.len())? {
            let frame = self.translate(mm, addr, Access::Read)?;
            mm.mem().read(frame, off, &mut buf[range]);
        }
        Ok(())
    }

    /// Writes user memory as the user would, without resolving faults.
    pub fn write_user<P: PhysMem, A: FrameAlloc>(
        &self,
        mm: &Mm<P, A>,
        va: u64,
        data: &[u8],
    ) -> Result<(), PageFault> {
        for (addr, off, range) in chunks(va, data.len())? {
            let frame = self.translate(mm, addr, Access::Write)?;
            mm.mem().write(frame, off, &data[range]);
        }
        Ok(())
    }

    /// Copies `data` to user address `va` for the kernel, resolving
    /// demand-zero, copy-on-write and borrowed pages first. Fails (EFAULT)
    /// where the user could not write either.
    pub fn copy_to_user<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        data: &[u8],
    ) -> Result<TlbFlush, Fault> {
        let mut flush = TlbFlush::none();
        for (addr, off, range) in chunks(va, data.len()).map_err(Fault::from)? {
            let frame = match self.translate(mm, addr, Access::Write) {
                Ok(f) => f,
                Err(_) => {
                    self.fault_into(mm, addr, Access::Write, &mut flush)?;
                    self.translate(mm, addr, Access::Write)
                        .map_err(Fault::from)?
                }
            };
            mm.mem().write(frame, off, &data[range]);
        }
        Ok(flush)
    }

    /// Copies user memory at `va` into `buf` for the kernel, filling
    /// not-yet-touched pages as a user read would.
    pub fn copy_from_user<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        buf: &mut [u8],
    ) -> Result<TlbFlush, Fault> {
        let mut flush = TlbFlush::none();
        for (addr, off, range) in chunks(va, buf.len()).map_err(Fault::from)? {
            let frame = match self.translate(mm, addr, Access::Read) {
                Ok(f) => f,
                Err(_) => {
                    self.fault_into(mm, addr, Access::Read, &mut flush)?;
                    self.translate(mm, addr, Access::Read)
                        .map_err(Fault::from)?
                }
            };
            mm.mem().read(frame, off, &mut buf[range]);
        }
        Ok(flush)
    }

    /// Writes `data` at `va` with the kernel's rights, ignoring the area's
    /// protection: loading an executable into read-only pages. The pages
    /// become private to this space.
    pub fn populate<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        data: &[u8],
    ) -> Result<TlbFlush, VmError> {
        self.check_owner_unlent()?;
        let mut flush = TlbFlush::none();
        for (addr, off, range) in chunks(va, data.len()).map_err(|_| VmError::OutOfRange)? {
            // A whole page of data needs no zeroing before it is written.
            let need = if range.len() == PAGE_SIZE as usize {
                Need::Overwrite
            } else {
                Need::Force
            };
            let frame = self
                .resolve(mm, addr, need, &mut flush)
                .map_err(Fault::into_vm_error)?;
            mm.mem().write(frame, off, &data[range]);
        }
        Ok(flush)
    }
}

/// Splits `[va, va+len)` into per-page pieces: (page address, offset in
/// page, range in the caller's buffer).
fn chunks(
    va: u64,
    len: usize,
) -> Result<impl Iterator<Item = (u64, usize, core::ops::Range<usize>)>, PageFault> {
    let end = va
        .checked_add(len as u64)
        .filter(|&e| e <= entry::USER_END)
        .ok_or(PageFault {
            addr: va,
            access: Access::Read,
            present: false,
        })?;
    let mut pos = va;
    Ok(core::iter::from_fn(move || {
        if pos >= end {
            return None;
        }
        let page_end = ((pos / PAGE_SIZE) + 1) * PAGE_SIZE;
        let stop = page_end.min(end);
        let item = (
            pos,
            (pos % PAGE_SIZE) as usize,
            (pos - va) as usize..(stop - va) as usize,
        );
        pos = stop;
        Some(item)
    }))
}

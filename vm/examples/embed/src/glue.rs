//! What a kernel writes to use the `vm` crate: the two traits over its own
//! memory, and the page-fault entry. Nothing here is host-specific; the
//! same code builds for `x86_64-unknown-none`.

extern crate alloc;

use alloc::vec::Vec;

use vm::x86_64::structures::paging::{FrameAllocator, FrameDeallocator, PhysFrame, Size4KiB};
use vm::x86_64::PhysAddr;
use vm::{Access, AddressSpace, Fault, Mm, PhysMem, TlbFlush};

/// All RAM mapped at `offset` in the kernel's half (a higher-half direct
/// map, as Limine's HHDM or a kernel's own boot code sets up).
#[derive(Debug, Clone, Copy)]
pub struct DirectMap {
    /// Virtual address of physical address 0.
    pub offset: u64,
}

// SAFETY: the direct map covers every frame `RegionFrames` hands out with
// 4 KiB-aligned, writable memory for as long as the kernel runs, and those
// frames belong to the `vm` crate alone while allocated (the kernel keeps
// no reference into them).
unsafe impl PhysMem for DirectMap {
    fn frame_ptr(&self, frame: PhysFrame) -> *mut u8 {
        (self.offset + frame.start_address().as_u64()) as *mut u8
    }
}

/// The simplest frame allocator a kernel might start with: one usable
/// region from the boot memory map, handed out in order, with a free list
/// for frames given back.
#[derive(Debug)]
pub struct RegionFrames {
    next: u64,
    end: u64,
    freed: Vec<PhysFrame>,
}

impl RegionFrames {
    /// Frames of the physical range `start..end` (page aligned).
    pub fn new(start: u64, end: u64) -> RegionFrames {
        RegionFrames {
            next: start,
            end,
            freed: Vec::new(),
        }
    }

    /// One past the highest frame this allocator returns: the
    /// `phys_limit` for [`Mm::new`].
    pub fn phys_limit(&self) -> u64 {
        self.end
    }
}

// SAFETY: a frame comes either from the untouched part of the region
// (`next` only grows) or from the free list, where only a deallocated
// frame goes, so no frame is handed out twice.
unsafe impl FrameAllocator<Size4KiB> for RegionFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame> {
        if let Some(f) = self.freed.pop() {
            return Some(f);
        }
        if self.next >= self.end {
            return None;
        }
        let f = PhysFrame::containing_address(PhysAddr::new(self.next));
        self.next += 4096;
        Some(f)
    }
}

impl FrameDeallocator<Size4KiB> for RegionFrames {
    unsafe fn deallocate_frame(&mut self, frame: PhysFrame) {
        self.freed.push(frame);
    }
}

/// The kernel's context: one per machine, behind the kernel's lock.
pub type KernelMm = Mm<DirectMap, RegionFrames>;

/// Executes a flush token on this CPU. A real kernel passes
/// `x86_64::instructions::tlb::flush` and a CR3 reload (the `x86_64`
/// crate's `instructions` feature); here they are counted so the example
/// also runs as a host program.
pub fn flush(token: TlbFlush, flushed: &mut usize) {
    let mut pages = 0;
    let mut full = 0;
    token.execute(|_page| pages += 1, || full += 1);
    *flushed += pages + full;
}

/// The page-fault handler's user half: `code` is the error code the CPU
/// pushed, `addr` the faulting address from CR2. `Ok` resumes the user;
/// `Err` says which signal to deliver (`Fault::Segv`) or that the kernel's
/// out-of-memory policy must act.
pub fn user_page_fault(
    space: &mut AddressSpace,
    mm: &mut KernelMm,
    addr: u64,
    code: u64,
    flushed: &mut usize,
) -> Result<(), Fault> {
    let access = Access::from_page_fault_error(code);
    flush(space.handle_fault(mm, addr, access)?, flushed);
    Ok(())
}

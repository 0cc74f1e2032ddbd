//! A host implementation of the two traits: simulated RAM (one heap
//! allocation standing in for physical memory) and a bitmap frame
//! allocator over it, with failure injection. Tests, benches and anyone
//! trying the crate on a host use it; it is also the smallest example of
//! embedding the crate.
//!
//! The simulated MMU ([`crate::AddressSpace::translate`]) never sets
//! accessed or dirty bits, so table snapshots compare exactly.

use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::cell::Cell;
use std::ptr::NonNull;
use std::rc::Rc;

use bitvec::vec::BitVec;
use x86_64::structures::paging::{FrameAllocator, FrameDeallocator, PhysFrame, Size4KiB};
use x86_64::PhysAddr;

use crate::entry::PAGE_SIZE;
use crate::phys::PhysMem;

/// Physical address of the first simulated frame: not 0, so that a null
/// frame is never valid.
const BASE: u64 = 0x10_0000;

/// Simulated physical memory: `frames` 4 KiB frames from physical address
/// 1 MiB ([`SimRam::base`]; never 0, so a null frame is never valid).
#[derive(Debug)]
pub struct SimRam {
    raw: NonNull<u8>,
    mem: NonNull<u8>,
    frames: usize,
}

impl SimRam {
    /// `frames` zeroed frames. Large arenas cost nothing until touched: the
    /// allocation is made with the allocator's natural alignment (so it is
    /// served by `calloc`, whose large blocks come straight from the OS as
    /// zero pages) and aligned to 4 KiB by hand.
    pub fn new(frames: usize) -> SimRam {
        let layout = Self::layout(frames);
        // SAFETY: the layout has non-zero size (at least two frames) and a
        // valid power-of-two alignment.
        let raw = unsafe { alloc_zeroed(layout) };
        let raw = NonNull::new(raw).expect("host out of memory for SimRam");
        let pad = raw.as_ptr().align_offset(PAGE_SIZE as usize);
        // SAFETY: the allocation has one spare frame, and `pad < 4096`
        // keeps the aligned pointer and `frames` frames after it inside.
        let mem = unsafe { NonNull::new_unchecked(raw.as_ptr().add(pad)) };
        SimRam { raw, mem, frames }
    }
    fn layout(frames: usize) -> Layout {
        let bytes = (frames.max(1) + 1) * PAGE_SIZE as usize;
        Layout::from_size_align(bytes, 16).unwrap()
    }
    /// Number of frames.
    pub fn frames(&self) -> usize {
        self.frames
    }
    /// One past the highest physical address.
    pub fn phys_limit(&self) -> u64 {
        BASE + self.frames as u64 * PAGE_SIZE
    }
    /// The first frame's physical address.
    pub fn base(&self) -> u64 {
        BASE
    }
}

impl Drop for SimRam {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `alloc_zeroed` with this same layout and
        // is freed once, here.
        unsafe { dealloc(self.raw.as_ptr(), Self::layout(self.frames)) }
    }
}

// SAFETY: every frame in [BASE, phys_limit) maps to a distinct, 4096-aligned
// 4096-byte slice of the arena, valid until the SimRam is dropped; the arena
// is never exposed as a Rust reference.
unsafe impl PhysMem for SimRam {
    #[inline]
    fn frame_ptr(&self, frame: PhysFrame) -> *mut u8 {
        let pa = frame.start_address().as_u64();
        let offset = pa.wrapping_sub(BASE) as usize;
        assert!(
            offset < self.frames * PAGE_SIZE as usize,
            "frame {pa:#x} outside SimRam"
        );
        // SAFETY: the assert keeps `offset` inside the arena.
        unsafe { self.mem.as_ptr().add(offset) }
    }
}

/// A bitmap allocator over a [`SimRam`]'s frames. Cloning shares the
/// failure trigger, so a test can arm it after handing the allocator over.
#[derive(Debug)]
pub struct BitmapFrames {
    used: BitVec,
    free: usize,
    next: usize,
    fail_after: Rc<Cell<Option<usize>>>,
}

impl BitmapFrames {
    /// All of `ram`'s frames, free.
    pub fn new(ram: &SimRam) -> BitmapFrames {
        BitmapFrames {
            used: BitVec::repeat(false, ram.frames()),
            free: ram.frames(),
            next: 0,
            fail_after: Rc::new(Cell::new(None)),
        }
    }
    /// Free frames.
    pub fn free_frames(&self) -> usize {
        self.free
    }
    /// A handle that makes allocation fail after `n` more successes
    /// (`Some(n)`), or never (`None`).
    pub fn failure_trigger(&self) -> FailureTrigger {
        FailureTrigger(self.fail_after.clone())
    }
}

/// Arms or disarms allocation failure (see [`BitmapFrames::failure_trigger`]).
#[derive(Debug, Clone)]
pub struct FailureTrigger(Rc<Cell<Option<usize>>>);

impl FailureTrigger {
    /// Fail every allocation after `n` more succeed.
    pub fn fail_after(&self, n: usize) {
        self.0.set(Some(n));
    }
    /// Never fail.
    pub fn disarm(&self) {
        self.0.set(None);
    }
}

// SAFETY: a frame is handed out only while its bit is clear, and its bit
// stays set until it is deallocated, so no frame is given out twice.
unsafe impl FrameAllocator<Size4KiB> for BitmapFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame> {
        if let Some(n) = self.fail_after.get() {
            if n == 0 {
                return None;
            }
            self.fail_after.set(Some(n - 1));
        }
        if self.free == 0 {
            return None;
        }
        // Lowest free frame at or after the cursor; frees move the cursor
        // back, so the arena stays dense and the search short.
        let idx = self.used[self.next..]
            .first_zero()
            .map(|i| i + self.next)
            .or_else(|| self.used.first_zero())
            .expect("free count says a frame is free");
        self.used.set(idx, true);
        self.free -= 1;
        self.next = idx + 1;
        Some(PhysFrame::containing_address(PhysAddr::new(
            BASE + idx as u64 * PAGE_SIZE,
        )))
    }
}

impl FrameDeallocator<Size4KiB> for BitmapFrames {
    unsafe fn deallocate_frame(&mut self, frame: PhysFrame) {
        let idx = ((frame.start_address().as_u64() - BASE) / PAGE_SIZE) as usize;
        assert!(self.used[idx], "double free of frame {idx}");
        self.used.set(idx, false);
        self.free += 1;
        self.next = self.next.min(idx);
    }
}

/// The context tests and benches use.
pub type HostMm = crate::Mm<SimRam, BitmapFrames>;

/// A host context with `frames` frames of simulated RAM.
pub fn host_mm(frames: usize) -> HostMm {
    let ram = SimRam::new(frames);
    let alloc = BitmapFrames::new(&ram);
    let limit = ram.phys_limit();
    crate::Mm::new(ram, alloc, limit, crate::Config::default())
}

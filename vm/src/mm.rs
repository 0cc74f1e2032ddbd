//! The memory context every operation runs in: physical memory access, the
//! frame allocator, the shared-frame reference counts and the statistics.
//! A kernel keeps one (behind its own lock); tests keep one per scenario.

use alloc::vec::Vec;
use arrayvec::ArrayVec;
use x86_64::structures::paging::PhysFrame;

use crate::entry::{Pte, USER_ROOT_ENTRIES};
use crate::frame_refs::FrameRefs;
use crate::phys::{FrameAlloc, Frames, PhysMem};
use crate::stats::Stats;
use crate::VmError;

/// Knobs a kernel sets once.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Set the no-execute bit on leaves of non-executable areas (requires
    /// `EFER.NXE`; with it clear the bit is reserved and faults).
    pub use_nx: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config { use_nx: true }
    }
}

/// Physical memory, frames and reference counts.
pub struct Mm<P: PhysMem, A: FrameAlloc> {
    phys: P,
    frames: A,
    pub(crate) refs: FrameRefs,
    pub(crate) config: Config,
    kernel_half: Option<PhysFrame>,
    in_use: usize,
    /// What forks and faults have done so far.
    pub stats: Stats,
}

impl<P: PhysMem, A: FrameAlloc> core::fmt::Debug for Mm<P, A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mm")
            .field("frames_in_use", &self.in_use)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<P: PhysMem, A: FrameAlloc> Mm<P, A> {
    /// A context for frames below physical address `phys_limit`.
    pub fn new(phys: P, frames: A, phys_limit: u64, config: Config) -> Self {
        Mm {
            phys,
            frames,
            refs: FrameRefs::new(phys_limit),
            config,
            kernel_half: None,
            in_use: 0,
            stats: Stats::default(),
        }
    }

    /// Every new address space copies root entries 256..512 (the kernel
    /// half) from `root`.
    pub fn set_kernel_template(&mut self, root: PhysFrame) {
        self.kernel_half = Some(root);
    }

    /// Frames this context has allocated and not yet freed.
    pub fn frames_in_use(&self) -> usize {
        self.in_use
    }

    /// The physical memory access.
    pub fn phys(&self) -> &P {
        &self.phys
    }

    /// The frame allocator, for frames the kernel needs for itself.
    pub fn allocator(&mut self) -> &mut A {
        &mut self.frames
    }

    /// How many address spaces hold `frame` (1 for a private frame).
    pub fn share_count(&self, frame: PhysFrame) -> u32 {
        self.refs.count(frame)
    }

    pub(crate) fn mem(&self) -> Frames<'_, P> {
        Frames(&self.phys)
    }

    /// Table access and the share counts at once (disjoint borrows), for
    /// whole-table passes that count owners as they go.
    pub(crate) fn mem_and_refs(&mut self) -> (Frames<'_, P>, &mut FrameRefs) {
        (Frames(&self.phys), &mut self.refs)
    }

    fn alloc_raw(&mut self) -> Result<PhysFrame, VmError> {
        let f = self.frames.allocate_frame().ok_or(VmError::OutOfMemory)?;
        self.in_use += 1;
        Ok(f)
    }

    /// Returns a frame to the allocator.
    pub(crate) fn free(&mut self, frame: PhysFrame) {
        self.in_use -= 1;
        // SAFETY: the crate frees a frame only when its last owner lets it
        // go (reference count reached zero), so nothing maps it any more.
        unsafe { self.frames.deallocate_frame(frame) }
    }

    /// Drops one owner of `frame`, freeing it with the last.
    pub(crate) fn release(&mut self, frame: PhysFrame) {
        if self.refs.release(frame) {
            self.free(frame);
        }
    }

    /// `n` frames, or none and an error: operations reserve what they need
    /// before changing any table, so running out never leaves a half-done
    /// change behind.
    pub(crate) fn reserve(&mut self, n: usize) -> Result<Pool, VmError> {
        let mut frames = PoolFrames::with_capacity(n);
        for _ in 0..n {
            match self.alloc_raw() {
                Ok(f) => frames.push(f),
                Err(e) => {
                    self.unreserve(Pool { frames });
                    return Err(e);
                }
            }
        }
        Ok(Pool { frames })
    }

    /// Gives back what a [`Pool`] did not use.
    pub(crate) fn unreserve(&mut self, pool: Pool) {
        for f in pool.frames {
            self.free(f);
        }
    }

    /// A fresh root: empty user half, kernel half from the template.
    pub(crate) fn new_root(&mut self, pool: &mut Pool) -> PhysFrame {
        let root = pool.take();
        let mem = self.mem();
        match self.kernel_half {
            Some(template) => mem.copy_table(template, root, |i, e| {
                (e, if i < USER_ROOT_ENTRIES { 0 } else { e })
            }),
            None => mem.zero(root),
        }
        root
    }

    /// Reads one entry (for the crate's walkers).
    pub(crate) fn entry(&self, table: PhysFrame, idx: usize) -> Pte {
        self.mem().entry(table, idx)
    }

    /// Writes one entry.
    pub(crate) fn set_entry(&self, table: PhysFrame, idx: usize, pte: Pte) {
        self.mem().set_entry(table, idx, pte)
    }
}

/// Frames reserved for one operation: inline for the few a fault needs,
/// on the heap for a fork's many.
#[derive(Debug)]
enum PoolFrames {
    Few(ArrayVec<PhysFrame, 8>),
    Many(Vec<PhysFrame>),
}

impl PoolFrames {
    fn with_capacity(n: usize) -> PoolFrames {
        if n <= 8 {
            PoolFrames::Few(ArrayVec::new())
        } else {
            PoolFrames::Many(Vec::with_capacity(n))
        }
    }
    fn push(&mut self, f: PhysFrame) {
        match self {
            PoolFrames::Few(v) => v.push(f),
            PoolFrames::Many(v) => v.push(f),
        }
    }
    fn pop(&mut self) -> Option<PhysFrame> {
        match self {
            PoolFrames::Few(v) => v.pop(),
            PoolFrames::Many(v) => v.pop(),
        }
    }
}

impl IntoIterator for PoolFrames {
    type Item = PhysFrame;
    type IntoIter =
        core::iter::Chain<arrayvec::IntoIter<PhysFrame, 8>, alloc::vec::IntoIter<PhysFrame>>;
    fn into_iter(self) -> Self::IntoIter {
        match self {
            PoolFrames::Few(v) => v.into_iter().chain(Vec::new()),
            PoolFrames::Many(v) => ArrayVec::new().into_iter().chain(v),
        }
    }
}

/// Frames reserved for one operation.
#[derive(Debug)]
pub(crate) struct Pool {
    frames: PoolFrames,
}

impl Pool {
    /// The next reserved frame, contents undefined.
    pub fn take(&mut self) -> PhysFrame {
        self.frames
            .pop()
            .expect("operation used more frames than it reserved")
    }
    /// The next reserved frame, zeroed.
    pub fn take_zeroed<P: PhysMem, A: FrameAlloc>(&mut self, mm: &Mm<P, A>) -> PhysFrame {
        let f = self.take();
        mm.mem().zero(f);
        f
    }
}

//! The memory context every operation runs in: physical memory access, the
//! frame allocator, the shared-frame reference counts and the statistics.
//! A kernel keeps one (behind its own lock); tests keep one per scenario.

use x86_64::structures::paging::PhysFrame;

use crate::entry::{Pte, USER_ROOT_ENTRIES};
use crate::frame_cache::FrameCache;
use crate::frame_refs::FrameRefs;
use crate::phys::{FrameAlloc, Frames, PhysMem};
use crate::stats::Stats;
use crate::VmError;

pub(crate) use crate::pool::Pool;

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
    /// Free frames kept for the next reservation (see `frame_cache`).
    cache: FrameCache,
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
            .field("cached_frames", &self.cache.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl<P: PhysMem, A: FrameAlloc> Mm<P, A> {
    /// A context for frames below physical address `phys_limit`: one past
    /// the highest frame the allocator can return (the end of usable RAM in
    /// the boot memory map, not the end of the address space).
    ///
    /// Allocates `phys_limit / 1024` bytes at once: a 4-byte share count
    /// per 4 KiB frame (4 MiB for 4 GiB of RAM), indexed by frame number
    /// because a fork updates one count per mapped page. A frame the
    /// allocator returns at or above the limit is given back and the
    /// operation fails with [`VmError::FrameBeyondLimit`] (a fault with
    /// [`Fault::FrameBeyondLimit`](crate::Fault::FrameBeyondLimit)),
    /// before any table changes.
    pub fn new(phys: P, frames: A, phys_limit: u64, config: Config) -> Self {
        Mm {
            phys,
            frames,
            cache: FrameCache::new(),
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

    /// Frames this context has allocated and not yet freed: held by
    /// address spaces or by an operation under way. Frames in the free
    /// frame cache are not counted (see [`Mm::cached_frames`]).
    pub fn frames_in_use(&self) -> usize {
        self.in_use
    }

    /// Free frames the context keeps for its next allocations instead of
    /// returning them to the allocator at once. They belong to no address
    /// space: a free-memory figure should count them as free, or call
    /// [`Mm::drain_frame_cache`] first.
    pub fn cached_frames(&self) -> usize {
        self.cache.len()
    }

    /// Returns every cached frame to the allocator, so that the allocator
    /// alone accounts for all free memory (leak checks).
    pub fn drain_frame_cache(&mut self) {
        let limit = self.cache.limit();
        self.set_frame_cache_limit(0);
        self.set_frame_cache_limit(limit);
    }

    /// How many free frames the cache may hold, at most
    /// [`FRAME_CACHE_CAPACITY`](crate::FRAME_CACHE_CAPACITY) (the default).
    /// 0 turns it off: every frame then comes from and goes to the
    /// allocator, which is what fault injection in the allocator needs to
    /// fail at an exact frame (cached frames are handed out without asking
    /// the allocator, so its injected failures do not apply to them).
    /// Frames over the new limit go back to the allocator.
    pub fn set_frame_cache_limit(&mut self, limit: usize) {
        for f in self.cache.set_limit(limit) {
            // SAFETY: cached frames were freed by their last owner (see
            // `free`) and nothing maps them.
            unsafe { self.frames.deallocate_frame(f) }
        }
    }

    /// The current limit (see [`Mm::set_frame_cache_limit`]).
    pub fn frame_cache_limit(&self) -> usize {
        self.cache.limit()
    }

    /// The `phys_limit` the context was made with, rounded down to a whole
    /// frame: frames at or above it are refused.
    pub fn phys_limit(&self) -> u64 {
        self.refs.limit()
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

    /// Gives a frame back: to the cache, or to the allocator when the
    /// cache is full.
    #[inline]
    pub(crate) fn free(&mut self, frame: PhysFrame) {
        self.in_use -= 1;
        if let Err(frame) = self.cache.push(frame) {
            // SAFETY: the crate frees a frame only when its last owner
            // lets it go (reference count reached zero), so nothing maps
            // it any more.
            unsafe { self.frames.deallocate_frame(frame) }
        }
    }

    /// Drops one owner of `frame`, freeing it with the last.
    pub(crate) fn release(&mut self, frame: PhysFrame) {
        if self.refs.release(frame) {
            self.free(frame);
        }
    }

    /// `n` frames, or none and an error: operations reserve what they need
    /// before changing any table, so running out never leaves a half-done
    /// change behind. Cached frames go first, the allocator supplies the
    /// rest; on failure each frame goes back where it came from, so the
    /// cache and the allocator are as they were.
    pub(crate) fn reserve(&mut self, n: usize) -> Result<Pool, VmError> {
        let mut pool = Pool::with_capacity(n);
        let from_cache = self.cache.pop_slice(n, |fs| pool.extend_from_slice(fs));
        while pool.len() < n {
            match self.frames.allocate_frame() {
                Some(f) if self.refs.covers(f) => pool.push(f),
                bad => {
                    let err = match bad {
                        Some(f) => {
                            // SAFETY: just allocated and never used.
                            unsafe { self.frames.deallocate_frame(f) };
                            VmError::FrameBeyondLimit {
                                frame: f.start_address().as_u64(),
                            }
                        }
                        None => VmError::OutOfMemory,
                    };
                    let (cached, fresh) = pool.frames().split_at(from_cache);
                    let rest = self.cache.push_slice(cached);
                    debug_assert!(rest.is_empty(), "the cache had room for its own frames");
                    self.deallocate_all(fresh);
                    return Err(err);
                }
            }
        }
        self.in_use += n;
        Ok(pool)
    }

    /// Gives back what a [`Pool`] did not use: to the cache while it has
    /// room, the rest to the allocator.
    pub(crate) fn unreserve(&mut self, pool: Pool) {
        self.in_use -= pool.len();
        let rest = self.cache.push_slice(pool.frames());
        self.deallocate_all(rest);
    }

    fn deallocate_all(&mut self, frames: &[PhysFrame]) {
        for &f in frames {
            // SAFETY: `frames` are reserved frames no operation used or
            // frames just taken from the allocator: nothing maps them.
            unsafe { self.frames.deallocate_frame(f) }
        }
    }

    /// A fresh root: empty user half, kernel half from the template.
    pub(crate) fn new_root(&mut self, pool: &mut Pool) -> PhysFrame {
        let root = pool.take();
        let mem = self.mem();
        match self.kernel_half {
            Some(template) => mem.copy_present(template, root, |i, e| {
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

impl<P: PhysMem, A: FrameAlloc> Drop for Mm<P, A> {
    /// Cached frames go back to the allocator, which may outlive the
    /// context (a kernel's allocator is a handle to a global bitmap).
    fn drop(&mut self) {
        self.drain_frame_cache();
    }
}

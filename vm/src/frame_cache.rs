//! A small stack of free frames kept inside [`crate::Mm`], in front of the
//! kernel's allocator (as Linux's per-CPU page lists sit in front of the
//! buddy allocator).
//!
//! Why: every operation reserves its worst case up front (a fault: a page
//! and three tables) and gives back what it did not use, and teardown
//! frees frames one at a time. Without the cache each of those frames
//! makes a round trip through the allocator (a lock and a bitmap update in
//! a kernel) to be handed out again moments later. With it, a reservation
//! and its return are a copy of a few words.
//!
//! The cache is bounded so that it never hides much memory from the
//! allocator: beyond [`FrameCache::limit`] frames go straight back.
//! Cached frames are free, not in use: [`crate::Mm::frames_in_use`] does
//! not count them, and [`crate::Mm::cached_frames`] reports them so that
//! free-memory figures can add them back.

use arrayvec::ArrayVec;
use x86_64::structures::paging::PhysFrame;

/// The most frames the cache can hold (512 KiB). Measured on the guest
/// benchmarks (fork_exec, exec_chain): 16 frames catch the reserve/return
/// churn of faults, 128 also let most of an exiting small process's
/// frames be reused by the next one's faults (1.5% fewer instructions
/// than 64), and 256 gain almost nothing more.
pub const FRAME_CACHE_CAPACITY: usize = 128;

/// Free frames owned by the context, most recently freed last.
#[derive(Debug)]
pub(crate) struct FrameCache {
    frames: ArrayVec<PhysFrame, FRAME_CACHE_CAPACITY>,
    /// Frames beyond this many go back to the allocator (0 turns the
    /// cache off; at most [`FRAME_CACHE_CAPACITY`]).
    limit: usize,
}

impl FrameCache {
    pub(crate) fn new() -> FrameCache {
        FrameCache {
            frames: ArrayVec::new(),
            limit: FRAME_CACHE_CAPACITY,
        }
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.frames.len()
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Sets the limit (clamped to the capacity); returns the frames now
    /// over it, for the caller to give back to the allocator.
    pub(crate) fn set_limit(&mut self, limit: usize) -> impl Iterator<Item = PhysFrame> + '_ {
        self.limit = limit.min(FRAME_CACHE_CAPACITY);
        let keep = self.limit.min(self.frames.len());
        self.frames.drain(keep..)
    }

    /// Keeps `frame`, or hands it back when the cache is full.
    #[inline]
    pub(crate) fn push(&mut self, frame: PhysFrame) -> Result<(), PhysFrame> {
        if self.frames.len() < self.limit {
            self.frames.push(frame);
            Ok(())
        } else {
            Err(frame)
        }
    }

    /// Keeps as many of `frames` as fit; returns the rest.
    #[inline]
    pub(crate) fn push_slice<'a>(&mut self, frames: &'a [PhysFrame]) -> &'a [PhysFrame] {
        let room = self
            .limit
            .saturating_sub(self.frames.len())
            .min(frames.len());
        let (kept, rest) = frames.split_at(room);
        self.frames
            .try_extend_from_slice(kept)
            .expect("room was checked against the limit");
        rest
    }

    /// Removes up to `n` frames, the most recently cached ones, and passes
    /// them to `take` as one slice.
    #[inline]
    pub(crate) fn pop_slice(&mut self, n: usize, take: impl FnOnce(&[PhysFrame])) -> usize {
        let start = self.frames.len().saturating_sub(n);
        take(&self.frames[start..]);
        let taken = self.frames.len() - start;
        self.frames.truncate(start);
        taken
    }
}

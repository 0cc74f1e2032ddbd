//! The frames one operation reserved: taken from the context before any
//! table changes, used as the operation goes, the rest given back at its
//! end (see [`crate::mm::Mm::reserve`]).

use alloc::vec::Vec;
use arrayvec::ArrayVec;
use x86_64::structures::paging::PhysFrame;

use crate::mm::Mm;
use crate::phys::{FrameAlloc, PhysMem};

/// Reservations up to this size stay inline (a fault reserves four).
const INLINE: usize = 8;

/// Inline for the few a fault needs, on the heap for a fork's many. The
/// methods are `#[inline]`: they are called from the generic operations a
/// kernel instantiates in its own crate, and a call per frame used to cost
/// more than the work.
#[derive(Debug)]
enum PoolFrames {
    Few(ArrayVec<PhysFrame, INLINE>),
    Many(Vec<PhysFrame>),
}

/// Frames reserved for one operation.
#[derive(Debug)]
pub(crate) struct Pool {
    frames: PoolFrames,
}

impl Pool {
    /// An empty pool with room for `n` frames.
    #[inline]
    pub(crate) fn with_capacity(n: usize) -> Pool {
        let frames = if n <= INLINE {
            PoolFrames::Few(ArrayVec::new())
        } else {
            PoolFrames::Many(Vec::with_capacity(n))
        };
        Pool { frames }
    }

    /// Adds one frame (within the capacity asked for).
    #[inline]
    pub(crate) fn push(&mut self, f: PhysFrame) {
        match &mut self.frames {
            PoolFrames::Few(v) => v.push(f),
            PoolFrames::Many(v) => v.push(f),
        }
    }

    /// Adds frames in bulk (within the capacity asked for).
    #[inline]
    pub(crate) fn extend_from_slice(&mut self, fs: &[PhysFrame]) {
        match &mut self.frames {
            PoolFrames::Few(v) => v
                .try_extend_from_slice(fs)
                .expect("pool filled past its capacity"),
            PoolFrames::Many(v) => v.extend_from_slice(fs),
        }
    }

    /// The frames not yet taken.
    #[inline]
    pub(crate) fn frames(&self) -> &[PhysFrame] {
        match &self.frames {
            PoolFrames::Few(v) => v,
            PoolFrames::Many(v) => v,
        }
    }

    /// How many frames are left.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.frames().len()
    }

    /// The next reserved frame, contents undefined.
    #[inline]
    pub fn take(&mut self) -> PhysFrame {
        match &mut self.frames {
            PoolFrames::Few(v) => v.pop(),
            PoolFrames::Many(v) => v.pop(),
        }
        .expect("operation used more frames than it reserved")
    }

    /// The next reserved frame, zeroed.
    #[inline]
    pub fn take_zeroed<P: PhysMem, A: FrameAlloc>(&mut self, mm: &Mm<P, A>) -> PhysFrame {
        let f = self.take();
        mm.mem().zero(f);
        f
    }
}

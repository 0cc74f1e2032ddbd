//! Reference counts for frames shared between address spaces: data pages
//! shared copy-on-write and last-level tables shared by on-demand fork.
//!
//! A flat array indexed by frame number: a fork touches one count per
//! mapped page, so a tree map would dominate its cost. A count of 0 in the
//! array means "one owner" (the common case, so freshly allocated frames
//! need no bookkeeping).

use alloc::vec::Vec;
use x86_64::structures::paging::PhysFrame;

/// Per-frame owner counts.
#[derive(Debug)]
pub struct FrameRefs {
    extra: Vec<u32>,
}

impl FrameRefs {
    /// Counts for frames below physical address `phys_limit`.
    pub fn new(phys_limit: u64) -> FrameRefs {
        FrameRefs {
            extra: alloc::vec![0; (phys_limit >> 12) as usize],
        }
    }

    /// Whether `frame` has a count: it lies below the limit. Frames enter
    /// the crate only through `Mm::reserve`, which checks this, so the
    /// indexing below never goes out of bounds.
    pub fn covers(&self, frame: PhysFrame) -> bool {
        ((frame.start_address().as_u64() >> 12) as usize) < self.extra.len()
    }

    /// One past the highest frame with a count.
    pub fn limit(&self) -> u64 {
        (self.extra.len() as u64) << 12
    }

    fn slot(&mut self, frame: PhysFrame) -> &mut u32 {
        let idx = (frame.start_address().as_u64() >> 12) as usize;
        &mut self.extra[idx]
    }

    /// How many owners `frame` has (at least 1 for an allocated frame).
    pub fn count(&self, frame: PhysFrame) -> u32 {
        let idx = (frame.start_address().as_u64() >> 12) as usize;
        self.extra[idx] + 1
    }

    /// One more owner.
    pub fn share(&mut self, frame: PhysFrame) {
        *self.slot(frame) += 1;
    }

    /// One owner fewer; true when that was the last one and the frame must
    /// be freed.
    pub fn release(&mut self, frame: PhysFrame) -> bool {
        let slot = self.slot(frame);
        if *slot == 0 {
            true
        } else {
            *slot -= 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use x86_64::PhysAddr;

    #[test]
    fn last_release_frees() {
        let mut refs = FrameRefs::new(1 << 20);
        let f = PhysFrame::containing_address(PhysAddr::new(0x3000));
        assert_eq!(refs.count(f), 1);
        refs.share(f);
        refs.share(f);
        assert_eq!(refs.count(f), 3);
        assert!(!refs.release(f));
        assert!(!refs.release(f));
        assert!(refs.release(f));
    }
}

//! TLB-flush tokens. The crate never executes `invlpg` itself: every
//! operation that changes a mapping returns a [`TlbFlush`] naming what the
//! caller must flush, and dropping one unexecuted is a compile-time warning
//! (`#[must_use]`) and an explicit [`TlbFlush::ignore`] otherwise.

use arrayvec::ArrayVec;
use x86_64::VirtAddr;

/// Pages a token lists one by one before it becomes "flush everything".
const MAX_PAGES: usize = 16;

/// What a mapping change requires the caller to flush from the TLB of the
/// address space it applied to.
#[must_use = "a changed mapping stays stale in the TLB until the flush is executed"]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlbFlush {
    pages: ArrayVec<VirtAddr, MAX_PAGES>,
    all: bool,
}

impl TlbFlush {
    /// Nothing to flush.
    pub fn none() -> TlbFlush {
        TlbFlush::default()
    }
    /// One page.
    pub fn page(va: VirtAddr) -> TlbFlush {
        let mut t = TlbFlush::none();
        t.add_page(va);
        t
    }
    /// The whole address space.
    pub fn all() -> TlbFlush {
        TlbFlush {
            pages: ArrayVec::new(),
            all: true,
        }
    }
    pub(crate) fn add_page(&mut self, va: VirtAddr) {
        if self.all || self.pages.contains(&va) {
            return;
        }
        if self.pages.try_push(va).is_err() {
            self.pages.clear();
            self.all = true;
        }
    }
    /// Adds `other`'s work to this token.
    pub fn merge(&mut self, other: TlbFlush) {
        if other.all {
            self.pages.clear();
            self.all = true;
        }
        for va in other.pages {
            self.add_page(va);
        }
    }
    /// Whether the whole TLB of the space must go.
    pub fn is_all(&self) -> bool {
        self.all
    }
    /// The single pages to flush (empty when [`TlbFlush::is_all`]).
    pub fn pages(&self) -> &[VirtAddr] {
        &self.pages
    }
    /// Whether nothing needs flushing.
    pub fn is_empty(&self) -> bool {
        !self.all && self.pages.is_empty()
    }
    /// Runs the flush: `one_page` per listed page, or `everything` once.
    pub fn execute(self, mut one_page: impl FnMut(VirtAddr), everything: impl FnOnce()) {
        if self.all {
            everything();
        } else {
            self.pages.into_iter().for_each(&mut one_page);
        }
    }
    /// Drops the token on purpose: for a space that is not loaded on any
    /// CPU, whose TLB entries are gone already.
    pub fn ignore(self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_pages_become_all() {
        let mut t = TlbFlush::none();
        for i in 0..(MAX_PAGES as u64 + 1) {
            t.add_page(VirtAddr::new(i * 4096));
        }
        assert!(t.is_all());
        let mut ran_all = false;
        t.execute(
            |_| panic!("per-page flush after overflow"),
            || ran_all = true,
        );
        assert!(ran_all);
    }

    #[test]
    fn merge_keeps_pages_once() {
        let mut t = TlbFlush::page(VirtAddr::new(0x1000));
        t.merge(TlbFlush::page(VirtAddr::new(0x1000)));
        t.merge(TlbFlush::page(VirtAddr::new(0x2000)));
        assert_eq!(t.pages().len(), 2);
        t.ignore();
    }
}

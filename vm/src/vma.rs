//! Virtual memory areas: what a range of user addresses is for and how it
//! may be accessed. The list keeps areas sorted, page aligned and disjoint.

use alloc::collections::BTreeMap;
use core::ops::Range;

use crate::entry::PAGE_SIZE;

/// Access rights of an area (`PROT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prot {
    /// Readable.
    pub read: bool,
    /// Writable.
    pub write: bool,
    /// Executable.
    pub exec: bool,
}

impl Prot {
    /// No access.
    pub const NONE: Prot = Prot {
        read: false,
        write: false,
        exec: false,
    };
    /// Read only.
    pub const R: Prot = Prot {
        read: true,
        write: false,
        exec: false,
    };
    /// Read and write.
    pub const RW: Prot = Prot {
        read: true,
        write: true,
        exec: false,
    };
    /// Read and execute.
    pub const RX: Prot = Prot {
        read: true,
        write: false,
        exec: true,
    };

    /// From Linux `PROT_READ|PROT_WRITE|PROT_EXEC` bits.
    pub fn from_linux(bits: u32) -> Prot {
        Prot {
            read: bits & 1 != 0,
            write: bits & 2 != 0,
            exec: bits & 4 != 0,
        }
    }
}

/// What an area holds; fork uses it to choose pages to copy eagerly and the
/// statistics use it to say where faults land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmaKind {
    /// A thread's stack.
    Stack,
    /// Thread-local storage and the thread descriptor.
    Tls,
    /// The `brk` heap.
    Heap,
    /// Anonymous `mmap`.
    Anonymous,
    /// A loaded executable or file mapping.
    Image,
}

impl VmaKind {
    /// Number of kinds.
    pub const COUNT: usize = 5;
    /// Every kind, in [`VmaKind::index`] order.
    pub const ALL: [VmaKind; VmaKind::COUNT] = [
        VmaKind::Stack,
        VmaKind::Tls,
        VmaKind::Heap,
        VmaKind::Anonymous,
        VmaKind::Image,
    ];
    /// A dense index for per-kind counters.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            VmaKind::Stack => "stack",
            VmaKind::Tls => "tls",
            VmaKind::Heap => "heap",
            VmaKind::Anonymous => "anonymous",
            VmaKind::Image => "image",
        }
    }
}

/// One area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vma {
    /// First address (page aligned).
    pub start: u64,
    /// One past the last address (page aligned).
    pub end: u64,
    /// Access rights.
    pub prot: Prot,
    /// What it holds.
    pub kind: VmaKind,
    /// `MAP_SHARED`: fork shares its frames writable instead of copying.
    pub shared: bool,
}

impl Vma {
    /// A private area.
    pub fn new(range: Range<u64>, prot: Prot, kind: VmaKind) -> Vma {
        Vma {
            start: range.start,
            end: range.end,
            prot,
            kind,
            shared: false,
        }
    }
    /// The range it covers.
    pub fn range(&self) -> Range<u64> {
        self.start..self.end
    }
    /// Whether it covers `va`.
    pub fn contains(&self, va: u64) -> bool {
        self.start <= va && va < self.end
    }
}

/// Sorted, disjoint areas.
#[derive(Debug, Clone, Default)]
pub struct VmaList {
    by_start: BTreeMap<u64, Vma>,
}

impl VmaList {
    /// The area containing `va`.
    pub fn find(&self, va: u64) -> Option<&Vma> {
        self.by_start
            .range(..=va)
            .next_back()
            .map(|(_, v)| v)
            .filter(|v| v.contains(va))
    }
    /// Whether any area overlaps `range`.
    pub fn overlaps(&self, range: &Range<u64>) -> bool {
        self.iter_overlapping(range).next().is_some()
    }
    /// Areas overlapping `range`, in address order.
    pub fn iter_overlapping<'a>(
        &'a self,
        range: &Range<u64>,
    ) -> impl Iterator<Item = &'a Vma> + 'a {
        let r = range.clone();
        let first = self.find(r.start).map(|v| v.start).unwrap_or(r.start);
        self.by_start
            .range(first..r.end)
            .map(|(_, v)| v)
            .filter(move |v| v.end > r.start)
    }
    /// Whether areas cover every address of `range`, with no gap (an
    /// empty range is covered).
    pub fn covers(&self, range: &Range<u64>) -> bool {
        let mut next = range.start;
        for v in self.iter_overlapping(range) {
            if v.start > next {
                return false;
            }
            next = v.end;
            if next >= range.end {
                return true;
            }
        }
        next >= range.end
    }
    /// All areas in address order.
    pub fn iter(&self) -> impl Iterator<Item = &Vma> {
        self.by_start.values()
    }
    /// How many areas there are (a kernel's `vm.max_map_count` check).
    pub fn len(&self) -> usize {
        self.by_start.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }
    pub(crate) fn insert(&mut self, vma: Vma) {
        debug_assert!(!self.overlaps(&vma.range()));
        self.by_start.insert(vma.start, vma);
    }
    /// Cuts areas at `range`'s ends so that each area lies wholly inside or
    /// outside it.
    pub(crate) fn split_at_edges(&mut self, range: &Range<u64>) {
        for cut in [range.start, range.end] {
            if let Some(v) = self.find(cut).copied() {
                if v.start < cut {
                    self.by_start.insert(v.start, Vma { end: cut, ..v });
                    self.by_start.insert(cut, Vma { start: cut, ..v });
                }
            }
        }
    }
    /// Removes the areas inside `range` (call [`Self::split_at_edges`] first).
    pub(crate) fn remove_inside(&mut self, range: &Range<u64>) {
        let starts: alloc::vec::Vec<u64> = self
            .by_start
            .range(range.start..range.end)
            .map(|(s, _)| *s)
            .collect();
        for s in starts {
            self.by_start.remove(&s);
        }
    }
    /// Applies `f` to every area inside `range` (after splitting).
    pub(crate) fn update_inside(&mut self, range: &Range<u64>, mut f: impl FnMut(&mut Vma)) {
        for (_, v) in self.by_start.range_mut(range.start..range.end) {
            f(v);
        }
    }
    /// The lowest free page-aligned gap of `len` bytes at or above `from`
    /// and below `limit`.
    pub fn find_free(&self, len: u64, from: u64, limit: u64) -> Option<u64> {
        let len = len.div_ceil(PAGE_SIZE) * PAGE_SIZE;
        let mut candidate = from.div_ceil(PAGE_SIZE) * PAGE_SIZE;
        for v in self.by_start.values() {
            if v.end <= candidate {
                continue;
            }
            if v.start >= candidate.checked_add(len)? {
                break;
            }
            candidate = v.end;
        }
        (candidate.checked_add(len)? <= limit).then_some(candidate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_needs_every_page() {
        let mut l = VmaList::default();
        l.insert(Vma::new(0x1000..0x3000, Prot::RW, VmaKind::Anonymous));
        l.insert(Vma::new(0x3000..0x4000, Prot::R, VmaKind::Anonymous));
        l.insert(Vma::new(0x5000..0x6000, Prot::RW, VmaKind::Anonymous));
        assert!(l.covers(&(0x1000..0x4000)), "adjacent areas join");
        assert!(l.covers(&(0x2000..0x3800)));
        assert!(l.covers(&(0x2000..0x2000)), "empty");
        assert!(!l.covers(&(0x1000..0x5000)), "hole at the end");
        assert!(!l.covers(&(0x3000..0x6000)), "hole in the middle");
        assert!(!l.covers(&(0x0..0x2000)), "hole at the start");
        assert!(!l.covers(&(0x7000..0x8000)), "nothing there");
    }

    #[test]
    fn split_and_remove_middle() {
        let mut l = VmaList::default();
        l.insert(Vma::new(0x1000..0x5000, Prot::RW, VmaKind::Anonymous));
        let r = 0x2000..0x3000;
        l.split_at_edges(&r);
        l.remove_inside(&r);
        let got: alloc::vec::Vec<_> = l.iter().map(|v| v.range()).collect();
        assert_eq!(got, [0x1000..0x2000, 0x3000..0x5000]);
        assert!(l.find(0x2800).is_none());
        assert_eq!(l.find(0x4fff).unwrap().start, 0x3000);
        assert_eq!(l.find_free(0x1000, 0x1000, 0x10000), Some(0x2000));
        assert_eq!(l.find_free(0x2000, 0x1000, 0x10000), Some(0x5000));
    }
}

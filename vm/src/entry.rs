//! The x86_64 page-table entry format: the one module that knows bit
//! positions, so another paging scheme is one more module like this one.
//!
//! Software bits (ignored by the MMU) carry the fork state of an entry:
//! - [`COW`]: a private leaf whose frame may be shared; copy before writing.
//! - [`SHARED_TABLE`]: an upper entry whose next-level table is shared
//!   between address spaces (on-demand fork); write-protected at this level.
//! - [`BORROWED`]: an entry in a hybrid child that points at its parent's
//!   table or frame; the child holds no reference and must never write it.
//! - [`SHARED_PAGE`]: a leaf of a `MAP_SHARED` area; never copied on write.

use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};
use x86_64::PhysAddr;

/// Entries per table.
pub const ENTRIES: usize = 512;
/// Bytes per page and per table.
pub const PAGE_SIZE: u64 = 4096;
/// Levels of the tree: 4 (PML4) down to 1 (PT).
pub const LEVELS: u8 = 4;
/// Root entries `0..USER_ROOT_ENTRIES` map the user half.
pub const USER_ROOT_ENTRIES: usize = 256;
/// One past the highest user address (the canonical lower half).
pub const USER_END: u64 = 0x0000_8000_0000_0000;

/// Copy-on-write leaf.
pub const COW: F = F::BIT_9;
/// Upper entry whose next table is shared by several address spaces.
pub const SHARED_TABLE: F = F::BIT_10;
/// Entry of a hybrid child pointing into its parent's tree.
pub const BORROWED: F = F::BIT_11;
/// Leaf of a shared mapping.
pub const SHARED_PAGE: F = F::BIT_52;

const ADDR_MASK: u64 = 0x000f_ffff_ffff_f000;

/// One page-table entry, as raw bits.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Pte(pub u64);

impl core::fmt::Debug for Pte {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Pte({:#x}, {:?})", self.addr().as_u64(), self.flags())
    }
}

impl Pte {
    /// The empty entry.
    pub const EMPTY: Pte = Pte(0);

    /// An entry pointing at `frame` with `flags`.
    #[inline]
    pub fn new(frame: PhysFrame, flags: F) -> Pte {
        Pte(frame.start_address().as_u64() | flags.bits())
    }
    /// Flag bits, software bits included.
    #[inline]
    pub fn flags(self) -> F {
        F::from_bits_truncate(self.0)
    }
    /// The physical address this entry points at.
    #[inline]
    pub fn addr(self) -> PhysAddr {
        PhysAddr::new(self.0 & ADDR_MASK)
    }
    /// The frame this entry points at.
    #[inline]
    pub fn frame(self) -> PhysFrame {
        PhysFrame::containing_address(self.addr())
    }
    /// Whether the MMU may use this entry.
    #[inline]
    pub fn present(self) -> bool {
        self.has(F::PRESENT)
    }
    /// Whether `flag` is set.
    #[inline]
    pub fn has(self, flag: F) -> bool {
        self.flags().contains(flag)
    }
    /// The same entry with `flag` set.
    #[inline]
    pub fn with(self, flag: F) -> Pte {
        Pte(self.0 | flag.bits())
    }
    /// The same entry with `flag` cleared.
    #[inline]
    pub fn without(self, flag: F) -> Pte {
        Pte(self.0 & !flag.bits())
    }
    /// The same flags pointing at another frame.
    #[inline]
    pub fn with_frame(self, frame: PhysFrame) -> Pte {
        Pte((self.0 & !ADDR_MASK) | frame.start_address().as_u64())
    }
}

/// Flags of an upper-level (non-leaf) entry for user mappings: the leaves
/// decide the real protection.
#[inline]
pub fn table_flags() -> F {
    F::PRESENT | F::WRITABLE | F::USER_ACCESSIBLE
}

/// How many entries of a table at `level` this crate manages: the user
/// half of the root, all of any lower table.
#[inline]
pub fn managed_entries(level: u8) -> usize {
    if level == LEVELS {
        USER_ROOT_ENTRIES
    } else {
        ENTRIES
    }
}

/// Index into the table at `level` (4..=1) for virtual address `va`.
#[inline]
pub fn index(va: u64, level: u8) -> usize {
    ((va >> (12 + 9 * (u32::from(level) - 1))) & 0x1ff) as usize
}

/// Bytes covered by one entry at `level`.
#[inline]
pub fn span(level: u8) -> u64 {
    PAGE_SIZE << (9 * (u32::from(level) - 1))
}

/// The lowest address covered by entry `idx` of a table at `level`, whose
/// own coverage starts at `base`.
#[inline]
pub fn entry_base(base: u64, level: u8, idx: usize) -> u64 {
    base + idx as u64 * span(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_split_an_address() {
        let va = (3u64 << 39) | (5 << 30) | (7 << 21) | (9 << 12) | 0x123;
        assert_eq!(
            [index(va, 4), index(va, 3), index(va, 2), index(va, 1)],
            [3, 5, 7, 9]
        );
        assert_eq!(span(1), 4096);
        assert_eq!(span(2), 2 << 20);
        assert_eq!(entry_base(0, 4, 1), 1 << 39);
    }

    #[test]
    fn software_bits_round_trip() {
        let frame = PhysFrame::containing_address(PhysAddr::new(0x5000));
        let pte = Pte::new(frame, F::PRESENT | COW | SHARED_PAGE);
        assert!(pte.has(COW) && pte.has(SHARED_PAGE) && !pte.has(BORROWED));
        assert_eq!(pte.frame(), frame);
        assert!(!pte.without(COW).has(COW));
    }
}

//! Classic fork: the child gets a copy of every user page-table page; every
//! private leaf becomes read-only + COW in both spaces and its frame gains
//! an owner. Last-level tables already shared by an on-demand fork are
//! shared once more instead of copied.

use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};

use super::{Forked, StrategyKind};
use crate::entry::{Pte, BORROWED, COW, SHARED_PAGE, SHARED_TABLE};
use crate::frame_refs::FrameRefs;
use crate::mm::{Mm, Pool};
use crate::phys::{FrameAlloc, PhysMem, PresentEntries};
use crate::space::AddressSpace;
use crate::VmError;

impl AddressSpace {
    pub(super) fn fork_classic<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
    ) -> Result<Forked, VmError> {
        let tables = count_owned_tables(mm, self.root(), 4);
        self.fork_by_copy(
            mm,
            StrategyKind::Classic,
            tables,
            |mm, root, child, pool| copy_children(mm, root, child, 4, pool),
        )
    }
}

/// Tables a classic copy of the tree under `table` needs (itself included).
pub(crate) fn count_owned_tables<P: PhysMem, A: FrameAlloc>(
    mm: &Mm<P, A>,
    table: PhysFrame,
    level: u8,
) -> usize {
    if level == 1 {
        return 1;
    }
    let mut n = 1;
    let mut present = PresentEntries::managed(table, level);
    while let Some((_, e)) = present.next(&mm.mem()) {
        if !e.has(SHARED_TABLE) {
            n += count_owned_tables(mm, e.frame(), level - 1);
        }
    }
    n
}

/// A classic copy of the tree under the parent's `table` at `level`.
pub(crate) fn copy_tree<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    level: u8,
    pool: &mut Pool,
) -> PhysFrame {
    // A last-level copy is written whole by copy_children.
    let copy = if level == 1 {
        pool.take()
    } else {
        pool.take_zeroed(mm)
    };
    copy_children(mm, table, copy, level, pool);
    copy
}

/// Fills the child's `dst` table with a classic copy of `src`'s entries.
fn copy_children<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    src: PhysFrame,
    dst: PhysFrame,
    level: u8,
    pool: &mut Pool,
) {
    if level == 1 {
        // The hot loop of classic fork: one pass over the leaves.
        let (mem, refs) = mm.mem_and_refs();
        mem.copy_present(src, dst, |_, raw| {
            let e = Pte(raw);
            debug_assert!(!e.has(BORROWED));
            let shared = shared_leaf(refs, e).0;
            (shared, shared)
        });
        return;
    }
    let mut present = PresentEntries::managed(src, level);
    while let Some((idx, e)) = present.next(&mm.mem()) {
        debug_assert!(!e.has(BORROWED));
        let child_entry = if e.has(SHARED_TABLE) {
            mm.refs.share(e.frame());
            mm.stats.of_mut(StrategyKind::Classic).tables_shared += 1;
            e
        } else {
            let sub = copy_tree(mm, e.frame(), level - 1, pool);
            mm.stats.of_mut(StrategyKind::Classic).tables_copied += 1;
            e.with_frame(sub)
        };
        mm.set_entry(dst, idx, child_entry);
    }
}

/// Gives a second space the leaf `e` at `table[idx]`: a shared page stays
/// writable; a private one becomes read-only + COW in the source too.
/// Returns the entry for the new holder.
pub(crate) fn share_leaf<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    idx: usize,
    e: Pte,
) -> Pte {
    let ro = shared_leaf(&mut mm.refs, e);
    if ro != e {
        mm.set_entry(table, idx, ro);
    }
    ro
}

/// Counts one more holder of leaf `e`'s frame and returns the entry both
/// holders keep: a shared page as it is, a private one read-only + COW.
#[inline]
fn shared_leaf(refs: &mut FrameRefs, e: Pte) -> Pte {
    refs.share(e.frame());
    if e.has(SHARED_PAGE) {
        e
    } else {
        e.without(F::WRITABLE).with(COW)
    }
}

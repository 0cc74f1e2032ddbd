//! Hybrid fork: the child gets a new root whose user entries point at the
//! parent's tables with the writable bit cleared (on x86_64 one read-only
//! upper entry makes its whole subtree read-only) and marked borrowed. The
//! pages libc's fork wrapper is sure to write are copied at once; any other
//! child write faults and copies the path of tables down to the page into
//! the child alone. The parent's tables are never written while borrowed;
//! the parent must not run until the child calls [`AddressSpace::release`]
//! (exec or exit) or is promoted with [`AddressSpace::promote`], into an
//! on-demand child (its borrowed last-level tables become shared,
//! write-protected in both: what an on-demand fork costs) or a classic one
//! (every borrowed table copied: what a classic fork costs).

use core::sync::atomic::Ordering;
use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};

use super::classic::{copy_tree, count_owned_tables, share_leaf};
use super::on_demand::{copy_upper, count_upper_tables};
use super::{Child, EagerPages, Forked, StrategyKind};
use crate::entry::{Pte, BORROWED, SHARED_TABLE};
use crate::fault::Need;
use crate::mm::{Mm, Pool};
use crate::phys::{FrameAlloc, PhysMem, PresentEntries};
use crate::space::{AddressSpace, Role};
use crate::teardown::free_tree;
use crate::{TlbFlush, VmError};

/// What a promoted hybrid child becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromoteTarget {
    /// As if classic fork ran at promotion: every table the child still
    /// borrows is copied, private pages become copy-on-write in both.
    Classic,
    /// As if an on-demand fork ran at promotion: the upper tables the child
    /// borrows are copied and the last-level tables shared, write-protected
    /// in both spaces, so promotion costs O(upper tables).
    OnDemand,
}

/// What promotion requires each space to flush.
#[derive(Debug)]
#[must_use = "both spaces' TLBs hold stale entries until flushed"]
pub struct PromoteFlush {
    /// The parent: its private writable pages are copy-on-write now.
    pub parent: TlbFlush,
    /// The child: its borrowed tables were replaced by copies.
    pub child: TlbFlush,
}

impl AddressSpace {
    pub(super) fn fork_hybrid<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        eager: &EagerPages,
    ) -> Result<Forked, VmError> {
        let mut pool = mm.reserve(1)?;
        let child_root = mm.new_root(&mut pool);
        mm.unreserve(pool);
        let root = self.root();
        let mut present = PresentEntries::managed(root, 4);
        while let Some((idx, e)) = present.next(&mm.mem()) {
            mm.set_entry(child_root, idx, e.without(F::WRITABLE).with(BORROWED));
        }
        self.lent.fetch_add(1, Ordering::AcqRel);
        let mut child = AddressSpace::from_root(
            child_root,
            self.vmas.clone(),
            Role::Borrower(self.lent.clone()),
            Some(StrategyKind::Hybrid),
        );
        for &page in eager.pages() {
            let writable = self.vmas.find(page).is_some_and(|v| v.prot.write);
            let present = self.leaf(mm, page).is_some_and(|(_, _, e)| e.present());
            if !(writable && present) {
                continue;
            }
            let mut flush = TlbFlush::none();
            match child.resolve(mm, page, Need::Write, &mut flush) {
                Ok(_) => flush.ignore(), // the child has never run
                Err(_) => {
                    child.release(mm);
                    return Err(VmError::OutOfMemory);
                }
            }
            mm.stats.of_mut(StrategyKind::Hybrid).eager_pages += 1;
        }
        Ok(Forked {
            child: Child::Space(child),
            parent_flush: TlbFlush::none(),
        })
    }

    /// Ends a hybrid child's borrowing at exec or exit: frees the tables
    /// and pages it copied and lets the parent run again. For any other
    /// space this is [`AddressSpace::destroy`].
    pub fn release<P: PhysMem, A: FrameAlloc>(mut self, mm: &mut Mm<P, A>) {
        let Role::Borrower(lent) = self.role.clone() else {
            self.destroy(mm).expect("release of a lent space");
            return;
        };
        let root = self.root.take().expect("release twice");
        free_tree(mm, root, 4);
        lent.fetch_sub(1, Ordering::AcqRel);
        mm.stats.of_mut(StrategyKind::Hybrid).releases += 1;
    }

    /// Turns a borrowing hybrid child into a `target` child of `parent`, as
    /// if that fork had run now: what the child wrote stays, everything it
    /// still borrows becomes its own (classic: tables copied, private pages
    /// COW in both; on-demand: upper tables copied, last-level tables
    /// shared write-protected in both). Out of memory leaves both
    /// unchanged.
    pub fn promote<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        parent: &mut AddressSpace,
        target: PromoteTarget,
    ) -> Result<PromoteFlush, VmError> {
        let Role::Borrower(lent) = &self.role else {
            return Err(VmError::NotBorrowing);
        };
        if !alloc::sync::Arc::ptr_eq(lent, &parent.lent) {
            return Err(VmError::NotBorrowing);
        }
        let (root, parent_root) = (self.root(), parent.root());
        let need = count_promote(mm, root, Some(parent_root), 4, target);
        let mut pool = mm.reserve(need)?;
        promote_table(mm, root, Some(parent_root), 4, target, &mut pool);
        mm.unreserve(pool);
        parent.lent.fetch_sub(1, Ordering::AcqRel);
        self.role = Role::Owner;
        mm.stats.of_mut(StrategyKind::Hybrid).promotions += 1;
        Ok(PromoteFlush {
            parent: TlbFlush::all(),
            child: TlbFlush::all(),
        })
    }
}

/// The parent's table behind entry `idx` of `parent_table`, if present.
fn parent_sub<P: PhysMem, A: FrameAlloc>(
    mm: &Mm<P, A>,
    parent_table: Option<PhysFrame>,
    idx: usize,
) -> Option<Pte> {
    parent_table
        .map(|t| mm.entry(t, idx))
        .filter(|e| e.present())
}

/// Tables promotion must allocate under the child's `table`.
fn count_promote<P: PhysMem, A: FrameAlloc>(
    mm: &Mm<P, A>,
    table: PhysFrame,
    parent_table: Option<PhysFrame>,
    level: u8,
    target: PromoteTarget,
) -> usize {
    if level == 1 {
        return 0;
    }
    let mut n = 0;
    let mut present = PresentEntries::managed(table, level);
    while let Some((idx, ce)) = present.next(&mm.mem()) {
        let pe = parent_sub(mm, parent_table, idx);
        if ce.has(BORROWED) {
            let pe = pe.expect("borrowed entry without a parent entry");
            n += match target {
                _ if level == 2 && pe.has(SHARED_TABLE) => 0,
                PromoteTarget::OnDemand if level == 2 => 0,
                PromoteTarget::OnDemand => count_upper_tables(mm, pe.frame(), level - 1),
                PromoteTarget::Classic => count_owned_tables(mm, pe.frame(), level - 1),
            };
        } else {
            n += count_promote(mm, ce.frame(), pe.map(Pte::frame), level - 1, target);
        }
    }
    n
}

fn promote_table<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    parent_table: Option<PhysFrame>,
    level: u8,
    target: PromoteTarget,
    pool: &mut Pool,
) {
    let mut present = PresentEntries::managed(table, level);
    while let Some((idx, ce)) = present.next(&mm.mem()) {
        if ce.has(BORROWED) {
            let pt = parent_table.expect("borrowed entry without a parent table");
            let pe = mm.entry(pt, idx);
            debug_assert_eq!(pe.frame(), ce.frame());
            let own = if level == 1 {
                share_leaf(mm, pt, idx, pe)
            } else if level == 2 && pe.has(SHARED_TABLE) {
                mm.refs.share(pe.frame());
                pe
            } else if target == PromoteTarget::OnDemand && level == 2 {
                // The parent's last-level table, shared: neither space may
                // write below this entry until its first write fault copies
                // the table (or, for its last holder, takes it back).
                mm.refs.share(pe.frame());
                let shared = pe.without(F::WRITABLE).with(SHARED_TABLE);
                mm.set_entry(pt, idx, shared);
                mm.stats.of_mut(StrategyKind::Hybrid).tables_shared += 1;
                shared
            } else if target == PromoteTarget::OnDemand {
                // A level-2 copy is written whole by `copy_upper`.
                let sub = if level == 3 {
                    pool.take()
                } else {
                    pool.take_zeroed(mm)
                };
                copy_upper(mm, pe.frame(), sub, level - 1, pool, StrategyKind::Hybrid);
                mm.stats.of_mut(StrategyKind::Hybrid).tables_copied += 1;
                pe.with_frame(sub)
            } else {
                mm.stats.of_mut(StrategyKind::Hybrid).tables_copied += 1;
                pe.with_frame(copy_tree(mm, pe.frame(), level - 1, pool))
            };
            mm.set_entry(table, idx, own);
        } else if level > 1 {
            let sub = parent_sub(mm, parent_table, idx).map(Pte::frame);
            promote_table(mm, ce.frame(), sub, level - 1, target, pool);
        }
    }
}

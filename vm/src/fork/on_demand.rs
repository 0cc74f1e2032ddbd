//! On-demand fork (ODF): copy the upper three levels, share every
//! last-level table between parent and child with a reference count, and
//! write-protect the level-2 entries that reach them in both. The first
//! write in either space below such an entry copies the table (or, for its
//! last holder, takes it back) and then the page.

use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};

use super::{Forked, StrategyKind};
use crate::entry::{Pte, SHARED_TABLE};
use crate::mm::{Mm, Pool};
use crate::phys::{FrameAlloc, PhysMem, PresentEntries};
use crate::space::AddressSpace;
use crate::VmError;

impl AddressSpace {
    pub(super) fn fork_on_demand<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
    ) -> Result<Forked, VmError> {
        let tables = count_upper_tables(mm, self.root(), 4);
        self.fork_by_copy(
            mm,
            StrategyKind::OnDemand,
            tables,
            |mm, root, child, pool| copy_upper(mm, root, child, 4, pool, StrategyKind::OnDemand),
        )
    }
}

/// Level-4..2 tables under `table` (itself included).
pub(super) fn count_upper_tables<P: PhysMem, A: FrameAlloc>(
    mm: &Mm<P, A>,
    table: PhysFrame,
    level: u8,
) -> usize {
    if level == 2 {
        return 1;
    }
    let mut n = 1;
    let mut present = PresentEntries::managed(table, level);
    while let Some((_, e)) = present.next(&mm.mem()) {
        n += count_upper_tables(mm, e.frame(), level - 1);
    }
    n
}

/// Copies the upper tables under `src` (at `level`) into `dst` and shares
/// the last-level tables write-protected in both; the tables copied and
/// shared count for `kind` (an on-demand fork, or a hybrid promotion into
/// on-demand form).
pub(super) fn copy_upper<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    src: PhysFrame,
    dst: PhysFrame,
    level: u8,
    pool: &mut Pool,
    kind: StrategyKind,
) {
    if level == 2 {
        // Share every last-level table, write-protected in both spaces.
        let mut shared_tables = 0;
        let (mem, refs) = mm.mem_and_refs();
        mem.copy_present(src, dst, |_, raw| {
            let e = Pte(raw);
            refs.share(e.frame());
            shared_tables += 1;
            let shared = e.without(F::WRITABLE).with(SHARED_TABLE).0;
            (shared, shared)
        });
        mm.stats.of_mut(kind).tables_shared += shared_tables;
        return;
    }
    let mut present = PresentEntries::managed(src, level);
    while let Some((idx, e)) = present.next(&mm.mem()) {
        let child_entry = {
            // A level-2 copy is written whole by the pass above.
            let sub = if level == 3 {
                pool.take()
            } else {
                pool.take_zeroed(mm)
            };
            copy_upper(mm, e.frame(), sub, level - 1, pool, kind);
            mm.stats.of_mut(kind).tables_copied += 1;
            e.with_frame(sub)
        };
        mm.set_entry(dst, idx, child_entry);
    }
}

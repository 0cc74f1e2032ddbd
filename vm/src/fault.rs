//! Page-fault resolution: demand-zero pages, copy-on-write, unsharing a
//! last-level table shared by on-demand fork, and the hybrid child's path
//! copy of borrowed tables. Every change is made with frames reserved up
//! front, so running out of memory changes nothing.

use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};
use x86_64::VirtAddr;

use crate::entry::{self, table_flags, Pte, BORROWED, COW, SHARED_PAGE, SHARED_TABLE};
use crate::fork::StrategyKind;
use crate::mm::{Mm, Pool};
use crate::phys::{FrameAlloc, PhysMem};
use crate::space::{leaf_flags, AddressSpace};
use crate::{Access, Fault, SegvCause, TlbFlush, VmError};

/// Most frames one fault can need: three tables and a page.
const FAULT_FRAMES: usize = 4;

/// What [`AddressSpace::resolve`] must make of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Present and readable.
    Read,
    /// Privately writable, within the area's rights (a user write).
    Write,
    /// Privately writable whatever the area's rights (the kernel filling
    /// a read-only image page).
    Force,
    /// As `Force`, and the caller overwrites the whole page before anyone
    /// can read it: a page that was not present need not be zeroed first.
    Overwrite,
}

impl Need {
    /// A user access: a write or a read.
    pub(crate) fn of(write: bool) -> Need {
        if write {
            Need::Write
        } else {
            Need::Read
        }
    }
}

impl AddressSpace {
    /// Resolves a fault the MMU raised for a user `access` at `va`: returns
    /// the pages to flush, or the signal to deliver.
    pub fn handle_fault<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        access: Access,
    ) -> Result<TlbFlush, Fault> {
        let mut flush = TlbFlush::none();
        self.fault_into(mm, va, access, &mut flush)?;
        Ok(flush)
    }

    /// [`handle_fault`](Self::handle_fault), adding the pages to flush to
    /// `flush`.
    pub(crate) fn fault_into<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        access: Access,
        flush: &mut TlbFlush,
    ) -> Result<(), Fault> {
        let vma = self.vmas.find(va).ok_or(Fault::Segv {
            addr: va,
            cause: SegvCause::NotMapped,
        })?;
        let allowed = match access {
            Access::Read => vma.prot.read || vma.prot.write || vma.prot.exec,
            Access::Write => vma.prot.write,
            Access::Execute => vma.prot.exec,
        };
        if !allowed {
            return Err(Fault::Segv {
                addr: va,
                cause: SegvCause::Protection,
            });
        }
        if self.is_lent() {
            // The parent of a borrowing hybrid child is asleep by contract;
            // changing its tables now would change the child's view.
            return Err(Fault::Lent);
        }
        let write = access == Access::Write;
        if write {
            if let Some(kind) = self.forked_by {
                let area = vma.kind.index();
                let stats = mm.stats.of_mut(kind);
                stats.child_write_faults += 1;
                stats.child_write_faults_by_kind[area] += 1;
            }
        }
        self.resolve(mm, va, Need::of(write), flush).map(drop)
    }

    /// Makes `va`'s page present (and, for a write, privately writable),
    /// returning its frame; adds the page to `flush` when an entry changed.
    /// (The flush is an accumulator rather than a return value: callers
    /// resolve page after page, and a token is too big to move cheaply.)
    pub(crate) fn resolve<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        need: Need,
        flush: &mut TlbFlush,
    ) -> Result<PhysFrame, Fault> {
        let vma = *self.vmas.find(va).ok_or(Fault::Segv {
            addr: va,
            cause: SegvCause::NotMapped,
        })?;
        let write = need != Need::Read;
        debug_assert!(!matches!(need, Need::Write) || vma.prot.write);
        let mut pool = mm.reserve(FAULT_FRAMES).map_err(Fault::from)?;
        let mut changed = true;
        let pt = self.table_path(mm, va, &mut pool);
        let idx = entry::index(va, 1);
        let e = mm.entry(pt, idx);
        let nx = mm.config.use_nx;
        let fresh = leaf_flags(vma.prot, nx, false);
        let frame = if !e.present() {
            let page = if need == Need::Overwrite {
                pool.take()
            } else {
                mm.stats.zero_fills += 1;
                pool.take_zeroed(mm)
            };
            let shared = if vma.shared { SHARED_PAGE } else { F::empty() };
            mm.set_entry(pt, idx, Pte::new(page, fresh | shared));
            page
        } else if e.has(BORROWED) {
            // A hybrid child touching its parent's page.
            if e.has(SHARED_PAGE) {
                mm.refs.share(e.frame());
                mm.set_entry(pt, idx, Pte::new(e.frame(), fresh | SHARED_PAGE));
                e.frame()
            } else if write {
                let page = pool.take();
                mm.mem().copy(e.frame(), page);
                mm.set_entry(pt, idx, Pte::new(page, fresh));
                mm.stats.of_mut(StrategyKind::Hybrid).pages_copied += 1;
                page
            } else {
                e.frame()
            }
        } else if write && e.has(COW) {
            if mm.refs.count(e.frame()) == 1 {
                mm.set_entry(pt, idx, Pte::new(e.frame(), fresh));
                e.frame()
            } else {
                let page = pool.take();
                mm.mem().copy(e.frame(), page);
                mm.release(e.frame());
                mm.set_entry(pt, idx, Pte::new(page, fresh));
                match self.forked_by {
                    Some(kind) => mm.stats.of_mut(kind).pages_copied += 1,
                    None => mm.stats.cow_copies += 1,
                }
                page
            }
        } else if write && !e.has(F::WRITABLE) && vma.prot.write {
            let keep = e.flags() & SHARED_PAGE;
            mm.set_entry(pt, idx, Pte::new(e.frame(), fresh | keep));
            e.frame()
        } else {
            changed = false;
            e.frame()
        };
        mm.unreserve(pool);
        if changed {
            flush.add_page(VirtAddr::new(va & !0xfff));
        }
        Ok(frame)
    }

    /// The last-level table for `va`, creating missing tables, making a
    /// shared table private and copying borrowed tables on the way.
    fn table_path<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
        pool: &mut Pool,
    ) -> PhysFrame {
        let mut table = self.root();
        for level in (2..=4).rev() {
            let idx = entry::index(va, level);
            let e = mm.entry(table, idx);
            table = if !e.present() {
                let new = pool.take_zeroed(mm);
                mm.set_entry(table, idx, Pte::new(new, table_flags()));
                new
            } else if e.has(BORROWED) {
                let new = pool.take();
                copy_borrowed_table(mm, e.frame(), new);
                mm.set_entry(table, idx, Pte::new(new, table_flags()));
                mm.stats.of_mut(StrategyKind::Hybrid).tables_copied += 1;
                new
            } else if e.has(SHARED_TABLE) {
                unshare(mm, table, idx, pool)
            } else {
                e.frame()
            };
        }
        table
    }

    /// Makes the shared last-level table covering `va` private, if any.
    pub(crate) fn unshare_table_at<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        va: u64,
    ) -> Result<TlbFlush, VmError> {
        let mut table = self.root();
        for level in (3..=4).rev() {
            let e = mm.entry(table, entry::index(va, level));
            if !e.present() {
                return Ok(TlbFlush::none());
            }
            table = e.frame();
        }
        let idx = entry::index(va, 2);
        if !mm.entry(table, idx).has(SHARED_TABLE) {
            return Ok(TlbFlush::none());
        }
        let mut pool = mm.reserve(1)?;
        unshare(mm, table, idx, &mut pool);
        mm.unreserve(pool);
        Ok(TlbFlush::all())
    }
}

/// Copies a parent's table for a hybrid child: every entry still points
/// into the parent's tree, read-only and marked borrowed.
fn copy_borrowed_table<P: PhysMem, A: FrameAlloc>(mm: &Mm<P, A>, src: PhysFrame, dst: PhysFrame) {
    let (w, b, p) = (F::WRITABLE.bits(), BORROWED.bits(), F::PRESENT.bits());
    mm.mem().copy_present(src, dst, |_, e| {
        let borrowed = if e & p != 0 { (e & !w) | b } else { e };
        (e, borrowed)
    });
}

/// Gives the space whose level-2 `table` holds entry `idx` a private copy
/// of the last-level table it shares (on-demand fork). The last holder
/// just takes the table back. Returns the now-private table.
fn unshare<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    idx: usize,
    pool: &mut Pool,
) -> PhysFrame {
    let e = mm.entry(table, idx);
    let shared = e.frame();
    if mm.refs.count(shared) == 1 {
        mm.set_entry(table, idx, e.with(F::WRITABLE).without(SHARED_TABLE));
        return shared;
    }
    let new = pool.take();
    let (mem, refs) = mm.mem_and_refs();
    mem.copy_present(shared, new, |_, raw| {
        let leaf = Pte(raw);
        if !leaf.present() {
            return (raw, raw);
        }
        refs.share(leaf.frame());
        if leaf.has(SHARED_PAGE) {
            return (raw, raw);
        }
        // Now two tables hold the frame: both must copy on write. The old
        // table's other users reach it through entries that are
        // write-protected already, so none holds a writable TLB entry.
        let ro = leaf.without(F::WRITABLE).with(COW).0;
        (ro, ro)
    });
    mm.refs.release(shared);
    mm.set_entry(table, idx, Pte::new(new, table_flags()));
    mm.stats.of_mut(StrategyKind::OnDemand).tables_copied += 1;
    new
}

//! An address space: a root table and the areas it maps. Creation, areas
//! (map / unmap / protect) and destruction live here; faults, access and
//! fork in their own modules.

use alloc::sync::Arc;
use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};
use x86_64::structures::paging::{PageTableFlags as F, PhysFrame};
use x86_64::VirtAddr;

use crate::entry::{self, Pte, COW, PAGE_SIZE, SHARED_PAGE, USER_END};
use crate::fault::Need;
use crate::fork::StrategyKind;
use crate::mm::Mm;
use crate::phys::{FrameAlloc, PhysMem};
use crate::teardown::{clear_range, free_tree};
use crate::vma::{Prot, Vma, VmaList};
use crate::{TlbFlush, VmError};

/// Whether a space owns its whole tree or borrows from a hybrid parent.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    /// Owns every table it reaches (shared tables: one reference).
    Owner,
    /// A hybrid child: entries marked BORROWED belong to the parent, whose
    /// lent-counter this is.
    Borrower(Arc<AtomicUsize>),
}

/// A user address space.
#[derive(Debug)]
pub struct AddressSpace {
    pub(crate) root: Option<PhysFrame>,
    pub(crate) vmas: VmaList,
    pub(crate) role: Role,
    /// How many hybrid children currently borrow this space's tables.
    pub(crate) lent: Arc<AtomicUsize>,
    /// The strategy that created this space, for fault statistics.
    pub(crate) forked_by: Option<StrategyKind>,
}

/// Spaces dropped with their tables still held (see [`crate::leaked_spaces`]).
pub(crate) static LEAKED_SPACES: AtomicUsize = AtomicUsize::new(0);

impl Drop for AddressSpace {
    /// A space must end in `destroy` or `release`, which need the [`Mm`];
    /// dropping one that still holds a root leaks its frames. The leak is
    /// always counted. With `std` a debug build also panics, unless the
    /// thread is already unwinding: a panic there would abort the process
    /// and hide the panic that caused the drop. Without `std` the crate
    /// cannot tell whether a panic is under way, so it never panics here.
    fn drop(&mut self) {
        if self.root.is_none() {
            return;
        }
        LEAKED_SPACES.fetch_add(1, Ordering::Relaxed);
        #[cfg(feature = "std")]
        if cfg!(debug_assertions) && !std::thread::panicking() {
            panic!("AddressSpace dropped without destroy() or release(): its frames leak");
        }
    }
}

impl AddressSpace {
    /// An empty space (kernel half from the context's template).
    pub fn new<P: PhysMem, A: FrameAlloc>(mm: &mut Mm<P, A>) -> Result<AddressSpace, VmError> {
        let mut pool = mm.reserve(1)?;
        let root = mm.new_root(&mut pool);
        mm.unreserve(pool);
        Ok(AddressSpace::from_root(
            root,
            VmaList::default(),
            Role::Owner,
            None,
        ))
    }

    pub(crate) fn from_root(
        root: PhysFrame,
        vmas: VmaList,
        role: Role,
        forked_by: Option<StrategyKind>,
    ) -> AddressSpace {
        AddressSpace {
            root: Some(root),
            vmas,
            role,
            lent: Arc::new(AtomicUsize::new(0)),
            forked_by,
        }
    }

    /// The root table, for CR3.
    pub fn root(&self) -> PhysFrame {
        self.root.expect("address space used after destroy")
    }

    /// The areas, in address order.
    pub fn vmas(&self) -> &VmaList {
        &self.vmas
    }

    /// Whether this is a hybrid child still borrowing its parent's tables.
    pub fn is_borrowing(&self) -> bool {
        matches!(self.role, Role::Borrower(_))
    }

    /// Whether hybrid children currently borrow this space's tables (then
    /// it must not change: it is frozen until they exec, exit or are
    /// promoted).
    pub fn is_lent(&self) -> bool {
        self.lent.load(Ordering::Acquire) > 0
    }

    /// Errors unless this space may change its own tables.
    pub(crate) fn check_owner_unlent(&self) -> Result<(), VmError> {
        if self.is_borrowing() {
            return Err(VmError::Borrowing);
        }
        if self.is_lent() {
            return Err(VmError::Lent);
        }
        Ok(())
    }

    /// Adds an area. Private areas are filled on first touch; shared areas
    /// get their frames now, so that every process that later inherits
    /// them sees the same frames.
    pub fn map<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        vma: Vma,
    ) -> Result<TlbFlush, VmError> {
        self.check_owner_unlent()?;
        check_range(&vma.range())?;
        if self.vmas.overlaps(&vma.range()) {
            return Err(VmError::Overlap);
        }
        self.vmas.insert(vma);
        if vma.shared {
            for va in (vma.start..vma.end).step_by(PAGE_SIZE as usize) {
                let mut flush = TlbFlush::none();
                let resolved = self.resolve(mm, va, Need::Force, &mut flush);
                flush.ignore(); // the area is new: nothing of it was cached
                if let Err(e) = resolved {
                    // Undo only the leaves made so far: their tables are
                    // private now, so this needs no frame.
                    for done in (vma.start..va).step_by(PAGE_SIZE as usize) {
                        let (table, idx, pte) = self.leaf(mm, done).expect("populated leaf");
                        mm.set_entry(table, idx, Pte::EMPTY);
                        mm.release(pte.frame());
                    }
                    self.vmas.split_at_edges(&vma.range());
                    self.vmas.remove_inside(&vma.range());
                    return Err(e.into_vm_error());
                }
            }
        }
        Ok(TlbFlush::none())
    }

    /// Removes every mapping in `range`, freeing frames no one else holds.
    pub fn unmap<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        range: Range<u64>,
    ) -> Result<TlbFlush, VmError> {
        self.check_owner_unlent()?;
        check_range(&range)?;
        let mut flush = self.unshare_edges(mm, &range)?;
        self.vmas.split_at_edges(&range);
        self.vmas.remove_inside(&range);
        let root = self.root();
        clear_range(mm, root, 4, 0, &range, &mut flush);
        Ok(flush)
    }

    /// Changes the access rights of every page in `range`, which must be
    /// wholly mapped.
    pub fn protect<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        range: Range<u64>,
        prot: Prot,
    ) -> Result<TlbFlush, VmError> {
        self.check_owner_unlent()?;
        check_range(&range)?;
        let mut covered = range.start;
        for v in self.vmas.iter_overlapping(&range) {
            if v.start > covered {
                return Err(VmError::NotMapped);
            }
            covered = v.end;
        }
        if covered < range.end {
            return Err(VmError::NotMapped);
        }
        let mut flush = self.unshare_edges(mm, &range)?;
        // Tables shared with another space lie wholly inside the range
        // now; they must be private before their leaves change.
        for va in (range.start..range.end).step_by(entry::span(2) as usize) {
            flush.merge(self.unshare_table_at(mm, va)?);
        }
        self.vmas.split_at_edges(&range);
        self.vmas.update_inside(&range, |v| v.prot = prot);
        let nx = mm.config.use_nx;
        for va in (range.start..range.end).step_by(PAGE_SIZE as usize) {
            if let Some((table, idx, pte)) = self.leaf(mm, va) {
                if pte.present() {
                    let keep = pte.flags() & (COW | SHARED_PAGE);
                    let flags = leaf_flags(prot, nx, pte.has(COW)) | keep;
                    mm.set_entry(table, idx, Pte::new(pte.frame(), flags));
                    flush.add_page(VirtAddr::new(va));
                }
            }
        }
        Ok(flush)
    }

    /// Frees every table and frame this space owns. A lent space must wait
    /// until its hybrid children are gone; a borrowing one uses
    /// [`AddressSpace::release`] instead.
    pub fn destroy<P: PhysMem, A: FrameAlloc>(mut self, mm: &mut Mm<P, A>) -> Result<(), VmError> {
        if self.is_borrowing() {
            return Err(VmError::Borrowing);
        }
        if self.is_lent() {
            return Err(VmError::Lent);
        }
        let root = self.root.take().expect("destroy twice");
        free_tree(mm, root, 4);
        Ok(())
    }

    /// The table, index and entry of `va`'s leaf, if its tables exist.
    pub(crate) fn leaf<P: PhysMem, A: FrameAlloc>(
        &self,
        mm: &Mm<P, A>,
        va: u64,
    ) -> Option<(PhysFrame, usize, Pte)> {
        let mut table = self.root();
        for level in (2..=4).rev() {
            let e = mm.entry(table, entry::index(va, level));
            if !e.present() {
                return None;
            }
            table = e.frame();
        }
        let idx = entry::index(va, 1);
        Some((table, idx, mm.entry(table, idx)))
    }

    /// Makes private the shared last-level tables that `range` covers only
    /// in part, so that clearing or changing its leaves touches no other
    /// space's view.
    fn unshare_edges<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        range: &Range<u64>,
    ) -> Result<TlbFlush, VmError> {
        let mut flush = TlbFlush::none();
        let span = entry::span(2);
        for edge in [range.start, range.end.saturating_sub(1)] {
            let chunk = edge & !(span - 1);
            if chunk < range.start || chunk + span > range.end {
                flush.merge(self.unshare_table_at(mm, edge)?);
            }
        }
        Ok(flush)
    }

    /// Every table this space reaches (its own and shared), with contents:
    /// what the invariant "a hybrid parent's tables are unchanged while
    /// borrowed" compares. Accessed and dirty bits are masked.
    pub fn table_snapshot<P: PhysMem, A: FrameAlloc>(
        &self,
        mm: &Mm<P, A>,
    ) -> alloc::vec::Vec<(u64, [u64; entry::ENTRIES])> {
        let mut out = alloc::vec::Vec::new();
        snapshot(mm, self.root(), 4, &mut out);
        out
    }
}

fn snapshot<P: PhysMem, A: FrameAlloc>(
    mm: &Mm<P, A>,
    table: PhysFrame,
    level: u8,
    out: &mut alloc::vec::Vec<(u64, [u64; entry::ENTRIES])>,
) {
    let mask = !(F::ACCESSED | F::DIRTY).bits();
    let mut entries = mm.mem().entries(table);
    entries.iter_mut().for_each(|e| *e &= mask);
    out.push((table.start_address().as_u64(), entries));
    if level == 1 {
        return;
    }
    let limit = entry::managed_entries(level);
    for raw in entries.iter().take(limit) {
        let e = Pte(*raw);
        if e.present() {
            snapshot(mm, e.frame(), level - 1, out);
        }
    }
}

/// Rejects unaligned, empty or non-user ranges.
pub(crate) fn check_range(range: &Range<u64>) -> Result<(), VmError> {
    if range.start % PAGE_SIZE != 0 || range.end % PAGE_SIZE != 0 {
        return Err(VmError::Unaligned);
    }
    if range.start >= range.end || range.end > USER_END {
        return Err(VmError::OutOfRange);
    }
    Ok(())
}

/// Leaf flags for an area with `prot`; a copy-on-write leaf stays read-only.
pub(crate) fn leaf_flags(prot: Prot, use_nx: bool, cow: bool) -> F {
    let mut f = F::PRESENT;
    if prot != Prot::NONE {
        // PROT_NONE keeps the frame mapped but not user accessible, so the
        // contents survive a later mprotect back to readable.
        f |= F::USER_ACCESSIBLE;
    }
    if prot.write && !cow {
        f |= F::WRITABLE;
    }
    if use_nx && !prot.exec {
        f |= F::NO_EXECUTE;
    }
    f
}

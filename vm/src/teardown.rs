//! Tearing tables down: clearing a range of leaves, dropping a reference
//! to a shared table, freeing a whole tree. Borrowed entries (a hybrid
//! child's view of its parent) are never followed: they own nothing.

use core::ops::Range;
use x86_64::structures::paging::PhysFrame;
use x86_64::VirtAddr;

use crate::entry::{self, Pte, BORROWED, SHARED_TABLE};
use crate::mm::Mm;
use crate::phys::{FrameAlloc, PhysMem, PresentEntries};
use crate::TlbFlush;

/// Clears leaves in `range` below `table` (at `level`, covering from
/// `base`), releasing their frames.
pub(crate) fn clear_range<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    level: u8,
    base: u64,
    range: &Range<u64>,
    flush: &mut TlbFlush,
) {
    let span = entry::span(level);
    // The entries that intersect `range`: from the one holding its start
    // to the one holding its last byte.
    let first = (range.start.saturating_sub(base) / span) as usize;
    let end =
        (range.end.saturating_sub(base).div_ceil(span) as usize).min(entry::managed_entries(level));
    let mut present = PresentEntries::new(table, first..end);
    while let Some((idx, e)) = present.next(&mm.mem()) {
        debug_assert!(!e.has(BORROWED), "owners hold no borrowed entries");
        let lo = entry::entry_base(base, level, idx);
        if level == 1 {
            mm.set_entry(table, idx, Pte::EMPTY);
            mm.release(e.frame());
            flush.add_page(VirtAddr::new(lo));
        } else if e.has(SHARED_TABLE) {
            // unshare_edges left only wholly covered shared tables.
            mm.set_entry(table, idx, Pte::EMPTY);
            release_table(mm, e.frame(), level - 1);
            *flush = TlbFlush::all();
        } else {
            clear_range(mm, e.frame(), level - 1, lo, range, flush);
        }
    }
}

/// Drops one reference to a (possibly shared) table, freeing it and what
/// it owns with the last.
pub(crate) fn release_table<P: PhysMem, A: FrameAlloc>(
    mm: &mut Mm<P, A>,
    table: PhysFrame,
    level: u8,
) {
    if mm.refs.count(table) == 1 {
        free_tree(mm, table, level); // its last step releases the table
    } else {
        mm.refs.release(table);
    }
}

/// Frees `table` and everything below it that this tree owns: borrowed
/// entries are skipped, shared tables lose one reference.
pub(crate) fn free_tree<P: PhysMem, A: FrameAlloc>(mm: &mut Mm<P, A>, table: PhysFrame, level: u8) {
    // The table is scanned in place: a whole-table copy on the stack would
    // cost a kernel 4 KiB (more in unoptimised builds) on every teardown.
    let mut present = PresentEntries::managed(table, level);
    while let Some((_, e)) = present.next(&mm.mem()) {
        if e.has(BORROWED) {
            continue;
        }
        if level == 1 {
            mm.release(e.frame());
        } else if e.has(SHARED_TABLE) {
            release_table(mm, e.frame(), level - 1);
        } else {
            free_tree(mm, e.frame(), level - 1);
        }
    }
    mm.release(table);
}

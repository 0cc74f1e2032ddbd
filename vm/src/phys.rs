//! The two things a kernel provides: access to physical memory and 4 KiB
//! frames. All raw-pointer access to physical memory lives in this module.

use core::ops::Range;

use crate::entry::{Pte, ENTRIES, PAGE_SIZE};
use x86_64::structures::paging::{
    FrameAllocator, FrameDeallocator, PageTableFlags as F, PhysFrame, Size4KiB,
};

/// Entries a scan for present ones tests at once (see
/// [`Frames::next_present`]).
const GROUP: usize = 8;

/// Turns a physical frame into a pointer the code can use: a kernel's
/// higher-half direct map, or a host buffer.
///
/// # Safety
/// For every frame handed out by the paired frame allocator,
/// [`PhysMem::frame_ptr`] must return a pointer that is 4096-byte aligned
/// and valid for reads and writes of 4096 bytes for as long as the frame is
/// allocated, and no Rust reference may alias that memory while the `vm`
/// crate uses it.
pub unsafe trait PhysMem {
    /// The address of `frame`'s first byte.
    fn frame_ptr(&self, frame: PhysFrame) -> *mut u8;
}

/// A 4 KiB frame allocator. The `x86_64` crate's traits are the interface,
/// so a kernel that already implements them plugs in unchanged.
pub trait FrameAlloc: FrameAllocator<Size4KiB> + FrameDeallocator<Size4KiB> {}
impl<T: FrameAllocator<Size4KiB> + FrameDeallocator<Size4KiB>> FrameAlloc for T {}

/// Safe access to page tables and page contents through a [`PhysMem`].
///
/// The methods are safe because the crate only passes frames it allocated
/// from the paired allocator and still owns or borrows (the contract of
/// [`PhysMem`]).
pub(crate) struct Frames<'a, P: PhysMem>(pub &'a P);

impl<P: PhysMem> Frames<'_, P> {
    /// Entry `idx` of the table in `table`.
    #[inline]
    pub fn entry(&self, table: PhysFrame, idx: usize) -> Pte {
        assert!(idx < ENTRIES);
        let ptr = self.0.frame_ptr(table).cast::<u64>();
        // SAFETY: (1) `ptr` is valid and 8-aligned for the whole frame by
        // the PhysMem contract and `idx < 512` keeps the read inside it;
        // (2) volatile because the MMU may set accessed/dirty bits behind
        // the compiler's back.
        Pte(unsafe { ptr.add(idx).read_volatile() })
    }

    /// Sets entry `idx` of `table`.
    #[inline]
    pub fn set_entry(&self, table: PhysFrame, idx: usize, pte: Pte) {
        assert!(idx < ENTRIES);
        let ptr = self.0.frame_ptr(table).cast::<u64>();
        // SAFETY: as in `entry`: in bounds, aligned, and the frame is a
        // table this crate owns, so no reference aliases it.
        unsafe { ptr.add(idx).write_volatile(pte.0) }
    }

    /// The first present entry of `table` with an index in `from..end`,
    /// and that index. Most of a table is empty, so aligned groups of
    /// [`GROUP`] entries are ORed together and skipped when none has the
    /// present bit: under two instructions per empty entry (x86_64 release
    /// build) instead of a separate read, test and branch for each.
    pub fn next_present(&self, table: PhysFrame, from: usize, end: usize) -> Option<(usize, Pte)> {
        assert!(end <= ENTRIES);
        let present = F::PRESENT.bits();
        let base = self.0.frame_ptr(table).cast::<u64>().cast_const();
        let entry = |i: usize| {
            assert!(i < ENTRIES);
            // SAFETY: (1) `base` is valid for reads and 8-aligned for the
            // whole frame (PhysMem contract); (2) the assert keeps the read
            // inside it; (3) volatile as in `entry`: the MMU may set
            // accessed/dirty bits meanwhile.
            unsafe { base.add(i).read_volatile() }
        };
        let group = |i: usize| {
            assert!(i <= ENTRIES - GROUP);
            // SAFETY: (1) as above; (2) the assert keeps all GROUP reads
            // inside the frame; (3) plain reads, as in `copy_table`, so
            // that each folds into its OR: every word is read once and
            // only its present bit is used, which the MMU never changes
            // (only this crate writes it); an entry found present is read
            // again, volatile, by `entry` before it is returned.
            unsafe { (0..GROUP).fold(0, |acc, k| acc | base.add(i + k).read()) }
        };
        let mut i = from;
        while i < end {
            if i % GROUP == 0 {
                while i + GROUP <= end && group(i) & present == 0 {
                    i += GROUP;
                }
                if i >= end {
                    break;
                }
            }
            let raw = entry(i);
            if raw & present != 0 {
                return Some((i, Pte(raw)));
            }
            i += 1;
        }
        None
    }

    /// All 512 entries of `table`.
    pub fn entries(&self, table: PhysFrame) -> [u64; ENTRIES] {
        let mut out = [0u64; ENTRIES];
        self.read(table, 0, bytemuck_u64s(&mut out));
        out
    }

    /// Fills table `dst` from table `src`: for each index,
    /// `f(index, src_entry)` returns `(new_src_entry, dst_entry)`. The
    /// source is rewritten only where the entry changes. The plain,
    /// entry-by-entry form, kept as the reference [`Frames::copy_present`]
    /// is tested against (every caller uses that).
    #[cfg(all(test, feature = "host"))]
    pub fn copy_table(
        &self,
        src: PhysFrame,
        dst: PhysFrame,
        mut f: impl FnMut(usize, u64) -> (u64, u64),
    ) {
        debug_assert_ne!(src, dst);
        let s = self.0.frame_ptr(src).cast::<u64>();
        let d = self.0.frame_ptr(dst).cast::<u64>();
        for i in 0..ENTRIES {
            // SAFETY: both frames are valid, aligned and distinct (PhysMem
            // contract, debug-asserted above); `i < 512` keeps each access
            // inside its frame; `dst` is a fresh table of the caller's and
            // `src` a table the caller may change.
            unsafe {
                let old = s.add(i).read();
                let (new_src, new_dst) = f(i, old);
                if new_src != old {
                    s.add(i).write(new_src);
                }
                d.add(i).write(new_dst);
            }
        }
    }

    /// Fills table `dst` from table `src` like [`Frames::copy_table`], but
    /// calls `f` only for present entries: any other entry is copied as it
    /// is. An aligned group of [`GROUP`] zero entries (most of a sparse
    /// table) is written as zeros without a test per entry.
    #[inline]
    pub fn copy_present(
        &self,
        src: PhysFrame,
        dst: PhysFrame,
        mut f: impl FnMut(usize, u64) -> (u64, u64),
    ) {
        debug_assert_ne!(src, dst);
        let present = F::PRESENT.bits();
        let s = self.0.frame_ptr(src).cast::<u64>();
        let d = self.0.frame_ptr(dst).cast::<u64>();
        for group in 0..ENTRIES / GROUP {
            let first = group * GROUP;
            // SAFETY: (1) both frames are valid and 8-aligned for 512
            // entries (PhysMem contract), and `group < 512 / GROUP` keeps
            // `first + GROUP <= 512`; (2) the frames are distinct
            // (debug-asserted above) and, as in `copy_table`, `dst` is a
            // fresh table of the caller's, so plain accesses alias nothing.
            unsafe {
                let any = (0..GROUP).fold(0, |acc, k| acc | s.add(first + k).read());
                if any == 0 {
                    (0..GROUP).for_each(|k| d.add(first + k).write(0));
                    continue;
                }
            }
            for i in first..first + GROUP {
                // SAFETY: as above, with `i < 512`; `src` is a table the
                // caller may change.
                unsafe {
                    let old = s.add(i).read();
                    let (new_src, new_dst) = if old & present == 0 {
                        (old, old)
                    } else {
                        f(i, old)
                    };
                    if new_src != old {
                        s.add(i).write(new_src);
                    }
                    d.add(i).write(new_dst);
                }
            }
        }
    }

    /// Fills `frame` with zeros.
    pub fn zero(&self, frame: PhysFrame) {
        let ptr = self.0.frame_ptr(frame);
        // SAFETY: `ptr` is valid for 4096 writable bytes (PhysMem contract)
        // and the frame was just allocated, so nothing else refers to it.
        unsafe { core::ptr::write_bytes(ptr, 0, PAGE_SIZE as usize) }
    }

    /// Copies a whole frame.
    pub fn copy(&self, from: PhysFrame, to: PhysFrame) {
        debug_assert_ne!(from, to);
        let src = self.0.frame_ptr(from);
        let dst = self.0.frame_ptr(to);
        // SAFETY: both pointers are valid for 4096 bytes (PhysMem contract)
        // and distinct frames never overlap.
        unsafe { core::ptr::copy_nonoverlapping(src, dst, PAGE_SIZE as usize) }
    }

    /// Copies `buf.len()` bytes out of `frame` starting at `offset`.
    pub fn read(&self, frame: PhysFrame, offset: usize, buf: &mut [u8]) {
        assert!(offset + buf.len() <= PAGE_SIZE as usize);
        let src = self.0.frame_ptr(frame);
        // SAFETY: the assert keeps the range inside the frame, which is
        // valid for reads (PhysMem contract); `buf` is a distinct Rust
        // buffer so the ranges do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(src.add(offset), buf.as_mut_ptr(), buf.len()) }
    }

    /// Copies `data` into `frame` starting at `offset`.
    pub fn write(&self, frame: PhysFrame, offset: usize, data: &[u8]) {
        assert!(offset + data.len() <= PAGE_SIZE as usize);
        let dst = self.0.frame_ptr(frame);
        // SAFETY: the assert keeps the range inside the frame, which is
        // valid for writes (PhysMem contract) and not aliased by `data`.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), dst.add(offset), data.len()) }
    }
}

/// The present entries of one table in index order, read in place. Each
/// step reads the table afresh, so the caller may change it (and use the
/// [`crate::mm::Mm`] mutably) between steps.
#[derive(Debug)]
pub(crate) struct PresentEntries {
    table: PhysFrame,
    next: usize,
    end: usize,
}

impl PresentEntries {
    /// The present entries of `table` with an index in `range`.
    pub fn new(table: PhysFrame, range: Range<usize>) -> PresentEntries {
        PresentEntries {
            table,
            next: range.start,
            end: range.end,
        }
    }

    /// The present entries of a table at `level` that this crate manages
    /// (see [`crate::entry::managed_entries`]).
    pub fn managed(table: PhysFrame, level: u8) -> PresentEntries {
        PresentEntries::new(table, 0..crate::entry::managed_entries(level))
    }

    /// The next present entry and its index.
    #[inline]
    pub fn next<P: PhysMem>(&mut self, mem: &Frames<'_, P>) -> Option<(usize, Pte)> {
        let (idx, e) = mem.next_present(self.table, self.next, self.end)?;
        self.next = idx + 1;
        Some((idx, e))
    }
}

/// The bytes of a table image, for a whole-table copy.
fn bytemuck_u64s(words: &mut [u64; ENTRIES]) -> &mut [u8] {
    let len = core::mem::size_of_val(words);
    // SAFETY: any byte pattern is a valid u64 and u8 has alignment 1, so
    // viewing the array's 4096 bytes as bytes is sound; the borrow keeps
    // the array exclusively borrowed for the slice's lifetime.
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), len) }
}

#[cfg(all(test, feature = "host"))]
mod tests {
    use super::*;
    use crate::host::SimRam;
    use x86_64::PhysAddr;

    /// Every present index in `from..end`, through repeated steps.
    fn present_indices(
        mem: &Frames<'_, SimRam>,
        table: PhysFrame,
        range: Range<usize>,
    ) -> Vec<usize> {
        let mut it = PresentEntries::new(table, range);
        let mut out = Vec::new();
        while let Some((idx, e)) = it.next(mem) {
            assert_eq!(e, mem.entry(table, idx));
            out.push(idx);
        }
        out
    }

    #[test]
    fn present_entries_match_a_plain_scan() {
        let ram = SimRam::new(4);
        let mem = Frames(&ram);
        let table = PhysFrame::containing_address(PhysAddr::new(ram.base()));
        mem.zero(table);
        // Group edges, lone entries, a dense run, and non-present words
        // with other bits set (they must not count).
        for idx in [
            0, 7, 8, 15, 17, 63, 64, 200, 201, 202, 203, 204, 205, 206, 255, 256, 511,
        ] {
            mem.set_entry(table, idx, Pte(0x5000 | F::PRESENT.bits()));
        }
        for idx in [3, 100, 300, 510] {
            mem.set_entry(table, idx, Pte(0x5000 | F::WRITABLE.bits()));
        }
        let ranges = [
            0..512,
            0..256,
            1..511,
            7..9,
            9..15,
            16..16,
            18..63,
            300..512,
        ];
        for range in ranges {
            let plain: Vec<usize> = range
                .clone()
                .filter(|&i| mem.entry(table, i).present())
                .collect();
            assert_eq!(
                present_indices(&mem, table, range.clone()),
                plain,
                "{range:?}"
            );
        }
    }

    #[test]
    fn copy_present_equals_copy_table_skipping_absent_entries() {
        let ram = SimRam::new(4);
        let mem = Frames(&ram);
        let frame = |n: u64| PhysFrame::containing_address(PhysAddr::new(ram.base() + n * 4096));
        let (src_a, dst_a, src_b, dst_b) = (frame(0), frame(1), frame(2), frame(3));
        let present = F::PRESENT.bits();
        for (src, dst) in [(src_a, dst_a), (src_b, dst_b)] {
            mem.zero(src);
            // Every destination entry must be written, zero groups too.
            (0..ENTRIES).for_each(|i| mem.set_entry(dst, i, Pte(0xdead_b000)));
            for idx in [0, 9, 15, 16, 200, 201, 511] {
                mem.set_entry(src, idx, Pte(0x7000 | present | F::WRITABLE.bits()));
            }
            // Not present but not zero either: copied as they are.
            for idx in [3, 17, 300] {
                mem.set_entry(src, idx, Pte(0x8000 | F::WRITABLE.bits()));
            }
        }
        let f = |i: usize, raw: u64| (raw & !F::WRITABLE.bits(), raw + ((i as u64) << 12));
        mem.copy_table(src_a, dst_a, |i, raw| {
            if raw & present == 0 {
                (raw, raw)
            } else {
                f(i, raw)
            }
        });
        let mut calls = 0;
        mem.copy_present(src_b, dst_b, |i, raw| {
            calls += 1;
            f(i, raw)
        });
        assert_eq!(calls, 7);
        assert_eq!(mem.entries(src_a), mem.entries(src_b));
        assert_eq!(mem.entries(dst_a), mem.entries(dst_b));
    }

    #[test]
    fn present_entries_see_changes_between_steps() {
        let ram = SimRam::new(4);
        let mem = Frames(&ram);
        let table = PhysFrame::containing_address(PhysAddr::new(ram.base()));
        mem.zero(table);
        let entry = Pte(0x5000 | F::PRESENT.bits());
        for idx in [1, 2, 40] {
            mem.set_entry(table, idx, entry);
        }
        let mut it = PresentEntries::new(table, 0..ENTRIES);
        assert_eq!(it.next(&mem), Some((1, entry)));
        // Cleared ahead of the cursor: skipped; set ahead: found.
        mem.set_entry(table, 2, Pte::EMPTY);
        mem.set_entry(table, 30, entry);
        assert_eq!(it.next(&mem), Some((30, entry)));
        assert_eq!(it.next(&mem), Some((40, entry)));
        assert_eq!(it.next(&mem), None);
    }
}

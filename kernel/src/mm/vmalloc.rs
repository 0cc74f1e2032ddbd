//! Large kernel allocations in pages of their own (Linux's vmalloc): each
//! one gets a virtually contiguous range of fresh frames in its own region,
//! and freeing it unmaps the range and gives every frame back to the frame
//! allocator. The linked-list heap cannot do that (it never shrinks), so
//! anything big, above all the contents of files in the in-memory
//! filesystem, lives here: deleting a 200 MiB file gives MemFree its
//! 200 MiB back.
//!
//! The region is [`REGION_BASE`, `REGION_BASE + REGION_SIZE`), inside the
//! heap's PML4 slot (so every address space already shares it); its free
//! virtual ranges sit in a map ordered by address, first fit, coalesced on
//! free. Growing the last allocation in place (a file written by appends)
//! maps more pages right after it instead of copying.
use super::frame;
use super::layout::{HEAP_BASE, HEAP_MAX};
use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicU64, Ordering};
use spin::Mutex;

const PAGE: u64 = frame::FRAME_SIZE;
/// Allocations of at least this many bytes come here.
pub const THRESHOLD: usize = 64 << 10;
const REGION_BASE: u64 = HEAP_BASE + HEAP_MAX;
const REGION_SIZE: u64 = 256 << 30;
/// Frames large allocations leave free (4 MiB, two growth steps of the
/// small heap), so that the small heap (kernel objects, which cannot fail
/// gracefully) can still grow. The reserves are tiered: user pages stop
/// at 16 MiB free, new kernel stacks (so fork) at 14 MiB, large kernel
/// allocations here at 4 MiB, the small heap at none.
const KERNEL_RESERVE: u64 = 1024;

/// Free virtual ranges: start -> length in bytes (page multiples).
static FREE: Mutex<BTreeMap<u64, u64>> = Mutex::new(BTreeMap::new());
/// Bytes mapped for live allocations (MemInfo's VmallocUsed).
static USED: AtomicU64 = AtomicU64::new(0);
/// Most bytes that may be mapped here at once (half of RAM, tmpfs's default).
static LIMIT: AtomicU64 = AtomicU64::new(0);

/// Sets the cap (bytes) and frees the whole region. Called once at boot,
/// once the linked-list heap works (the free map's nodes live there).
pub fn init(limit: u64) {
    LIMIT.store(limit, Ordering::Relaxed);
    FREE.lock().insert(REGION_BASE, REGION_SIZE);
}

/// Whether `ptr` came from [`alloc()`].
pub fn owns(ptr: *mut u8) -> bool {
    (REGION_BASE..REGION_BASE + REGION_SIZE).contains(&(ptr as u64))
}

/// Bytes mapped for live large allocations.
pub fn used() -> u64 {
    USED.load(Ordering::Relaxed)
}

/// Frames held now by live allocations (their tables are counted with
/// every kernel table: `paging::kernel_table_frames`).
pub fn frames() -> u64 {
    used() / PAGE
}

fn pages(bytes: usize) -> u64 {
    (bytes as u64).next_multiple_of(PAGE)
}

/// Maps fresh frames over `[va, va + len)`; on failure unmaps what it
/// mapped and returns false.
fn populate(va: u64, len: u64) -> bool {
    let over_limit = USED.load(Ordering::Relaxed) + len > LIMIT.load(Ordering::Relaxed);
    if over_limit || frame::free_count() < KERNEL_RESERVE + len / PAGE {
        return false;
    }
    let mut done = 0;
    while done < len {
        let ok = frame::alloc().is_some_and(|phys| {
            crate::arch::paging::map_kernel_page(va + done, phys) || {
                frame::free(phys);
                false
            }
        });
        if !ok {
            depopulate(va, done);
            return false;
        }
        done += PAGE;
    }
    USED.fetch_add(len, Ordering::Relaxed);
    true
}

/// Unmaps `[va, va + len)` and frees its frames.
fn depopulate(va: u64, len: u64) {
    let mut off = 0;
    while off < len {
        if let Some(phys) = crate::arch::paging::unmap_kernel_page(va + off) {
            frame::free(phys);
        }
        off += PAGE;
    }
}

/// Takes `len` bytes of virtual space aligned to `align` (first fit).
fn take_range(free: &mut BTreeMap<u64, u64>, len: u64, align: u64) -> Option<u64> {
    let (start, size, va) = free.iter().find_map(|(&s, &l)| {
        let va = s.next_multiple_of(align);
        (va.checked_add(len)? <= s + l).then_some((s, l, va))
    })?;
    free.remove(&start);
    if va > start {
        free.insert(start, va - start);
    }
    if va + len < start + size {
        free.insert(va + len, start + size - va - len);
    }
    Some(va)
}

/// Gives `[va, va + len)` back to the free map, merging with neighbours.
fn give_range(free: &mut BTreeMap<u64, u64>, va: u64, len: u64) {
    let (mut start, mut end) = (va, va + len);
    if let Some((&s, &l)) = free.range(..va).next_back() {
        if s + l == va {
            free.remove(&s);
            start = s;
        }
    }
    if let Some(l) = free.remove(&end) {
        end += l;
    }
    free.insert(start, end - start);
}

/// A fresh mapping of at least `size` bytes aligned to `align`, or null.
pub fn alloc(size: usize, align: usize) -> *mut u8 {
    let len = pages(size);
    let align = (align as u64).max(PAGE);
    let Some(va) = take_range(&mut FREE.lock(), len, align) else {
        return core::ptr::null_mut();
    };
    if !populate(va, len) {
        give_range(&mut FREE.lock(), va, len);
        return core::ptr::null_mut();
    }
    va as *mut u8
}

/// Unmaps the populated `[va, va + len)`, frees its frames and gives the
/// range back.
fn release(va: u64, len: u64) {
    depopulate(va, len);
    USED.fetch_sub(len, Ordering::Relaxed);
    give_range(&mut FREE.lock(), va, len);
}

/// Frees an allocation of `size` bytes at `ptr` from [`alloc()`].
pub fn dealloc(ptr: *mut u8, size: usize) {
    release(ptr as u64, pages(size));
}

/// Grows or shrinks the allocation at `ptr` in place from `old` to `new`
/// bytes; false (nothing changed) when the pages after it are taken or
/// memory ran out, and the caller then moves it.
pub fn resize_in_place(ptr: *mut u8, old: usize, new: usize) -> bool {
    let (va, old_len, new_len) = (ptr as u64, pages(old), pages(new));
    if new_len <= old_len {
        if new_len < old_len {
            release(va + new_len, old_len - new_len);
        }
        return true;
    }
    let grow = new_len - old_len;
    let tail = va + old_len;
    {
        let mut free = FREE.lock();
        match free.get(&tail) {
            Some(&l) if l >= grow => {
                free.remove(&tail);
                if l > grow {
                    free.insert(tail + grow, l - grow);
                }
            }
            _ => return false,
        }
    }
    if populate(tail, grow) {
        return true;
    }
    give_range(&mut FREE.lock(), tail, grow);
    false
}

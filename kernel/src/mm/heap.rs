//! The kernel heap: `linked_list_allocator` over a virtual region of the
//! kernel half that grows on demand. When an allocation does not fit, more
//! frames (any, not necessarily contiguous) are mapped at the heap's end
//! and handed to the allocator, so the in-memory filesystem and kernel
//! objects take memory as they need it instead of a size fixed at boot.
//!
//! Allocations of [`vmalloc::THRESHOLD`] bytes or more go to
//! [`vmalloc`] instead, which gives their frames back when they are freed.
//! The linked-list part never shrinks (the allocator cannot return memory
//! from its middle), so it may grow to half of the RAM free at boot; the other half
//! stays for user memory. User memory stops [`USER_RESERVE`] frames short of
//! exhaustion (see `mm::user`), so running a process out of memory never
//! starves the heap.
use super::frame;
use super::layout::{HEAP_BASE, HEAP_MAX};
use super::vmalloc;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};
use linked_list_allocator::Heap;
use spin::Mutex;

/// Heap mapped at boot.
const INITIAL: u64 = 16 << 20;
/// Smallest growth step.
const STEP: u64 = 2 << 20;
/// Frames user memory leaves for the kernel.
pub const USER_RESERVE: u64 = 4096;

struct GrowingHeap {
    heap: Mutex<Heap>,
    /// End of the mapped part of the heap region.
    top: AtomicU64,
    /// Most bytes the heap may map (set at boot).
    limit: AtomicU64,
    /// Frames taken for the heap's pages (its tables are counted with
    /// every kernel table: `paging::kernel_table_frames`).
    frames: AtomicU64,
}

#[global_allocator]
static HEAP: GrowingHeap = GrowingHeap {
    heap: Mutex::new(Heap::empty()),
    top: AtomicU64::new(HEAP_BASE),
    limit: AtomicU64::new(INITIAL),
    frames: AtomicU64::new(0),
};

impl GrowingHeap {
    /// Maps up to `bytes` more at the top; returns how many were mapped.
    fn map_more(&self, bytes: u64) -> u64 {
        let top = self.top.load(Ordering::Relaxed);
        let end = HEAP_BASE + self.limit.load(Ordering::Relaxed).min(HEAP_MAX);
        let mut mapped = 0;
        while mapped < bytes && top + mapped < end {
            let Some(phys) = frame::alloc() else { break };
            if !crate::arch::paging::map_kernel_page(top + mapped, phys) {
                frame::free(phys);
                break;
            }
            mapped += frame::FRAME_SIZE;
        }
        self.top.store(top + mapped, Ordering::Relaxed);
        self.frames
            .fetch_add(mapped / frame::FRAME_SIZE, Ordering::Relaxed);
        mapped
    }
}

// SAFETY: `Heap` hands out disjoint, correctly aligned blocks from memory
// that is mapped and owned by the heap alone (the region is reserved for it
// in `layout`, and `map_more` maps fresh frames before `extend` publishes
// them); every access holds the lock.
unsafe impl GlobalAlloc for GrowingHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= vmalloc::THRESHOLD {
            // No fallback to the linked-list part: what is freed there
            // never goes back to the frame allocator.
            return vmalloc::alloc(layout.size(), layout.align());
        }
        let mut heap = self.heap.lock();
        if let Ok(p) = heap.allocate_first_fit(layout) {
            return p.as_ptr();
        }
        let need = (layout.size() as u64 + layout.align() as u64 + 64).next_multiple_of(STEP);
        let got = self.map_more(need.max(STEP));
        if got > 0 {
            // SAFETY: [top, top + got) was just mapped right after the
            // heap's end and belongs to nothing else.
            unsafe { heap.extend(got as usize) };
        }
        heap.allocate_first_fit(layout)
            .map_or(core::ptr::null_mut(), |p| p.as_ptr())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if vmalloc::owns(ptr) {
            vmalloc::dealloc(ptr, layout.size());
            return;
        }
        // SAFETY: the caller passes a pointer this allocator returned for
        // `layout` (GlobalAlloc contract), so it is non-null.
        unsafe {
            self.heap
                .lock()
                .deallocate(NonNull::new_unchecked(ptr), layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A large block that stays large grows or shrinks where it is when
        // the pages after it are free (a file written by appends).
        if vmalloc::owns(ptr)
            && new_size >= vmalloc::THRESHOLD
            && vmalloc::resize_in_place(ptr, layout.size(), new_size)
        {
            return ptr;
        }
        // SAFETY: the caller passes a block of `layout` from this
        // allocator and a non-zero `new_size` that, rounded to the
        // alignment, fits in isize (GlobalAlloc::realloc contract).
        let new =
            unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        if !new.is_null() {
            // SAFETY: both blocks are live, distinct, and at least
            // min(old, new) bytes long.
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// Maps the initial heap. Needs the frame allocator and the kernel page
/// tables.
pub fn init() {
    let half = frame::free_count() / 2 * frame::FRAME_SIZE;
    HEAP.limit.store(half.max(INITIAL), Ordering::Relaxed);
    let mapped = HEAP.map_more(INITIAL);
    if mapped < INITIAL {
        crate::kpanic_early("no memory for the kernel heap");
    }
    // SAFETY: [HEAP_BASE, HEAP_BASE + mapped) is freshly mapped, reserved
    // for the heap, and `init` runs once at boot before any allocation.
    unsafe { HEAP.heap.lock().init(HEAP_BASE as *mut u8, mapped as usize) };
    vmalloc::init(half);
}

/// Frames kernel memory that belongs to no process holds now: the heap's
/// linked-list part (never returned), [`vmalloc`]'s live allocations, and
/// every kernel-half page table (kept once grown). A process's exit
/// returns all other frames it used.
pub fn frames() -> u64 {
    small_frames() + vmalloc::frames() + crate::arch::paging::kernel_table_frames()
}

/// Frames the linked-list part has taken for its pages (MemInfo's Slab).
pub fn small_frames() -> u64 {
    HEAP.frames.load(Ordering::Relaxed)
}

/// (used, free) bytes of the mapped heap.
pub fn stats() -> (usize, usize) {
    let h = HEAP.heap.lock();
    (h.used(), h.free())
}

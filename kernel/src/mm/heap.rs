//! The kernel heap: one physically contiguous block of frames reached
//! through the direct map, managed by `linked_list_allocator`.
use super::frame;
use linked_list_allocator::LockedHeap;

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Carves the heap out of free frames: a quarter of free RAM, at most
/// 256 MiB and at least 8 MiB.
pub fn init(hhdm: u64) {
    let frames = (frame::free_count() / 4).clamp(2048, 65536);
    let Some(phys) = frame::alloc_contiguous(frames) else {
        crate::kpanic_early("no memory for the kernel heap");
    };
    let size = (frames * frame::FRAME_SIZE) as usize;
    // SAFETY: the frames were just allocated for the heap alone, are mapped
    // through the direct map at `hhdm`, and `init` runs once at boot.
    unsafe { HEAP.lock().init((phys + hhdm) as *mut u8, size) };
}

/// (used, free) heap bytes.
pub fn stats() -> (usize, usize) {
    let h = HEAP.lock();
    (h.used(), h.free())
}

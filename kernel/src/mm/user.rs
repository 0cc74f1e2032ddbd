//! Glue to the `vm` crate: physical memory through the direct map, frames
//! from the kernel's bitmap allocator, one global [`vm::Mm`] context, and
//! execution of the TLB-flush tokens the crate returns.
use super::frame;
use crate::arch::paging;
use core::sync::atomic::{AtomicBool, Ordering};
use spin::Mutex;
use vm::{Config, Mm, PhysMem, TlbFlush};
use x86_64::structures::paging::{FrameAllocator, FrameDeallocator, PhysFrame, Size4KiB};
use x86_64::PhysAddr;

/// Physical memory through the kernel's direct map.
#[derive(Debug)]
pub struct DirectMap;

// SAFETY: the direct map covers all RAM with 4 KiB-aligned, writable
// mappings for as long as the kernel runs, and frames handed to `vm` by
// `KernelFrames` are owned by `vm` alone (no Rust reference aliases them).
unsafe impl PhysMem for DirectMap {
    fn frame_ptr(&self, frame: PhysFrame) -> *mut u8 {
        paging::phys_to_virt(frame.start_address().as_u64())
    }
}

/// Set while [`refusing_frames`] runs: user memory then gets no frame.
static REFUSING: AtomicBool = AtomicBool::new(false);

/// Runs `f` as if user memory were exhausted (every frame allocation for
/// user memory fails), for fault injection: the `vm` crate's real
/// out-of-memory paths then run, and the caller's handling of them. The
/// context's free-frame cache is turned off meanwhile (its frames go back
/// to the bitmap): it hands out frames without asking [`KernelFrames`], so
/// with it on an operation could be served without meeting the refusal.
pub fn refusing_frames<R>(mm: &mut KernelMm, f: impl FnOnce(&mut KernelMm) -> R) -> R {
    let limit = mm.frame_cache_limit();
    mm.set_frame_cache_limit(0);
    REFUSING.store(true, Ordering::Relaxed);
    let r = f(mm);
    REFUSING.store(false, Ordering::Relaxed);
    mm.set_frame_cache_limit(limit);
    r
}

/// Frames from [`frame::alloc`].
#[derive(Debug)]
pub struct KernelFrames;

// SAFETY: `frame::alloc` never hands out a frame twice before it is freed.
unsafe impl FrameAllocator<Size4KiB> for KernelFrames {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        // User memory leaves a reserve so that a process running out of
        // memory cannot starve the kernel heap.
        if frame::free_count() <= super::heap::USER_RESERVE || REFUSING.load(Ordering::Relaxed) {
            return None;
        }
        frame::alloc().map(|a| PhysFrame::containing_address(PhysAddr::new(a)))
    }
}

impl FrameDeallocator<Size4KiB> for KernelFrames {
    unsafe fn deallocate_frame(&mut self, frame: PhysFrame<Size4KiB>) {
        frame::free(frame.start_address().as_u64());
    }
}

/// The kernel's memory context.
pub type KernelMm = Mm<DirectMap, KernelFrames>;

static MM: Mutex<Option<KernelMm>> = Mutex::new(None);

/// Creates the context; user spaces copy the kernel half of `kernel_root`.
pub fn init(ram_top: u64, kernel_root: u64) {
    let mut mm = Mm::new(DirectMap, KernelFrames, ram_top, Config { use_nx: true });
    mm.set_kernel_template(PhysFrame::containing_address(PhysAddr::new(kernel_root)));
    *MM.lock() = Some(mm);
}

/// Runs `f` with the memory context locked.
pub fn with_mm<R>(f: impl FnOnce(&mut KernelMm) -> R) -> R {
    let mut guard = MM.lock();
    f(guard.as_mut().expect("mm::user::init not called"))
}

/// Free frames: the bitmap's plus those the context caches. Cached frames
/// belong to no process and the next user allocation takes them first, so
/// MemFree and the leak checks count them as free. Both counts are read
/// under the context's lock, which every move between the cache and the
/// bitmap holds, so no frame is counted twice or missed.
pub fn free_frames() -> u64 {
    with_mm(|mm| frame::free_count() + mm.cached_frames() as u64)
}

/// Most areas one address space may have (Linux's default
/// `vm.max_map_count`, shown in `/proc/sys/vm/max_map_count`): mmap fails
/// with ENOMEM beyond it.
pub const MAX_MAP_COUNT: usize = 65530;

/// Executes a flush token for the space whose root is `root`: invlpg per
/// page (or a CR3 reload) when that space is loaded, nothing otherwise
/// (its stale entries were dropped when CR3 last changed).
pub fn flush(token: TlbFlush, root: PhysFrame) {
    let (current, _) = x86_64::registers::control::Cr3::read();
    if current == root {
        token.execute(|va| paging::flush_page(va.as_u64()), paging::flush_all);
    } else {
        token.ignore();
    }
}

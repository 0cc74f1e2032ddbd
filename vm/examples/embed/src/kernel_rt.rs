//! The least a `no_std`, `no_main` image needs: an entry point, a heap for
//! the `vm` crate's `alloc` use, and a panic handler. A real kernel has
//! its own; these are here so the example links.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

const HEAP_SIZE: usize = 256 * 1024;
const RAM_FRAMES: usize = 64;

/// Storage with a stable address that is only reached through raw
/// pointers (the heap hands out pieces; the RAM stands for frames).
#[repr(C, align(4096))]
struct Area<const N: usize>(UnsafeCell<[u8; N]>);

// SAFETY: the bytes are only reached through raw pointers handed out
// without overlap (the bump allocator) or owned by the vm crate (RAM).
unsafe impl<const N: usize> Sync for Area<N> {}

static HEAP: Area<HEAP_SIZE> = Area(UnsafeCell::new([0; HEAP_SIZE]));
static RAM: Area<{ RAM_FRAMES * 4096 }> = Area(UnsafeCell::new([0; RAM_FRAMES * 4096]));

/// A bump allocator that never frees: enough for one run.
struct Bump {
    next: AtomicUsize,
}

// SAFETY: each allocation is a distinct, suitably aligned range inside
// HEAP (the compare-exchange hands every byte out once); dealloc is a
// no-op, which only leaks.
unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = HEAP.0.get() as usize;
        let mut cur = self.next.load(Ordering::Relaxed);
        loop {
            let start = (base + cur).next_multiple_of(layout.align()) - base;
            let end = start + layout.size();
            if end > HEAP_SIZE {
                return core::ptr::null_mut();
            }
            match self
                .next
                .compare_exchange(cur, end, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return (base + start) as *mut u8,
                Err(now) => cur = now,
            }
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOC: Bump = Bump {
    next: AtomicUsize::new(0),
};

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// The entry point a bootloader jumps to. The example's "RAM" is a static
/// buffer whose physical addresses are taken to start at 1 MiB.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let ram = crate::Ram {
        base: RAM.0.get().cast::<u8>(),
        phys_base: 0x10_0000,
        frames: RAM_FRAMES as u64,
    };
    let _ = crate::run(ram);
    loop {
        core::hint::spin_loop();
    }
}

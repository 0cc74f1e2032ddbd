//! Kernel stacks with guard pages. Each thread's stack lives in its own
//! slot of a kernel-half region: the lower half of the slot stays unmapped,
//! so running off the stack is a page fault (then, the stack being
//! unusable, a double fault on its own IST stack, reported as a kernel
//! stack overflow) instead of silent corruption of whatever lies below.
use super::frame;
use super::layout::{KSTACK_BASE, KSTACK_SLOTS};
use crate::arch::paging;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use spin::Mutex;

/// Bytes of usable stack per thread. Unoptimised builds get four times as
/// much: their frames are far larger (the `vm` crate's table walks keep
/// several copies of a 4 KiB table image per level at opt-level 0).
pub const STACK_SIZE: u64 = if cfg!(debug_assertions) {
    256 * 1024
} else {
    64 * 1024
};
/// Bytes per slot: the stack and an unmapped guard of the same size below.
const SLOT_SIZE: u64 = 2 * STACK_SIZE;
/// Free frames a new stack leaves (14 MiB): between user memory's reserve
/// (`heap::USER_RESERVE`, 16 MiB) and vmalloc's (4 MiB), so that once
/// processes have taken memory up to here, fork fails (ENOMEM) while the
/// kernel heap can still grow, in 2 MiB steps, for the threads that exist
/// (a signal to every one of them grows the run queue).
const RESERVE: u64 = 3584;

static NEXT_SLOT: AtomicU64 = AtomicU64::new(0);
static FREE_SLOTS: Mutex<Vec<u64>> = Mutex::new(Vec::new());
/// Stacks alive now (MemInfo's KernelStack).
static LIVE: AtomicU64 = AtomicU64::new(0);

/// Bytes of kernel stack mapped for live threads.
pub fn live_bytes() -> u64 {
    LIVE.load(Ordering::Relaxed) * STACK_SIZE
}

/// A mapped kernel stack; unmapped and its frames freed on drop.
#[derive(Debug)]
pub struct KernelStack {
    slot: u64,
}

impl KernelStack {
    /// Maps a fresh stack, or `None` when out of frames or slots.
    pub fn new() -> Option<KernelStack> {
        if frame::free_count() < RESERVE + STACK_SIZE / frame::FRAME_SIZE {
            return None;
        }
        let slot = match FREE_SLOTS.lock().pop() {
            Some(s) => s,
            None => {
                let s = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
                if s >= KSTACK_SLOTS {
                    return None;
                }
                s
            }
        };
        let stack = KernelStack { slot };
        LIVE.fetch_add(1, Ordering::Relaxed);
        for va in (stack.bottom()..stack.top()).step_by(frame::FRAME_SIZE as usize) {
            let phys = frame::alloc()?; // on failure, drop unmaps what was mapped
            if !paging::map_kernel_page(va, phys) {
                frame::free(phys);
                return None;
            }
        }
        Some(stack)
    }

    /// Lowest mapped address.
    pub fn bottom(&self) -> u64 {
        KSTACK_BASE + self.slot * SLOT_SIZE + (SLOT_SIZE - STACK_SIZE)
    }

    /// One past the highest address: the initial stack pointer.
    pub fn top(&self) -> u64 {
        KSTACK_BASE + (self.slot + 1) * SLOT_SIZE
    }
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        for va in (self.bottom()..self.top()).step_by(frame::FRAME_SIZE as usize) {
            if let Some(phys) = paging::unmap_kernel_page(va) {
                frame::free(phys);
            }
        }
        FREE_SLOTS.lock().push(self.slot);
        LIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Whether `addr` is in the guard area of some stack slot: a fault there
/// is a kernel stack overflow.
pub fn is_guard(addr: u64) -> bool {
    let end = KSTACK_BASE + KSTACK_SLOTS * SLOT_SIZE;
    (KSTACK_BASE..end).contains(&addr) && (addr - KSTACK_BASE) % SLOT_SIZE < SLOT_SIZE - STACK_SIZE
}

//! The physical frame allocator: a bitmap over all RAM the memory map
//! reports, one bit per 4 KiB frame (set = in use), searched next-fit a
//! 64-frame word at a time, with a small stack of recently freed frames so
//! the common free-then-allocate pattern (a page fault returning the frames
//! it reserved but did not use) never rescans the bitmap. The search
//! cursor only moves forward (wrapping), so allocation cost does not grow
//! with the amount of memory in use.
//!
//! Written here rather than taken from a crate because it must be built
//! inside memory it manages (the bitmap is carved out of the first usable
//! region large enough) before any heap exists.
use crate::boot::BootInfo;
use spin::Mutex;

/// Size of a frame.
pub const FRAME_SIZE: u64 = 4096;

/// Recently freed frames kept for immediate reuse.
const RECENT: usize = 64;

struct Bitmap {
    words: &'static mut [u64],
    frames: u64,
    next: u64,
    free: u64,
    recent: arrayvec::ArrayVec<u64, RECENT>,
}

static FRAMES: Mutex<Option<Bitmap>> = Mutex::new(None);

impl Bitmap {
    fn set(&mut self, f: u64, used: bool) {
        let (w, b) = ((f / 64) as usize, f % 64);
        let was = self.words[w] & (1 << b) != 0;
        if used && !was {
            self.words[w] |= 1 << b;
            self.free -= 1;
        } else if !used && was {
            self.words[w] &= !(1 << b);
            self.free += 1;
        }
    }

    fn is_used(&self, f: u64) -> bool {
        self.words[(f / 64) as usize] & (1 << (f % 64)) != 0
    }

    /// Finds `count` free contiguous frames, next-fit, and marks them used.
    fn alloc(&mut self, count: u64) -> Option<u64> {
        if count == 1 {
            while let Some(f) = self.recent.pop() {
                if !self.is_used(f) {
                    self.set(f, true);
                    return Some(f);
                }
            }
        }
        let mut start = self.next;
        let mut scanned = 0;
        while scanned < self.frames {
            if start + count > self.frames {
                scanned += self.frames - start;
                start = 0;
                continue;
            }
            // Skip whole words with no free frame.
            if start.is_multiple_of(64) && self.words[(start / 64) as usize] == u64::MAX {
                let step = 64.min(self.frames - start);
                scanned += step;
                start += step;
                continue;
            }
            match (start..start + count).find(|&f| self.is_used(f)) {
                None => {
                    for f in start..start + count {
                        self.set(f, true);
                    }
                    self.next = start + count;
                    return Some(start);
                }
                Some(used) => {
                    scanned += used + 1 - start;
                    start = used + 1;
                }
            }
        }
        None
    }
}

/// A physical frame number's address.
pub fn frame_addr(frame: u64) -> u64 {
    frame * FRAME_SIZE
}

/// Builds the bitmap from the memory map, marking the kernel image, the
/// initramfs, the first MiB and the bitmap itself as used.
pub fn init(info: &BootInfo, kernel_phys: (u64, u64)) {
    let top = info
        .memory
        .iter()
        .filter(|r| r.usable)
        .map(|r| r.start + r.len)
        .max()
        .unwrap_or(0);
    let frames = top / FRAME_SIZE;
    let bytes = frames.div_ceil(64) * 8;
    let reserved = |a: u64, len: u64| -> bool {
        let overlaps = |s: u64, l: u64| a < s + l && s < a + len;
        a < 0x10_0000
            || overlaps(kernel_phys.0, kernel_phys.1 - kernel_phys.0)
            || info.initramfs.is_some_and(|(s, l)| overlaps(s, l))
    };
    // The bitmap goes in the first usable, unreserved, page-aligned spot.
    let mut at = None;
    'outer: for r in info.memory.iter().filter(|r| r.usable) {
        let mut a = r.start.next_multiple_of(FRAME_SIZE);
        while a + bytes <= r.start + r.len {
            if !reserved(a, bytes) {
                at = Some(a);
                break 'outer;
            }
            a += FRAME_SIZE;
        }
    }
    let Some(at) = at else {
        crate::kpanic_early("no memory for the frame bitmap");
    };
    let ptr = (at + info.hhdm_offset) as *mut u64;
    // SAFETY: [at, at + bytes) is usable RAM that no other structure uses
    // (checked against the kernel image and initramfs above), mapped by the
    // loader's direct map at `hhdm_offset`, and handed out exactly once.
    let words = unsafe { core::slice::from_raw_parts_mut(ptr, (bytes / 8) as usize) };
    words.fill(u64::MAX);
    let mut bm = Bitmap {
        words,
        frames,
        next: 0,
        free: 0,
        recent: arrayvec::ArrayVec::new(),
    };
    bm.free = frames;
    for r in info.memory.iter().filter(|r| r.usable) {
        let first = r.start.div_ceil(FRAME_SIZE);
        let last = (r.start + r.len) / FRAME_SIZE;
        for f in first..last {
            let a = f * FRAME_SIZE;
            let in_bitmap = a < at + bytes && at < a + FRAME_SIZE;
            if !reserved(a, FRAME_SIZE) && !in_bitmap {
                bm.words[(f / 64) as usize] &= !(1 << (f % 64));
            }
        }
    }
    bm.free = (0..frames).filter(|&f| !bm.is_used(f)).count() as u64;
    USABLE.store(bm.free, core::sync::atomic::Ordering::Relaxed);
    *FRAMES.lock() = Some(bm);
}

/// Frames free at boot (the kernel image, initramfs and boot data excluded).
static USABLE: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// Frames that were free at boot: `/proc/meminfo`'s MemTotal.
pub fn usable_count() -> u64 {
    USABLE.load(core::sync::atomic::Ordering::Relaxed)
}

/// Allocates one frame, returning its physical address.
pub fn alloc() -> Option<u64> {
    alloc_contiguous(1)
}

/// Allocates `count` physically contiguous frames.
pub fn alloc_contiguous(count: u64) -> Option<u64> {
    FRAMES.lock().as_mut()?.alloc(count).map(frame_addr)
}

/// Frees a frame previously returned by [`alloc()`].
pub fn free(phys: u64) {
    if let Some(bm) = FRAMES.lock().as_mut() {
        let f = phys / FRAME_SIZE;
        assert!(bm.is_used(f), "double free of frame {phys:#x}");
        bm.set(f, false);
        let _ = bm.recent.try_push(f);
    }
}

/// Free frames left.
pub fn free_count() -> u64 {
    FRAMES.lock().as_ref().map_or(0, |b| b.free)
}

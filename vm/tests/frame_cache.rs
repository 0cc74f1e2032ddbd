//! The context's free-frame cache: what it keeps, what it gives back, and
//! that it neither hides a leak nor turns an out-of-memory into a
//! half-done change.

use std::cell::Cell;
use std::rc::Rc;

use vm::host::{host_mm, BitmapFrames, HostMm, SimRam};
use vm::{AddressSpace, Config, Fault, Mm, Prot, Strategy, Vma, VmaKind, FRAME_CACHE_CAPACITY};
use x86_64::structures::paging::{FrameAllocator, FrameDeallocator, PhysFrame, Size4KiB};

const FRAMES: usize = 512;
const HEAP: u64 = 0x40_0000;

fn setup() -> (HostMm, AddressSpace) {
    let mut mm = host_mm(FRAMES);
    let mut space = AddressSpace::new(&mut mm).unwrap();
    let heap = Vma::new(HEAP..HEAP + 0x40_0000, Prot::RW, VmaKind::Heap);
    space.map(&mut mm, heap).unwrap().ignore();
    (mm, space)
}

fn touch(space: &mut AddressSpace, mm: &mut HostMm, page: u64) -> Result<(), Fault> {
    space
        .handle_fault(mm, HEAP + page * 4096, vm::Access::Write)
        .map(|f| f.ignore())
}

/// Free frames wherever they are: the allocator's plus the cache's.
fn free(mm: &mut HostMm) -> usize {
    mm.allocator().free_frames() + mm.cached_frames()
}

#[test]
fn a_fault_keeps_the_frames_it_did_not_use() {
    let (mut mm, mut s) = setup();
    let in_use = mm.frames_in_use();
    touch(&mut s, &mut mm, 0).unwrap();
    // Three tables and the page: all used on the first fault.
    assert_eq!(mm.frames_in_use(), in_use + 4);
    assert_eq!(mm.cached_frames(), 0);
    touch(&mut s, &mut mm, 1).unwrap();
    // Only the page: the other three reserved frames wait in the cache.
    assert_eq!(mm.frames_in_use(), in_use + 5);
    assert_eq!(mm.cached_frames(), 3);
    assert_eq!(free(&mut mm) + mm.frames_in_use(), FRAMES);
    let before = mm.allocator().free_frames();
    touch(&mut s, &mut mm, 2).unwrap();
    assert_eq!(
        mm.allocator().free_frames(),
        before - 1,
        "the next fault takes only the frame it keeps from the allocator"
    );
    assert_eq!(mm.cached_frames(), 3);
    s.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
    mm.drain_frame_cache();
    assert_eq!(mm.allocator().free_frames(), FRAMES);
}

#[test]
fn the_cache_is_bounded_and_the_rest_goes_back() {
    let (mut mm, mut s) = setup();
    for page in 0..200 {
        touch(&mut s, &mut mm, page).unwrap();
    }
    s.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
    assert_eq!(mm.cached_frames(), FRAME_CACHE_CAPACITY);
    assert_eq!(mm.allocator().free_frames(), FRAMES - FRAME_CACHE_CAPACITY);
    mm.set_frame_cache_limit(10);
    assert_eq!(mm.cached_frames(), 10);
    assert_eq!(mm.allocator().free_frames(), FRAMES - 10);
    mm.set_frame_cache_limit(0);
    assert_eq!(mm.allocator().free_frames(), FRAMES);
}

#[test]
fn cached_frames_bypass_injected_failure_unless_the_cache_is_off() {
    let (mut mm, mut s) = setup();
    for page in 0..4 {
        touch(&mut s, &mut mm, page).unwrap();
    }
    // Unmapping two pages caches their frames: five cached now.
    s.unmap(&mut mm, HEAP..HEAP + 0x2000).unwrap().ignore();
    assert_eq!(mm.cached_frames(), 5);
    let trigger = mm.allocator().failure_trigger();
    trigger.fail_after(0);
    // The allocator refuses everything, yet a fault whose whole
    // reservation (four frames) the cache holds succeeds.
    assert_eq!(touch(&mut s, &mut mm, 3), Ok(()));
    mm.set_frame_cache_limit(0);
    assert_eq!(touch(&mut s, &mut mm, 4), Err(Fault::OutOfMemory));
    trigger.disarm();
    mm.set_frame_cache_limit(FRAME_CACHE_CAPACITY);
    s.destroy(&mut mm).unwrap();
}

#[test]
fn a_failed_reservation_puts_every_frame_back_where_it_was() {
    let (mut mm, mut s) = setup();
    for page in 0..4 {
        touch(&mut s, &mut mm, page).unwrap();
    }
    mm.set_frame_cache_limit(2);
    assert_eq!(mm.cached_frames(), 2);
    let (in_use, allocator_free) = (mm.frames_in_use(), mm.allocator().free_frames());
    let trigger = mm.allocator().failure_trigger();
    // A classic fork reserves more than two frames: two come from the
    // cache, one from the allocator, then the allocator fails.
    trigger.fail_after(1);
    let err = s.fork(&mut mm, Strategy::Classic).err();
    trigger.disarm();
    assert_eq!(err, Some(vm::VmError::OutOfMemory));
    assert_eq!(mm.frames_in_use(), in_use);
    assert_eq!(mm.cached_frames(), 2, "the cache's frames went back to it");
    assert_eq!(
        mm.allocator().free_frames(),
        allocator_free,
        "the allocator's frame went back to it"
    );
    s.destroy(&mut mm).unwrap();
}

/// A frame allocator handle that counts the frames it has handed out, and
/// outlives the context that uses it (as a kernel's global allocator does).
struct Counting(BitmapFrames, Rc<Cell<usize>>);

// SAFETY: forwards to `BitmapFrames`, which never hands a frame out twice.
unsafe impl FrameAllocator<Size4KiB> for Counting {
    fn allocate_frame(&mut self) -> Option<PhysFrame> {
        let f = self.0.allocate_frame()?;
        self.1.set(self.1.get() + 1);
        Some(f)
    }
}

impl FrameDeallocator<Size4KiB> for Counting {
    unsafe fn deallocate_frame(&mut self, frame: PhysFrame) {
        self.1.set(self.1.get() - 1);
        // SAFETY: the caller's promise (the frame is unused) is passed on.
        unsafe { self.0.deallocate_frame(frame) }
    }
}

#[test]
fn dropping_the_context_returns_its_cached_frames() {
    let ram = SimRam::new(FRAMES);
    let out = Rc::new(Cell::new(0));
    let frames = Counting(BitmapFrames::new(&ram), out.clone());
    let limit = ram.phys_limit();
    let mut mm = Mm::new(ram, frames, limit, Config::default());
    let mut s = AddressSpace::new(&mut mm).unwrap();
    let heap = Vma::new(HEAP..HEAP + 0x10_0000, Prot::RW, VmaKind::Heap);
    s.map(&mut mm, heap).unwrap().ignore();
    for page in 0..8 {
        s.handle_fault(&mut mm, HEAP + page * 4096, vm::Access::Write)
            .unwrap()
            .ignore();
    }
    s.destroy(&mut mm).unwrap();
    assert!(mm.cached_frames() > 0);
    assert_eq!(out.get(), mm.cached_frames());
    drop(mm);
    assert_eq!(out.get(), 0);
}

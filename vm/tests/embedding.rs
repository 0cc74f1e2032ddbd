//! What an embedding kernel can get wrong and the crate must survive: a
//! `phys_limit` below its allocator's frames, and a space dropped while
//! an unrelated panic unwinds.

use vm::host::{BitmapFrames, SimRam};
use vm::{Access, AddressSpace, Config, Fault, Mm, Prot, Strategy, VmError, Vma, VmaKind};

const HEAP: u64 = 0x40_0000;

#[test]
fn a_frame_beyond_phys_limit_is_refused_where_it_is_taken() {
    let ram = SimRam::new(64);
    let frames = BitmapFrames::new(&ram);
    // Counts for the first 8 frames only: the allocator hands out more.
    let limit = ram.base() + 8 * 4096;
    let mut mm = Mm::new(ram, frames, limit, Config::default());
    assert_eq!(mm.phys_limit(), limit);
    let mut space = AddressSpace::new(&mut mm).unwrap();
    let heap = Vma::new(HEAP..HEAP + 0x20_0000, Prot::RW, VmaKind::Heap);
    space.map(&mut mm, heap).unwrap().ignore();
    let mut refused = None;
    for page in 0..32 {
        match space.handle_fault(&mut mm, HEAP + page * 4096, Access::Write) {
            Ok(flush) => flush.ignore(),
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let Some(Fault::FrameBeyondLimit { frame }) = refused else {
        panic!("expected FrameBeyondLimit, got {refused:?}");
    };
    assert!(frame >= limit);
    // A fork needs frames too: refused the same way, nothing changed.
    let before = mm.frames_in_use();
    let err = space.fork(&mut mm, Strategy::Classic).err();
    assert!(
        matches!(err, Some(VmError::FrameBeyondLimit { .. })),
        "{err:?}"
    );
    assert_eq!(mm.frames_in_use(), before);
    space.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn a_space_dropped_during_an_unrelated_panic_does_not_abort() {
    let ram = SimRam::new(64);
    let frames = BitmapFrames::new(&ram);
    let limit = ram.phys_limit();
    let mut mm = Mm::new(ram, frames, limit, Config::default());
    let leaked = vm::leaked_spaces();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _space = AddressSpace::new(&mut mm).unwrap();
        panic!("an unrelated test failure");
    }));
    assert!(result.is_err());
    assert_eq!(vm::leaked_spaces(), leaked + 1);
}

#[test]
fn errors_print_what_happened() {
    let e = VmError::Lent;
    let boxed: Box<dyn std::error::Error> = Box::new(e);
    assert!(boxed.to_string().contains("hybrid child"));
    assert_eq!(
        Access::from_page_fault_error(0b1_0101),
        Access::Execute,
        "instruction fetch wins over the other bits"
    );
    assert_eq!(Access::from_page_fault_error(0b0111), Access::Write);
    assert_eq!(Access::from_page_fault_error(0b0100), Access::Read);
}

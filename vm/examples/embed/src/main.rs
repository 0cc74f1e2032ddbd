//! Embedding the `vm` crate in a kernel: [`glue`] is what the kernel
//! writes, [`run`] what it does with it (create a process, fault a page
//! in, fork it, resolve the child's copy-on-write fault, tear down).
//!
//! Built for the kernel target, it is a `no_std`, `no_main` image with its
//! own heap and panic handler:
//! `cargo build -p vm-embed-example --target x86_64-unknown-none --release`.
//! On the host it is an ordinary program that runs the same steps over a
//! heap buffer standing in for RAM: `cargo run -p vm-embed-example`.

#![cfg_attr(target_os = "none", no_std, no_main)]
#![deny(unsafe_op_in_unsafe_fn)]

mod glue;
#[cfg(target_os = "none")]
mod kernel_rt;

use glue::{DirectMap, KernelMm, RegionFrames};
use vm::{AddressSpace, Child, Config, Fault, Mm, Prot, SegvCause, Strategy, Vma, VmaKind};

/// Page-fault error code bits (Intel SDM vol. 3, 4.7).
const PF_PRESENT: u64 = 1 << 0;
const PF_WRITE: u64 = 1 << 1;
const PF_USER: u64 = 1 << 2;

const HEAP: u64 = 0x40_0000;

/// RAM for the example: `frames` 4 KiB frames at virtual address `base`,
/// taken to be physical `phys_base..` seen through a direct map.
#[derive(Debug)]
pub struct Ram {
    pub base: *mut u8,
    pub phys_base: u64,
    pub frames: u64,
}

/// The kernel's steps; returns how many TLB flushes they asked for.
pub fn run(ram: Ram) -> Result<usize, Fault> {
    let map = DirectMap {
        offset: ram.base as u64 - ram.phys_base,
    };
    let frames = RegionFrames::new(ram.phys_base, ram.phys_base + ram.frames * 4096);
    let limit = frames.phys_limit();
    let mut mm: KernelMm = Mm::new(map, frames, limit, Config { use_nx: true });
    let mut flushed = 0;

    let mut parent = AddressSpace::new(&mut mm).map_err(Fault::from)?;
    let heap = Vma::new(HEAP..HEAP + 0x4000, Prot::RW, VmaKind::Heap);
    parent.map(&mut mm, heap).map_err(Fault::from)?.ignore();

    // The user's first store: a not-present fault, demand-zero page.
    glue::user_page_fault(&mut parent, &mut mm, HEAP, PF_WRITE | PF_USER, &mut flushed)?;
    // Outside every area: the handler says SIGSEGV with SEGV_MAPERR.
    let stray = glue::user_page_fault(&mut parent, &mut mm, 0x1000, PF_USER, &mut flushed);
    assert!(matches!(
        stray,
        Err(Fault::Segv {
            cause: SegvCause::NotMapped,
            ..
        })
    ));

    let forked = parent
        .fork(&mut mm, Strategy::Classic)
        .map_err(Fault::from)?;
    glue::flush(forked.parent_flush, &mut flushed);
    let Child::Space(mut child) = forked.child else {
        unreachable!("a classic fork gives the child its own space")
    };
    // The child's store hits the now read-only page: a protection fault,
    // resolved by copying the page for the child.
    let code = PF_PRESENT | PF_WRITE | PF_USER;
    glue::user_page_fault(&mut child, &mut mm, HEAP, code, &mut flushed)?;
    assert_ne!(
        child.translate(&mm, HEAP, vm::Access::Write).ok(),
        parent.translate(&mm, HEAP, vm::Access::Read).ok()
    );

    child.destroy(&mut mm).map_err(Fault::from)?;
    parent.destroy(&mut mm).map_err(Fault::from)?;
    assert_eq!(mm.frames_in_use(), 0);
    Ok(flushed)
}

#[cfg(not(target_os = "none"))]
fn main() {
    const FRAMES: u64 = 64;
    // A page-aligned buffer as RAM; its "physical" addresses start at 1 MiB.
    let layout = std::alloc::Layout::from_size_align(FRAMES as usize * 4096, 4096).unwrap();
    // SAFETY: the layout has a non-zero size.
    let base = unsafe { std::alloc::alloc_zeroed(layout) };
    assert!(!base.is_null());
    let ram = Ram {
        base,
        phys_base: 0x10_0000,
        frames: FRAMES,
    };
    match run(ram) {
        Ok(flushes) => println!("embed: fork, faults and teardown done ({flushes} TLB flushes)"),
        Err(e) => panic!("embed: {e}"),
    }
    // SAFETY: allocated above with this layout; nothing uses it any more.
    unsafe { std::alloc::dealloc(base, layout) }
}

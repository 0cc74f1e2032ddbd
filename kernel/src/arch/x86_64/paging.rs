//! The kernel's own page tables: a direct map of all physical memory at the
//! boot-info offset (2 MiB pages) and the kernel image with per-section
//! permissions (text RX, rodata R, data RW+NX). Only PML4 entries 256..512
//! are used; every user address space copies them from [`kernel_root`].
use crate::mm::{frame, layout};
use core::sync::atomic::{AtomicU64, Ordering};
use x86_64::registers::control::{Cr3, Cr3Flags};
use x86_64::structures::paging::{
    FrameAllocator, Mapper, OffsetPageTable, Page, PageTable, PageTableFlags as F, PhysFrame,
    Size2MiB, Size4KiB,
};
use x86_64::{PhysAddr, VirtAddr};

static KERNEL_ROOT: AtomicU64 = AtomicU64::new(0);
static HHDM: AtomicU64 = AtomicU64::new(layout::BOOT_HHDM);

/// The direct-map offset in force.
pub fn hhdm() -> u64 {
    HHDM.load(Ordering::Relaxed)
}

/// Physical address of the kernel template root table.
pub fn kernel_root() -> u64 {
    KERNEL_ROOT.load(Ordering::Relaxed)
}

/// Turns a physical address into a pointer through the direct map.
pub fn phys_to_virt(phys: u64) -> *mut u8 {
    (phys + hhdm()) as *mut u8
}

struct Frames;

/// Table frames the kernel half has taken (boot tables, then the heap's,
/// vmalloc's and kernel stacks' regions as they grow; never given back,
/// since later mappings reuse the same addresses).
static TABLE_FRAMES: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// Frames held by kernel-half page tables (MemInfo's KernelPageTables).
pub fn kernel_table_frames() -> u64 {
    TABLE_FRAMES.load(Ordering::Relaxed)
}

// SAFETY: `frame::alloc` returns frames nothing else owns.
unsafe impl FrameAllocator<Size4KiB> for Frames {
    fn allocate_frame(&mut self) -> Option<PhysFrame<Size4KiB>> {
        let phys = frame::alloc()?;
        // SAFETY: the frame is fresh and mapped by the direct map; a page
        // table must start zeroed.
        unsafe { core::ptr::write_bytes(phys_to_virt(phys), 0, 4096) };
        TABLE_FRAMES.fetch_add(1, Ordering::Relaxed);
        Some(PhysFrame::containing_address(PhysAddr::new(phys)))
    }
}

/// Builds the kernel page tables and switches to them.
pub fn init(hhdm_offset: u64, ram_top: u64, kernel_phys_base: u64) {
    HHDM.store(hhdm_offset, Ordering::Relaxed);
    let root = Frames.allocate_frame().expect("frame for the kernel root");
    // SAFETY: `root` is a zeroed frame we own, reachable through the
    // loader's direct map at `hhdm_offset`, which stays valid until the
    // switch below (the new tables map the same offset).
    let mut mapper = unsafe {
        let table = &mut *(phys_to_virt(root.start_address().as_u64()) as *mut PageTable);
        OffsetPageTable::new(table, VirtAddr::new(hhdm_offset))
    };
    let data = F::PRESENT | F::WRITABLE | F::GLOBAL | F::NO_EXECUTE;
    let mut phys = 0;
    while phys < ram_top.next_multiple_of(1 << 21) {
        let page = Page::<Size2MiB>::containing_address(VirtAddr::new(phys + hhdm_offset));
        let frame = PhysFrame::<Size2MiB>::containing_address(PhysAddr::new(phys));
        // SAFETY: the direct map aliases physical memory at a fixed offset;
        // it creates no alias of the kernel's own virtual objects.
        unsafe { mapper.map_to(page, frame, data, &mut Frames) }
            .expect("direct map")
            .ignore();
        phys += 1 << 21;
    }
    let (start, rodata, data_start, end) = layout::kernel_sections();
    let mut va = start;
    while va < end {
        let flags = if va < rodata {
            F::PRESENT | F::GLOBAL
        } else if va < data_start {
            F::PRESENT | F::GLOBAL | F::NO_EXECUTE
        } else {
            data
        };
        let page = Page::<Size4KiB>::containing_address(VirtAddr::new(va));
        let pa = PhysAddr::new(va - start + kernel_phys_base);
        // SAFETY: maps the kernel image at the addresses it is linked at,
        // onto the physical memory the loader put it in.
        unsafe { mapper.map_to(page, PhysFrame::containing_address(pa), flags, &mut Frames) }
            .expect("kernel image map")
            .ignore();
        va += 4096;
    }
    // Pre-create every kernel-half PML4 entry so user roots can copy them
    // once and never miss a later kernel mapping.
    let table = mapper.level_4_table_mut();
    for i in 256..512 {
        if table[i].is_unused() {
            let f = Frames.allocate_frame().expect("kernel PDPT");
            table[i].set_frame(f, F::PRESENT | F::WRITABLE);
        }
    }
    KERNEL_ROOT.store(root.start_address().as_u64(), Ordering::Relaxed);
    // SAFETY: the new tables map the kernel image (code, stack in .bss,
    // data) at the same virtual addresses and the direct map at the same
    // offset as before, so execution continues unchanged.
    unsafe { Cr3::write(root, Cr3Flags::empty()) };
}

/// Maps one 4 KiB kernel page (read/write, no-execute, global) at `va` to
/// `phys` in the kernel half shared by every address space. Returns false
/// if a table frame could not be allocated or `va` is already mapped.
pub fn map_kernel_page(va: u64, phys: u64) -> bool {
    let root = kernel_root();
    // SAFETY: the template root is a valid table reachable through the
    // direct map; kernel code runs with interrupts off on one CPU, so no
    // one else edits the tables meanwhile. Its kernel-half PML4 entries are
    // the ones every user root copied, so the mapping shows everywhere.
    let mut mapper = unsafe {
        let table = &mut *(phys_to_virt(root) as *mut PageTable);
        OffsetPageTable::new(table, VirtAddr::new(hhdm()))
    };
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(va));
    let frame = PhysFrame::containing_address(PhysAddr::new(phys));
    let flags = F::PRESENT | F::WRITABLE | F::GLOBAL | F::NO_EXECUTE;
    // SAFETY: `va` lies in the heap region, which nothing else maps, and
    // `phys` is a fresh frame owned by the caller.
    match unsafe {
        mapper.map_to_with_table_flags(page, frame, flags, F::PRESENT | F::WRITABLE, &mut Frames)
    } {
        Ok(flush) => {
            flush.ignore(); // the page was not present: nothing cached
            true
        }
        Err(_) => false,
    }
}

/// Unmaps a kernel page mapped by [`map_kernel_page`], flushes it from the
/// TLB and returns the frame it mapped.
pub fn unmap_kernel_page(va: u64) -> Option<u64> {
    let root = kernel_root();
    // SAFETY: as in `map_kernel_page`.
    let mut mapper = unsafe {
        let table = &mut *(phys_to_virt(root) as *mut PageTable);
        OffsetPageTable::new(table, VirtAddr::new(hhdm()))
    };
    let page = Page::<Size4KiB>::containing_address(VirtAddr::new(va));
    let (frame, flush) = mapper.unmap(page).ok()?;
    flush.flush();
    Some(frame.start_address().as_u64())
}

/// Switches to the root table at `phys` (a user address space root whose
/// kernel half was copied from [`kernel_root`]).
///
/// # Safety
/// `phys` must be a root table whose kernel half equals the template's.
pub unsafe fn switch_root(phys: u64) {
    let frame = PhysFrame::containing_address(PhysAddr::new(phys));
    if Cr3::read().0 != frame {
        // SAFETY: the caller guarantees the kernel half matches, so the
        // running code, stack and data stay mapped.
        unsafe { Cr3::write(frame, Cr3Flags::empty()) };
    }
}

/// Invalidates one page's TLB entry.
pub fn flush_page(va: u64) {
    x86_64::instructions::tlb::flush(VirtAddr::new(va));
}

/// Invalidates all non-global TLB entries.
pub fn flush_all() {
    x86_64::instructions::tlb::flush_all();
}

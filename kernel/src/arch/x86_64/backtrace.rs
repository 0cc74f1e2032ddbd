//! Frame-pointer backtraces (the kernel is built with
//! `-C force-frame-pointers=yes`).
use crate::mm::layout::KERNEL_VMA;

const MAX_FRAMES: usize = 32;

/// Prints `rip` and the return addresses found by walking saved frame
/// pointers from `rbp`. Stops at a frame pointer outside the kernel half or
/// misaligned, so a corrupt chain cannot fault.
pub fn print(rip: u64, mut rbp: u64) {
    crate::kprintln!("  backtrace:");
    crate::kprintln!("    #0 {rip:#018x}");
    for i in 1..MAX_FRAMES {
        if rbp < 0xffff_8000_0000_0000
            || !rbp.is_multiple_of(8)
            || !is_mapped(rbp)
            || !is_mapped(rbp + 8)
        {
            break;
        }
        // SAFETY: `rbp` is 8-aligned, in the kernel half, and both words
        // are mapped (checked just above through the page tables).
        let (next, ret) = unsafe { (*(rbp as *const u64), *((rbp + 8) as *const u64)) };
        if ret < KERNEL_VMA {
            break;
        }
        crate::kprintln!("    #{i} {ret:#018x}");
        if next <= rbp {
            break;
        }
        rbp = next;
    }
    crate::kprintln!("  (resolve with: addr2line -e <kernel ELF> -f -C <addresses>)");
}

/// Whether the kernel half maps `va`, read from the live page tables.
fn is_mapped(va: u64) -> bool {
    use x86_64::structures::paging::{mapper::Translate, OffsetPageTable, PageTable};
    use x86_64::VirtAddr;
    let (root, _) = x86_64::registers::control::Cr3::read();
    let hhdm = super::paging::hhdm();
    let table = (root.start_address().as_u64() + hhdm) as *mut PageTable;
    // SAFETY: CR3 holds a valid root table and the direct map covers it;
    // the table is only read here, with interrupts disabled on one CPU.
    let mapper = unsafe { OffsetPageTable::new(&mut *table, VirtAddr::new(hhdm)) };
    mapper.translate_addr(VirtAddr::new(va)).is_some()
}

//! Reads `hvm_start_info` (the PVH boot ABI) into [`BootInfo`].
use super::{BootInfo, MemRegion};
use crate::mm::layout::BOOT_HHDM;

const HVM_START_MAGIC: u32 = 0x336e_c578;

#[repr(C)]
struct HvmStartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
struct HvmModlistEntry {
    paddr: u64,
    size: u64,
    cmdline_paddr: u64,
    reserved: u64,
}

#[repr(C)]
struct HvmMemmapEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

/// Turns a physical address below 1 GiB into a pointer through the boot
/// direct map the trampoline built.
fn boot_ptr<T>(phys: u64) -> *const T {
    (phys + BOOT_HHDM) as *const T
}

/// Rust side of the PVH entry, called by the trampoline on the boot stack
/// with `start_info` = physical address of `hvm_start_info`.
pub extern "C" fn pvh_main(start_info: u32) -> ! {
    crate::arch::early_init();
    let mut info = BootInfo::empty("pvh");
    info.hhdm_offset = BOOT_HHDM;
    info.kernel_phys_base = crate::mm::layout::kernel_phys_base_pvh();
    let si = boot_ptr::<HvmStartInfo>(u64::from(start_info));
    // SAFETY: the hypervisor passes a valid, aligned `hvm_start_info` in
    // low memory, which the boot direct map covers; nothing else writes it.
    let si = unsafe { &*si };
    if si.magic != HVM_START_MAGIC {
        crate::kpanic_early("PVH: bad hvm_start_info magic");
    }
    if si.cmdline_paddr != 0 {
        // SAFETY: the command line is a NUL-terminated string in low memory
        // (below 1 GiB, covered by the boot map); we read at most
        // CMDLINE_MAX bytes, which stay in that range.
        let bytes = unsafe {
            core::slice::from_raw_parts(boot_ptr::<u8>(si.cmdline_paddr), super::CMDLINE_MAX)
        };
        info.set_cmdline(bytes);
    }
    if si.nr_modules > 0 && si.modlist_paddr != 0 {
        // SAFETY: `nr_modules` entries of the module list are valid.
        let m = unsafe { &*boot_ptr::<HvmModlistEntry>(si.modlist_paddr) };
        info.initramfs = Some((m.paddr, m.size));
    }
    if si.rsdp_paddr != 0 {
        info.rsdp = Some(si.rsdp_paddr);
    }
    if si.version >= 1 && si.memmap_paddr != 0 {
        for i in 0..si.memmap_entries as usize {
            // SAFETY: `memmap_entries` entries follow `memmap_paddr`.
            let e = unsafe { &*boot_ptr::<HvmMemmapEntry>(si.memmap_paddr).add(i) };
            let region = MemRegion {
                start: e.addr,
                len: e.size,
                usable: e.kind == 1,
            };
            if info.memory.try_push(region).is_err() {
                break;
            }
        }
    }
    crate::kernel_main(info)
}

//! Fixed virtual-memory layout of the kernel half.

/// Where the kernel image is linked (its first 2 MiB are unused).
pub const KERNEL_VMA: u64 = 0xffff_ffff_8000_0000;
/// Direct map the PVH trampoline builds (first GiB) and the kernel's own
/// page tables extend to all RAM when booted through PVH.
pub const BOOT_HHDM: u64 = 0xffff_8000_0000_0000;
/// Start of the kernel heap's virtual region (PML4 slot 384).
pub const HEAP_BASE: u64 = 0xffff_c000_0000_0000;
/// Most the heap may grow to.
pub const HEAP_MAX: u64 = 256 << 30;
/// Start of the kernel-stack region (PML4 slot 416).
pub const KSTACK_BASE: u64 = 0xffff_d000_0000_0000;
/// Number of kernel-stack slots (threads alive at once).
pub const KSTACK_SLOTS: u64 = 65536;
/// First address of the kernel half; user addresses are below
/// [`USER_END`].
pub const USER_END: u64 = 0x0000_8000_0000_0000;

unsafe extern "C" {
    static __kernel_start: u8;
    static __rodata_start: u8;
    static __data_start: u8;
    static __kernel_end: u8;
}

/// Virtual bounds of the kernel image's parts: (start, rodata, data, end).
pub fn kernel_sections() -> (u64, u64, u64, u64) {
    // Taking the address of an extern static is safe; its bytes are never
    // read through these pointers.
    (
        &raw const __kernel_start as u64,
        &raw const __rodata_start as u64,
        &raw const __data_start as u64,
        &raw const __kernel_end as u64,
    )
}

/// Physical load address of the kernel image under PVH, where QEMU loads by
/// the linker script's `AT()` addresses.
pub fn kernel_phys_base_pvh() -> u64 {
    kernel_sections().0 - KERNEL_VMA
}

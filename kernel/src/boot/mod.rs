//! The one boot-information structure both entries (PVH and Limine) fill.
//!
//! Everything is copied out of bootloader memory into fixed-capacity fields
//! before the frame allocator may reuse that memory.
pub mod limine;
pub mod pvh;

use arrayvec::{ArrayString, ArrayVec};

/// Longest kernel command line kept, in bytes: Linux's x86
/// `COMMAND_LINE_SIZE`.
pub const CMDLINE_MAX: usize = 2048;

/// Most memory-map entries kept; firmware maps are far smaller.
pub const MAX_REGIONS: usize = 128;

/// A physical memory range and whether the kernel may allocate from it.
#[derive(Clone, Copy, Debug)]
pub struct MemRegion {
    /// First physical byte.
    pub start: u64,
    /// Length in bytes.
    pub len: u64,
    /// True for RAM free for the kernel's use.
    pub usable: bool,
}

/// What the kernel learns from its boot loader.
#[derive(Debug)]
pub struct BootInfo {
    /// Physical memory map.
    pub memory: ArrayVec<MemRegion, MAX_REGIONS>,
    /// Virtual address at which all of physical memory is (or, once the
    /// kernel's own tables are on, will be) mapped.
    pub hhdm_offset: u64,
    /// Physical address the kernel image's first byte was loaded at.
    pub kernel_phys_base: u64,
    /// Physical range of the initramfs, if one was passed.
    pub initramfs: Option<(u64, u64)>,
    /// The kernel command line (Linux's x86 limit, COMMAND_LINE_SIZE).
    pub cmdline: ArrayString<CMDLINE_MAX>,
    /// Physical address of the ACPI RSDP, if known.
    pub rsdp: Option<u64>,
    /// Which entry booted us, for the log.
    pub loader: &'static str,
}

impl BootInfo {
    /// An empty structure for an entry to fill.
    pub const fn empty(loader: &'static str) -> Self {
        Self {
            memory: ArrayVec::new_const(),
            hhdm_offset: 0,
            kernel_phys_base: 0,
            initramfs: None,
            cmdline: ArrayString::new_const(),
            rsdp: None,
            loader,
        }
    }

    /// Sets the command line from the loader's NUL-terminated bytes,
    /// dropping what does not fit. UTF-8 is kept (an argument for init may
    /// be any text); a byte that is not valid UTF-8 becomes `?`.
    pub fn set_cmdline(&mut self, bytes: &[u8]) {
        self.cmdline.clear();
        let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        for chunk in bytes[..len].utf8_chunks() {
            for c in chunk.valid().chars() {
                if self.cmdline.try_push(c).is_err() {
                    return;
                }
            }
            if !chunk.invalid().is_empty() && self.cmdline.try_push('?').is_err() {
                return;
            }
        }
    }
}

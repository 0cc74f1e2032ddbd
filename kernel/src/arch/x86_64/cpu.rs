//! CPU feature setup: SSE for user programs, NX, write protection,
//! SMEP/SMAP when present, and the SYSCALL MSRs.
use core::arch::x86_64::__cpuid_count;
use x86_64::registers::control::{Cr0, Cr0Flags, Cr4, Cr4Flags};
use x86_64::registers::model_specific::{Efer, EferFlags, LStar, SFMask, Star};
use x86_64::registers::rflags::RFlags;
use x86_64::VirtAddr;

/// Features found at boot.
#[derive(Debug, Clone, Copy)]
pub struct Features {
    /// Supervisor-mode execution prevention.
    pub smep: bool,
    /// Supervisor-mode access prevention.
    pub smap: bool,
    /// CPUID leaf 1 EDX, reported to user programs as AT_HWCAP.
    pub hwcap: u32,
}

/// Reads the CPU features.
pub fn features() -> Features {
    // CPUID is always available on x86_64 (safe since Rust 1.87).
    let l0 = __cpuid_count(0, 0);
    let (max, l1, l7) = (l0.eax, __cpuid_count(1, 0), __cpuid_count(7, 0));
    let ebx7 = if max >= 7 { l7.ebx } else { 0 };
    Features {
        smep: ebx7 & (1 << 7) != 0,
        smap: ebx7 & (1 << 20) != 0,
        hwcap: l1.edx,
    }
}

/// Turns on SSE, NX, WP, SMEP/SMAP (when present) and SYSCALL.
pub fn init(syscall_entry: u64) -> Features {
    let f = features();
    // SAFETY: setting these bits only enables features the CPU reports
    // (SSE is architectural on x86_64; SMEP/SMAP checked via CPUID); the
    // kernel never executes user pages and only touches user memory through
    // the direct map, so SMEP/SMAP cannot trap correct kernel code.
    unsafe {
        Cr0::update(|c| {
            c.remove(Cr0Flags::EMULATE_COPROCESSOR | Cr0Flags::TASK_SWITCHED);
            // AM: user programs that set RFLAGS.AC get alignment checks
            // (SIGBUS), as on Linux.
            c.insert(
                Cr0Flags::MONITOR_COPROCESSOR | Cr0Flags::WRITE_PROTECT | Cr0Flags::ALIGNMENT_MASK,
            );
        });
        Cr4::update(|c| {
            c.insert(Cr4Flags::OSFXSR | Cr4Flags::OSXMMEXCPT_ENABLE);
            if f.smep {
                c.insert(Cr4Flags::SUPERVISOR_MODE_EXECUTION_PROTECTION);
            }
            if f.smap {
                c.insert(Cr4Flags::SUPERVISOR_MODE_ACCESS_PREVENTION);
            }
        });
        Efer::update(|e| {
            e.insert(EferFlags::NO_EXECUTE_ENABLE | EferFlags::SYSTEM_CALL_EXTENSIONS)
        });
    }
    let sel = |s: u16| x86_64::structures::gdt::SegmentSelector(s);
    use super::gdt::{KERNEL_CS, KERNEL_DS, USER_CS, USER_DS};
    Star::write(sel(USER_CS), sel(USER_DS), sel(KERNEL_CS), sel(KERNEL_DS))
        .expect("GDT order fits SYSCALL/SYSRET");
    LStar::write(VirtAddr::new(syscall_entry));
    // Entry runs with interrupts off, direction flag clear, no single-step
    // and AC clear (so SMAP stays in force).
    SFMask::write(
        RFlags::INTERRUPT_FLAG
            | RFlags::DIRECTION_FLAG
            | RFlags::TRAP_FLAG
            | RFlags::ALIGNMENT_CHECK
            | RFlags::NESTED_TASK,
    );
    f
}

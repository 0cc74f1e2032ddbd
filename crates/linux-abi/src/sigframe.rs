//! The x86_64 signal frame: what the kernel pushes on the user stack to run
//! a handler (`struct rt_sigframe`), and what `rt_sigreturn` reads back.
//!
//! From the stack pointer down, Linux's `get_sigframe` skips the 128-byte
//! red zone, places the FPU state (an FXSAVE/XSAVE image, 64-byte aligned),
//! then the frame, 16-byte aligned minus 8 so that the handler starts as if
//! called (`rsp + 8` a multiple of 16). [`SignalFrameLayout::new`] does that
//! arithmetic. The frame begins with the return address (`pretcode`, the
//! libc's `sa_restorer`), then the `ucontext` whose `uc_mcontext` holds the
//! interrupted registers, then the `siginfo`.

use crate::bytes::{abi_struct, AbiBytes};
use crate::signal::{SigInfo, StackT};

abi_struct! {
    /// `struct sigcontext` (64-bit), 256 bytes: the interrupted registers
    /// in the order of glibc's `REG_*` indices (`REG_R8` = 0 ... `REG_CR2` = 22).
    pub struct SigContext (256) {
        pub r8: u64,
        pub r9: u64,
        pub r10: u64,
        pub r11: u64,
        pub r12: u64,
        pub r13: u64,
        pub r14: u64,
        pub r15: u64,
        pub rdi: u64,
        pub rsi: u64,
        pub rbp: u64,
        pub rbx: u64,
        pub rdx: u64,
        pub rax: u64,
        pub rcx: u64,
        pub rsp: u64,
        pub rip: u64,
        pub eflags: u64,
        pub cs: u16,
        pub gs: u16,
        pub fs: u16,
        pub ss: u16,
        pub err: u64,
        pub trapno: u64,
        /// The old blocked mask's first word (kept for compatibility).
        pub oldmask: u64,
        /// Faulting address for a page fault.
        pub cr2: u64,
        /// User address of the saved FPU state, or 0 if none was saved.
        pub fpstate: u64,
        pub reserved1: [u64; 8],
    }
}

abi_struct! {
    /// The kernel's `struct ucontext` on x86_64, 304 bytes (libc's
    /// `ucontext_t` has the same prefix and a larger signal mask).
    pub struct UContext (304) {
        /// `UC_*` flags.
        pub uc_flags: u64,
        pub uc_link: u64,
        pub uc_stack: StackT,
        pub uc_mcontext: SigContext,
        /// The mask to restore on `rt_sigreturn`.
        pub uc_sigmask: u64,
    }
}

abi_struct! {
    /// `struct rt_sigframe`, 440 bytes; the FPU state lives above it.
    pub struct RtSigframe (440) {
        /// Where the handler returns: the `sa_restorer` trampoline that
        /// calls `rt_sigreturn`.
        pub pretcode: u64,
        pub uc: UContext,
        pub info: SigInfo,
    }
}

/// `uc_flags`: the FPU state is an XSAVE image (else FXSAVE).
pub const UC_FP_XSTATE: u64 = 0x1;
/// `uc_flags`: `ss` in the sigcontext is valid.
pub const UC_SIGCONTEXT_SS: u64 = 0x2;
/// `uc_flags`: restore `ss` exactly on `rt_sigreturn`.
pub const UC_STRICT_RESTORE_SS: u64 = 0x4;

/// Size of an FXSAVE image (legacy FPU + SSE state).
pub const FXSAVE_SIZE: u64 = 512;
/// Bytes below the stack pointer a leaf function may use (System V ABI).
pub const RED_ZONE: u64 = 128;

/// Where a signal frame goes for a handler whose stack pointer starts at
/// `sp`: the FPU state address and the frame address (the handler's new
/// `rsp`). The constructors return `None` if the stack would wrap below
/// address 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignalFrameLayout {
    pub fpstate: u64,
    pub frame: u64,
}

impl SignalFrameLayout {
    /// Linux's `get_sigframe` for a 64-bit task on its current stack: `sp`
    /// is the interrupted stack pointer, whose red zone is skipped;
    /// `fp_size` the size of the FPU image to save (0 for none).
    pub fn new(sp: u64, fp_size: u64) -> Option<Self> {
        Self::below(sp.checked_sub(RED_ZONE)?, fp_size)
    }

    /// The same on an alternate signal stack (`SA_ONSTACK`): Linux starts
    /// at the top of that stack (`ss_sp + ss_size`) with no red zone.
    pub fn on_alternate_stack(top: u64, fp_size: u64) -> Option<Self> {
        Self::below(top, fp_size)
    }

    fn below(sp: u64, fp_size: u64) -> Option<Self> {
        let fpstate = sp.checked_sub(fp_size)? & !63;
        let frame = (fpstate.checked_sub(RtSigframe::SIZE as u64)? & !15).checked_sub(8)?;
        Some(SignalFrameLayout { fpstate, frame })
    }
}

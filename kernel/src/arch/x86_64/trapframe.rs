//! The register frame every trap, interrupt and system call pushes on the
//! kernel stack. The layout is shared with the assembly in `stubs.rs`.

/// Saved user or kernel registers, lowest address first.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
#[allow(missing_docs)]
pub struct TrapFrame {
    pub r15: u64,
    pub r14: u64,
    pub r13: u64,
    pub r12: u64,
    pub r11: u64,
    pub r10: u64,
    pub r9: u64,
    pub r8: u64,
    pub rbp: u64,
    pub rdi: u64,
    pub rsi: u64,
    pub rdx: u64,
    pub rcx: u64,
    pub rbx: u64,
    pub rax: u64,
    /// Interrupt vector, or [`SYSCALL_VECTOR`] for a system call.
    pub vector: u64,
    pub error_code: u64,
    pub rip: u64,
    pub cs: u64,
    pub rflags: u64,
    pub rsp: u64,
    pub ss: u64,
}

/// Marks a frame pushed by the SYSCALL entry.
pub const SYSCALL_VECTOR: u64 = 0x100;

impl TrapFrame {
    /// Whether the trap came from user mode.
    pub fn from_user(&self) -> bool {
        self.cs & 3 == 3
    }

    /// A frame that enters user mode at `rip` with stack `rsp`.
    pub fn new_user(rip: u64, rsp: u64) -> Self {
        TrapFrame {
            rip,
            rsp,
            cs: u64::from(super::gdt::USER_CS),
            ss: u64::from(super::gdt::USER_DS),
            rflags: 0x202,
            ..Default::default()
        }
    }
}

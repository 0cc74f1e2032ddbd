//! The SYSCALL entry. One CPU: the user stack pointer is parked in a static
//! and the kernel stack of the running thread comes from another (updated
//! at every context switch together with TSS.RSP0). The entry builds the
//! same [`TrapFrame`](super::trapframe::TrapFrame) an interrupt would.
//!
//! The return takes SYSRET when the frame still says what SYSCALL left
//! (RCX = RIP, R11 = RFLAGS, RIP canonical: SYSRET with a non-canonical RCX
//! faults in ring 0 on Intel CPUs), and `trap_return`'s IRETQ otherwise
//! (a frame the kernel rewrote, e.g. by exec or signal delivery).
use core::arch::naked_asm;
use core::sync::atomic::{AtomicU64, Ordering};

static USER_RSP: AtomicU64 = AtomicU64::new(0);
static KERNEL_RSP: AtomicU64 = AtomicU64::new(0);

/// Sets the kernel stack top for system calls and interrupts from user mode.
pub fn set_kernel_stack(top: u64) {
    KERNEL_RSP.store(top, Ordering::Relaxed);
    super::gdt::set_kernel_stack(top);
}

/// The LSTAR target.
#[unsafe(naked)]
pub extern "C" fn syscall_entry() {
    naked_asm!(
        "mov [rip + {user_rsp}], rsp",
        "mov rsp, [rip + {kernel_rsp}]",
        "push {user_ds}",
        "push qword ptr [rip + {user_rsp}]",
        "push r11",
        "push {user_cs}",
        "push rcx",
        "push 0",
        "push {vector}",
        "push rax", "push rbx", "push rcx", "push rdx", "push rsi", "push rdi", "push rbp",
        "push r8", "push r9", "push r10", "push r11", "push r12", "push r13", "push r14",
        "push r15",
        "mov rdi, rsp",
        "call {dispatch}",
        // Fast path checks on the frame (offsets in 8-byte words: rcx 12,
        // r11 4, rip 17, rflags 19, user rsp 20).
        "mov rcx, [rsp + 17 * 8]",
        "cmp rcx, [rsp + 12 * 8]",
        "jne {ret}",
        "mov r11, [rsp + 19 * 8]",
        "cmp r11, [rsp + 4 * 8]",
        "jne {ret}",
        "mov rax, rcx",
        "shr rax, 47",
        "jnz {ret}",
        "pop r15", "pop r14", "pop r13", "pop r12", "pop r11", "pop r10", "pop r9", "pop r8",
        "pop rbp", "pop rdi", "pop rsi", "pop rdx", "pop rcx", "pop rbx", "pop rax",
        // Interrupts stay off until SYSRET loads RFLAGS, so nothing runs on
        // the user stack in ring 0 (NMIs have their own IST stack).
        "mov rsp, [rsp + 5 * 8]",
        "sysretq",
        user_rsp = sym USER_RSP,
        kernel_rsp = sym KERNEL_RSP,
        user_ds = const super::gdt::USER_DS,
        user_cs = const super::gdt::USER_CS,
        vector = const super::trapframe::SYSCALL_VECTOR,
        dispatch = sym crate::syscall::syscall_dispatch,
        ret = sym super::stubs::trap_return,
    )
}

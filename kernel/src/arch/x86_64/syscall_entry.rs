//! The SYSCALL entry. One CPU: the user stack pointer is parked in a static
//! and the kernel stack of the running thread comes from another (updated
//! at every context switch together with TSS.RSP0). The entry builds the
//! same [`TrapFrame`](super::trapframe::TrapFrame) an interrupt would, so
//! every return to user mode goes through `trap_return`.
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
        "jmp {ret}",
        user_rsp = sym USER_RSP,
        kernel_rsp = sym KERNEL_RSP,
        user_ds = const super::gdt::USER_DS,
        user_cs = const super::gdt::USER_CS,
        vector = const super::trapframe::SYSCALL_VECTOR,
        dispatch = sym crate::syscall::syscall_dispatch,
        ret = sym super::stubs::trap_return,
    )
}

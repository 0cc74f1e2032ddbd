//! Interrupt and exception entry stubs (stable naked functions) and the
//! common save/restore path. Each stub pushes an error code (a zero when
//! the CPU pushes none) and its vector, then jumps to `trap_common`, which
//! saves the general registers as a [`TrapFrame`](super::trapframe::TrapFrame)
//! and calls `trap_dispatch`.
use core::arch::naked_asm;

macro_rules! stub {
    ($name:ident, $vec:literal, noerr) => {
        #[unsafe(naked)]
        extern "C" fn $name() {
            naked_asm!("push 0", concat!("push ", $vec), "jmp {c}", c = sym trap_common)
        }
    };
    ($name:ident, $vec:literal, err) => {
        #[unsafe(naked)]
        extern "C" fn $name() {
            naked_asm!(concat!("push ", $vec), "jmp {c}", c = sym trap_common)
        }
    };
}

stub!(v0, 0, noerr);
stub!(v1, 1, noerr);
stub!(v2, 2, noerr);
stub!(v3, 3, noerr);
stub!(v4, 4, noerr);
stub!(v5, 5, noerr);
stub!(v6, 6, noerr);
stub!(v7, 7, noerr);
stub!(v8, 8, err);
stub!(v9, 9, noerr);
stub!(v10, 10, err);
stub!(v11, 11, err);
stub!(v12, 12, err);
stub!(v13, 13, err);
stub!(v14, 14, err);
stub!(v15, 15, noerr);
stub!(v16, 16, noerr);
stub!(v17, 17, err);
stub!(v18, 18, noerr);
stub!(v19, 19, noerr);
stub!(v20, 20, noerr);
stub!(v21, 21, err);
stub!(v22, 22, noerr);
stub!(v23, 23, noerr);
stub!(v24, 24, noerr);
stub!(v25, 25, noerr);
stub!(v26, 26, noerr);
stub!(v27, 27, noerr);
stub!(v28, 28, noerr);
stub!(v29, 29, err);
stub!(v30, 30, err);
stub!(v31, 31, noerr);
stub!(v32, 32, noerr);
stub!(v33, 33, noerr);
stub!(v34, 34, noerr);
stub!(v35, 35, noerr);
stub!(v36, 36, noerr);
stub!(v37, 37, noerr);
stub!(v38, 38, noerr);
stub!(v39, 39, noerr);
stub!(v40, 40, noerr);
stub!(v41, 41, noerr);
stub!(v42, 42, noerr);
stub!(v43, 43, noerr);
stub!(v44, 44, noerr);
stub!(v45, 45, noerr);
stub!(v46, 46, noerr);
stub!(v47, 47, noerr);

/// Entry addresses for vectors 0..48, in order.
pub static STUBS: [extern "C" fn(); 48] = [
    v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16, v17, v18, v19, v20,
    v21, v22, v23, v24, v25, v26, v27, v28, v29, v30, v31, v32, v33, v34, v35, v36, v37, v38, v39,
    v40, v41, v42, v43, v44, v45, v46, v47,
];

/// Saves the registers, calls `trap_dispatch(&mut TrapFrame)`, restores
/// them and returns from the interrupt. The stack is 16-byte aligned at the
/// call: the CPU aligns it, then pushes 5 words, the stub 2 and this 15.
#[unsafe(naked)]
extern "C" fn trap_common() {
    naked_asm!(
        "push rax", "push rbx", "push rcx", "push rdx", "push rsi", "push rdi", "push rbp",
        "push r8", "push r9", "push r10", "push r11", "push r12", "push r13", "push r14",
        "push r15",
        "cld",
        // Clear RFLAGS.AC: a user program may have set it, and with AC set
        // SMAP does not stop supervisor accesses to user pages. (`clac`
        // would #UD on CPUs without SMAP.)
        "pushfq",
        "and qword ptr [rsp], {not_ac}",
        "popfq",
        "mov rdi, rsp",
        "call {dispatch}",
        "jmp {ret}",
        dispatch = sym super::traps::trap_dispatch,
        ret = sym trap_return,
        not_ac = const !(1u64 << 18) as i32,
    )
}

/// Restores a [`TrapFrame`](super::trapframe::TrapFrame) at `rsp` and
/// returns through `iretq`. New threads start here too.
#[unsafe(naked)]
pub extern "C" fn trap_return() {
    naked_asm!(
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop r11",
        "pop r10",
        "pop r9",
        "pop r8",
        "pop rbp",
        "pop rdi",
        "pop rsi",
        "pop rdx",
        "pop rcx",
        "pop rbx",
        "pop rax",
        "add rsp, 16",
        "iretq",
    )
}

//! Kernel-stack context switching and per-thread FPU/SSE state.
use core::arch::{asm, naked_asm};

/// Switches stacks: saves the callee-saved registers on the current stack,
/// stores its pointer to `*save_rsp`, loads `new_rsp` and pops the
/// registers saved there.
///
/// # Safety
/// `save_rsp` must be writable; `new_rsp` must be a stack prepared by a
/// previous `switch_context` or by [`init_stack`], whose memory stays
/// valid while that thread runs.
#[unsafe(naked)]
pub unsafe extern "C" fn switch_context(save_rsp: *mut u64, new_rsp: u64) {
    naked_asm!(
        "push rbp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "mov [rdi], rsp",
        "mov rsp, rsi",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
    )
}

/// First code of a new kernel thread: calls `rbx(r12)`.
#[unsafe(naked)]
extern "C" fn kthread_start() {
    naked_asm!("mov rdi, r12", "xor ebp, ebp", "call rbx", "ud2")
}

/// Lays out a fresh kernel stack ending at `top` so that the first switch
/// to it returns into `trap_return` with a [`TrapFrame`] copied at the top
/// (user threads), or into `entry(arg)` (kernel threads). Returns the
/// saved stack pointer to switch to.
///
/// # Safety
/// `top` must be the 16-aligned end of a writable stack of at least 1 KiB
/// plus the frame, owned by the new thread.
///
/// [`TrapFrame`]: super::trapframe::TrapFrame
pub unsafe fn init_stack(top: u64, start: StackStart) -> u64 {
    let mut sp = top;
    let mut push = |v: u64| {
        sp -= 8;
        // SAFETY: the caller guarantees the stack below `top` is ours.
        unsafe { *(sp as *mut u64) = v };
    };
    let (ret, rbx, r12) = match start {
        StackStart::User(frame) => {
            let words = core::mem::size_of::<super::trapframe::TrapFrame>() / 8;
            let src = &frame as *const _ as *const u64;
            for i in (0..words).rev() {
                // SAFETY: reading word `i` of a local TrapFrame.
                push(unsafe { *src.add(i) });
            }
            (super::stubs::trap_return as *const () as usize as u64, 0, 0)
        }
        StackStart::Kernel(entry, arg) => {
            push(0); // alignment: `call rbx` then sees a 16-aligned stack
            (
                kthread_start as *const () as usize as u64,
                entry as *const () as usize as u64,
                arg,
            )
        }
    };
    push(ret);
    // Same order as switch_context's pushes: rbp, rbx, r12, r13, r14, r15.
    for v in [0, rbx, r12, 0, 0, 0] {
        push(v);
    }
    sp
}

/// How a new thread starts.
#[derive(Debug)]
pub enum StackStart {
    /// Return to user mode with this frame.
    User(super::trapframe::TrapFrame),
    /// Run `entry(arg)` in kernel mode.
    Kernel(extern "C" fn(u64) -> !, u64),
}

/// The 512-byte FXSAVE area.
#[repr(C, align(16))]
#[derive(Clone)]
pub struct FpuState([u8; 512]);

impl core::fmt::Debug for FpuState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FpuState")
    }
}

impl Default for FpuState {
    /// The state after `fninit` with the default MXCSR.
    fn default() -> Self {
        let mut s = FpuState([0; 512]);
        s.0[0..2].copy_from_slice(&0x037fu16.to_le_bytes()); // FCW
        s.0[24..28].copy_from_slice(&0x1f80u32.to_le_bytes()); // MXCSR
        s.0[28..32].copy_from_slice(&0xffffu32.to_le_bytes()); // MXCSR_MASK
        s
    }
}

impl FpuState {
    /// Saves the CPU's x87/SSE state here.
    pub fn save(&mut self) {
        // SAFETY: the area is 512 bytes, 16-aligned and exclusively ours;
        // CR4.OSFXSR is set at boot.
        unsafe { asm!("fxsave64 [{}]", in(reg) self.0.as_mut_ptr(), options(nostack)) };
    }

    /// The FXSAVE image, as a signal frame stores it.
    pub fn as_bytes(&self) -> &[u8; 512] {
        &self.0
    }

    /// A state from an FXSAVE image a user program may have edited: the
    /// reserved MXCSR bits are cleared so that `restore` cannot fault.
    pub fn from_user_bytes(bytes: &[u8; 512]) -> Self {
        let mut s = FpuState(*bytes);
        let mxcsr = u32::from_le_bytes([s.0[24], s.0[25], s.0[26], s.0[27]]) & 0xffff;
        s.0[24..28].copy_from_slice(&mxcsr.to_le_bytes());
        s.0[28..32].copy_from_slice(&0xffffu32.to_le_bytes());
        s
    }

    /// Loads the CPU's x87/SSE state from here.
    pub fn restore(&self) {
        // SAFETY: as in `save`; the area holds a state written by `save` or
        // `default` (reserved MXCSR bits clear, so fxrstor cannot #GP).
        unsafe { asm!("fxrstor64 [{}]", in(reg) self.0.as_ptr(), options(nostack)) };
    }
}

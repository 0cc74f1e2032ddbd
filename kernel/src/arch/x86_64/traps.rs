//! Trap dispatch: exceptions, IRQs. A user-mode exception becomes a signal
//! for the faulting process; a kernel-mode one is a kernel bug and stops
//! the machine with a register dump and a backtrace.
use super::pic;
use super::trapframe::TrapFrame;
use linux_abi::signal::{SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP};

const PAGE_FAULT: u64 = 14;

/// Called by `trap_common` with the saved frame.
pub extern "C" fn trap_dispatch(frame: &mut TrapFrame) {
    let v = frame.vector;
    if v >= u64::from(pic::IRQ_BASE) && v < u64::from(pic::IRQ_BASE) + 16 {
        let irq = (v - u64::from(pic::IRQ_BASE)) as u8;
        handle_irq(irq, frame);
        return;
    }
    if frame.from_user() {
        user_exception(frame);
        crate::proc::sched::return_to_user_checks(frame);
        return;
    }
    kernel_fault(frame, "unhandled exception in kernel mode");
}

fn handle_irq(irq: u8, frame: &mut TrapFrame) {
    match irq {
        pic::IRQ_TIMER => {
            pic::eoi(irq);
            crate::time::tick();
            crate::proc::sched::timer_tick(frame.from_user());
        }
        pic::IRQ_COM1 => {
            while let Some(b) = super::serial::read_byte() {
                crate::fs::console::input_byte(b);
            }
            pic::eoi(irq);
        }
        7 | 15 => {} // spurious: no EOI for the spurious IRQ itself
        _ => pic::eoi(irq),
    }
    if frame.from_user() {
        crate::proc::sched::return_to_user_checks(frame);
    }
}

fn user_exception(frame: &mut TrapFrame) {
    let signal = match frame.vector {
        PAGE_FAULT => {
            let addr = x86_64::registers::control::Cr2::read_raw();
            if crate::proc::handle_user_page_fault(addr, frame.error_code) {
                return;
            }
            SIGSEGV
        }
        0 | 16 | 19 => SIGFPE,
        6 => SIGILL,
        1 | 3 => SIGTRAP,
        12 | 17 => SIGBUS, // #SS, #AC, as Linux reports them
        _ => SIGSEGV,      // #GP (privileged instruction, bad segment), ...
    };
    crate::proc::user_fault(frame, signal);
}

/// Prints the frame, CR2 and a frame-pointer backtrace, then exits QEMU
/// with the failure code.
pub fn kernel_fault(frame: &TrapFrame, why: &str) -> ! {
    let cr2 = x86_64::registers::control::Cr2::read_raw();
    crate::kprintln!(
        "\nKERNEL FAULT: {why}: vector {} error {:#x} at rip {:#x}",
        frame.vector,
        frame.error_code,
        frame.rip
    );
    crate::kprintln!("  cr2 (faulting address) {cr2:#018x}");
    if crate::mm::kstack::is_guard(cr2) || crate::mm::kstack::is_guard(frame.rsp) {
        crate::kprintln!("  (a kernel stack overflow: the address is in a stack guard area)");
    }
    let f = frame;
    crate::kprintln!(
        "  rax {:#018x} rbx {:#018x} rcx {:#018x} rdx {:#018x}",
        f.rax,
        f.rbx,
        f.rcx,
        f.rdx
    );
    crate::kprintln!(
        "  rsi {:#018x} rdi {:#018x} rbp {:#018x} rsp {:#018x}",
        f.rsi,
        f.rdi,
        f.rbp,
        f.rsp
    );
    crate::kprintln!(
        "  r8  {:#018x} r9  {:#018x} r10 {:#018x} r11 {:#018x}",
        f.r8,
        f.r9,
        f.r10,
        f.r11
    );
    crate::kprintln!(
        "  r12 {:#018x} r13 {:#018x} r14 {:#018x} r15 {:#018x}",
        f.r12,
        f.r13,
        f.r14,
        f.r15
    );
    crate::kprintln!("  cs {:#x} ss {:#x} rflags {:#x}", f.cs, f.ss, f.rflags);
    super::backtrace::print(frame.rip, frame.rbp);
    super::qemu::exit(super::qemu::EXIT_FAILURE)
}

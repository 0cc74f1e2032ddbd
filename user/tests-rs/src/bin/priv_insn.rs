//! Executes `hlt`, a privileged instruction, in user mode. The CPU raises a
//! general-protection fault and Linux (and our kernel) must kill the
//! process with SIGSEGV: the expected outcome is `signal=SIGSEGV`. Reaching
//! the end is a failure.

fn main() {
    println!("priv_insn: executing hlt in user mode; expecting SIGSEGV");
    // SAFETY: `hlt` touches no memory; in ring 3 it faults before doing
    // anything, which is the point of this test.
    unsafe { std::arch::asm!("hlt", options(nomem, nostack)) };
    println!("priv_insn: FAIL: hlt returned");
    std::process::exit(1);
}

//! Reads kernel memory (0xffffffff80000000, where our kernel and Linux's
//! are linked). The page is supervisor-only, so the read must fault and
//! the process die by SIGSEGV: expected outcome `signal=SIGSEGV`.

const KERNEL_ADDR: usize = 0xffff_ffff_8000_0000;

fn main() {
    println!("kernel_touch: reading {KERNEL_ADDR:#x}; expecting SIGSEGV");
    // SAFETY: not safe at all by design: the address is kernel memory and
    // the read must fault. A volatile read keeps the compiler from
    // removing or reordering it.
    let value = unsafe { std::ptr::read_volatile(KERNEL_ADDR as *const u8) };
    println!("kernel_touch: FAIL: read {value:#x} from kernel memory");
    std::process::exit(1);
}

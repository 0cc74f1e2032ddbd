//! Everything x86_64-specific: boot trampoline, descriptor tables, traps,
//! system-call entry, timer, serial port.
pub mod backtrace;
pub mod context;
pub mod cpu;
pub mod gdt;
pub mod idt;
pub mod paging;
pub mod pic;
pub mod port;
pub mod pvh_entry;
pub mod qemu;
pub mod rtc;
pub mod serial;
pub mod stubs;
pub mod syscall_entry;
pub mod trapframe;
pub mod traps;

/// First thing each boot entry calls: the serial console, so anything
/// after it can print.
pub fn early_init() {
    serial::init();
}

/// Descriptor tables, CPU features and SYSCALL; returns the features.
pub fn init() -> cpu::Features {
    gdt::init();
    idt::init();
    cpu::init(syscall_entry::syscall_entry as *const () as usize as u64)
}

/// Starts the periodic timer and enables interrupt sources (interrupts
/// themselves stay off in kernel mode; see `proc::sched`).
pub fn start_timer(hz: u32) {
    pic::init(hz);
}

/// Sets the FS base (user TLS pointer).
pub fn set_fs_base(v: u64) {
    x86_64::registers::model_specific::FsBase::write(x86_64::VirtAddr::new_truncate(v));
}

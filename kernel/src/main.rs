#![doc = include_str!("../README.md")]
#![no_std]
#![no_main]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

#[path = "arch/x86_64/mod.rs"]
pub mod arch;
pub mod boot;
pub mod cmdline;
pub mod fs;
pub mod log;
pub mod log_buffer;
pub mod mm;
pub mod proc;
pub mod random;
pub mod runner;
pub mod shell;
pub mod syscall;
pub mod time;

use boot::BootInfo;
use spin::Once;

static FEATURES: Once<arch::cpu::Features> = Once::new();
static CMDLINE: Once<cmdline::Cmdline> = Once::new();

/// CPU features found at boot.
pub fn cpu_features() -> arch::cpu::Features {
    *FEATURES.get().expect("arch::init ran")
}

/// The parsed kernel command line.
pub fn cmdline() -> &'static cmdline::Cmdline {
    CMDLINE.get().expect("command line parsed")
}

/// Common kernel entry once a boot entry has filled [`BootInfo`].
pub fn kernel_main(info: BootInfo) -> ! {
    FEATURES.call_once(arch::init);
    time::init();
    let (ks, _, _, ke) = mm::layout::kernel_sections();
    let kphys = (info.kernel_phys_base, info.kernel_phys_base + (ke - ks));
    // The direct map must also cover the kernel image and the initramfs,
    // which a loader may place above the last usable region.
    let ram_top = info
        .memory
        .iter()
        .filter(|r| r.usable)
        .map(|r| r.start + r.len)
        .chain(info.initramfs.map(|(s, l)| s + l))
        .chain([kphys.1])
        .max()
        .unwrap_or(0);
    mm::frame::init(&info, kphys);
    arch::paging::init(info.hhdm_offset, ram_top, info.kernel_phys_base);
    mm::heap::init();
    mm::user::init(ram_top, arch::paging::kernel_root());

    let cmd = CMDLINE.call_once(|| cmdline::Cmdline::parse(&info.cmdline));
    if let Some(l) = cmd.loglevel {
        log::set_level(l);
    }
    if cmd.probe {
        kprintln!("KERNEL-PROBE-OK");
        arch::qemu::exit(arch::qemu::EXIT_SUCCESS);
    }
    let f = cpu_features();
    info!("booted via {}; command line: {}", info.loader, info.cmdline);
    info!(
        "memory: {} MiB free, heap {} KiB; SMEP {} SMAP {}",
        (mm::frame::free_count() * 4096) >> 20,
        mm::heap::stats().1 >> 10,
        f.smep,
        f.smap
    );
    if let Some(fork) = &cmd.fork {
        info!("fork strategy requested: {fork} (used from issue 4 on)");
    }

    let initramfs = info.initramfs.map(|(phys, len)| {
        let ptr = arch::paging::phys_to_virt(phys);
        // SAFETY: the loader placed the initramfs at [phys, phys+len),
        // which the frame allocator reserved and the direct map covers;
        // nothing writes it.
        unsafe { core::slice::from_raw_parts(ptr, len as usize) }
    });
    if initramfs.is_none() {
        warn!("no initramfs");
    }
    fs::init(initramfs);

    if cmd.faulttest {
        fault_test_outer();
    }
    proc::sched::init();
    arch::start_timer(time::HZ as u32);
    time::calibrate_tsc();

    if cmd.stacktest {
        let t = proc::thread::Thread::kernel(1, stack_test, 0).expect("a kernel stack");
        proc::sched::enqueue(t);
        proc::sched::block();
    }
    if let Some(manifest) = &cmd.runtests {
        runner::run_manifest(manifest);
    }
    if let Some(init) = &cmd.init {
        let code = runner::run_init(init, &cmd.init_args);
        arch::qemu::exit(code);
    }
    shell::run()
}

/// Two frames deep, so the backtrace of the deliberate fault has callers.
#[inline(never)]
fn fault_test_outer() {
    fault_test_inner(0xffff_ffff_f000_0000);
    kprintln!("faulttest: the access did not fault");
}

#[inline(never)]
fn fault_test_inner(addr: u64) {
    let p = core::hint::black_box(addr) as *const u64;
    // SAFETY: deliberately unsound for `faulttest` only: `addr` is in the
    // unmapped top of the kernel half, so the read raises a page fault whose
    // handler reports it and exits QEMU; the read never completes.
    let v = unsafe { p.read_volatile() };
    core::hint::black_box(v);
}

/// Recurses on a guarded kernel stack until it runs into the guard page.
#[allow(unconditional_recursion)] // the point: it ends in the guard page
extern "C" fn stack_test(depth: u64) -> ! {
    let mut frame = [0u8; 512];
    frame[0] = depth as u8;
    core::hint::black_box(&mut frame);
    stack_test(depth + 1)
}

/// Stops the kernel before the full panic machinery is up.
pub fn kpanic_early(msg: &str) -> ! {
    kprintln!("kernel panic (early): {msg}");
    arch::qemu::exit(arch::qemu::EXIT_FAILURE)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    x86_64::instructions::interrupts::disable();
    kprintln!("\nKERNEL PANIC: {info}");
    let rbp: u64;
    // SAFETY: reads the frame pointer register; no memory is touched.
    unsafe { core::arch::asm!("mov {}, rbp", out(reg) rbp, options(nomem, nostack)) };
    arch::backtrace::print(0, rbp);
    arch::qemu::exit(arch::qemu::EXIT_FAILURE)
}

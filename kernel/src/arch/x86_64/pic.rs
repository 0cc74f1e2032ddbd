//! The legacy 8259 PIC pair, remapped to vectors 32..48, and the PIT
//! (channel 0) as the periodic timer on IRQ 0.
use super::port::{inb, outb};

/// Vector of IRQ 0.
pub const IRQ_BASE: u8 = 32;
/// IRQ line of the timer.
pub const IRQ_TIMER: u8 = 0;
/// IRQ line of COM1.
pub const IRQ_COM1: u8 = 4;

const PIT_HZ: u32 = 1_193_182;

/// Remaps the PICs, unmasks the timer and COM1, and starts the PIT at `hz`.
pub fn init(hz: u32) {
    let (m1, m2) = (inb(0x21), inb(0xa1));
    let _ = (m1, m2);
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, IRQ_BASE);
    outb(0xa1, IRQ_BASE + 8);
    outb(0x21, 4);
    outb(0xa1, 2);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    // Unmask IRQ0 (timer), IRQ2 (cascade) and IRQ4 (COM1).
    outb(0x21, !((1 << IRQ_TIMER) | (1 << 2) | (1 << IRQ_COM1)));
    outb(0xa1, 0xff);

    let divisor = PIT_HZ / hz;
    outb(0x43, 0x36); // channel 0, lobyte/hibyte, mode 3
    outb(0x40, (divisor & 0xff) as u8);
    outb(0x40, (divisor >> 8) as u8);
}

/// Busy-waits `ms` milliseconds (at most 50) on PIT channel 2, the way
/// Linux calibrates the TSC: one-shot mode, gate on through port 0x61,
/// poll OUT2. Needs no interrupts, so missed or bunched timer ticks (a busy
/// host under TCG) cannot skew it. Returns TSC cycles elapsed.
pub fn tsc_cycles_over_ms(ms: u32) -> u64 {
    let count = PIT_HZ * ms.min(50) / 1000;
    // Gate on, speaker off.
    outb(0x61, (inb(0x61) & !0x02) | 0x01);
    outb(0x43, 0xb0); // channel 2, lobyte/hibyte, mode 0
    outb(0x42, (count & 0xff) as u8);
    outb(0x42, (count >> 8) as u8);
    // SAFETY: RDTSC has no side effects.
    let start = unsafe { core::arch::x86_64::_rdtsc() };
    let mut spins = 0u64;
    while inb(0x61) & 0x20 == 0 && spins < 100_000_000 {
        spins += 1;
        core::hint::spin_loop();
    }
    // SAFETY: as above.
    let end = unsafe { core::arch::x86_64::_rdtsc() };
    outb(0x61, inb(0x61) & !0x01);
    end - start
}

/// Acknowledges IRQ `irq`.
pub fn eoi(irq: u8) {
    if irq >= 8 {
        outb(0xa0, 0x20);
    }
    outb(0x20, 0x20);
}

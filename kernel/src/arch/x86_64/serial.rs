//! The 16550 UART on COM1: polled output, interrupt-driven input.
use super::port::{inb, outb};

const COM1: u16 = 0x3f8;

/// Programs COM1 for 115200 8N1 with the FIFO on and the receive interrupt
/// enabled (delivered as IRQ 4).
pub fn init() {
    outb(COM1 + 1, 0x00); // no interrupts while programming
    outb(COM1 + 3, 0x80); // DLAB on
    outb(COM1, 0x01); // divisor 1 = 115200 baud
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); // 8N1, DLAB off
    outb(COM1 + 2, 0xc7); // FIFO on, cleared, 14-byte threshold
    outb(COM1 + 4, 0x0b); // DTR, RTS, OUT2 (routes the IRQ line)
    outb(COM1 + 1, 0x01); // receive-data interrupt
}

/// Sends one byte, waiting for the transmit holding register to empty.
pub fn write_byte(b: u8) {
    while inb(COM1 + 5) & 0x20 == 0 {
        core::hint::spin_loop();
    }
    outb(COM1, b);
}

/// Sends bytes, turning `\n` into `\r\n` as a terminal expects.
pub fn write_bytes(bytes: &[u8]) {
    for &b in bytes {
        if b == b'\n' {
            write_byte(b'\r');
        }
        write_byte(b);
    }
}

/// Returns a received byte if one is waiting.
pub fn read_byte() -> Option<u8> {
    if inb(COM1 + 5) & 1 != 0 {
        Some(inb(COM1))
    } else {
        None
    }
}

//! Port I/O helpers for the few legacy devices the kernel drives.
use x86_64::instructions::port::Port;

/// Writes one byte to an I/O port.
///
/// Only the kernel's own drivers call this, with ports of devices they own
/// (COM1, the PIC, the PIT, QEMU's isa-debug-exit).
pub fn outb(port: u16, value: u8) {
    let mut p = Port::<u8>::new(port);
    // SAFETY: port I/O has no memory-safety effect; the callers name ports of
    // legacy devices this kernel alone drives.
    unsafe { p.write(value) }
}

/// Reads one byte from an I/O port (see [`outb`]).
pub fn inb(port: u16) -> u8 {
    let mut p = Port::<u8>::new(port);
    // SAFETY: as in `outb`, reading a device port touches no memory.
    unsafe { p.read() }
}

/// Writes a 32-bit value to an I/O port (see [`outb`]).
pub fn outl(port: u16, value: u32) {
    let mut p = Port::<u32>::new(port);
    // SAFETY: as in `outb`.
    unsafe { p.write(value) }
}

//! Reads the CMOS real-time clock once at boot for CLOCK_REALTIME.
use super::port::{inb, outb};

fn cmos(reg: u8) -> u8 {
    outb(0x70, reg);
    inb(0x71)
}

/// Seconds since the Unix epoch according to the RTC (UTC assumed).
pub fn read_unix_time() -> u64 {
    while cmos(0x0a) & 0x80 != 0 {
        core::hint::spin_loop();
    }
    let bcd = cmos(0x0b) & 0x04 == 0;
    let conv = |v: u8| {
        if bcd {
            u64::from((v & 0x0f) + (v >> 4) * 10)
        } else {
            u64::from(v)
        }
    };
    let (s, m, h) = (conv(cmos(0)), conv(cmos(2)), conv(cmos(4) & 0x7f));
    let (d, mo, y) = (conv(cmos(7)), conv(cmos(8)), conv(cmos(9)) + 2000);
    days_from_civil(y, mo, d) * 86400 + h * 3600 + m * 60 + s
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

//! Kernel time: a monotonic clock driven by the timer tick, and a wall
//! clock read from the RTC at boot.
use core::sync::atomic::{AtomicU64, Ordering};

static TICKS: AtomicU64 = AtomicU64::new(0);
static BOOT_UNIX: AtomicU64 = AtomicU64::new(0);

/// Timer interrupts per second.
pub const HZ: u64 = 1000;

/// Reads the wall clock at boot.
pub fn init() {
    BOOT_UNIX.store(crate::arch::rtc::read_unix_time(), Ordering::Relaxed);
}

/// Called from the timer interrupt.
pub fn tick() {
    TICKS.fetch_add(1, Ordering::Relaxed);
}

/// Ticks since boot.
pub fn ticks() -> u64 {
    TICKS.load(Ordering::Relaxed)
}

/// Nanoseconds since the timer started.
pub fn uptime_ns() -> u64 {
    ticks() * (1_000_000_000 / HZ)
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    BOOT_UNIX.load(Ordering::Relaxed) * 1_000_000_000 + uptime_ns()
}

/// Seconds since the Unix epoch.
pub fn realtime_secs() -> u64 {
    realtime_ns() / 1_000_000_000
}

/// Ticks needed to cover `ns` nanoseconds, rounded up.
pub fn ns_to_ticks(ns: u64) -> u64 {
    ns.div_ceil(1_000_000_000 / HZ)
}

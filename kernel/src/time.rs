//! Kernel time. The clocks come from the TSC, calibrated against PIT
//! channel 2 at boot, for nanosecond resolution (benchmarks time single
//! forks); without a usable TSC they fall back to the tick count. The timer
//! tick (1 kHz) drives preemption and checks sleep deadlines, which are in
//! clock nanoseconds, so a sleep never ends early by the clock a program
//! reads. The wall clock starts from the RTC read at boot.
use core::sync::atomic::{AtomicU64, Ordering};

static TICKS: AtomicU64 = AtomicU64::new(0);
static BOOT_UNIX: AtomicU64 = AtomicU64::new(0);
/// TSC value at tick 0 of the calibration window, and TSC cycles per
/// millisecond (0 = not calibrated: use ticks).
static TSC_BASE: AtomicU64 = AtomicU64::new(0);
static TSC_BASE_NS: AtomicU64 = AtomicU64::new(0);
static TSC_PER_MS: AtomicU64 = AtomicU64::new(0);

/// Timer interrupts per second.
pub const HZ: u64 = 1000;
const NS_PER_TICK: u64 = 1_000_000_000 / HZ;
const CALIBRATION_MS: u32 = 20;

fn rdtsc() -> u64 {
    // SAFETY: RDTSC is available on every x86_64 CPU and has no side
    // effects (CR4.TSD is clear, so it also works in user mode).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Reads the wall clock at boot.
pub fn init() {
    BOOT_UNIX.store(crate::arch::rtc::read_unix_time(), Ordering::Relaxed);
}

/// Measures the TSC rate against PIT channel 2 (best of three 20 ms
/// windows: a window stretched by host preemption only overestimates).
pub fn calibrate_tsc() {
    let per_ms = (0..3)
        .map(|_| crate::arch::pic::tsc_cycles_over_ms(CALIBRATION_MS) / u64::from(CALIBRATION_MS))
        .min()
        .unwrap_or(0);
    if per_ms > 1000 {
        TSC_BASE.store(rdtsc(), Ordering::Relaxed);
        TSC_BASE_NS.store(ticks() * NS_PER_TICK, Ordering::Relaxed);
        TSC_PER_MS.store(per_ms, Ordering::Relaxed);
        crate::info!("TSC: {} MHz", per_ms / 1000);
    } else {
        crate::warn!("TSC calibration gave {per_ms} cycles/ms; clocks use the tick");
    }
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
    let per_ms = TSC_PER_MS.load(Ordering::Relaxed);
    if per_ms == 0 {
        return ticks() * NS_PER_TICK;
    }
    let cycles = rdtsc().saturating_sub(TSC_BASE.load(Ordering::Relaxed));
    let ns = u128::from(cycles) * 1_000_000 / u128::from(per_ms);
    TSC_BASE_NS.load(Ordering::Relaxed) + ns as u64
}

/// Nanoseconds since the Unix epoch.
pub fn realtime_ns() -> u64 {
    BOOT_UNIX.load(Ordering::Relaxed) * 1_000_000_000 + uptime_ns()
}

/// Seconds since the Unix epoch.
pub fn realtime_secs() -> u64 {
    realtime_ns() / 1_000_000_000
}

/// The `uptime_ns` value `ns` nanoseconds from now.
pub fn deadline_after_ns(ns: u64) -> u64 {
    uptime_ns().saturating_add(ns)
}

//! Kernel time. The timer tick (1 kHz) drives sleeping and preemption; the
//! clocks user programs read come from the TSC, calibrated against the
//! tick at boot, for nanosecond resolution (benchmarks time single forks).
//! Without a usable TSC the clocks fall back to the tick. The wall clock
//! starts from the RTC read at boot.
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
const CALIBRATION_TICKS: u64 = 20;

fn rdtsc() -> u64 {
    // SAFETY: RDTSC is available on every x86_64 CPU and has no side
    // effects (CR4.TSD is clear, so it also works in user mode).
    unsafe { core::arch::x86_64::_rdtsc() }
}

/// Reads the wall clock at boot.
pub fn init() {
    BOOT_UNIX.store(crate::arch::rtc::read_unix_time(), Ordering::Relaxed);
}

/// Measures the TSC rate over [`CALIBRATION_TICKS`] timer ticks. Runs at
/// boot once the timer runs; waits with interrupts enabled only in `hlt`.
pub fn calibrate_tsc() {
    let wait_for = |t: u64| {
        while ticks() < t {
            x86_64::instructions::interrupts::enable_and_hlt();
            x86_64::instructions::interrupts::disable();
        }
    };
    wait_for(ticks() + 1);
    let (t0, c0) = (ticks(), rdtsc());
    wait_for(t0 + CALIBRATION_TICKS);
    let (t1, c1) = (ticks(), rdtsc());
    let per_ms = (c1.saturating_sub(c0)) / ((t1 - t0) * 1000 / HZ).max(1);
    if per_ms > 1000 {
        TSC_BASE.store(c1, Ordering::Relaxed);
        TSC_BASE_NS.store(t1 * NS_PER_TICK, Ordering::Relaxed);
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

/// The tick by which at least `ns` nanoseconds will have passed: rounded
/// up, plus one for the part of the current tick already gone.
pub fn deadline_after_ns(ns: u64) -> u64 {
    ticks()
        .saturating_add(ns.div_ceil(NS_PER_TICK))
        .saturating_add(1)
}

//! The load average, as Linux computes it (kernel/sched/loadavg.c): every
//! five seconds the number of runnable threads is folded into three
//! exponentially decaying averages (1, 5 and 15 minutes) in 11-bit fixed
//! point. `sysinfo` (what `uptime` and `top` read) and `/proc/loadavg`
//! report them.
use core::sync::atomic::{AtomicU64, Ordering};

/// Fraction bits of the averages (Linux's FSHIFT).
pub const FSHIFT: u32 = 11;
const FIXED_1: u64 = 1 << FSHIFT;
/// exp(-5 s / 1 min), exp(-5 s / 5 min), exp(-5 s / 15 min) in fixed point.
const EXP: [u64; 3] = [1884, 2014, 2037];
const PERIOD_NS: u64 = 5_000_000_000;

static AVERAGES: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];
static NEXT_NS: AtomicU64 = AtomicU64::new(PERIOD_NS);

/// Called every timer tick with the time and the runnable threads.
pub fn tick(now_ns: u64, runnable: u64) {
    let next = NEXT_NS.load(Ordering::Relaxed);
    if now_ns < next {
        return;
    }
    NEXT_NS.store(next + PERIOD_NS, Ordering::Relaxed);
    let active = runnable * FIXED_1;
    for (avg, exp) in AVERAGES.iter().zip(EXP) {
        let old = avg.load(Ordering::Relaxed);
        let mut new = old * exp + active * (FIXED_1 - exp);
        if active >= old {
            new += FIXED_1 - 1; // round up while rising, as Linux does
        }
        avg.store(new / FIXED_1, Ordering::Relaxed);
    }
}

/// The 1, 5 and 15 minute averages in [`FSHIFT`]-bit fixed point.
pub fn averages() -> [u64; 3] {
    AVERAGES.each_ref().map(|a| a.load(Ordering::Relaxed))
}

/// `"0.42"`-style text of one average, as /proc/loadavg prints it.
pub fn format(avg: u64) -> alloc::string::String {
    let whole = avg >> FSHIFT;
    let hundredths = ((avg & (FIXED_1 - 1)) * 100 + FIXED_1 / 2) >> FSHIFT;
    alloc::format!("{}.{:02}", whole + hundredths / 100, hundredths % 100)
}

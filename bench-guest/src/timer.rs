//! Timing with `clock_gettime(CLOCK_MONOTONIC)`: under QEMU's `-icount`
//! that clock advances one nanosecond per guest instruction on both
//! kernels, so the figures are deterministic.
use crate::sys::Res;

/// Now, in nanoseconds of `CLOCK_MONOTONIC`.
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Runs `step` `n` times and returns the total nanoseconds; the first
/// failing step ends the run with its error (and the iteration number).
pub fn time(n: u64, mut step: impl FnMut() -> Res) -> Res<u64> {
    let start = now_ns();
    for i in 0..n {
        step().map_err(|e| format!("iteration {i}: {e}"))?;
    }
    Ok(now_ns() - start)
}

//! Random bytes for AT_RANDOM and getrandom: RDRAND where the CPU has it,
//! mixed with a TSC-seeded xorshift generator otherwise. Not a
//! cryptographic generator; good enough for stack canaries and hash seeds
//! in a test kernel.
use core::sync::atomic::{AtomicU64, Ordering};

static STATE: AtomicU64 = AtomicU64::new(0);

fn rdrand() -> Option<u64> {
    x86_64::instructions::random::RdRand::new().and_then(|r| r.get_u64())
}

fn next() -> u64 {
    let mut s = STATE.load(Ordering::Relaxed);
    if s == 0 {
        // SAFETY: RDTSC is available on every x86_64 CPU and has no side
        // effects.
        s = unsafe { core::arch::x86_64::_rdtsc() } | 1;
    }
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    STATE.store(s, Ordering::Relaxed);
    s ^ rdrand().unwrap_or(0)
}

/// Fills `buf` with random bytes.
pub fn fill(buf: &mut [u8]) {
    for chunk in buf.chunks_mut(8) {
        let v = next().to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
}

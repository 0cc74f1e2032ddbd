//! Threads (clone with CLONE_THREAD|CLONE_SETTLS|CLONE_CHILD_CLEARTID...):
//! - T std::threads increment a std::sync::Mutex counter N times each;
//! - T threads increment a counter guarded by a hand-written futex lock
//!   (FUTEX_WAIT/FUTEX_WAKE on a word), with a read-modify-write that is
//!   deliberately not atomic, so a lock that fails to exclude loses counts;
//! - join wakes the joiner: a thread that sleeps 50 ms, then exits, is
//!   joined (musl waits on the thread's tid word, which the kernel zeroes
//!   and wakes through CLONE_CHILD_CLEARTID) and hands back its value;
//! - every thread has its own TLS and its own tid.
//!
//! Usage: threads [--threads T] [--increments N]   (defaults 4, 20000)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys;
use proc_tests::{Args, Checker};
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::*};
use std::sync::{Arc, Mutex};

/// A three-state futex lock (0 free, 1 held, 2 held with waiters).
#[derive(Debug, Default)]
struct FutexLock {
    state: AtomicU32,
}

fn futex(word: &AtomicU32, op: i32, val: u32) {
    // SAFETY: `word` is a live, aligned u32; FUTEX_WAIT only reads it and
    // FUTEX_WAKE does not touch it; the timeout pointer is null.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            op | libc::FUTEX_PRIVATE_FLAG,
            val,
            std::ptr::null::<libc::timespec>(),
        )
    };
}

impl FutexLock {
    fn lock(&self) {
        if self.state.compare_exchange(0, 1, Acquire, Relaxed).is_ok() {
            return;
        }
        while self.state.swap(2, Acquire) != 0 {
            futex(&self.state, libc::FUTEX_WAIT, 2);
        }
    }

    fn unlock(&self) {
        if self.state.swap(0, Release) == 2 {
            futex(&self.state, libc::FUTEX_WAKE, 1);
        }
    }
}

thread_local! {
    static MINE: Cell<u64> = const { Cell::new(0) };
}

fn main() {
    let args = Args::from_env();
    let threads: usize = args.value("--threads", 4);
    let n: u64 = args.value("--increments", 20_000);
    let mut c = Checker::new("threads");

    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                for _ in 0..n {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    let joined = handles.into_iter().filter_map(|h| h.join().ok()).count();
    c.equal("std::thread + Mutex: threads joined", joined, threads);
    c.equal(
        "std::thread + Mutex: counter",
        *counter.lock().unwrap(),
        threads as u64 * n,
    );

    let lock = Arc::new(FutexLock::default());
    let value = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (lock, value) = (Arc::clone(&lock), Arc::clone(&value));
            std::thread::spawn(move || {
                MINE.with(|m| m.set(i as u64 + 1));
                for _ in 0..n {
                    lock.lock();
                    // Not an atomic add: only the lock keeps this exact.
                    let v = value.load(Relaxed);
                    std::hint::spin_loop();
                    value.store(v + 1, Relaxed);
                    lock.unlock();
                }
                (MINE.with(Cell::get), sys::gettid())
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().filter_map(|h| h.join().ok()).collect();
    c.equal(
        "futex lock: counter",
        value.load(Relaxed),
        threads as u64 * n,
    );
    c.check(
        "futex lock: each thread kept its own TLS value",
        results.len() == threads && results.iter().enumerate().all(|(i, r)| r.0 == i as u64 + 1),
    );
    let mut tids: Vec<_> = results.iter().map(|r| r.1).collect();
    tids.push(sys::gettid());
    tids.sort_unstable();
    tids.dedup();
    c.equal("distinct tids (threads + main)", tids.len(), threads + 1);
    c.equal("main thread's TLS untouched", MINE.with(Cell::get), 0);

    let start = sys::now_ms();
    let h = std::thread::spawn(|| {
        sys::sleep_ms(50);
        0x5eed_u64
    });
    let got = h.join();
    let ms = sys::now_ms() - start;
    c.check(
        format_args!("join of a thread that exits after 50 ms: woke after {ms} ms"),
        ms >= 50,
    );
    c.equal("join hands back the thread's value", got.ok(), Some(0x5eed));
    c.finish();
}

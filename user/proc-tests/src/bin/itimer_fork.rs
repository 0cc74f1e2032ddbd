//! A 1 ms interval timer (ITIMER_REAL, SIGALRM counted by a handler)
//! firing through fork+wait cycles, as on Linux:
//! - with SA_RESTART: every cycle completes, fork never fails, wait4 never
//!   returns EINTR, and signals keep arriving (at least
//!   --min-signals-per-sec of wall time);
//! - without SA_RESTART: every cycle still completes (EINTR from wait4 is
//!   retried and reported, not required: a kernel that holds the parent in
//!   the fork window delivers the signal before wait4 is reached);
//! - a blocking pipe read with no SA_RESTART fails with EINTR;
//! - a blocking pipe read with SA_RESTART is restarted across signals and
//!   returns the data a child writes 30 ms later.
//!
//! Each child spins 1 ms before it exits, so the parent really waits.
//!
//! Usage: itimer_fork [--cycles N] [--min-signals-per-sec R]   (200, 50)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Fork, Status};
use proc_tests::{Args, Checker};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

static ALARMS: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_alarm(_sig: i32) {
    ALARMS.fetch_add(1, Relaxed);
}

fn install(flags: i32) {
    sys::set_handler(libc::SIGALRM, on_alarm as *const () as usize, flags)
        .expect("sigaction(SIGALRM)");
}

/// Runs `cycles` fork / spin 1 ms / exit / wait4 cycles; returns (cycles
/// completed, EINTRs from wait4, failed forks).
fn cycles(n: usize) -> (usize, usize, usize) {
    let (mut done, mut eintr, mut fork_failed) = (0, 0, 0);
    for i in 0..n {
        let pid = match sys::fork() {
            Ok(Fork::Child) => {
                sys::spin_ms(1);
                sys::exit_now((i % 100) as i32)
            }
            Ok(Fork::Parent(pid)) => pid,
            Err(_) => {
                fork_failed += 1;
                continue;
            }
        };
        let raw = loop {
            match sys::wait4_raw(pid, 0) {
                Err(libc::EINTR) => eintr += 1,
                Err(_) => break None,
                Ok((_, raw)) => break Some(raw),
            }
        };
        if raw.map(Status::from_raw) == Some(Status::Exited((i % 100) as i32)) {
            done += 1;
        }
    }
    (done, eintr, fork_failed)
}

fn phase(c: &mut Checker, name: &str, flags: i32, n: usize, min_rate: u64) -> usize {
    install(flags);
    let before = ALARMS.load(Relaxed);
    let start = sys::now_ms();
    let (done, eintr, fork_failed) = cycles(n);
    let ms = sys::now_ms() - start;
    let alarms = ALARMS.load(Relaxed) - before;
    c.equal(format_args!("{name}: cycles completed"), done, n);
    c.equal(format_args!("{name}: forks that failed"), fork_failed, 0);
    let want = min_rate * ms / 1000;
    c.check(
        format_args!("{name}: {alarms} SIGALRMs in {ms} ms (want >= {want})"),
        alarms >= want.max(1),
    );
    eintr
}

/// A child that writes one byte to `w` after `ms` milliseconds.
fn delayed_writer(w: i32, ms: u64) -> libc::pid_t {
    sys::spawn_child(|| {
        sys::sleep_ms(ms);
        i32::from(sys::write_all(w, b"y").is_err())
    })
    .expect("fork")
}

fn main() {
    let args = Args::from_env();
    let n: usize = args.value("--cycles", 200);
    let min_rate: u64 = args.value("--min-signals-per-sec", 50);
    let mut c = Checker::new("itimer_fork");
    install(libc::SA_RESTART);
    sys::set_itimer_us(1000).expect("setitimer(ITIMER_REAL, 1 ms)");

    let eintr = phase(&mut c, "SA_RESTART", libc::SA_RESTART, n, min_rate);
    c.equal("SA_RESTART: wait4 calls that returned EINTR", eintr, 0);
    let eintr = phase(&mut c, "no SA_RESTART", 0, n, min_rate);
    c.note(format_args!(
        "no SA_RESTART: wait4 returned EINTR {eintr} times"
    ));

    // Blocking read, no SA_RESTART: EINTR. The writer (2 s later) only
    // keeps a kernel that never interrupts the read from hanging the test.
    let (r, w) = sys::pipe().expect("pipe");
    let writer = delayed_writer(w, 2000);
    install(0);
    let start = sys::now_ms();
    let mut b = [0u8];
    let got = sys::read(r, &mut b);
    c.equal(
        format_args!(
            "blocking read, no SA_RESTART ({} ms)",
            sys::now_ms() - start
        ),
        got,
        Err(libc::EINTR),
    );
    let _ = sys::kill(writer, libc::SIGKILL);
    let _ = sys::wait(writer);
    sys::close(r);
    sys::close(w);

    // Blocking read, SA_RESTART: restarted across signals, gets the data.
    let (r, w) = sys::pipe().expect("pipe");
    install(libc::SA_RESTART);
    let writer = delayed_writer(w, 30);
    let before = ALARMS.load(Relaxed);
    let got = sys::read(r, &mut b);
    let during = ALARMS.load(Relaxed) - before;
    c.equal("blocking read, SA_RESTART: result", got, Ok(1));
    c.check(
        format_args!("blocking read, SA_RESTART: {during} SIGALRMs arrived during the read"),
        during > 0,
    );
    c.equal("delayed writer", sys::wait(writer), Ok(Status::Exited(0)));
    sys::set_itimer_us(0).expect("disarm the timer");
    c.finish();
}

//! A signal delivered to a child early after fork, with its handler on an
//! alternate signal stack that lies in memory the child shares with (under
//! the hybrid fork: borrows from) its parent. The kernel writes the
//! signal frame there, the handler writes a .bss counter, sigreturn reads
//! the frame back: under hybrid all of that happens while the child still
//! borrows the parent's tables, so every write must land in the child's
//! own copy of the page and none in the parent's.
//!
//! As in kill_early, the signal comes from a third process (a "sender"
//! forked first) that polls a MAP_SHARED word for the victim's pid, and
//! the victim yields while it waits, which keeps a hybrid child in its
//! window. Each round the parent checks that the child exited 0 (its
//! handler ran exactly once, on the alternate stack, and sigreturn brought
//! it back), that its own .bss counter is still 0, and that its own copy
//! of the alternate stack still holds its pattern.
//!
//! Usage: signal_window [--rounds N]   (default 20)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::courier;
use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{pattern, Args, Checker};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;

/// Handler runs (in .bss, so a child's write faults and copies the page).
static HANDLED: AtomicU64 = AtomicU64::new(0);
/// The stack pointer the last handler ran on.
static HANDLER_SP: AtomicU64 = AtomicU64::new(0);

const ALT_STACK_LEN: usize = 64 * 1024;
/// Yields a victim waits for its signal before giving up (exit 3).
const MAX_YIELDS: u32 = 1_000_000;

extern "C" fn on_usr1(_: i32) {
    let local = 0u8;
    HANDLER_SP.store(&local as *const u8 as u64, SeqCst);
    HANDLED.fetch_add(1, SeqCst);
}

/// The victim: handler on the alternate stack `alt`, pid published, then
/// yields until the handler ran. Exit 0 when it ran once on `alt` and the
/// frame changed `alt`; otherwise a code naming what went wrong.
fn victim(shared: &Mapping, alt: *mut u8, b: u8) -> i32 {
    let ss = libc::stack_t {
        ss_sp: alt.cast(),
        ss_flags: 0,
        ss_size: ALT_STACK_LEN,
    };
    // SAFETY: `ss` describes this process's copy of the parent's buffer,
    // ALT_STACK_LEN bytes, which nothing else in this process uses.
    if unsafe { libc::sigaltstack(&ss, std::ptr::null_mut()) } != 0 {
        return 10;
    }
    if sys::set_handler(
        libc::SIGUSR1,
        on_usr1 as *const () as libc::sighandler_t,
        libc::SA_ONSTACK,
    )
    .is_err()
    {
        return 11;
    }
    courier::publish(shared);
    let mut yields = 0;
    while HANDLED.load(SeqCst) == 0 && yields < MAX_YIELDS {
        // SAFETY: sched_yield has no arguments or conditions.
        unsafe { libc::sched_yield() };
        yields += 1;
    }
    let sp = HANDLER_SP.load(SeqCst);
    let (lo, hi) = (alt as u64, alt as u64 + ALT_STACK_LEN as u64);
    // SAFETY: `alt` is ALT_STACK_LEN readable bytes (this process's copy);
    // the handler has returned, so nothing writes it now.
    let frame_written = unsafe { std::slice::from_raw_parts(alt, ALT_STACK_LEN) }
        .iter()
        .any(|&x| x != b);
    match (HANDLED.load(SeqCst), (lo..hi).contains(&sp), frame_written) {
        (0, _, _) => 3,
        (1, true, true) => 0,
        (1, false, _) => 4,
        (1, true, false) => 5,
        _ => 6,
    }
}

fn main() {
    let args = Args::from_env();
    let rounds: usize = args.value("--rounds", 20);
    let mut c = Checker::new("signal_window");

    let shared = Mapping::shared(4096).expect("mmap shared");
    let sender_pid =
        sys::spawn_child(|| courier::run(&shared, libc::SIGUSR1)).expect("fork the sender");
    let mut alt = vec![0u8; ALT_STACK_LEN];
    let (mut exited_ok, mut parent_counter_zero, mut intact) = (0, 0, 0);
    for round in 0..rounds {
        let b = pattern(round, 5);
        alt.fill(b);
        let alt_ptr = alt.as_mut_ptr();
        let pid = sys::spawn_child(|| victim(&shared, alt_ptr, b)).expect("fork the victim");
        let status = sys::wait(pid);
        exited_ok += usize::from(status == Ok(Status::Exited(0)));
        parent_counter_zero += usize::from(HANDLED.load(SeqCst) == 0);
        intact += usize::from(alt.iter().all(|&x| x == b));
        println!("  round {round}: pattern {b:#04x}, victim {pid}: {status:?}");
    }
    courier::finish(&mut c, &shared, sender_pid, rounds);
    c.equal(
        "victims whose handler ran once on the alternate stack (exit 0)",
        exited_ok,
        rounds,
    );
    c.equal(
        "rounds with the parent's handler counter still 0",
        parent_counter_zero,
        rounds,
    );
    c.equal(
        "rounds with the parent's alternate-stack buffer intact",
        intact,
        rounds,
    );
    c.finish();
}

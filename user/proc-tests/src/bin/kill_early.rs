//! SIGKILL to a child early after fork, while it writes over the
//! parent's big buffer (its private copy). Under the hybrid fork that
//! child is still borrowing the parent's tables, and the parent is asleep
//! in fork(), so the kill comes from a third process: a "killer" forked
//! first, which polls a MAP_SHARED word for the victim's pid (the victim
//! stores getpid() there with no system call but getpid) and sends
//! SIGKILL at once. The victim yields after every page it writes: a yield
//! keeps a hybrid child in its window, so the killer (the only other
//! runnable process) gets the CPU while the victim still borrows, and
//! every kill lands inside the window (`hybrid window_ends: killed`)
//! rather than after a budget promotion. Each round the parent then
//! checks that wait4 reports SIGKILL, that its own buffer still holds its
//! pattern, and that malloc and println work.
//!
//! Usage: kill_early [--rounds N] [--buffer-kb K]   (defaults 20, 4096)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::courier;
use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{pattern, Args, Checker};

fn main() {
    let args = Args::from_env();
    let rounds: usize = args.value("--rounds", 20);
    let kb: usize = args.value("--buffer-kb", 4096);
    let mut c = Checker::new("kill_early");

    let shared = Mapping::shared(4096).expect("mmap shared");
    let killer_pid =
        sys::spawn_child(|| courier::run(&shared, libc::SIGKILL)).expect("fork the killer");
    let mut buf = vec![0u8; kb * 1024];
    let (mut killed, mut intact, mut libc_ok) = (0, 0, 0);
    for round in 0..rounds {
        let b = pattern(round, 9);
        buf.fill(b);
        let view = buf.as_mut_ptr() as usize;
        let len = buf.len();
        let pid = sys::spawn_child(|| {
            courier::publish(&shared);
            // SAFETY: this process's copy of `buf`; nothing else in this
            // process uses it. Volatile so the writes really happen.
            let mine = unsafe { std::slice::from_raw_parts_mut(view as *mut u8, len) };
            let mut i = 0usize;
            loop {
                // SAFETY: `i % len` is in bounds of `mine`.
                unsafe { std::ptr::write_volatile(&mut mine[i % len], b ^ 0xff) };
                i = i.wrapping_add(4096 + 1);
                // SAFETY: sched_yield has no arguments or conditions.
                unsafe { libc::sched_yield() };
            }
        })
        .expect("fork the victim");
        if sys::wait(pid) == Ok(Status::Signaled(libc::SIGKILL)) {
            killed += 1;
        }
        intact += usize::from(buf.iter().all(|&x| x == b));
        let v: Vec<String> = (0..100).map(|i| format!("{round}-{i}")).collect();
        libc_ok += usize::from(v[99] == format!("{round}-99"));
        println!("  round {round}: pattern {b:#04x}, victim {pid}");
    }
    courier::finish(&mut c, &shared, killer_pid, rounds);
    c.equal("victims killed by SIGKILL (wait4)", killed, rounds);
    c.equal(
        format_args!("rounds with the parent's {kb} KiB buffer intact"),
        intact,
        rounds,
    );
    c.equal("rounds with malloc/format working", libc_ok, rounds);
    c.finish();
}

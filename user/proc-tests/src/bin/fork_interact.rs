//! Fork, then parent and child interact:
//! - a child that spins while the parent runs and counts for 300 ms, then
//!   the parent kills it with SIGKILL (wait4 must report exactly that);
//! - ping-pong: N one-byte round trips over two pipes (the child answers
//!   each byte with byte+1);
//! - a child blocked reading a pipe the parent writes only after a delay;
//! - a chain of nested forks, each level exiting with its child's code + 1;
//! - the child's snapshot unchanged by the parent's writes after fork.
//!
//! Usage: fork_interact [--bytes N] [--spin-ms MS] [--depth D]
//!        (defaults 500, 300, 4)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{Args, Checker};
use std::sync::atomic::Ordering::Relaxed;

fn ping_pong(c: &mut Checker, bytes: usize) {
    let (down_r, down_w) = sys::pipe().expect("pipe");
    let (up_r, up_w) = sys::pipe().expect("pipe");
    let pid = sys::spawn_child(|| {
        sys::close(down_w);
        sys::close(up_r);
        let mut b = [0u8];
        let mut n = 0;
        while sys::read_exact(down_r, &mut b).is_ok() {
            if sys::write_all(up_w, &[b[0].wrapping_add(1)]).is_err() {
                return 2;
            }
            n += 1;
        }
        if n == bytes {
            0
        } else {
            1
        }
    })
    .expect("fork");
    sys::close(down_r);
    sys::close(up_w);
    let mut good = 0;
    for i in 0..bytes {
        let out = (i * 7 % 256) as u8;
        let mut back = [0u8];
        if sys::write_all(down_w, &[out]).is_err() || sys::read_exact(up_r, &mut back).is_err() {
            break;
        }
        good += usize::from(back[0] == out.wrapping_add(1));
    }
    sys::close(down_w);
    sys::close(up_r);
    c.equal("ping-pong: correct answers", good, bytes);
    c.equal(
        "ping-pong: child counted every byte and exited",
        sys::wait(pid),
        Ok(Status::Exited(0)),
    );
}

fn blocked_reader(c: &mut Checker) {
    const MSG: &[u8] = b"written after fork";
    let (r, w) = sys::pipe().expect("pipe");
    let pid = sys::spawn_child(|| {
        sys::close(w);
        let mut buf = [0u8; MSG.len()];
        match sys::read_exact(r, &mut buf) {
            Ok(()) if buf == MSG => 0,
            Ok(()) => 1,
            Err(_) => 2,
        }
    })
    .expect("fork");
    sys::close(r);
    sys::sleep_ms(50); // the child is (very likely) blocked in read by now
    let wrote = sys::write_all(w, MSG);
    sys::close(w);
    c.check("blocked reader: parent wrote after fork", wrote.is_ok());
    c.equal(
        "blocked reader: child read exactly the message",
        sys::wait(pid),
        Ok(Status::Exited(0)),
    );
}

fn spin_and_kill(c: &mut Checker, spin_ms: u64) {
    let shared = Mapping::shared(4096).expect("mmap shared");
    let progress = shared.atomic_u64(0);
    let pid = sys::spawn_child(|| loop {
        progress.fetch_add(1, Relaxed);
        std::hint::spin_loop();
    })
    .expect("fork");
    let start = sys::now_ms();
    let mut parent_loops: u64 = 0;
    let mut child_at_third = 0;
    while sys::now_ms() - start < spin_ms {
        parent_loops += 1;
        if child_at_third == 0 && sys::now_ms() - start >= spin_ms / 3 {
            child_at_third = progress.load(Relaxed);
        }
        std::hint::spin_loop();
    }
    let child_at_end = progress.load(Relaxed);
    let killed = sys::kill(pid, libc::SIGKILL);
    c.check(
        format_args!("spinning child: parent ran {parent_loops} loops in {spin_ms} ms"),
        parent_loops > 0,
    );
    c.check(
        format_args!(
            "spinning child: child advanced while the parent ran ({child_at_third} -> {child_at_end})"
        ),
        child_at_end > child_at_third && child_at_third > 0,
    );
    c.check("spinning child: kill(SIGKILL) succeeded", killed.is_ok());
    c.equal(
        "spinning child: wait4 reports",
        sys::wait(pid),
        Ok(Status::Signaled(libc::SIGKILL)),
    );
}

/// Forks a chain `depth` deep; the leaf exits 10 and each level exits with
/// its child's exit code + 1 (or 200+ on a failure).
fn chain(depth: u32) -> i32 {
    if depth == 0 {
        return 10;
    }
    match sys::spawn_child(|| chain(depth - 1)) {
        Err(_) => 201,
        Ok(pid) => match sys::wait(pid) {
            Ok(Status::Exited(code)) if code < 200 => code + 1,
            _ => 202,
        },
    }
}

fn snapshot(c: &mut Checker) {
    let mut buf = vec![0x11u8; 64 * 1024];
    let (r, w) = sys::pipe().expect("pipe");
    let view = buf.as_ptr() as usize;
    let pid = sys::spawn_child(|| {
        sys::close(w);
        let mut go = [0u8];
        if sys::read_exact(r, &mut go).is_err() {
            return 2;
        }
        // SAFETY: `buf` is alive in this (forked) process and nothing else
        // in it runs; the pointer is the parent's `buf` as of the fork.
        let mine = unsafe { std::slice::from_raw_parts(view as *const u8, 64 * 1024) };
        if mine.iter().all(|&x| x == 0x11) {
            0
        } else {
            1
        }
    })
    .expect("fork");
    sys::close(r);
    buf.fill(0x22);
    let _ = sys::write_all(w, b"g");
    sys::close(w);
    c.equal(
        "snapshot: child still sees the pre-fork bytes after the parent rewrote them",
        sys::wait(pid),
        Ok(Status::Exited(0)),
    );
    c.check(
        "snapshot: parent sees its own new bytes",
        buf.iter().all(|&x| x == 0x22),
    );
}

fn main() {
    let args = Args::from_env();
    let mut c = Checker::new("fork_interact");
    // The spinner first: it is the one child whose window ends by the CPU
    // budget, and after two promotions in a row a hybrid parent forks the
    // next children on demand (the adaptive window), without one.
    spin_and_kill(&mut c, args.value("--spin-ms", 300));
    ping_pong(&mut c, args.value("--bytes", 500));
    blocked_reader(&mut c);
    let depth: u32 = args.value("--depth", 4);
    let pid = sys::spawn_child(|| chain(depth)).expect("fork");
    c.equal(
        format_args!("nested forks {depth} deep: exit code of the top"),
        sys::wait(pid),
        Ok(Status::Exited(10 + depth as i32)),
    );
    snapshot(&mut c);
    c.finish();
}

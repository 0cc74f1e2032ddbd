//! The signals a shell relies on:
//! - SIGCHLD reaches an SA_SIGINFO handler with the child's pid and
//!   CLD_EXITED when a child exits;
//! - writing a pipe with no reader kills with SIGPIPE by default, and
//!   fails with EPIPE when SIGPIPE is ignored;
//! - kill(pid, SIGTERM) to a child, kill(self), tgkill(self, own tid), and
//!   kill(pid, 0) / ESRCH for a reaped child;
//! - alarm(): the value returned for a pending alarm, and a 1 s alarm that
//!   interrupts sigsuspend.
//!
//! Usage: signals_basic [--no-alarm]   (skips the 1 s alarm wait)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{Args, Checker};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering::SeqCst};

static CHLD_PID: AtomicI32 = AtomicI32::new(0);
static CHLD_CODE: AtomicI32 = AtomicI32::new(0);
static HITS: [AtomicU32; 32] = [const { AtomicU32::new(0) }; 32];

extern "C" fn on_chld(_sig: i32, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // SAFETY: with SA_SIGINFO the kernel passes a valid siginfo_t; for
    // SIGCHLD its pid field is set.
    let (pid, code) = unsafe { ((*info).si_pid(), (*info).si_code) };
    CHLD_PID.store(pid, SeqCst);
    CHLD_CODE.store(code, SeqCst);
}

extern "C" fn count(sig: i32) {
    HITS[sig as usize & 31].fetch_add(1, SeqCst);
}

fn hits(sig: i32) -> u32 {
    HITS[sig as usize].load(SeqCst)
}

fn sigchld(c: &mut Checker) {
    sys::set_handler(
        libc::SIGCHLD,
        on_chld as *const () as usize,
        libc::SA_SIGINFO | libc::SA_RESTART,
    )
    .expect("sigaction(SIGCHLD)");
    let pid = sys::spawn_child(|| 7).expect("fork");
    let st = sys::wait(pid);
    c.equal("SIGCHLD: child status", st, Ok(Status::Exited(7)));
    c.equal("SIGCHLD: handler's si_pid", CHLD_PID.load(SeqCst), pid);
    c.equal(
        "SIGCHLD: handler's si_code",
        CHLD_CODE.load(SeqCst),
        libc::CLD_EXITED,
    );
    // SAFETY: restoring the default action has no memory conditions.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
}

fn sigpipe(c: &mut Checker) {
    let (r, w) = sys::pipe().expect("pipe");
    sys::close(r);
    let pid = sys::spawn_child(|| {
        // SAFETY: as above; the Rust runtime ignores SIGPIPE, a C program
        // (or a shell's child) has the default.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let _ = sys::write(w, b"x");
        1
    })
    .expect("fork");
    c.equal(
        "write to a pipe with no reader, SIGPIPE default",
        sys::wait(pid),
        Ok(Status::Signaled(libc::SIGPIPE)),
    );
    // SAFETY: ignoring a signal has no memory conditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    c.equal(
        "write to a pipe with no reader, SIGPIPE ignored",
        sys::write(w, b"x"),
        Err(libc::EPIPE),
    );
    sys::close(w);
}

fn kills(c: &mut Checker) {
    let (r, w) = sys::pipe().expect("pipe");
    let pid = sys::spawn_child(|| {
        let mut b = [0u8];
        let _ = sys::read(r, &mut b); // blocks: nobody writes
        1
    })
    .expect("fork");
    c.equal("kill(child, 0) while it lives", sys::kill(pid, 0), Ok(()));
    c.equal(
        "kill(child, SIGTERM)",
        sys::kill(pid, libc::SIGTERM),
        Ok(()),
    );
    c.equal(
        "child killed by SIGTERM",
        sys::wait(pid),
        Ok(Status::Signaled(libc::SIGTERM)),
    );
    c.equal("kill(reaped child, 0)", sys::kill(pid, 0), Err(libc::ESRCH));
    sys::close(r);
    sys::close(w);

    for sig in [libc::SIGUSR1, libc::SIGUSR2] {
        sys::set_handler(sig, count as *const () as usize, 0).expect("sigaction");
    }
    let _ = sys::kill(sys::getpid(), libc::SIGUSR1);
    c.equal("kill(self, SIGUSR1): handler ran", hits(libc::SIGUSR1), 1);
    // SAFETY: tgkill takes plain integers.
    let r = unsafe {
        libc::syscall(
            libc::SYS_tgkill,
            sys::getpid(),
            sys::gettid(),
            libc::SIGUSR2,
        )
    };
    c.equal("tgkill(self, own tid, SIGUSR2)", r, 0);
    c.equal("tgkill: handler ran", hits(libc::SIGUSR2), 1);
}

fn alarm(c: &mut Checker) {
    sys::set_handler(libc::SIGALRM, count as *const () as usize, 0).expect("sigaction");
    // SAFETY: alarm takes and returns plain integers.
    let first = unsafe { libc::alarm(5) };
    // SAFETY: as above.
    let left = unsafe { libc::alarm(1) };
    c.equal("alarm(5) with none pending returns", first, 0);
    c.check(
        format_args!("alarm(1) after alarm(5) returns the time left: {left}"),
        left == 4 || left == 5,
    );
    let start = sys::now_ms();
    // SAFETY: an all-zero sigset is valid; sigsuspend with an empty mask
    // returns after a handler ran.
    unsafe {
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        while hits(libc::SIGALRM) == 0 {
            libc::sigsuspend(&empty);
        }
    }
    let ms = sys::now_ms() - start;
    c.check(
        format_args!("alarm(1) fired after {ms} ms"),
        (900..5000).contains(&ms),
    );
    // SAFETY: as above.
    c.equal(
        "alarm(0) after it fired returns",
        unsafe { libc::alarm(0) },
        0,
    );
}

fn main() {
    let args = Args::from_env();
    let mut c = Checker::new("signals_basic");
    sigchld(&mut c);
    sigpipe(&mut c);
    kills(&mut c);
    if !args.flag("--no-alarm") {
        alarm(&mut c);
    }
    c.finish();
}

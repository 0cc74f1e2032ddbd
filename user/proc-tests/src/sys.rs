//! Safe wrappers over the process system calls the tests use. Each wrapper
//! returns the errno on failure; none of them allocates, so they are fine
//! to call in a child forked from a multi-threaded parent.

use std::io::Error;

/// The errno of the last failed libc call.
pub fn errno() -> i32 {
    Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn check(ret: libc::c_long) -> Result<i64, i32> {
    if ret < 0 {
        Err(errno())
    } else {
        Ok(ret)
    }
}

/// Which side of a fork the caller is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fork {
    Child,
    Parent(libc::pid_t),
}

/// fork() through the libc wrapper (musl's here), which is the point of
/// these tests.
///
/// In the child of a multi-threaded parent only async-signal-safe work is
/// allowed; the callers that have threads only read memory, exec or exit.
pub fn fork() -> Result<Fork, i32> {
    // SAFETY: fork has no memory-safety preconditions of its own; the child
    // gets a copy of this thread only, and every caller in this crate keeps
    // to async-signal-safe work in the child when the parent has threads.
    match unsafe { libc::fork() } {
        -1 => Err(errno()),
        0 => Ok(Fork::Child),
        pid => Ok(Fork::Parent(pid)),
    }
}

/// Forks a child that runs `body` and `_exit`s with its result.
pub fn spawn_child(body: impl FnOnce() -> i32) -> Result<libc::pid_t, i32> {
    match fork()? {
        Fork::Child => exit_now(body()),
        Fork::Parent(pid) => Ok(pid),
    }
}

/// `_exit`: ends the process without running atexit handlers or flushing
/// stdio buffers inherited from the parent.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit never returns and touches no memory of ours.
    unsafe { libc::_exit(code) }
}

/// How a process ended, decoded from a wait4 status word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    Signaled(i32),
    /// Stopped or continued (the raw word).
    Other(i32),
}

impl Status {
    pub fn from_raw(raw: i32) -> Self {
        if libc::WIFEXITED(raw) {
            Status::Exited(libc::WEXITSTATUS(raw))
        } else if libc::WIFSIGNALED(raw) {
            Status::Signaled(libc::WTERMSIG(raw))
        } else {
            Status::Other(raw)
        }
    }
}

/// wait4 for `pid` with `options`; returns the pid reaped (0 with WNOHANG
/// when nothing is ready) and the raw status word. EINTR is returned, not
/// retried, so tests can see it.
pub fn wait4_raw(pid: libc::pid_t, options: i32) -> Result<(libc::pid_t, i32), i32> {
    let mut status = 0;
    // SAFETY: `status` is a valid out-pointer; a null rusage is allowed.
    let ret = unsafe { libc::wait4(pid, &mut status, options, std::ptr::null_mut()) };
    if ret < 0 {
        Err(errno())
    } else {
        Ok((ret, status))
    }
}

/// Waits for `pid` to end (retrying EINTR) and decodes its status.
pub fn wait(pid: libc::pid_t) -> Result<Status, i32> {
    loop {
        match wait4_raw(pid, 0) {
            Err(libc::EINTR) => continue,
            Err(e) => return Err(e),
            Ok((_, raw)) => return Ok(Status::from_raw(raw)),
        }
    }
}

/// A pipe: (read end, write end).
pub fn pipe() -> Result<(i32, i32), i32> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid array of two ints for the kernel to fill.
    check(unsafe { libc::pipe(fds.as_mut_ptr()) }.into())?;
    Ok((fds[0], fds[1]))
}

pub fn close(fd: i32) {
    // SAFETY: closing a descriptor has no memory-safety conditions.
    unsafe { libc::close(fd) };
}

/// One read(2): EINTR and short reads are returned as they are.
pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    check(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } as libc::c_long)
        .map(|n| n as usize)
}

/// One write(2).
pub fn write(fd: i32, buf: &[u8]) -> Result<usize, i32> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    check(unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) } as libc::c_long)
        .map(|n| n as usize)
}

/// Reads exactly `buf.len()` bytes (retrying EINTR); Err(0) on early EOF.
pub fn read_exact(fd: i32, buf: &mut [u8]) -> Result<(), i32> {
    let mut done = 0;
    while done < buf.len() {
        match read(fd, &mut buf[done..]) {
            Ok(0) => return Err(0),
            Ok(n) => done += n,
            Err(libc::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` (retrying EINTR).
pub fn write_all(fd: i32, buf: &[u8]) -> Result<(), i32> {
    let mut done = 0;
    while done < buf.len() {
        match write(fd, &buf[done..]) {
            Ok(n) => done += n,
            Err(libc::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub fn kill(pid: libc::pid_t, sig: i32) -> Result<(), i32> {
    // SAFETY: kill has no memory-safety conditions.
    check(unsafe { libc::kill(pid, sig) }.into()).map(drop)
}

pub fn getpid() -> libc::pid_t {
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

/// The caller's thread id, by the raw system call (no libc cache).
pub fn gettid() -> libc::pid_t {
    // SAFETY: gettid takes no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as libc::pid_t }
}

/// Installs `handler` for `sig` with `flags` (SA_RESTART, SA_SIGINFO, ...)
/// and an empty mask. The handler must be async-signal-safe.
pub fn set_handler(sig: i32, handler: libc::sighandler_t, flags: i32) -> Result<(), i32> {
    // SAFETY: an all-zero sigaction is a valid value (empty mask, no flags).
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler;
    sa.sa_flags = flags;
    // SAFETY: `sa` is initialised; the old-action pointer may be null; the
    // handlers passed in this crate only touch atomics.
    check(unsafe { libc::sigaction(sig, &sa, std::ptr::null_mut()) }.into()).map(drop)
}

/// Arms ITIMER_REAL with the same first expiry and interval (0 disarms).
pub fn set_itimer_us(interval_us: i64) -> Result<(), i32> {
    let tv = libc::timeval {
        tv_sec: interval_us / 1_000_000,
        tv_usec: interval_us % 1_000_000,
    };
    let it = libc::itimerval {
        it_interval: tv,
        it_value: tv,
    };
    // SAFETY: `it` is a valid itimerval; the old-value pointer may be null.
    check(unsafe { libc::setitimer(libc::ITIMER_REAL, &it, std::ptr::null_mut()) }.into()).map(drop)
}

/// Reads a clock in nanoseconds.
pub fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// CLOCK_MONOTONIC in milliseconds.
pub fn now_ms() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC) / 1_000_000
}

/// Busy-loops (no system calls but the clock's vDSO read) for `ms`.
pub fn spin_ms(ms: u64) {
    let end = clock_ns(libc::CLOCK_MONOTONIC) + ms * 1_000_000;
    while clock_ns(libc::CLOCK_MONOTONIC) < end {
        std::hint::spin_loop();
    }
}

/// nanosleep for `ms`, resuming after signal handlers until the time is up.
pub fn sleep_ms(ms: u64) {
    let mut req = libc::timespec {
        tv_sec: (ms / 1000) as _,
        tv_nsec: ((ms % 1000) * 1_000_000) as libc::c_long,
    };
    loop {
        let mut rem = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: both pointers are valid timespecs.
        if unsafe { libc::nanosleep(&req, &mut rem) } == 0 || errno() != libc::EINTR {
            return;
        }
        req = rem;
    }
}

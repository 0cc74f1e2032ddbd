//! Single system calls in a loop: the fixed cost of entering the kernel and
//! of its simplest paths. Each step checks the call's result.
use crate::sys::{check, close, cstr, errno, Res};
use crate::timer::time;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file the path workloads open and stat (present on both kernels).
pub const FILE: &str = "/bin/bench-exit";

pub fn getpid(n: u64) -> Res<u64> {
    // SAFETY: getpid has no preconditions.
    let me = unsafe { libc::getpid() };
    time(n, || {
        // SAFETY: as above. The raw syscall, in case a libc caches it.
        let p = unsafe { libc::syscall(libc::SYS_getpid) } as i32;
        if p == me {
            Ok(())
        } else {
            Err(format!("getpid {p} != {me}"))
        }
    })
}

/// Opens `path` read-only or write-only.
fn open(path: &str, flags: i32) -> Res<i32> {
    let p = cstr(path);
    // SAFETY: `p` is a NUL-terminated path.
    check(
        unsafe { libc::open(p.as_ptr(), flags | libc::O_CLOEXEC) } as i64,
        path,
    )
    .map(|fd| fd as i32)
}

pub fn read_null(n: u64) -> Res<u64> {
    let fd = open("/dev/null", libc::O_RDONLY)?;
    let mut buf = [0u8; 64];
    let r = time(n, || {
        // SAFETY: `buf` is valid for writes of its length.
        let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if got == 0 {
            Ok(())
        } else {
            Err(format!("read /dev/null gave {got}"))
        }
    });
    close(fd);
    r
}

pub fn write_null(n: u64) -> Res<u64> {
    let fd = open("/dev/null", libc::O_WRONLY)?;
    let buf = [7u8; 64];
    let r = time(n, || crate::sys::write_all(fd, &buf));
    close(fd);
    r
}

pub fn open_close(n: u64) -> Res<u64> {
    time(n, || {
        let fd = open(FILE, libc::O_RDONLY)?;
        // SAFETY: `fd` was just opened by this step.
        check(unsafe { libc::close(fd) } as i64, "close").map(drop)
    })
}

/// Size of [`FILE`], the value the stat workloads check.
fn file_size() -> Res<i64> {
    std::fs::metadata(FILE)
        .map(|m| m.len() as i64)
        .map_err(|e| format!("{FILE}: {e}"))
}

pub fn stat(n: u64) -> Res<u64> {
    let want = file_size()?;
    let p = cstr(FILE);
    time(n, || {
        // SAFETY: an all-zero stat is a valid value of the plain C struct.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `p` is NUL-terminated and `st` is writable.
        check(unsafe { libc::stat(p.as_ptr(), &mut st) } as i64, "stat")?;
        if st.st_size == want {
            Ok(())
        } else {
            Err(format!("stat size {}", st.st_size))
        }
    })
}

pub fn fstat(n: u64) -> Res<u64> {
    let want = file_size()?;
    let fd = open(FILE, libc::O_RDONLY)?;
    let r = time(n, || {
        // SAFETY: an all-zero stat is a valid value of the plain C struct.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is open and `st` is writable.
        check(unsafe { libc::fstat(fd, &mut st) } as i64, "fstat")?;
        if st.st_size == want {
            Ok(())
        } else {
            Err(format!("fstat size {}", st.st_size))
        }
    });
    close(fd);
    r
}

pub fn clock_gettime(n: u64) -> Res<u64> {
    let mut last = 0;
    time(n, || {
        let t = crate::timer::now_ns();
        if t >= last {
            last = t;
            Ok(())
        } else {
            Err("CLOCK_MONOTONIC went backwards".into())
        }
    })
}

/// The raw brk syscall (musl's `brk()` never enters the kernel): grow the
/// break by one page, then shrink it back.
pub fn brk(n: u64) -> Res<u64> {
    // SAFETY: brk(0) only queries the current break.
    let base = unsafe { libc::syscall(libc::SYS_brk, 0usize) } as usize;
    if base == 0 {
        return Err("brk(0) returned 0".into());
    }
    time(n, || {
        // SAFETY: moving the break above the current one maps fresh pages
        // no Rust object uses; moving it back unmaps only those.
        let up = unsafe { libc::syscall(libc::SYS_brk, base + 4096) } as usize;
        // SAFETY: as above.
        let down = unsafe { libc::syscall(libc::SYS_brk, base) } as usize;
        if up == base + 4096 && down == base {
            Ok(())
        } else {
            Err(format!("brk moved to {up:#x}, {down:#x}"))
        }
    })
}

extern "C" fn noop_handler(_sig: libc::c_int) {}

pub fn sigaction(n: u64) -> Res<u64> {
    time(n, || {
        // SAFETY: an all-zero sigaction is a valid value of the C struct.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = noop_handler as *const () as usize;
        // SAFETY: as above.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: both structs are valid; SIGUSR2 is not used elsewhere.
        check(
            unsafe { libc::sigaction(libc::SIGUSR2, &sa, &mut old) } as i64,
            "sigaction",
        )
        .map(drop)
    })
}

pub fn sigprocmask(n: u64) -> Res<u64> {
    // SAFETY: an all-zero sigset is valid; sigemptyset/sigaddset fill it.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR2);
    }
    time(n, || {
        // SAFETY: `set` is valid; blocking then unblocking SIGUSR2 leaves
        // the mask as it was.
        let r = unsafe {
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())
                | libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut())
        };
        if r == 0 {
            Ok(())
        } else {
            Err(format!("sigprocmask: {}", errno()))
        }
    })
}

static DELIVERED: AtomicU64 = AtomicU64::new(0);

extern "C" fn count_handler(_sig: libc::c_int) {
    DELIVERED.fetch_add(1, Ordering::Relaxed);
}

/// kill(getpid(), SIGUSR1) with a handler: entry, frame set-up, handler,
/// sigreturn. Checks the handler ran once per kill.
pub fn signal_delivery(n: u64) -> Res<u64> {
    // SAFETY: an all-zero sigaction is a valid value of the C struct.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = count_handler as *const () as usize;
    // SAFETY: `sa` is valid; the handler only touches an atomic.
    let r = unsafe { libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()) };
    check(r as i64, "sigaction")?;
    // SAFETY: getpid has no preconditions.
    let me = unsafe { libc::getpid() };
    let before = DELIVERED.load(Ordering::Relaxed);
    let r = time(n, || {
        // SAFETY: sending ourselves a signal we handle.
        check(unsafe { libc::kill(me, libc::SIGUSR1) } as i64, "kill").map(drop)
    })?;
    let got = DELIVERED.load(Ordering::Relaxed) - before;
    if got == n {
        Ok(r)
    } else {
        Err(format!("{got} of {n} signals handled"))
    }
}

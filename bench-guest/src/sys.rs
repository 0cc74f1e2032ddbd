//! Thin safe wrappers over the system calls the workloads make. Each returns
//! `Err(String)` naming the call and errno, so a workload that a kernel does
//! not support yet is reported as failed with the reason.
use std::ffi::{CStr, CString};

/// A workload's result: `Err` carries a one-line reason.
pub type Res<T = ()> = Result<T, String>;

/// The errno of the last failed call, as a name-like string.
pub fn errno() -> String {
    let e = std::io::Error::last_os_error();
    format!("{e}")
}

/// Turns a `-1` return into an error naming `what`.
pub fn check(ret: i64, what: &str) -> Res<i64> {
    if ret < 0 {
        Err(format!("{what}: {}", errno()))
    } else {
        Ok(ret)
    }
}

/// Turns `s` into a C string (workload paths and arguments have no NULs).
pub fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL in a workload string")
}

/// An argv or envp array: the C strings and the NULL-terminated pointers.
#[derive(Debug)]
pub struct CVec {
    _strings: Vec<CString>,
    ptrs: Vec<*const libc::c_char>,
}

impl CVec {
    /// Builds the array from `items`.
    pub fn new(items: &[&str]) -> Self {
        let strings: Vec<CString> = items.iter().map(|s| cstr(s)).collect();
        let mut ptrs: Vec<*const libc::c_char> = strings.iter().map(|s| s.as_ptr()).collect();
        ptrs.push(std::ptr::null());
        CVec {
            _strings: strings,
            ptrs,
        }
    }

    /// The NULL-terminated pointer array (valid while `self` lives).
    pub fn as_ptr(&self) -> *const *const libc::c_char {
        self.ptrs.as_ptr()
    }
}

/// What a child runs: prepared before fork so that the child only makes
/// async-signal-safe calls (`dup2`, `execve`, `_exit`).
#[derive(Debug)]
pub struct ExecSpec {
    path: CString,
    argv: CVec,
    envp: CVec,
    /// Descriptor to make the child's stdout, if any.
    pub stdout: Option<i32>,
}

impl ExecSpec {
    /// `path` with `argv` (`argv[0]` included) and an empty-ish environment.
    pub fn new(path: &str, argv: &[&str]) -> Self {
        ExecSpec {
            path: cstr(path),
            argv: CVec::new(argv),
            envp: CVec::new(&["PATH=/bin"]),
            stdout: None,
        }
    }

    /// In the child: redirect, exec, and `_exit(127)` if the exec fails.
    pub fn exec_in_child(&self) -> ! {
        // SAFETY: called in a freshly forked (or vforked) child; the
        // pointers were built before the fork and stay valid; dup2, execve
        // and _exit are async-signal-safe and touch no Rust state.
        unsafe {
            if let Some(fd) = self.stdout {
                libc::dup2(fd, 1);
            }
            libc::execve(self.path.as_ptr(), self.argv.as_ptr(), self.envp.as_ptr());
            libc::_exit(127)
        }
    }

    /// The program's path.
    pub fn path(&self) -> &CStr {
        &self.path
    }

    /// argv and envp for posix_spawn.
    pub fn arrays(&self) -> (*const *const libc::c_char, *const *const libc::c_char) {
        (self.argv.as_ptr(), self.envp.as_ptr())
    }
}

/// `fork()` through libc's wrapper (the point of the project: musl's
/// wrapper writes the child's thread descriptor). The child runs `child`,
/// which should end in `_exit` or `execve` (returning exits 127) and must
/// only make async-signal-safe calls.
pub fn fork_run(child: impl FnOnce()) -> Res<i32> {
    // SAFETY: the process is single-threaded while benchmarks run; the
    // child only runs `child`, which by contract makes async-signal-safe
    // calls and never returns into Rust code that expects one process.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(format!("fork: {}", errno())),
        0 => {
            child();
            exit_now(127)
        }
        pid => Ok(pid),
    }
}

/// `_exit(code)` without running any destructor or atexit handler.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit ends the process at once; always sound to call.
    unsafe { libc::_exit(code) }
}

/// Waits for `pid` and checks it exited with `code`.
pub fn wait_exit(pid: i32, code: i32) -> Res {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid place for waitpid to write.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        if r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return Err(format!("waitpid({pid}): {}", errno()));
    }
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == code {
        Ok(())
    } else if libc::WIFSIGNALED(status) {
        Err(format!("child killed by signal {}", libc::WTERMSIG(status)))
    } else {
        Err(format!("child status {status:#x}, expected exit {code}"))
    }
}

/// A pipe: (read end, write end).
pub fn pipe() -> Res<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` has room for the two descriptors pipe writes.
    check(unsafe { libc::pipe(fds.as_mut_ptr()) } as i64, "pipe")?;
    Ok((fds[0], fds[1]))
}

/// Closes `fd`, ignoring errors (cleanup paths).
pub fn close(fd: i32) {
    // SAFETY: closing a descriptor this program opened and owns.
    unsafe { libc::close(fd) };
}

/// Writes all of `buf` to `fd`.
pub fn write_all(fd: i32, buf: &[u8]) -> Res {
    // SAFETY: `buf` is valid for `buf.len()` bytes.
    let n = unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
    if n as usize == buf.len() {
        Ok(())
    } else {
        Err(format!("write {} bytes: got {n} ({})", buf.len(), errno()))
    }
}

/// Reads exactly `buf.len()` bytes from `fd`.
pub fn read_exact(fd: i32, buf: &mut [u8]) -> Res {
    let mut done = 0;
    while done < buf.len() {
        // SAFETY: the slice from `done` is valid for writes of its length.
        let n = unsafe { libc::read(fd, buf[done..].as_mut_ptr().cast(), buf.len() - done) };
        if n <= 0 {
            return Err(format!("read: got {n} after {done} bytes ({})", errno()));
        }
        done += n as usize;
    }
    Ok(())
}

/// Reads `fd` to end of file.
pub fn read_to_end(fd: i32) -> Res<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            0 => return Ok(out),
            n if n > 0 => out.extend_from_slice(&buf[..n as usize]),
            _ => return Err(format!("read: {}", errno())),
        }
    }
}

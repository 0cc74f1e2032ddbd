//! The optional watchdog (`--watchdog SECS`): a separate process,
//! `bench-watchdog`, that kills this program when one workload makes no
//! progress for SECS seconds of guest time.
//!
//! The harness asks for it only on `fork=ghost` boots. There a fork is a
//! vfork with one shared address space, so a workload whose child waits
//! for its parent (a pipe ping-pong) deadlocks: the parent sleeps until
//! the child execs or exits. Nothing inside this process can end that
//! wait, hence another process; SIGKILL is the one signal the kernel lets
//! end a vfork parent's wait, and this program is init on our kernel, so
//! its death ends the boot at once instead of at the host's timeout. The
//! harness then boots again for the workloads after the hung one.
//!
//! The watchdog is spawned with `posix_spawn`, a real vfork + exec under
//! every strategy (musl runs the child on a stack of its own), so it
//! works under ghost too. It sleeps in `poll` between workloads; the
//! measured columns (Linux, classic, ondemand, hybrid) never run it.
use crate::sys::{check, cstr, errno, write_all, Res};

/// The watchdog program: beside this one (/bin in the initramfs; the
/// build directory when tried on the host).
fn program() -> String {
    let me = std::env::args().next().unwrap_or_default();
    match me.rfind('/') {
        Some(slash) => format!("{}/bench-watchdog", &me[..slash]),
        None => "/bin/bench-watchdog".to_string(),
    }
}

/// The write end of the pipe the watchdog reads workload names from.
#[derive(Debug)]
pub struct Watchdog {
    feed: i32,
}

impl Watchdog {
    /// Starts the watchdog with a budget of `secs` seconds per workload.
    pub fn start(secs: u32) -> Res<Self> {
        let mut fds = [0i32; 2];
        // Close-on-exec on both ends: the watchdog gets the read end as
        // its stdin (dup2 clears the flag there) and no exec'd workload
        // child keeps either end, so the watchdog sees end-of-file once
        // this program exits.
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
        check(r as i64, "pipe2")?;
        let (read_end, feed) = (fds[0], fds[1]);
        let program = program();
        let path = cstr(&program);
        let arg = cstr(&secs.to_string());
        let argv = [path.as_ptr(), arg.as_ptr(), std::ptr::null()];
        let envp = [std::ptr::null::<libc::c_char>()];
        let mut pid: libc::pid_t = 0;
        // SAFETY: the file actions object is initialised before use and
        // destroyed after; path, argv and envp are NUL/NULL-terminated and
        // outlive the call.
        let r = unsafe {
            let mut fa: libc::posix_spawn_file_actions_t = std::mem::zeroed();
            libc::posix_spawn_file_actions_init(&mut fa);
            libc::posix_spawn_file_actions_adddup2(&mut fa, read_end, 0);
            let r = libc::posix_spawn(
                &mut pid,
                path.as_ptr(),
                &fa,
                std::ptr::null(),
                argv.as_ptr() as *const *mut libc::c_char,
                envp.as_ptr() as *const *mut libc::c_char,
            );
            libc::posix_spawn_file_actions_destroy(&mut fa);
            r
        };
        crate::sys::close(read_end);
        if r != 0 {
            crate::sys::close(feed);
            return Err(format!(
                "posix_spawn {program}: {}",
                std::io::Error::from_raw_os_error(r)
            ));
        }
        Ok(Watchdog { feed })
    }

    /// Tells the watchdog that workload `name` starts (its budget restarts).
    pub fn starting(&self, name: &str) -> Res {
        write_all(self.feed, format!("{name}\n").as_bytes())
            .map_err(|e| format!("watchdog feed: {e} ({})", errno()))
    }
}

impl Drop for Watchdog {
    /// Closing the feed ends the watchdog (end-of-file: no more workloads).
    fn drop(&mut self) {
        crate::sys::close(self.feed);
    }
}

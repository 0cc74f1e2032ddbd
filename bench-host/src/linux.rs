//! The host Linux side: memory touched through `mmap` + writes, and fork,
//! vfork and posix_spawn through libc, each followed by the child's
//! `_exit(0)` (or `/bin/true`) and the parent's `waitpid`. All of this
//! crate's unsafe code is here, each block with the reason it is sound.
//!
//! vfork goes through `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)` with a
//! stack of the child's own: that is exactly the kernel call `vfork(2)`
//! makes, but Rust cannot express a function that returns twice on one
//! stack (`libc::vfork` is deprecated for that reason: rust-lang/libc#1596).

use std::ffi::{c_int, c_void, CStr};
use std::io;
use std::ptr::{self, NonNull};

const PAGE: usize = 4096;

/// Anonymous private memory with every 4 KiB page written, in 4 KiB pages
/// (transparent huge pages off for it, like the `vm` crate's simulated
/// MMU, so that a fork copies one PTE per touched page). Unmapped on drop.
#[derive(Debug)]
pub struct TouchedMemory {
    base: NonNull<u8>,
    len: usize,
}

impl TouchedMemory {
    /// Maps `len` bytes (a multiple of 4 KiB) and writes every page.
    pub fn new(len: usize) -> io::Result<TouchedMemory> {
        assert!(
            len > 0 && len.is_multiple_of(PAGE),
            "len must be whole pages"
        );
        let prot = libc::PROT_READ | libc::PROT_WRITE;
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
        // SAFETY: a fresh anonymous mapping at an address the kernel picks
        // aliases nothing; the result is checked before use.
        let ptr = unsafe { libc::mmap(ptr::null_mut(), len, prot, flags, -1, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let mem = TouchedMemory {
            base: NonNull::new(ptr.cast()).expect("mmap returned null"),
            len,
        };
        // SAFETY: advice on the mapping just created, which we own.
        if unsafe { libc::madvise(ptr, len, libc::MADV_NOHUGEPAGE) } != 0 {
            return Err(io::Error::last_os_error());
        }
        for off in (0..len).step_by(PAGE) {
            // SAFETY: `off < len`, inside the writable mapping we own; a
            // volatile write so the touch is not optimised away.
            unsafe { mem.base.as_ptr().add(off).write_volatile(1) };
        }
        Ok(mem)
    }

    /// Mapped bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (never: `new` refuses that).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many of its pages are resident (`mincore`): all of them, or the
    /// benchmark would fork less memory than it says.
    pub fn resident_pages(&self) -> io::Result<usize> {
        let mut vec = vec![0u8; self.len / PAGE];
        // SAFETY: the range is our page-aligned mapping and `vec` has one
        // byte per page of it, as mincore requires.
        let rc = unsafe { libc::mincore(self.base.as_ptr().cast(), self.len, vec.as_mut_ptr()) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(vec.iter().filter(|&&b| b & 1 != 0).count())
    }
}

impl Drop for TouchedMemory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping `new` created, once; no
        // reference into it outlives `self`.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
    }
}

/// Waits for `pid` and checks it exited with status 0.
fn wait_ok(pid: libc::pid_t) -> io::Result<()> {
    let mut status: c_int = 0;
    loop {
        // SAFETY: `status` is a valid out-pointer; `pid` is our child.
        let rc = unsafe { libc::waitpid(pid, &mut status, 0) };
        if rc == pid {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "child {pid} ended with status {status:#x}"
        )))
    }
}

/// `fork()`; the child `_exit(0)`s at once; the parent waits for it.
pub fn fork_exit_wait() -> io::Result<()> {
    // SAFETY: the child only calls `_exit`, which is async-signal-safe, so
    // forking even a multi-threaded process (the test harness) is sound.
    let pid = unsafe { libc::fork() };
    match pid {
        -1 => Err(io::Error::last_os_error()),
        // SAFETY: ends the child without running any parent state.
        0 => unsafe { libc::_exit(0) },
        pid => wait_ok(pid),
    }
}

/// The child's stack for [`vfork_exit_wait`]: the parent is suspended
/// while the child runs, so one stack serves every call in turn.
#[derive(Debug)]
pub struct VforkStack(Box<[u8]>);

impl Default for VforkStack {
    fn default() -> VforkStack {
        VforkStack(vec![0u8; 64 * 1024].into_boxed_slice())
    }
}

extern "C" fn vfork_child(_: *mut c_void) -> c_int {
    // SAFETY: `_exit` ends the child at once; it shares the parent's memory
    // and must not return into or unwind through the parent's frames.
    unsafe { libc::_exit(0) }
}

/// vfork: `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)` on `stack`; the child
/// `_exit(0)`s; the parent, resumed, waits for it.
pub fn vfork_exit_wait(stack: &mut VforkStack) -> io::Result<()> {
    let range = stack.0.as_mut_ptr_range();
    // x86_64 stacks grow down; the top is aligned to 16 bytes.
    let top = (range.end as usize & !15) as *mut c_void;
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
    // SAFETY: `top` is the 16-aligned end of a 64 KiB buffer that outlives
    // the child (CLONE_VFORK returns only once the child has exited), and
    // the child runs only `vfork_child`, which touches nothing but `_exit`.
    let pid = unsafe { libc::clone(vfork_child, top, flags, ptr::null_mut()) };
    if pid == -1 {
        return Err(io::Error::last_os_error());
    }
    wait_ok(pid)
}

/// `posix_spawn(path)` with no arguments and an empty environment, then
/// `waitpid`.
pub fn posix_spawn_wait(path: &CStr) -> io::Result<()> {
    let argv = [path.as_ptr().cast_mut(), ptr::null_mut()];
    let envp = [ptr::null_mut()];
    let mut pid: libc::pid_t = 0;
    // SAFETY: `path` is NUL-terminated; argv and envp are null-terminated
    // arrays that live across the call; default file actions and attributes.
    let rc = unsafe {
        libc::posix_spawn(
            &mut pid,
            path.as_ptr(),
            ptr::null(),
            ptr::null(),
            argv.as_ptr(),
            envp.as_ptr(),
        )
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    wait_ok(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touched_memory_is_resident() {
        let mem = TouchedMemory::new(64 * PAGE).unwrap();
        assert_eq!(mem.len(), 64 * PAGE);
        assert_eq!(mem.resident_pages().unwrap(), 64);
    }

    #[test]
    fn each_way_of_starting_a_child_succeeds() {
        fork_exit_wait().unwrap();
        let mut stack = VforkStack::default();
        vfork_exit_wait(&mut stack).unwrap();
        vfork_exit_wait(&mut stack).unwrap();
        posix_spawn_wait(c"/bin/true").unwrap();
        assert!(
            posix_spawn_wait(c"/bin/false").is_err(),
            "exit status is checked"
        );
        assert!(posix_spawn_wait(c"/nonexistent/x").is_err());
    }
}

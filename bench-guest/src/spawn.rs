//! vfork and posix_spawn, the two ways to start a program without copying
//! the parent's address space.
use crate::sys::{errno, ExecSpec, Res};

/// Size of the stack the vfork child runs on. The child borrows the
/// parent's memory, but Rust cannot call a function that returns twice on
/// one stack (`libc::vfork` is deprecated for that reason), so it gets a
/// stack of its own: what `vfork(2)` does in the kernel is
/// `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)`, which this is.
const CHILD_STACK: usize = 64 * 1024;

/// What the vfork child does.
#[derive(Debug)]
pub enum VforkChild<'a> {
    /// `_exit(code)` at once.
    Exit(i32),
    /// Exec the program.
    Exec(&'a ExecSpec),
}

extern "C" fn vfork_child(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` is the `&VforkChild` that `vfork_run` passed, alive
    // because the parent is suspended until this child execs or exits.
    let what = unsafe { &*(arg as *const VforkChild<'_>) };
    match what {
        VforkChild::Exit(code) => crate::sys::exit_now(*code),
        VforkChild::Exec(spec) => spec.exec_in_child(),
    }
}

/// A reusable stack for vfork children.
#[derive(Debug)]
pub struct VforkStack(Vec<u8>);

impl VforkStack {
    /// Allocates and touches the stack once, outside any timing.
    pub fn new() -> Self {
        VforkStack(vec![1u8; CHILD_STACK])
    }
}

/// Starts a vfork child doing `what` and returns its pid once it has
/// exec'd or exited (the parent sleeps until then).
pub fn vfork_run(stack: &mut VforkStack, what: &VforkChild<'_>) -> Res<i32> {
    let top = stack.0.as_mut_ptr_range().end;
    // 16-byte alignment for the child's first frame.
    let top = (top as usize & !15) as *mut libc::c_void;
    // SAFETY: `top` is the aligned end of a live, writable stack that no
    // one else uses while the child runs; `what` outlives the child's use
    // of it (CLONE_VFORK suspends this thread until exec or exit).
    let pid = unsafe {
        libc::clone(
            vfork_child,
            top,
            libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD,
            what as *const VforkChild<'_> as *mut libc::c_void,
        )
    };
    if pid == -1 {
        Err(format!("clone(CLONE_VM|CLONE_VFORK): {}", errno()))
    } else {
        Ok(pid)
    }
}

/// `posix_spawn` of `spec` (musl implements it with a vfork-style clone).
pub fn posix_spawn(spec: &ExecSpec) -> Res<i32> {
    let mut pid: libc::pid_t = 0;
    let (argv, envp) = spec.arrays();
    // SAFETY: the path, argv and envp arrays are NUL/NULL-terminated and
    // live for the call; null attributes and file actions are allowed.
    let r = unsafe {
        libc::posix_spawn(
            &mut pid,
            spec.path().as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            argv as *const *mut libc::c_char,
            envp as *const *mut libc::c_char,
        )
    };
    if r != 0 {
        Err(format!(
            "posix_spawn: {}",
            std::io::Error::from_raw_os_error(r)
        ))
    } else {
        Ok(pid)
    }
}

//! Which syscalls a borrowing hybrid child may make without promotion:
//! those a fork+exec child makes between fork and execve. Each is safe
//! while the child borrows its parent's page tables because it either
//! touches only kernel-side state (file table, signal dispositions, ids,
//! the thread's own registers) or writes user memory only through
//! `copy_to_user`, which path-copies a borrowed page into the child and
//! never writes through the parent's tables. Any of them that would sleep
//! (a read of an empty pipe, a write to a full one, a read of the
//! terminal) promotes the child in the scheduler before it sleeps
//! (`proc::hybrid::before_sleep`), so none of them can hold the parent
//! waiting. Everything else (memory maps, fork/clone, wait4, kill,
//! futex, nanosleep, ...) promotes first: the child then runs as a classic
//! fork child and the parent wakes.
use linux_abi::nr;

/// Whether syscall `n` may run in a borrowing hybrid child as it is.
pub fn fork_exec_safe(n: usize) -> bool {
    matches!(
        n,
        // Leaving the window: exec and exit release the borrowed space.
        nr::EXECVE | nr::EXIT | nr::EXIT_GROUP
        // File table only (redirections, closing the parent's fds).
        | nr::CLOSE | nr::DUP | nr::DUP2 | nr::DUP3 | nr::FCNTL
        // A shell's child setting up a pipeline (BusyBox's `$(...)` and
        // `a | b` children): new fds in the file table, their numbers
        // written by copy_to_user.
        | nr::PIPE | nr::PIPE2
        // Opening, reading, writing, seeking files: data goes to and from
        // user memory by copy_to_user/copy_from_user; a blocking file
        // promotes by sleep.
        | nr::OPEN | nr::OPENAT | nr::READ | nr::WRITE | nr::READV | nr::WRITEV
        | nr::PREAD64 | nr::LSEEK
        // Listing a directory (BusyBox's glob and `ls` in a subshell):
        // the entries go out by copy_to_user.
        | nr::GETDENTS64
        // Terminal control (tcsetpgrp, tcgetattr): kernel state, results
        // by copy_to_user.
        | nr::IOCTL
        // Signal dispositions and masks (kernel state; old values by
        // copy_to_user); sigreturn reads the frame the kernel wrote by
        // copy_to_user on the child's own (copied) stack.
        | nr::RT_SIGACTION | nr::RT_SIGPROCMASK | nr::RT_SIGRETURN | nr::SIGALTSTACK
        // Process groups, sessions, ids: kernel state.
        | nr::SETPGID | nr::SETSID | nr::GETPID | nr::GETTID | nr::GETPPID
        | nr::GETPGRP | nr::GETPGID | nr::GETUID | nr::GETEUID | nr::GETGID | nr::GETEGID
        // Thread bookkeeping libc's fork wrapper does: kernel state only
        // (the addresses are stored, written at exit by copy_to_user).
        | nr::SET_TID_ADDRESS | nr::SET_ROBUST_LIST | nr::ARCH_PRCTL
        // BusyBox names a forked applet with prctl(PR_SET_NAME), a
        // supervisor's child asks for PR_SET_PDEATHSIG: kernel state
        // (PR_GET_* results by copy_to_user).
        | nr::PRCTL
        // Working directory, file-creation mask: kernel state.
        | nr::CHDIR | nr::FCHDIR | nr::UMASK
        // Looking up the program to exec and reading clocks: results by
        // copy_to_user.
        | nr::STAT | nr::LSTAT | nr::FSTAT | nr::NEWFSTATAT | nr::STATX | nr::ACCESS
        | nr::FACCESSAT | nr::FACCESSAT2 | nr::GETCWD | nr::UNAME | nr::CLOCK_GETTIME | nr::TIME
        | nr::PRLIMIT64 | nr::GETRANDOM
        // Giving up the CPU: the child stays runnable and touches no
        // memory; the parent keeps waiting and the CPU budget still
        // bounds the window (a yield is not a sleep).
        | nr::SCHED_YIELD
    )
}

/// Runs before every syscall: a borrowing child making a syscall outside
/// [`fork_exec_safe`] is promoted to a classic child first.
pub fn check(n: u64) {
    if !crate::proc::hybrid::current_is_borrowing() {
        return;
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if !fork_exec_safe(n) {
        let name = linux_abi::syscall_name(n as u64).unwrap_or("unknown");
        crate::proc::hybrid::promote_current(crate::proc::hybrid::Reason::Syscall(name));
    }
}

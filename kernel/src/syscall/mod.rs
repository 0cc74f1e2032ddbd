//! The Linux x86_64 system-call table. Handlers take the raw argument
//! registers and return a value or an errno; unknown numbers get ENOSYS and
//! are logged once each.
mod cred;
mod fd;
mod io;
mod ioctl;
mod lookup;
mod mem;
mod memsync;
mod misc;
mod owner;
mod path;
mod poll;
mod prctl;
mod process;
mod record_lock;
mod rlimit;
mod signal;
mod stat;
mod statfs;
mod syslog;
mod time;
mod timer;
mod uts;
mod window;

use crate::arch::trapframe::TrapFrame;
use core::sync::atomic::{AtomicU64, Ordering};
use linux_abi::{nr, syscall_name, Errno};

/// `AT_FDCWD` as a raw argument.
const AT_FDCWD: u64 = linux_abi::fcntl::AT_FDCWD as u64;

/// `creat(path, mode)` is `open(path, CREAT_FLAGS, mode)`.
const CREAT_FLAGS: u32 =
    linux_abi::fcntl::O_CREAT | linux_abi::fcntl::O_WRONLY | linux_abi::fcntl::O_TRUNC;

/// A handler's result: the value for `rax`, or an errno.
pub type SysResult = Result<u64, Errno>;

/// Bitmap of syscall numbers already reported as unknown.
static REPORTED: [AtomicU64; 8] = [const { AtomicU64::new(0) }; 8];

/// Called by the SYSCALL entry with the user's registers.
pub extern "C" fn syscall_dispatch(frame: &mut TrapFrame) {
    let n = frame.rax;
    let a = [
        frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9,
    ];
    if crate::log::enabled(crate::log::DEBUG + 2) {
        crate::log::print(format_args!("[syscall {n} ...]\n"));
    }
    // The number stays in the frame's error-code slot so that an
    // interrupted call can be restarted (Linux's `orig_ax`).
    frame.error_code = n;
    window::check(n);
    let result = dispatch(n, a, frame);
    if crate::log::enabled(crate::log::DEBUG + 1) {
        let name = syscall_name(n).unwrap_or("?");
        crate::log::print(format_args!(
            "[syscall {name}({:#x}, {:#x}, {:#x}, {:#x}) = {result:x?}]\n",
            a[0], a[1], a[2], a[3]
        ));
    }
    frame.rax = match result {
        Ok(v) => v,
        Err(e) => e.as_syscall_return() as u64,
    };
    crate::proc::sched::return_to_user_checks(frame);
}

fn dispatch(n: u64, a: [u64; 6], frame: &mut TrapFrame) -> SysResult {
    let Ok(n) = usize::try_from(n) else {
        return unknown(n);
    };
    match n {
        nr::READ => io::read(a[0], a[1], a[2]),
        nr::WRITE => io::write(a[0], a[1], a[2]),
        nr::OPEN => fd::openat(AT_FDCWD, a[0], a[1], a[2]),
        nr::CLOSE => fd::close(a[0]),
        nr::STAT => stat::newfstatat(AT_FDCWD, a[0], a[1], 0),
        nr::FSTAT => stat::fstat(a[0], a[1]),
        nr::LSTAT => stat::newfstatat(
            AT_FDCWD,
            a[0],
            a[1],
            u64::from(linux_abi::fcntl::AT_SYMLINK_NOFOLLOW),
        ),
        nr::POLL => poll::poll(a[0], a[1], a[2]),
        nr::PPOLL => poll::ppoll(a[0], a[1], a[2], a[3], a[4]),
        nr::PSELECT6 => poll::pselect6(a[0], a[1], a[2], a[3], a[4], a[5]),
        nr::RT_SIGTIMEDWAIT => signal::rt_sigtimedwait(a[0], a[1], a[2], a[3]),
        nr::LSEEK => io::lseek(a[0], a[1], a[2]),
        nr::MMAP => mem::mmap(a[0], a[1], a[2], a[3], a[4], a[5]),
        nr::MPROTECT => mem::mprotect(a[0], a[1], a[2]),
        nr::MUNMAP => mem::munmap(a[0], a[1]),
        nr::BRK => mem::brk(a[0]),
        nr::RT_SIGACTION => signal::rt_sigaction(a[0], a[1], a[2], a[3]),
        nr::RT_SIGPROCMASK => signal::rt_sigprocmask(a[0], a[1], a[2], a[3]),
        nr::IOCTL => ioctl::ioctl(a[0], a[1], a[2]),
        nr::PREAD64 => io::pread(a[0], a[1], a[2], a[3]),
        nr::PWRITE64 => io::pwrite(a[0], a[1], a[2], a[3]),
        nr::FSYNC | nr::FDATASYNC => path::fsync(a[0]),
        nr::TRUNCATE => path::truncate(a[0], a[1]),
        nr::FTRUNCATE => path::ftruncate(a[0], a[1]),
        nr::FCHDIR => path::fchdir(a[0]),
        nr::RENAME => path::renameat2(AT_FDCWD, a[0], AT_FDCWD, a[1], 0),
        nr::RENAMEAT => path::renameat2(a[0], a[1], a[2], a[3], 0),
        nr::RENAMEAT2 => path::renameat2(a[0], a[1], a[2], a[3], a[4]),
        nr::LINK => path::linkat(AT_FDCWD, a[0], AT_FDCWD, a[1], 0),
        nr::LINKAT => path::linkat(a[0], a[1], a[2], a[3], a[4]),
        nr::SYMLINK => path::symlinkat(a[0], AT_FDCWD, a[1]),
        nr::SYMLINKAT => path::symlinkat(a[0], a[1], a[2]),
        nr::CHMOD => path::fchmodat(AT_FDCWD, a[0], a[1], 0),
        nr::FCHMOD => path::fchmod(a[0], a[1]),
        nr::FCHMODAT => path::fchmodat(a[0], a[1], a[2], 0),
        nr::FCHMODAT2 => path::fchmodat(a[0], a[1], a[2], a[3]),
        nr::UTIMENSAT => path::utimensat(a[0], a[1], a[2], a[3]),
        nr::UMASK => path::umask(a[0]),
        nr::GETPGRP => process::getpgid(0),
        nr::GETSID => process::getsid(a[0]),
        nr::GETPGID => process::getpgid(a[0]),
        nr::SETPGID => process::setpgid(a[0], a[1]),
        nr::SETSID => process::setsid(),
        nr::CLONE => process::clone(a[0], a[1], a[2], a[3], a[4], frame),
        nr::CLONE3 => process::clone3(a[0], a[1], frame),
        nr::FORK => process::fork(frame),
        nr::VFORK => process::vfork(frame),
        nr::EXECVE => process::execve(a[0], a[1], a[2], frame),
        nr::WAIT4 => process::wait4(a[0], a[1], a[2], a[3]),
        nr::WAITID => process::waitid(a[0], a[1], a[2], a[3], a[4]),
        nr::GETRUSAGE => process::getrusage_call(a[0], a[1]),
        nr::FUTEX => process::futex(a[0], a[1], a[2], a[3], a[4], a[5]),
        nr::KILL => signal::kill(a[0], a[1]),
        nr::TGKILL => signal::tgkill(a[0], a[1], a[2]),
        nr::TKILL => signal::tkill(a[0], a[1]),
        nr::RT_SIGPENDING => signal::rt_sigpending(a[0], a[1]),
        nr::RT_SIGSUSPEND => signal::rt_sigsuspend(a[0], a[1]),
        nr::PAUSE => signal::pause(),
        nr::ALARM => timer::alarm(a[0]),
        nr::SETITIMER => timer::setitimer(a[0], a[1], a[2]),
        nr::GETITIMER => timer::getitimer(a[0], a[1]),
        nr::READV => io::readv(a[0], a[1], a[2]),
        nr::WRITEV => io::writev(a[0], a[1], a[2]),
        nr::ACCESS => stat::faccessat(AT_FDCWD, a[0], a[1]),
        nr::PIPE => fd::pipe2(a[0], 0),
        nr::SCHED_YIELD => {
            crate::proc::sched::schedule();
            Ok(0)
        }
        nr::MADVISE => mem::madvise(a[0], a[1], a[2]),
        nr::DUP => fd::dup(a[0]),
        nr::DUP2 => fd::dup2(a[0], a[1]),
        nr::NANOSLEEP => time::nanosleep(a[0], a[1]),
        nr::GETPID => misc::getpid(),
        nr::EXIT => process::exit(a[0]),
        nr::UNAME => uts::uname(a[0]),
        nr::SETHOSTNAME => uts::sethostname(a[0], a[1]),
        nr::SETDOMAINNAME => uts::setdomainname(a[0], a[1]),
        nr::SYSINFO => misc::sysinfo(a[0]),
        nr::SYSLOG => syslog::syslog(a[0], a[1], a[2]),
        nr::FCNTL => fd::fcntl(a[0], a[1], a[2]),
        nr::GETCWD => stat::getcwd(a[0], a[1]),
        nr::CHDIR => path::chdir(a[0]),
        nr::MKDIR => path::mkdirat(AT_FDCWD, a[0], a[1]),
        nr::RMDIR => path::unlinkat(AT_FDCWD, a[0], u64::from(linux_abi::fcntl::AT_REMOVEDIR)),
        nr::UNLINK => path::unlinkat(AT_FDCWD, a[0], 0),
        nr::READLINK => stat::readlinkat(AT_FDCWD, a[0], a[1], a[2]),
        nr::GETTIMEOFDAY => time::gettimeofday(a[0], a[1]),
        nr::TIME => time::time(a[0]),
        nr::SENDFILE => io::sendfile(a[0], a[1], a[2], a[3]),
        nr::GETUID => cred::getid(cred::Kind::User, false),
        nr::GETEUID => cred::getid(cred::Kind::User, true),
        nr::GETGID => cred::getid(cred::Kind::Group, false),
        nr::GETEGID => cred::getid(cred::Kind::Group, true),
        nr::GETRESUID => cred::getres(cred::Kind::User, a[0], a[1], a[2]),
        nr::GETRESGID => cred::getres(cred::Kind::Group, a[0], a[1], a[2]),
        nr::SETRESUID => cred::setres(cred::Kind::User, a[0], a[1], a[2]),
        nr::SETRESGID => cred::setres(cred::Kind::Group, a[0], a[1], a[2]),
        nr::SETUID => cred::set(cred::Kind::User, a[0]),
        nr::SETGID => cred::set(cred::Kind::Group, a[0]),
        nr::SETREUID => cred::setre(cred::Kind::User, a[0], a[1]),
        nr::SETREGID => cred::setre(cred::Kind::Group, a[0], a[1]),
        nr::SETFSUID => cred::setfs(cred::Kind::User, a[0]),
        nr::SETFSGID => cred::setfs(cred::Kind::Group, a[0]),
        nr::GETGROUPS => cred::getgroups(a[0], a[1]),
        nr::SETGROUPS => cred::setgroups(a[0], a[1]),
        nr::PERSONALITY => cred::personality(a[0]),
        nr::CHOWN => owner::fchownat(AT_FDCWD, a[0], a[1], a[2], 0),
        nr::LCHOWN => owner::fchownat(
            AT_FDCWD,
            a[0],
            a[1],
            a[2],
            u64::from(linux_abi::fcntl::AT_SYMLINK_NOFOLLOW),
        ),
        nr::FCHOWN => owner::fchown(a[0], a[1], a[2]),
        nr::FCHOWNAT => owner::fchownat(a[0], a[1], a[2], a[3], a[4]),
        nr::CREAT => fd::openat(AT_FDCWD, a[0], u64::from(CREAT_FLAGS), a[1]),
        nr::STATFS => statfs::statfs(a[0], a[1]),
        nr::FSTATFS => statfs::fstatfs(a[0], a[1]),
        nr::MLOCK => memsync::mlock(a[0], a[1]),
        nr::MLOCK2 => memsync::mlock2(a[0], a[1], a[2]),
        nr::MUNLOCK => memsync::munlock(a[0], a[1]),
        nr::MLOCKALL => memsync::mlockall(a[0]),
        nr::MUNLOCKALL => memsync::munlockall(),
        nr::MSYNC => memsync::msync(a[0], a[1], a[2]),
        nr::GETPPID => misc::getppid(),
        nr::SIGALTSTACK => signal::sigaltstack(a[0], a[1], frame.rsp),
        nr::ARCH_PRCTL => misc::arch_prctl(a[0], a[1]),
        nr::GETTID => Ok(u64::from(crate::proc::sched::current().tid)),
        nr::SET_TID_ADDRESS => misc::set_tid_address(a[0]),
        nr::GETDENTS64 => stat::getdents64(a[0], a[1], a[2]),
        nr::CLOCK_GETTIME => time::clock_gettime(a[0], a[1]),
        nr::CLOCK_GETRES => time::clock_getres(a[0], a[1]),
        nr::CLOCK_NANOSLEEP => time::clock_nanosleep(a[0], a[1], a[2], a[3]),
        nr::EXIT_GROUP => process::exit_group(a[0]),
        nr::OPENAT => fd::openat(a[0], a[1], a[2], a[3]),
        nr::MKDIRAT => path::mkdirat(a[0], a[1], a[2]),
        nr::NEWFSTATAT => stat::newfstatat(a[0], a[1], a[2], a[3]),
        nr::UNLINKAT => path::unlinkat(a[0], a[1], a[2]),
        nr::READLINKAT => stat::readlinkat(a[0], a[1], a[2], a[3]),
        nr::FACCESSAT | nr::FACCESSAT2 => stat::faccessat(a[0], a[1], a[2]),
        nr::SET_ROBUST_LIST => misc::set_robust_list(a[0], a[1]),
        nr::DUP3 => fd::dup3(a[0], a[1], a[2]),
        nr::PIPE2 => fd::pipe2(a[0], a[1]),
        nr::PRLIMIT64 => rlimit::prlimit64(a[0], a[1], a[2], a[3]),
        nr::GETRLIMIT => rlimit::getrlimit(a[0], a[1]),
        nr::SETRLIMIT => rlimit::setrlimit(a[0], a[1]),
        nr::GETRANDOM => misc::getrandom(a[0], a[1], a[2]),
        nr::STATX => stat::statx(a[0], a[1], a[2], a[3], a[4]),
        nr::SCHED_GETAFFINITY => misc::sched_getaffinity(a[0], a[1], a[2]),
        nr::RT_SIGRETURN => signal::rt_sigreturn(frame),
        nr::PRCTL => prctl::prctl(a[0], a[1], a[2], a[3], a[4]),
        nr::RSEQ => prctl::rseq(),
        _ => unknown(n as u64),
    }
}

fn unknown(n: u64) -> SysResult {
    let idx = (n as usize) / 64;
    if let Some(word) = REPORTED.get(idx) {
        let bit = 1 << (n % 64);
        if word.fetch_or(bit, Ordering::Relaxed) & bit != 0 {
            return Err(Errno::ENOSYS);
        }
    }
    let name = syscall_name(n).unwrap_or("?");
    let pid = crate::proc::current_process().map_or(0, |p| p.pid);
    // Info, not a warning: a program that probes for a newer call and
    // falls back (as libc does) is normal, and the default log stays
    // quiet; `loglevel=7` shows each number once.
    crate::info!("pid {pid}: unsupported syscall {n} ({name}): ENOSYS");
    Err(Errno::ENOSYS)
}

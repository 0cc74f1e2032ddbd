//! Passes bad input to system calls and checks each gets Linux's exact
//! errno: null, kernel-half, non-canonical and unmapped pointers; bad file
//! descriptors; bad flags and arguments; unknown syscall numbers. One
//! output line per check; exits 0 only if all match.

use std::ffi::CString;

use user_tests::{syscall, Checker};

const NULL: u64 = 0;
const KERNEL: u64 = 0xffff_8000_0000_0000;
const KERNEL_TEXT: u64 = 0xffff_ffff_8000_0000;
const NON_CANONICAL: u64 = 0x8000_0000_0000_0000;

/// A user address nothing maps: below Linux's `mmap_min_addr` (64 KiB),
/// and below where static executables are linked (4 MiB) on our kernel.
/// (An address freed with munmap is no good: the next mmap reuses it.)
const UNMAPPED: u64 = 0x1000;

/// A mapped page that may not be accessed at all.
fn prot_none_page() -> u64 {
    // SAFETY: a fresh anonymous mapping; nothing else uses it.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    p as u64
}

fn main() {
    let mut c = Checker::new();
    let unmapped = UNMAPPED;
    let bad_pointers = [
        ("NULL", NULL),
        ("kernel", KERNEL),
        ("kernel text", KERNEL_TEXT),
        ("non-canonical", NON_CANONICAL),
        ("unmapped", UNMAPPED),
        ("PROT_NONE", prot_none_page()),
    ];

    // A file to read from, in /tmp (the test cannot rely on anything else
    // being writable).
    let path = format!("/tmp/bad-input-{}", std::process::id());
    std::fs::write(&path, b"0123456789abcdef").expect("create scratch file");
    let cpath = CString::new(path.clone()).unwrap();
    let file = syscall(
        libc::SYS_open,
        &[cpath.as_ptr() as u64, libc::O_RDONLY as u64],
    )
    .expect("open scratch") as u64;
    let root = CString::new("/").unwrap();
    let mut buf = [0u8; 256];
    let good = buf.as_mut_ptr() as u64;

    for (what, ptr) in bad_pointers {
        c.errno(
            format_args!("write(1, {what}, 10)"),
            syscall(libc::SYS_write, &[1, ptr, 10]),
            libc::EFAULT,
        );
        // From offset 0 each time, so there is data to copy: at end of
        // file Linux returns 0 without touching the buffer.
        syscall(libc::SYS_lseek, &[file, 0, 0]).expect("rewind");
        c.errno(
            format_args!("read(file, {what}, 10)"),
            syscall(libc::SYS_read, &[file, ptr, 10]),
            libc::EFAULT,
        );
        c.equal(
            format_args!("offset after read(file, {what})"),
            syscall(libc::SYS_lseek, &[file, 0, 1]),
            Ok(0),
        );
        c.errno(
            format_args!("open({what}, O_RDONLY)"),
            syscall(libc::SYS_open, &[ptr, 0]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("stat({what}, buf)"),
            syscall(libc::SYS_stat, &[ptr, good]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("stat(\"/\", {what})"),
            syscall(libc::SYS_stat, &[root.as_ptr() as u64, ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("fstat(file, {what})"),
            syscall(libc::SYS_fstat, &[file, ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("uname({what})"),
            syscall(libc::SYS_uname, &[ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("clock_gettime(MONOTONIC, {what})"),
            syscall(libc::SYS_clock_gettime, &[1, ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("pipe({what})"),
            syscall(libc::SYS_pipe, &[ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("getcwd({what}, 256)"),
            syscall(libc::SYS_getcwd, &[ptr, 256]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("writev(1, {what}, 1)"),
            syscall(libc::SYS_writev, &[1, ptr, 1]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("chdir({what})"),
            syscall(libc::SYS_chdir, &[ptr]),
            libc::EFAULT,
        );
        c.errno(
            format_args!("nanosleep({what}, NULL)"),
            syscall(libc::SYS_nanosleep, &[ptr, 0]),
            libc::EFAULT,
        );
    }
    // An iovec that is itself fine but points at a bad buffer.
    let iov = [libc::iovec {
        iov_base: KERNEL as *mut libc::c_void,
        iov_len: 8,
    }];
    c.errno(
        "writev(1, [kernel buffer], 1)",
        syscall(libc::SYS_writev, &[1, iov.as_ptr() as u64, 1]),
        libc::EFAULT,
    );

    for fd in [-1i64 as u64, 9999, 1 << 31] {
        c.errno(
            format_args!("read({}, buf, 1)", fd as i64),
            syscall(libc::SYS_read, &[fd, good, 1]),
            libc::EBADF,
        );
        c.errno(
            format_args!("write({}, buf, 1)", fd as i64),
            syscall(libc::SYS_write, &[fd, good, 1]),
            libc::EBADF,
        );
        c.errno(
            format_args!("close({})", fd as i64),
            syscall(libc::SYS_close, &[fd]),
            libc::EBADF,
        );
        c.errno(
            format_args!("fstat({}, buf)", fd as i64),
            syscall(libc::SYS_fstat, &[fd, good]),
            libc::EBADF,
        );
        c.errno(
            format_args!("lseek({}, 0, SEEK_SET)", fd as i64),
            syscall(libc::SYS_lseek, &[fd, 0, 0]),
            libc::EBADF,
        );
        c.errno(
            format_args!("dup({})", fd as i64),
            syscall(libc::SYS_dup, &[fd]),
            libc::EBADF,
        );
    }
    c.errno(
        "dup2(1, -1)",
        syscall(libc::SYS_dup2, &[1, -1i64 as u64]),
        libc::EBADF,
    );
    c.errno(
        "write(read-only file)",
        syscall(libc::SYS_write, &[file, good, 1]),
        libc::EBADF,
    );

    c.errno(
        "open(\"/\", O_WRONLY)",
        syscall(
            libc::SYS_open,
            &[root.as_ptr() as u64, libc::O_WRONLY as u64],
        ),
        libc::EISDIR,
    );
    let missing = CString::new("/no/such/file").unwrap();
    c.errno(
        "open(\"/no/such/file\")",
        syscall(libc::SYS_open, &[missing.as_ptr() as u64, 0]),
        libc::ENOENT,
    );
    let under_file = CString::new(format!("{path}/x")).unwrap();
    c.errno(
        "open(\"file/x\")",
        syscall(libc::SYS_open, &[under_file.as_ptr() as u64, 0]),
        libc::ENOTDIR,
    );
    let long = CString::new(vec![b'a'; 5000]).unwrap();
    c.errno(
        "open(5000-byte path)",
        syscall(libc::SYS_open, &[long.as_ptr() as u64, 0]),
        libc::ENAMETOOLONG,
    );
    let creat_dir = (libc::O_CREAT | libc::O_DIRECTORY) as u64;
    let newpath = CString::new(format!("{path}.new")).unwrap();
    c.errno(
        "open(O_CREAT|O_DIRECTORY)",
        syscall(libc::SYS_open, &[newpath.as_ptr() as u64, creat_dir, 0o644]),
        libc::EINVAL,
    );
    c.errno(
        "lseek(file, 0, whence 42)",
        syscall(libc::SYS_lseek, &[file, 0, 42]),
        libc::EINVAL,
    );
    c.errno(
        "fcntl(file, cmd 9999)",
        syscall(libc::SYS_fcntl, &[file, 9999]),
        libc::EINVAL,
    );
    c.errno(
        "ioctl(file, TCGETS)",
        syscall(libc::SYS_ioctl, &[file, libc::TCGETS as u64, good]),
        libc::ENOTTY,
    );
    c.errno(
        "getdents64(file)",
        syscall(libc::SYS_getdents64, &[file, good, 256]),
        libc::ENOTDIR,
    );
    c.errno(
        "getcwd(buf, 1)",
        syscall(libc::SYS_getcwd, &[good, 1]),
        libc::ERANGE,
    );
    c.errno(
        "writev(1, iov, -1)",
        syscall(libc::SYS_writev, &[1, iov.as_ptr() as u64, -1i64 as u64]),
        libc::EINVAL,
    );
    c.errno(
        "writev(1, iov, 1025)",
        syscall(libc::SYS_writev, &[1, iov.as_ptr() as u64, 1025]),
        libc::EINVAL,
    );
    c.errno(
        "clock_gettime(clock 9999)",
        syscall(libc::SYS_clock_gettime, &[9999, good]),
        libc::EINVAL,
    );
    c.errno(
        "pipe2(fds, bad flags)",
        syscall(libc::SYS_pipe2, &[good, 0xffff]),
        libc::EINVAL,
    );
    let ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 2_000_000_000,
    };
    c.errno(
        "nanosleep(tv_nsec 2e9)",
        syscall(libc::SYS_nanosleep, &[&ts as *const _ as u64, 0]),
        libc::EINVAL,
    );

    let anon = (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS) as u64;
    let rw = (libc::PROT_READ | libc::PROT_WRITE) as u64;
    c.errno(
        "mmap(len 0)",
        syscall(libc::SYS_mmap, &[0, 0, rw, anon, -1i64 as u64, 0]),
        libc::EINVAL,
    );
    c.errno(
        "mmap(no SHARED/PRIVATE)",
        syscall(
            libc::SYS_mmap,
            &[0, 4096, rw, libc::MAP_ANONYMOUS as u64, -1i64 as u64, 0],
        ),
        libc::EINVAL,
    );
    c.errno(
        "mmap(unaligned offset)",
        syscall(
            libc::SYS_mmap,
            &[0, 4096, rw, libc::MAP_PRIVATE as u64, file, 1],
        ),
        libc::EINVAL,
    );
    c.errno(
        "mmap(file, bad fd)",
        syscall(
            libc::SYS_mmap,
            &[0, 4096, rw, libc::MAP_PRIVATE as u64, 9999, 0],
        ),
        libc::EBADF,
    );
    c.errno(
        "mmap(MAP_FIXED at kernel)",
        syscall(
            libc::SYS_mmap,
            &[
                KERNEL,
                4096,
                rw,
                anon | libc::MAP_FIXED as u64,
                -1i64 as u64,
                0,
            ],
        ),
        libc::ENOMEM,
    );
    c.errno(
        "munmap(unaligned)",
        syscall(libc::SYS_munmap, &[unmapped + 1, 4096]),
        libc::EINVAL,
    );
    c.errno(
        "munmap(len 0)",
        syscall(libc::SYS_munmap, &[unmapped, 0]),
        libc::EINVAL,
    );
    c.errno(
        "mprotect(unaligned)",
        syscall(libc::SYS_mprotect, &[unmapped + 1, 4096, 1]),
        libc::EINVAL,
    );
    c.errno(
        "mprotect(unmapped)",
        syscall(libc::SYS_mprotect, &[unmapped, 4096, 1]),
        libc::ENOMEM,
    );
    c.errno(
        "madvise(advice 9999)",
        syscall(libc::SYS_madvise, &[good & !4095, 4096, 9999]),
        libc::EINVAL,
    );
    c.errno(
        "rt_sigprocmask(how 99)",
        syscall(libc::SYS_rt_sigprocmask, &[99, good, 0, 8]),
        libc::EINVAL,
    );
    c.errno(
        "rt_sigaction(SIGKILL)",
        syscall(libc::SYS_rt_sigaction, &[libc::SIGKILL as u64, good, 0, 8]),
        libc::EINVAL,
    );
    c.errno(
        "rt_sigaction(sigsetsize 4)",
        syscall(libc::SYS_rt_sigaction, &[libc::SIGUSR1 as u64, 0, good, 4]),
        libc::EINVAL,
    );
    c.errno(
        "arch_prctl(code 0x9999)",
        syscall(libc::SYS_arch_prctl, &[0x9999, good]),
        libc::EINVAL,
    );

    // 335 (start of the unused range) is left out: some host sandboxes kill it by seccomp.
    for nr in [5000i64, 400, 511, 1000, 100_000, -1] {
        c.errno(
            format_args!("syscall({nr})"),
            syscall(nr, &[]),
            libc::ENOSYS,
        );
    }

    syscall(libc::SYS_close, &[file]).expect("close scratch");
    std::fs::remove_file(&path).expect("remove scratch");
    c.finish("bad_input")
}

//! Checks every struct layout and many constants against the `libc` crate
//! (the host is x86_64 Linux, the ABI we implement). A layout check compares
//! the size and each field's offset, so a misplaced field fails too.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

use core::mem::{offset_of, size_of};

use linux_abi::{
    dirent, resource, signal, stat, statfs, sysinfo, termios, time, uio, utsname, AbiBytes,
};

/// Asserts both types have the same size and each listed field the same offset.
macro_rules! same_layout {
    ($ours:ty, $theirs:ty { $($a:ident = $b:ident),* $(,)? }) => {{
        assert_eq!(size_of::<$ours>(), size_of::<$theirs>(), "size of {}", stringify!($ours));
        assert_eq!(<$ours as AbiBytes>::SIZE, size_of::<$theirs>());
        $(assert_eq!(
            offset_of!($ours, $a),
            offset_of!($theirs, $b),
            "offset of {}.{}", stringify!($ours), stringify!($a)
        );)*
    }};
}

/// Asserts each constant equals libc's, compared as i128 so signedness and
/// width differences between the crates do not matter.
macro_rules! same_values {
    ($($ours:expr => $theirs:expr),* $(,)?) => {
        $(assert_eq!($ours as i128, $theirs as i128, "{}", stringify!($ours));)*
    };
}

#[test]
fn stat_matches_libc() {
    same_layout!(stat::Stat, libc::stat {
        st_dev = st_dev, st_ino = st_ino, st_nlink = st_nlink, st_mode = st_mode, st_uid = st_uid,
        st_gid = st_gid, st_rdev = st_rdev, st_size = st_size, st_blksize = st_blksize,
        st_blocks = st_blocks, st_atime = st_atime, st_atime_nsec = st_atime_nsec,
        st_mtime = st_mtime, st_mtime_nsec = st_mtime_nsec, st_ctime = st_ctime,
        st_ctime_nsec = st_ctime_nsec,
    });
    assert_eq!(size_of::<stat::Stat>(), 144);
}

#[test]
fn statx_matches_libc() {
    same_layout!(stat::StatxTimestamp, libc::statx_timestamp { tv_sec = tv_sec, tv_nsec = tv_nsec });
    same_layout!(stat::Statx, libc::statx {
        stx_mask = stx_mask, stx_blksize = stx_blksize, stx_attributes = stx_attributes,
        stx_nlink = stx_nlink, stx_uid = stx_uid, stx_gid = stx_gid, stx_mode = stx_mode,
        stx_ino = stx_ino, stx_size = stx_size, stx_blocks = stx_blocks,
        stx_attributes_mask = stx_attributes_mask, stx_atime = stx_atime, stx_btime = stx_btime,
        stx_ctime = stx_ctime, stx_mtime = stx_mtime, stx_rdev_major = stx_rdev_major,
        stx_rdev_minor = stx_rdev_minor, stx_dev_major = stx_dev_major,
        stx_dev_minor = stx_dev_minor, stx_mnt_id = stx_mnt_id,
        stx_dio_mem_align = stx_dio_mem_align, stx_dio_offset_align = stx_dio_offset_align,
    });
}

#[test]
fn time_resource_io_structs_match_libc() {
    same_layout!(time::Timespec, libc::timespec { tv_sec = tv_sec, tv_nsec = tv_nsec });
    same_layout!(time::Timeval, libc::timeval { tv_sec = tv_sec, tv_usec = tv_usec });
    // libc::timezone is opaque; the kernel struct is two ints.
    assert_eq!(size_of::<time::Timezone>(), 8);
    same_layout!(statfs::Statfs, libc::statfs {
        f_type = f_type, f_bsize = f_bsize, f_blocks = f_blocks, f_bfree = f_bfree,
        f_bavail = f_bavail, f_files = f_files, f_ffree = f_ffree, f_namelen = f_namelen,
        f_frsize = f_frsize,
    });
    same_layout!(resource::Rlimit, libc::rlimit { rlim_cur = rlim_cur, rlim_max = rlim_max });
    same_layout!(resource::Rusage, libc::rusage {
        ru_utime = ru_utime, ru_stime = ru_stime, ru_maxrss = ru_maxrss, ru_minflt = ru_minflt,
        ru_nivcsw = ru_nivcsw,
    });
    same_layout!(uio::Iovec, libc::iovec { iov_base = iov_base, iov_len = iov_len });
    same_layout!(uio::Pollfd, libc::pollfd { fd = fd, events = events, revents = revents });
    same_layout!(utsname::Utsname, libc::utsname {
        sysname = sysname, nodename = nodename, release = release, version = version,
        machine = machine, domainname = domainname,
    });
    same_layout!(sysinfo::Sysinfo, libc::sysinfo {
        uptime = uptime, loads = loads, totalram = totalram, freeram = freeram,
        sharedram = sharedram, bufferram = bufferram, totalswap = totalswap,
        freeswap = freeswap, procs = procs, pad = pad, totalhigh = totalhigh,
        freehigh = freehigh, mem_unit = mem_unit,
    });
    same_layout!(termios::Winsize, libc::winsize {
        ws_row = ws_row, ws_col = ws_col, ws_xpixel = ws_xpixel, ws_ypixel = ws_ypixel,
    });
}

#[test]
fn signal_structs_match_libc() {
    same_layout!(signal::StackT, libc::stack_t { ss_sp = ss_sp, ss_flags = ss_flags, ss_size = ss_size });
    assert_eq!(size_of::<signal::SigInfo>(), size_of::<libc::siginfo_t>());
    // The kernel's sigaction has no libc twin: check it against the kernel's
    // documented order (handler, flags, restorer, mask).
    assert_eq!(offset_of!(signal::KernelSigaction, sa_flags), 8);
    assert_eq!(offset_of!(signal::KernelSigaction, sa_mask), 24);
}

#[test]
fn siginfo_union_fields_land_where_libc_reads_them() {
    let mut raw = [0u8; 128];
    signal::SigInfo::fault(signal::SIGSEGV, signal::si_code::SEGV_MAPERR, 0xdead_beef)
        .try_write_to(&mut raw)
        .unwrap();
    let info = libc_siginfo(&raw);
    assert_eq!(info.si_signo, libc::SIGSEGV);
    assert_eq!(info.si_code, 1); // SEGV_MAPERR
                                 // SAFETY: `si_addr` is the union member libc defines for SIGSEGV.
    assert_eq!(unsafe { info.si_addr() } as u64, 0xdead_beef);

    signal::SigInfo::child(signal::si_code::CLD_EXITED, 42, 1000, 7, 0, 0)
        .try_write_to(&mut raw)
        .unwrap();
    let info = libc_siginfo(&raw);
    // SAFETY: these accessors read the SIGCHLD union member, which `child` wrote.
    unsafe {
        assert_eq!(info.si_pid(), 42);
        assert_eq!(info.si_uid(), 1000);
        assert_eq!(info.si_status(), 7);
    }
}

fn libc_siginfo(raw: &[u8; 128]) -> libc::siginfo_t {
    // SAFETY: siginfo_t is plain integers and a pointer-sized union, 128
    // bytes (asserted above); any bit pattern is a valid value.
    unsafe { core::ptr::read_unaligned(raw.as_ptr().cast::<libc::siginfo_t>()) }
}

#[test]
fn kernel_termios_is_a_prefix_of_libcs() {
    assert_eq!(
        offset_of!(termios::Termios, c_line),
        offset_of!(libc::termios, c_line)
    );
    assert_eq!(
        offset_of!(termios::Termios, c_cc),
        offset_of!(libc::termios, c_cc)
    );
    assert_eq!(size_of::<termios::Termios>(), 36);
    let d = termios::Termios::linux_default();
    same_values!(
        d.c_cc[termios::VINTR] => 3, d.c_cc[termios::VERASE] => 127, d.c_cc[termios::VMIN] => 1,
        termios::VEOF => libc::VEOF, termios::VMIN => libc::VMIN, termios::VTIME => libc::VTIME,
        termios::VSUSP => libc::VSUSP, termios::VWERASE => libc::VWERASE,
        termios::ICANON => libc::ICANON, termios::ECHO => libc::ECHO, termios::ISIG => libc::ISIG,
        termios::IEXTEN => libc::IEXTEN, termios::ECHOCTL => libc::ECHOCTL, termios::ECHOKE => libc::ECHOKE,
        termios::ICRNL => libc::ICRNL, termios::IXON => libc::IXON, termios::OPOST => libc::OPOST,
        termios::ONLCR => libc::ONLCR, termios::CS8 => libc::CS8, termios::CREAD => libc::CREAD,
        termios::B38400 => libc::B38400, termios::HUPCL => libc::HUPCL,
        termios::ioctl::TCGETS => libc::TCGETS, termios::ioctl::TCSETS => libc::TCSETS,
        termios::ioctl::TCSETSW => libc::TCSETSW, termios::ioctl::TCSETSF => libc::TCSETSF,
        termios::ioctl::TIOCGWINSZ => libc::TIOCGWINSZ, termios::ioctl::TIOCSWINSZ => libc::TIOCSWINSZ,
        termios::ioctl::TIOCGPGRP => libc::TIOCGPGRP, termios::ioctl::TIOCSPGRP => libc::TIOCSPGRP,
        termios::ioctl::FIONREAD => libc::FIONREAD, termios::ioctl::TIOCSCTTY => libc::TIOCSCTTY,
        termios::ioctl::FIONBIO => libc::FIONBIO, termios::ioctl::FIOCLEX => libc::FIOCLEX,
    );
}

#[test]
fn dirent64_records_match_libc_offsets() {
    assert_eq!(
        dirent::DIRENT64_NAME_OFFSET,
        offset_of!(libc::dirent64, d_name)
    );
    assert_eq!(offset_of!(libc::dirent64, d_reclen), 16);
    assert_eq!(offset_of!(libc::dirent64, d_type), 18);
    let mut buf = [0xffu8; 64];
    let len = dirent::write_dirent64(&mut buf, 12, 3, dirent::DT_REG, b"hello").unwrap();
    assert_eq!(len, 32);
    assert_eq!(u64::from_le_bytes(buf[0..8].try_into().unwrap()), 12);
    assert_eq!(i64::from_le_bytes(buf[8..16].try_into().unwrap()), 3);
    assert_eq!(u16::from_le_bytes(buf[16..18].try_into().unwrap()), 32);
    assert_eq!(&buf[19..25], b"hello\0");
    assert!(buf[25..32].iter().all(|&b| b == 0), "padding is zeroed");
    assert_eq!(buf[32], 0xff, "nothing written past the record");
    assert_eq!(
        dirent::write_dirent64(&mut buf[..31], 1, 1, dirent::DT_REG, b"hello"),
        None
    );
    same_values!(
        dirent::DT_REG => libc::DT_REG, dirent::DT_DIR => libc::DT_DIR, dirent::DT_LNK => libc::DT_LNK,
        dirent::DT_CHR => libc::DT_CHR, dirent::DT_FIFO => libc::DT_FIFO, dirent::DT_SOCK => libc::DT_SOCK,
        dirent::dtype_from_mode(0o100644) => libc::DT_REG, dirent::dtype_from_mode(0o040755) => libc::DT_DIR,
        dirent::dtype_from_mode(0o120777) => libc::DT_LNK, dirent::dtype_from_mode(0o020620) => libc::DT_CHR,
    );
}

#[test]
fn byte_images_round_trip_and_are_little_endian() {
    let st = stat::Stat {
        st_ino: 0x0102_0304_0506_0708,
        st_mode: 0o100_644,
        st_size: -1,
        ..Default::default()
    };
    let mut raw = [0u8; stat::Stat::SIZE];
    st.try_write_to(&mut raw).unwrap();
    assert_eq!(&raw[8..16], &[8, 7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(&raw[24..28], &0o100_644u32.to_le_bytes());
    assert_eq!(stat::Stat::try_read_from(&raw).unwrap(), st);
    // The image is what the C struct holds: read it back through libc's type.
    // SAFETY: libc::stat is plain integers, 144 bytes (checked above).
    let c: libc::stat = unsafe { core::ptr::read_unaligned(raw.as_ptr().cast()) };
    assert_eq!(
        (c.st_ino, c.st_mode, c.st_size),
        (0x0102_0304_0506_0708, 0o100_644, -1)
    );
    assert_eq!(
        stat::Stat::try_read_from(&raw[..143]),
        Err(linux_abi::TooShort {
            needed: 144,
            got: 143
        })
    );

    let uts = utsname::Utsname::new("Linux", "host", "6.1.0", "#1", "x86_64");
    let mut raw = [0u8; utsname::Utsname::SIZE];
    uts.try_write_to(&mut raw).unwrap();
    assert_eq!(&raw[..6], b"Linux\0");
    assert_eq!(&raw[4 * 65..4 * 65 + 7], b"x86_64\0");
    assert_eq!(utsname::Utsname::try_read_from(&raw).unwrap(), uts);
}

#[test]
fn sigset_keeps_kill_and_stop_unblockable() {
    let set = signal::SigSet::EMPTY
        .with(signal::SIGKILL)
        .with(signal::SIGINT)
        .with(signal::SIGSTOP);
    assert!(set.contains(signal::SIGKILL));
    let blockable = set.blockable();
    assert!(!blockable.contains(signal::SIGKILL) && !blockable.contains(signal::SIGSTOP));
    assert_eq!(blockable.first(), Some(signal::SIGINT));
    assert!(!set.with(0).contains(0) && !set.with(65).contains(65));
    assert_eq!(
        signal::default_action(signal::SIGCHLD),
        signal::DefaultAction::Ignore
    );
    assert_eq!(
        signal::default_action(signal::SIGSEGV),
        signal::DefaultAction::CoreDump
    );
    assert_eq!(signal::default_action(40), signal::DefaultAction::Terminate);
}

#[test]
fn signal_frame_matches_glibc_ucontext() {
    use linux_abi::sigframe::{RtSigframe, SigContext, SignalFrameLayout, UContext};
    // The registers sit where glibc's REG_* indices say.
    let reg = |index: i32| index as usize * 8;
    assert_eq!(offset_of!(SigContext, r8), reg(libc::REG_R8));
    assert_eq!(offset_of!(SigContext, rdi), reg(libc::REG_RDI));
    assert_eq!(offset_of!(SigContext, rax), reg(libc::REG_RAX));
    assert_eq!(offset_of!(SigContext, rsp), reg(libc::REG_RSP));
    assert_eq!(offset_of!(SigContext, rip), reg(libc::REG_RIP));
    assert_eq!(offset_of!(SigContext, eflags), reg(libc::REG_EFL));
    assert_eq!(offset_of!(SigContext, cs), reg(libc::REG_CSGSFS));
    assert_eq!(offset_of!(SigContext, err), reg(libc::REG_ERR));
    assert_eq!(offset_of!(SigContext, trapno), reg(libc::REG_TRAPNO));
    assert_eq!(offset_of!(SigContext, oldmask), reg(libc::REG_OLDMASK));
    assert_eq!(offset_of!(SigContext, cr2), reg(libc::REG_CR2));
    assert_eq!(
        offset_of!(SigContext, fpstate),
        offset_of!(libc::mcontext_t, fpregs)
    );
    assert_eq!(size_of::<SigContext>(), size_of::<libc::mcontext_t>());
    assert_eq!(
        offset_of!(UContext, uc_stack),
        offset_of!(libc::ucontext_t, uc_stack)
    );
    assert_eq!(
        offset_of!(UContext, uc_mcontext),
        offset_of!(libc::ucontext_t, uc_mcontext)
    );
    assert_eq!(
        offset_of!(UContext, uc_sigmask),
        offset_of!(libc::ucontext_t, uc_sigmask)
    );
    assert_eq!(offset_of!(RtSigframe, uc), 8);
    assert_eq!(offset_of!(RtSigframe, info), 312);

    let top = 0x7fff_ffff_f000;
    let layout = SignalFrameLayout::new(top, 512).unwrap();
    assert_eq!(layout.fpstate % 64, 0);
    assert!(
        layout.fpstate + 512 <= top - 128,
        "FPU state below the red zone"
    );
    assert!(
        layout.frame + RtSigframe::SIZE as u64 <= layout.fpstate,
        "frame below the FPU state"
    );
    assert_eq!(
        (layout.frame + 8) % 16,
        0,
        "handler entry looks like a call"
    );
    assert_eq!(SignalFrameLayout::new(100, 512), None);
    let alt = SignalFrameLayout::on_alternate_stack(0x10_0000, 512).unwrap();
    assert_eq!(
        alt.fpstate,
        0x10_0000 - 512,
        "no red zone on the alternate stack"
    );
}

//! File system calls.
use super::uaccess::{
    access_ok, copy_from_user, copy_to_user, read_path, read_struct, write_struct,
};
use super::SysResult;
use crate::fs::file::{NodeKind, OpenFile, Target};
use crate::fs::pipe::Pipe;
use crate::fs::{now, with_fs, Device};
use crate::proc::current_process;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use linux_abi::fcntl::*;
use linux_abi::stat::{Stat, Statx};
use linux_abi::termios::{ioctl as tio, Termios};
use linux_abi::uio::{Iovec, Pollfd, POLLIN, POLLNVAL, POLLOUT, UIO_MAXIOV};
use linux_abi::Errno;
use memfs::{FileType, Ino};

/// Largest single read or write (Linux's MAX_RW_COUNT is a little less
/// than 2 GiB; a smaller cap keeps kernel buffers reasonable).
const MAX_RW: usize = 1 << 24;

fn file(fd: u64) -> Result<Arc<OpenFile>, Errno> {
    let p = current_process().ok_or(Errno::EBADF)?;
    let f = p.files.lock().get(fd as i32);
    f
}

fn cwd() -> Ino {
    current_process().map_or(crate::fs::root(), |p| *p.cwd.lock())
}

use super::fs_meta::dir_base;

pub fn read(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    let mut k = vec![0u8; len.min(1 << 16)];
    if !f.is_regular() {
        // Devices and pipes: one read of what is there.
        let n = f.read(&mut k)?;
        copy_to_user(buf, &k[..n])?;
        return Ok(n as u64);
    }
    // Regular files, in chunks; the offset only moves past bytes that
    // reached the caller, so a bad buffer consumes nothing.
    let mut off = f.offset.lock();
    let mut done = 0;
    while done < len {
        let want = (len - done).min(k.len());
        let n = f.read_at(*off, &mut k[..want])?;
        if let Err(e) = copy_to_user(buf + done as u64, &k[..n]) {
            return if done > 0 { Ok(done as u64) } else { Err(e) };
        }
        *off += n as u64;
        done += n;
        if n < want {
            break;
        }
    }
    Ok(done as u64)
}

pub fn write(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(1 << 16);
        let mut k = vec![0u8; chunk];
        copy_from_user(buf + done as u64, &mut k)?;
        let n = f.write(&k)?;
        done += n;
        if n < chunk {
            break;
        }
    }
    Ok(done as u64)
}

pub fn pread(fd: u64, buf: u64, len: u64, off: u64) -> SysResult {
    let f = file(fd)?;
    if (off as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    let mut k = vec![0u8; len];
    let n = f.read_at(off, &mut k)?;
    copy_to_user(buf, &k[..n])?;
    Ok(n as u64)
}

pub fn pwrite(fd: u64, buf: u64, len: u64, off: u64) -> SysResult {
    let f = file(fd)?;
    if (off as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    let len = (len as usize).min(MAX_RW);
    let data = super::uaccess::read_bytes(buf, len)?;
    Ok(f.write_at(off, &data)? as u64)
}

fn iovecs(iov: u64, count: u64) -> Result<Vec<Iovec>, Errno> {
    if count as usize > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::new();
    let mut total: u64 = 0;
    for i in 0..count {
        let e: Iovec = read_struct(iov + i * 16)?;
        total = total.checked_add(e.iov_len).ok_or(Errno::EINVAL)?;
        if total > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        v.push(e);
    }
    Ok(v)
}

pub fn readv(fd: u64, iov: u64, count: u64) -> SysResult {
    file(fd)?;
    let mut total = 0;
    for e in iovecs(iov, count)? {
        let n = read(fd, e.iov_base, e.iov_len)?;
        total += n;
        if n < e.iov_len {
            break;
        }
    }
    Ok(total)
}

pub fn writev(fd: u64, iov: u64, count: u64) -> SysResult {
    file(fd)?;
    let mut total = 0;
    for e in iovecs(iov, count)? {
        let n = write(fd, e.iov_base, e.iov_len)?;
        total += n;
        if n < e.iov_len {
            break;
        }
    }
    Ok(total)
}

pub fn openat(dirfd: u64, path: u64, flags: u64, mode: u64) -> SysResult {
    let path = read_path(path)?;
    let base = dir_base(dirfd, path.as_bytes())?;
    let flags = flags as u32;
    let p = current_process().ok_or(Errno::EBADF)?;
    let perm = mode as u32 & 0o7777 & !p.umask.load(Ordering::Relaxed);
    let f = OpenFile::open(base, path.as_bytes(), flags, perm)?;
    let fd = p.files.lock().insert(f, flags & O_CLOEXEC != 0)?;
    Ok(fd as u64)
}

pub fn close(fd: u64) -> SysResult {
    let p = current_process().ok_or(Errno::EBADF)?;
    p.files.lock().close(fd as i32)?;
    Ok(0)
}

pub fn lseek(fd: u64, off: u64, whence: u64) -> SysResult {
    file(fd)?.seek(off as i64, whence as u32)
}

/// Device number `stat` reports for the filesystem.
const FS_DEV: u64 = 1;

fn pipe_stat() -> Stat {
    let mut s: Stat = linux_abi::AbiBytes::zeroed();
    s.st_mode = linux_abi::stat::mode::S_IFIFO | 0o600;
    s.st_blksize = 4096;
    s.st_nlink = 1;
    s
}

fn stat_file(f: &OpenFile) -> Result<Stat, Errno> {
    match f.node() {
        Some((ino, _)) => Ok(with_fs(|fs| fs.metadata(ino))?.to_stat(FS_DEV)),
        None => Ok(pipe_stat()),
    }
}

pub fn fstat(fd: u64, buf: u64) -> SysResult {
    let s = stat_file(&*file(fd)?)?;
    write_struct(buf, &s)?;
    Ok(0)
}

/// What a `*stat*at` call names: an inode, or (AT_EMPTY_PATH on a pipe)
/// an open file without one.
enum StatTarget {
    Ino(Ino),
    File(Arc<OpenFile>),
}

fn lookup_at(dirfd: u64, path: u64, flags: u32) -> Result<StatTarget, Errno> {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | 0x6000) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path);
    let empty = matches!(&p, Ok(s) if s.is_empty()) || matches!(p, Err(Errno::ENOENT));
    if flags & AT_EMPTY_PATH != 0 && empty {
        if dirfd as i32 == AT_FDCWD {
            return Ok(StatTarget::Ino(cwd()));
        }
        return Ok(StatTarget::File(file(dirfd)?));
    }
    let p = p?;
    let base = dir_base(dirfd, p.as_bytes())?;
    let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
    Ok(StatTarget::Ino(with_fs(|fs| {
        fs.lookup(base, p.as_bytes(), follow)
    })?))
}

pub fn newfstatat(dirfd: u64, path: u64, buf: u64, flags: u64) -> SysResult {
    let s = match lookup_at(dirfd, path, flags as u32)? {
        StatTarget::Ino(ino) => with_fs(|fs| fs.metadata(ino))?.to_stat(FS_DEV),
        StatTarget::File(f) => stat_file(&f)?,
    };
    write_struct(buf, &s)?;
    Ok(0)
}

pub fn statx(dirfd: u64, path: u64, flags: u64, _mask: u64, buf: u64) -> SysResult {
    let x: Statx = match lookup_at(dirfd, path, flags as u32)? {
        StatTarget::Ino(ino) => with_fs(|fs| fs.metadata(ino))?.to_statx(0, FS_DEV as u32),
        StatTarget::File(f) => match f.node() {
            Some((ino, _)) => with_fs(|fs| fs.metadata(ino))?.to_statx(0, FS_DEV as u32),
            None => {
                let mut x: Statx = linux_abi::AbiBytes::zeroed();
                x.stx_mask = linux_abi::stat::statx_mask::STATX_BASIC_STATS;
                x.stx_mode = (linux_abi::stat::mode::S_IFIFO | 0o600) as u16;
                x.stx_nlink = 1;
                x.stx_blksize = 4096;
                x
            }
        },
    };
    write_struct(buf, &x)?;
    Ok(0)
}

pub fn faccessat(dirfd: u64, path: u64, mode: u64) -> SysResult {
    if mode & !7 != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, p.as_bytes())?;
    with_fs(|fs| fs.lookup(base, p.as_bytes(), true))?;
    Ok(0)
}

pub fn readlinkat(dirfd: u64, path: u64, buf: u64, size: u64) -> SysResult {
    if (size as i64) <= 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, p.as_bytes())?;
    let target = with_fs(|fs| -> Result<_, Errno> {
        let ino = fs.lookup(base, p.as_bytes(), false)?;
        Ok(fs.readlink(ino)?.to_vec())
    })?;
    let n = target.len().min(size as usize);
    copy_to_user(buf, &target[..n])?;
    Ok(n as u64)
}

pub fn ioctl(fd: u64, cmd: u64, arg: u64) -> SysResult {
    let f = file(fd)?;
    let is_tty = matches!(f.node(), Some((_, NodeKind::Dev(Device::Console))));
    let cmd = cmd as u32;
    match cmd {
        tio::FIOCLEX | tio::FIONCLEX => {
            let p = current_process().ok_or(Errno::EBADF)?;
            p.files.lock().set_cloexec(fd as i32, cmd == tio::FIOCLEX)?;
            Ok(0)
        }
        _ if !is_tty => Err(Errno::ENOTTY),
        tio::TCGETS => {
            write_struct(arg, &crate::fs::console::termios())?;
            Ok(0)
        }
        tio::TCSETS | tio::TCSETSW | tio::TCSETSF => {
            let t: Termios = read_struct(arg)?;
            crate::fs::console::set_termios(t, cmd == tio::TCSETSF);
            Ok(0)
        }
        tio::TIOCGWINSZ => {
            write_struct(arg, &crate::fs::console::winsize())?;
            Ok(0)
        }
        tio::TIOCSWINSZ => Ok(0),
        tio::TIOCGPGRP | tio::TIOCGSID => {
            let pid = current_process().map_or(0, |p| p.pid);
            write_struct(arg, &(pid as i32))?;
            Ok(0)
        }
        tio::TIOCSPGRP | tio::TIOCSCTTY => Ok(0),
        tio::FIONREAD => {
            write_struct(arg, &(crate::fs::console::readable() as i32))?;
            Ok(0)
        }
        _ => Err(Errno::ENOTTY),
    }
}

pub fn getdents64(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let ino = match f.node() {
        Some((ino, NodeKind::Dir)) => ino,
        _ => return Err(Errno::ENOTDIR),
    };
    let mut out = vec![0u8; (len as usize).min(1 << 20)];
    let mut pos = f.offset.lock();
    let (used, next) = with_fs(|fs| fs.getdents64(ino, *pos, &mut out))?;
    copy_to_user(buf, &out[..used])?;
    *pos = next;
    Ok(used as u64)
}

pub fn getcwd(buf: u64, size: u64) -> SysResult {
    let mut b = with_fs(|fs| fs.path_of(cwd()))?;
    b.push(0);
    if (size as usize) < b.len() {
        return Err(Errno::ERANGE);
    }
    copy_to_user(buf, &b)?;
    Ok(b.len() as u64)
}

pub fn chdir(path: u64) -> SysResult {
    let p = read_path(path)?;
    let ino = with_fs(|fs| -> Result<Ino, Errno> {
        let ino = fs.lookup(cwd(), p.as_bytes(), true)?;
        match fs.file_type(ino)? {
            FileType::Directory => Ok(ino),
            _ => Err(Errno::ENOTDIR),
        }
    })?;
    let proc = current_process().ok_or(Errno::ESRCH)?;
    *proc.cwd.lock() = ino;
    Ok(0)
}

pub fn mkdirat(dirfd: u64, path: u64, mode: u64) -> SysResult {
    let p = read_path(path)?;
    let base = dir_base(dirfd, p.as_bytes())?;
    let umask = current_process().map_or(0, |p| p.umask.load(Ordering::Relaxed));
    with_fs(|fs| fs.mkdir(base, p.as_bytes(), mode as u32 & 0o7777 & !umask, now()))?;
    Ok(0)
}

pub fn unlinkat(dirfd: u64, path: u64, flags: u64) -> SysResult {
    let flags = flags as u32;
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, p.as_bytes())?;
    with_fs(|fs| {
        if flags & AT_REMOVEDIR != 0 {
            fs.rmdir(base, p.as_bytes(), now())
        } else {
            fs.unlink(base, p.as_bytes(), now())
        }
    })?;
    Ok(0)
}

fn dup_to(old: i32, new: i32, cloexec: bool) -> SysResult {
    if !(0..crate::fs::fdtable::MAX_FDS as i32).contains(&new) {
        return Err(Errno::EBADF);
    }
    let p = current_process().ok_or(Errno::EBADF)?;
    let mut files = p.files.lock();
    let f = files.get(old)?;
    files.set(new as usize, f, cloexec);
    Ok(new as u64)
}

pub fn dup(fd: u64) -> SysResult {
    let p = current_process().ok_or(Errno::EBADF)?;
    let mut files = p.files.lock();
    let f = files.get(fd as i32)?;
    Ok(files.insert(f, false)? as u64)
}

pub fn dup2(old: u64, new: u64) -> SysResult {
    if old == new {
        file(old)?;
        return Ok(new);
    }
    dup_to(old as i32, new as i32, false)
}

pub fn dup3(old: u64, new: u64, flags: u64) -> SysResult {
    if flags as u32 & !O_CLOEXEC != 0 || old == new {
        return Err(Errno::EINVAL);
    }
    dup_to(old as i32, new as i32, flags as u32 & O_CLOEXEC != 0)
}

pub fn fcntl(fd: u64, cmd: u64, arg: u64) -> SysResult {
    let p = current_process().ok_or(Errno::EBADF)?;
    let mut files = p.files.lock();
    let f = files.get(fd as i32)?;
    match cmd as u32 {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            if arg as usize >= crate::fs::fdtable::MAX_FDS {
                return Err(Errno::EINVAL);
            }
            Ok(files.insert_from(arg as usize, f, cmd as u32 == F_DUPFD_CLOEXEC)? as u64)
        }
        F_GETFD => Ok(u64::from(files.cloexec(fd as i32)?)),
        F_SETFD => {
            files.set_cloexec(fd as i32, arg & u64::from(FD_CLOEXEC) != 0)?;
            Ok(0)
        }
        F_GETFL => Ok(u64::from(f.flags.load(Ordering::Relaxed))),
        F_SETFL => {
            let settable = O_APPEND | O_NONBLOCK;
            let old = f.flags.load(Ordering::Relaxed);
            f.flags.store(
                (old & !settable) | (arg as u32 & settable),
                Ordering::Relaxed,
            );
            Ok(0)
        }
        F_GETLK | F_SETLK | F_SETLKW => Ok(0),
        _ => Err(Errno::EINVAL),
    }
}

pub fn pipe2(fds: u64, flags: u64) -> SysResult {
    let flags = flags as u32;
    if flags & !(O_CLOEXEC | O_NONBLOCK | O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    let pipe = Arc::new(Pipe::new());
    let nb = flags & O_NONBLOCK;
    let r = OpenFile::pipe(Target::PipeRead(pipe.clone()), O_RDONLY | nb);
    let w = OpenFile::pipe(Target::PipeWrite(pipe), O_WRONLY | nb);
    let p = current_process().ok_or(Errno::EBADF)?;
    let cloexec = flags & O_CLOEXEC != 0;
    let (rfd, wfd) = {
        let mut files = p.files.lock();
        let rfd = files.insert(r, cloexec)?;
        match files.insert(w, cloexec) {
            Ok(wfd) => (rfd, wfd),
            Err(e) => {
                let _ = files.close(rfd);
                return Err(e);
            }
        }
    };
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&rfd.to_le_bytes());
    out[4..].copy_from_slice(&wfd.to_le_bytes());
    if let Err(e) = copy_to_user(fds, &out) {
        let mut files = p.files.lock();
        let _ = files.close(rfd);
        let _ = files.close(wfd);
        return Err(e);
    }
    Ok(0)
}

fn poll_ready(f: &OpenFile) -> i16 {
    match &f.target {
        Target::PipeRead(p) => {
            if !p.is_empty() || p.writers.load(Ordering::Relaxed) == 0 {
                POLLIN
            } else {
                0
            }
        }
        Target::PipeWrite(p) => {
            if p.has_room() {
                POLLOUT
            } else {
                0
            }
        }
        Target::Node(_, kind) => match kind {
            NodeKind::Dev(Device::Console) => {
                POLLOUT
                    | if crate::fs::console::readable() {
                        POLLIN
                    } else {
                        0
                    }
            }
            _ => POLLIN | POLLOUT,
        },
    }
}

pub fn poll(fds: u64, nfds: u64, timeout_ms: u64) -> SysResult {
    if nfds as usize > crate::fs::fdtable::MAX_FDS {
        return Err(Errno::EINVAL);
    }
    let timeout = timeout_ms as i32;
    let deadline = (timeout >= 0)
        .then(|| crate::time::ticks() + crate::time::ns_to_ticks(timeout as u64 * 1_000_000));
    let mut list: Vec<Pollfd> = (0..nfds)
        .map(|i| read_struct(fds + i * 8))
        .collect::<Result<_, _>>()?;
    loop {
        let mut ready = 0;
        for p in list.iter_mut() {
            p.revents = if p.fd < 0 {
                0
            } else {
                match file(p.fd as u64) {
                    Ok(f) => poll_ready(&f) & (p.events | 0x18),
                    Err(_) => POLLNVAL,
                }
            };
            if p.revents != 0 {
                ready += 1;
            }
        }
        let expired = deadline.is_some_and(|d| crate::time::ticks() >= d);
        if ready > 0 || expired {
            for (i, p) in list.iter().enumerate() {
                write_struct(fds + i as u64 * 8, p)?;
            }
            return Ok(ready);
        }
        if crate::proc::current_has_fatal_signal() {
            return Err(Errno::EINTR);
        }
        // Sleep a tick and look again: simple, and poll is rare here.
        crate::proc::sched::sleep_until(crate::time::ticks() + 1);
    }
}

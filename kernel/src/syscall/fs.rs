//! File system calls.
use super::uaccess::{copy_from_user, copy_to_user, read_path, read_struct, write_struct};
use super::SysResult;
use crate::fs::file::{OpenFile, Target};
use crate::fs::pipe::Pipe;
use crate::fs::ramfs::{self, Inode, Kind};
use crate::proc::current_process;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use linux_abi::fcntl::*;
use linux_abi::stat::{makedev, Stat, Statx, StatxTimestamp};
use linux_abi::termios::{ioctl as tio, Termios};
use linux_abi::uio::{Iovec, Pollfd, POLLIN, POLLNVAL, POLLOUT, UIO_MAXIOV};
use linux_abi::Errno;

/// Largest single read or write (Linux's MAX_RW_COUNT is a little less
/// than 2 GiB; a smaller cap keeps kernel buffers reasonable).
const MAX_RW: usize = 1 << 24;

fn file(fd: u64) -> Result<Arc<OpenFile>, Errno> {
    let p = current_process().ok_or(Errno::EBADF)?;
    let f = p.files.lock().get(fd as i32);
    f
}

fn cwd() -> String {
    current_process().map_or_else(|| String::from("/"), |p| p.cwd.lock().clone())
}

/// The directory a `*at` call's `dirfd` names, as a path.
fn dir_base(dirfd: u64, path: &str) -> Result<String, Errno> {
    if path.starts_with('/') || dirfd as i32 == AT_FDCWD {
        return Ok(cwd());
    }
    let f = file(dirfd)?;
    let node = f.node().ok_or(Errno::ENOTDIR)?;
    if !node.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    // Directory fds remember their path in the ramfs by searching for it.
    dir_path(node).ok_or(Errno::ENOENT)
}

fn dir_path(target: &Arc<Inode>) -> Option<String> {
    fn walk(dir: &Arc<Inode>, path: &mut String, target: &Arc<Inode>) -> bool {
        if Arc::ptr_eq(dir, target) {
            return true;
        }
        let Ok(entries) = dir.list() else {
            return false;
        };
        for (name, node) in entries {
            if node.is_dir() {
                let len = path.len();
                path.push('/');
                path.push_str(&name);
                if walk(&node, path, target) {
                    return true;
                }
                path.truncate(len);
            }
        }
        false
    }
    let mut p = String::new();
    walk(&ramfs::root(), &mut p, target).then(|| if p.is_empty() { String::from("/") } else { p })
}

pub fn read(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
    let mut k = vec![0u8; len.min(1 << 16)];
    let mut done = 0;
    // Regular files are read in chunks so a large read needs no large
    // kernel buffer; other files return after one read.
    loop {
        let want = (len - done).min(k.len());
        let n = f.read(&mut k[..want])?;
        copy_to_user(buf + done as u64, &k[..n])?;
        done += n;
        let regular = matches!(f.node().map(|n| &n.kind), Some(Kind::File(_)));
        if n < want || done == len || !regular {
            return Ok(done as u64);
        }
    }
}

pub fn write(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
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
    let mut k = vec![0u8; (len as usize).min(MAX_RW)];
    let n = f.read_at(off, &mut k)?;
    copy_to_user(buf, &k[..n])?;
    Ok(n as u64)
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
    let flags = flags as u32;
    let base = dir_base(dirfd, &path)?;
    let follow = flags & O_NOFOLLOW == 0;
    let node = match ramfs::resolve(&base, &path, follow) {
        Ok(n) => {
            if flags & O_CREAT != 0 && flags & O_EXCL != 0 {
                return Err(Errno::EEXIST);
            }
            n
        }
        Err(Errno::ENOENT) if flags & O_CREAT != 0 => {
            let (parent, name) = ramfs::resolve_parent(&base, &path)?;
            let node = Inode::new(
                Kind::File(spin::Mutex::new(Vec::new())),
                mode as u32 & 0o7777,
            );
            parent.link(&name, node.clone())?;
            node
        }
        Err(e) => return Err(e),
    };
    if matches!(node.kind, Kind::Symlink(_)) {
        return Err(Errno::ELOOP);
    }
    let acc = flags & O_ACCMODE;
    if flags & O_DIRECTORY != 0 && !node.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    if node.is_dir() && acc != O_RDONLY {
        return Err(Errno::EISDIR);
    }
    if acc == O_ACCMODE {
        return Err(Errno::EINVAL);
    }
    if let Kind::File(data) = &node.kind {
        if flags & O_TRUNC != 0 && acc != O_RDONLY {
            data.lock().clear();
        }
    }
    let keep = O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY | O_LARGEFILE;
    let f = OpenFile::new(Target::Node(node), flags & keep);
    let p = current_process().ok_or(Errno::EBADF)?;
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

fn stat_of(node: &Inode) -> Stat {
    let mode = node.mode();
    let size = node.size();
    let rdev = match node.kind {
        Kind::Dev(d) => {
            let (ma, mi) = d.numbers();
            makedev(ma, mi)
        }
        _ => 0,
    };
    let t = node.mtime.load(Ordering::Relaxed) as i64;
    let nlink = if node.is_dir() { 2 } else { 1 };
    Stat {
        st_dev: 1,
        st_ino: node.ino,
        st_nlink: nlink,
        st_mode: mode,
        st_uid: 0,
        st_gid: 0,
        pad0: 0,
        st_rdev: rdev,
        st_size: size as i64,
        st_blksize: 4096,
        st_blocks: size.div_ceil(512) as i64,
        st_atime: t,
        st_atime_nsec: 0,
        st_mtime: t,
        st_mtime_nsec: 0,
        st_ctime: t,
        st_ctime_nsec: 0,
        unused: [0; 3],
    }
}

fn pipe_stat() -> Stat {
    let mut s: Stat = linux_abi::AbiBytes::zeroed();
    s.st_mode = linux_abi::stat::mode::S_IFIFO | 0o600;
    s.st_blksize = 4096;
    s.st_nlink = 1;
    s
}

fn stat_file(f: &OpenFile) -> Stat {
    match f.node() {
        Some(n) => stat_of(n),
        None => pipe_stat(),
    }
}

pub fn fstat(fd: u64, buf: u64) -> SysResult {
    let s = stat_file(&*file(fd)?);
    write_struct(buf, &s)?;
    Ok(0)
}

fn lookup_at(dirfd: u64, path: u64, flags: u32) -> Result<Stat, Errno> {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | 0x6000) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path);
    match p {
        Err(Errno::ENOENT) | Ok(_)
            if flags & AT_EMPTY_PATH != 0 && p.as_deref().map_or(true, str::is_empty) =>
        {
            if dirfd as i32 == AT_FDCWD {
                let node = ramfs::resolve("/", &cwd(), true)?;
                return Ok(stat_of(&node));
            }
            Ok(stat_file(&*file(dirfd)?))
        }
        Ok(p) => {
            let base = dir_base(dirfd, &p)?;
            let node = ramfs::resolve(&base, &p, flags & AT_SYMLINK_NOFOLLOW == 0)?;
            Ok(stat_of(&node))
        }
        Err(e) => Err(e),
    }
}

pub fn newfstatat(dirfd: u64, path: u64, buf: u64, flags: u64) -> SysResult {
    let s = lookup_at(dirfd, path, flags as u32)?;
    write_struct(buf, &s)?;
    Ok(0)
}

pub fn statx(dirfd: u64, path: u64, flags: u64, _mask: u64, buf: u64) -> SysResult {
    let s = lookup_at(dirfd, path, flags as u32)?;
    let ts = |sec: i64| StatxTimestamp {
        tv_sec: sec,
        tv_nsec: 0,
        reserved: 0,
    };
    let mut x: Statx = linux_abi::AbiBytes::zeroed();
    x.stx_mask = linux_abi::stat::statx_mask::STATX_BASIC_STATS;
    x.stx_blksize = 4096;
    x.stx_nlink = s.st_nlink as u32;
    x.stx_mode = s.st_mode as u16;
    x.stx_ino = s.st_ino;
    x.stx_size = s.st_size as u64;
    x.stx_blocks = s.st_blocks as u64;
    x.stx_atime = ts(s.st_atime);
    x.stx_ctime = ts(s.st_ctime);
    x.stx_mtime = ts(s.st_mtime);
    x.stx_rdev_major = linux_abi::stat::major(s.st_rdev);
    x.stx_rdev_minor = linux_abi::stat::minor(s.st_rdev);
    x.stx_dev_major = 0;
    x.stx_dev_minor = 1;
    write_struct(buf, &x)?;
    Ok(0)
}

pub fn faccessat(dirfd: u64, path: u64, mode: u64) -> SysResult {
    if mode & !7 != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, &p)?;
    ramfs::resolve(&base, &p, true)?;
    Ok(0)
}

pub fn readlinkat(dirfd: u64, path: u64, buf: u64, size: u64) -> SysResult {
    if (size as i64) <= 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, &p)?;
    let node = ramfs::resolve(&base, &p, false)?;
    let Kind::Symlink(t) = &node.kind else {
        return Err(Errno::EINVAL);
    };
    let n = t.len().min(size as usize);
    copy_to_user(buf, &t.as_bytes()[..n])?;
    Ok(n as u64)
}

pub fn ioctl(fd: u64, cmd: u64, arg: u64) -> SysResult {
    let f = file(fd)?;
    let is_tty = matches!(
        f.node().map(|n| &n.kind),
        Some(Kind::Dev(ramfs::Device::Console))
    );
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
    let node = f.node().ok_or(Errno::ENOTDIR)?;
    let entries = node.list()?;
    let mut out = vec![0u8; (len as usize).min(1 << 20)];
    let mut used = 0;
    let mut pos = f.offset.lock();
    // Cursor positions: 0 = ".", 1 = "..", 2.. = entries in name order.
    loop {
        let i = *pos as usize;
        let (name, ino, dtype): (&[u8], u64, u8) = match i {
            0 => (b".", node.ino, linux_abi::dirent::DT_DIR),
            1 => (b"..", node.ino, linux_abi::dirent::DT_DIR),
            _ => match entries.get(i - 2) {
                Some((n, child)) => (
                    n.as_bytes(),
                    child.ino,
                    linux_abi::dirent::dtype_from_mode(child.mode()),
                ),
                None => break,
            },
        };
        match linux_abi::dirent::write_dirent64(&mut out[used..], ino, (i + 1) as i64, dtype, name)
        {
            Some(n) => {
                used += n;
                *pos += 1;
            }
            None if used == 0 => return Err(Errno::EINVAL),
            None => break,
        }
    }
    drop(pos);
    copy_to_user(buf, &out[..used])?;
    Ok(used as u64)
}

pub fn getcwd(buf: u64, size: u64) -> SysResult {
    let c = cwd();
    if (size as usize) < c.len() + 1 {
        return Err(Errno::ERANGE);
    }
    let mut b = c.into_bytes();
    b.push(0);
    copy_to_user(buf, &b)?;
    Ok(b.len() as u64)
}

pub fn chdir(path: u64) -> SysResult {
    let p = read_path(path)?;
    let c = cwd();
    let node = ramfs::resolve(&c, &p, true)?;
    if !node.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    let proc = current_process().ok_or(Errno::ESRCH)?;
    let new = dir_path(&node).unwrap_or_else(|| ramfs::normalize(&c, &p));
    *proc.cwd.lock() = new;
    Ok(0)
}

pub fn mkdirat(dirfd: u64, path: u64, mode: u64) -> SysResult {
    let p = read_path(path)?;
    let base = dir_base(dirfd, &p)?;
    if ramfs::resolve(&base, &p, false).is_ok() {
        return Err(Errno::EEXIST);
    }
    let (parent, name) = ramfs::resolve_parent(&base, &p)?;
    parent.link(&name, Inode::new_dir(mode as u32 & 0o7777))?;
    Ok(0)
}

pub fn unlinkat(dirfd: u64, path: u64, flags: u64) -> SysResult {
    let flags = flags as u32;
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, &p)?;
    let (parent, name) = ramfs::resolve_parent(&base, &p)?;
    parent.unlink(&name, flags & AT_REMOVEDIR != 0)?;
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
    let r = OpenFile::new(Target::PipeRead(pipe.clone()), O_RDONLY | nb);
    let w = OpenFile::new(Target::PipeWrite(pipe), O_WRONLY | nb);
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
        Target::Node(n) => match n.kind {
            Kind::Dev(ramfs::Device::Console) => {
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

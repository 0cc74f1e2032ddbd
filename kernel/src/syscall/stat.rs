//! Looking at files: stat, statx, access, readlink, getdents64, getcwd.
use super::lookup::{cwd, dir_base, file, file_raw};
use super::SysResult;
use crate::fs::file::{NodeKind, OpenFile};
use crate::fs::with_fs;
use crate::proc::uaccess::{copy_to_user, read_path, write_struct};
use alloc::sync::Arc;
use linux_abi::fcntl::*;
use linux_abi::stat::{Stat, Statx};
use linux_abi::Errno;
use memfs::Ino;

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
    use crate::fs::file::Target;
    use linux_abi::stat::mode::{S_IFDIR, S_IFREG};
    let synthetic = |mode: u32| {
        let mut s = pipe_stat();
        s.st_mode = mode;
        s
    };
    match (&f.target, f.node()) {
        (_, Some((ino, _))) => Ok(with_fs(|fs| fs.metadata(ino))?.to_stat(FS_DEV)),
        (Target::Snapshot(_), _) => Ok(synthetic(S_IFREG | 0o444)),
        (Target::DirSnapshot(_), _) => Ok(synthetic(S_IFDIR | 0o555)),
        _ => Ok(pipe_stat()),
    }
}

pub fn fstat(fd: u64, buf: u64) -> SysResult {
    let s = stat_file(&*file_raw(fd)?)?;
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
        return Ok(StatTarget::File(file_raw(dirfd)?));
    }
    let p = p?;
    if crate::proc::procfs::is_proc_path(&p) {
        return Ok(StatTarget::File(super::fd::open_proc(&p)?));
    }
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

pub fn getdents64(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    if let crate::fs::file::Target::DirSnapshot(entries) = &f.target {
        return getdents_snapshot(&f, entries, buf, len);
    }
    let ino = match f.node() {
        Some((ino, NodeKind::Dir)) => ino,
        _ => return Err(Errno::ENOTDIR),
    };
    let mut out = crate::proc::uaccess::zeroed_buffer((len as usize).min(1 << 20))?;
    let mut pos = f.offset.lock();
    let (used, next) = with_fs(|fs| fs.getdents64(ino, *pos, &mut out))?;
    copy_to_user(buf, &out[..used])?;
    *pos = next;
    Ok(used as u64)
}

fn getdents_snapshot(
    f: &OpenFile,
    entries: &[(alloc::string::String, u8)],
    buf: u64,
    len: u64,
) -> SysResult {
    let mut out = crate::proc::uaccess::zeroed_buffer((len as usize).min(1 << 20))?;
    let mut pos = f.offset.lock();
    let mut used = 0;
    for (i, (name, dtype)) in entries.iter().enumerate().skip(*pos as usize) {
        let next = (i + 1) as i64;
        match linux_abi::dirent::write_dirent64(
            &mut out[used..],
            i as u64 + 1,
            next,
            *dtype,
            name.as_bytes(),
        ) {
            Some(n) => {
                used += n;
                *pos = next as u64;
            }
            None if used == 0 => return Err(Errno::EINVAL),
            None => break,
        }
    }
    copy_to_user(buf, &out[..used])?;
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

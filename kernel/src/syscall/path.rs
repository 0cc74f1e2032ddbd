//! The name space and metadata: chdir, mkdir, unlink, rename, link,
//! symlink, truncate, chmod, utimensat, umask, fsync.
use super::lookup::{cwd, dir_base, file, file_raw};
use super::SysResult;
use crate::fs::file::NodeKind;
use crate::fs::{now, with_fs};
use crate::proc::current_process;
use crate::proc::uaccess::{read_path, read_struct};
use core::sync::atomic::Ordering;
use linux_abi::fcntl::{AT_EMPTY_PATH, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW};
use linux_abi::time::Timespec;
use linux_abi::Errno;
use memfs::{FileType, Ino};

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

pub fn fchdir(fd: u64) -> SysResult {
    match file_raw(fd)?.node() {
        Some((ino, NodeKind::Dir)) => {
            let p = current_process().ok_or(Errno::ESRCH)?;
            *p.cwd.lock() = ino;
            Ok(0)
        }
        _ => Err(Errno::ENOTDIR),
    }
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

fn check_len(len: u64) -> Result<u64, Errno> {
    if (len as i64) < 0 {
        Err(Errno::EINVAL)
    } else {
        Ok(len)
    }
}

pub fn ftruncate(fd: u64, len: u64) -> SysResult {
    let len = check_len(len)?;
    let f = file(fd)?;
    let acc = f.flags.load(Ordering::Relaxed) & linux_abi::fcntl::O_ACCMODE;
    match f.node() {
        Some((ino, NodeKind::File)) if acc != linux_abi::fcntl::O_RDONLY => {
            with_fs(|fs| fs.truncate(ino, len, now()))?;
            Ok(0)
        }
        Some((_, NodeKind::Dir)) => Err(Errno::EISDIR),
        _ => Err(Errno::EINVAL),
    }
}

pub fn truncate(path: u64, len: u64) -> SysResult {
    let len = check_len(len)?;
    let p = read_path(path)?;
    with_fs(|fs| {
        let ino = fs.lookup(cwd(), p.as_bytes(), true)?;
        match fs.file_type(ino)? {
            FileType::Regular => fs.truncate(ino, len, now()),
            FileType::Directory => Err(Errno::EISDIR),
            _ => Err(Errno::EINVAL),
        }
    })?;
    Ok(0)
}

pub fn fchmodat(dirfd: u64, path: u64, mode: u64, flags: u64) -> SysResult {
    if flags as u32 & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path)?;
    let base = dir_base(dirfd, p.as_bytes())?;
    with_fs(|fs| {
        let ino = fs.lookup(base, p.as_bytes(), true)?;
        fs.set_perm(ino, mode as u32 & 0o7777, now())
    })?;
    Ok(0)
}

pub fn fchmod(fd: u64, mode: u64) -> SysResult {
    let (ino, _) = file(fd)?.node().ok_or(Errno::EINVAL)?;
    with_fs(|fs| fs.set_perm(ino, mode as u32 & 0o7777, now()))?;
    Ok(0)
}

pub fn renameat2(olddir: u64, old: u64, newdir: u64, new: u64, flags: u64) -> SysResult {
    if flags != 0 {
        return Err(Errno::EINVAL); // RENAME_NOREPLACE etc.: not yet
    }
    let (o, n) = (read_path(old)?, read_path(new)?);
    let (ob, nb) = (
        dir_base(olddir, o.as_bytes())?,
        dir_base(newdir, n.as_bytes())?,
    );
    with_fs(|fs| fs.rename(ob, o.as_bytes(), nb, n.as_bytes(), now()))?;
    Ok(0)
}

pub fn linkat(olddir: u64, old: u64, newdir: u64, new: u64, flags: u64) -> SysResult {
    if flags as u32 & !(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let (o, n) = (read_path(old)?, read_path(new)?);
    let (ob, nb) = (
        dir_base(olddir, o.as_bytes())?,
        dir_base(newdir, n.as_bytes())?,
    );
    with_fs(|fs| fs.link(ob, o.as_bytes(), nb, n.as_bytes(), now()))?;
    Ok(0)
}

pub fn symlinkat(target: u64, newdir: u64, new: u64) -> SysResult {
    let (t, n) = (read_path(target)?, read_path(new)?);
    let nb = dir_base(newdir, n.as_bytes())?;
    with_fs(|fs| fs.symlink(t.as_bytes(), nb, n.as_bytes(), now()))?;
    Ok(0)
}

pub fn utimensat(dirfd: u64, path: u64, times: u64, flags: u64) -> SysResult {
    const UTIME_NOW: i64 = (1 << 30) - 1;
    const UTIME_OMIT: i64 = (1 << 30) - 2;
    if flags as u32 & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let t = now();
    let pick = |ts: Timespec| -> Result<Option<Timespec>, Errno> {
        match ts.tv_nsec {
            UTIME_NOW => Ok(Some(t)),
            UTIME_OMIT => Ok(None),
            _ if ts.is_valid() => Ok(Some(ts)),
            _ => Err(Errno::EINVAL),
        }
    };
    let (atime, mtime) = if times == 0 {
        (Some(t), Some(t))
    } else {
        let a: Timespec = read_struct(times)?;
        let m: Timespec = read_struct(times + 16)?;
        (pick(a)?, pick(m)?)
    };
    let ino = if path == 0 {
        file(dirfd)?.node().ok_or(Errno::EINVAL)?.0
    } else {
        let p = read_path(path)?;
        let base = dir_base(dirfd, p.as_bytes())?;
        let follow = flags as u32 & AT_SYMLINK_NOFOLLOW == 0;
        with_fs(|fs| fs.lookup(base, p.as_bytes(), follow))?
    };
    with_fs(|fs| fs.set_times(ino, atime, mtime, t))?;
    Ok(0)
}

pub fn umask(mask: u64) -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    Ok(u64::from(
        p.umask.swap(mask as u32 & 0o777, Ordering::Relaxed),
    ))
}

pub fn fsync(fd: u64) -> SysResult {
    file(fd)?;
    Ok(0) // memory is the backing store
}

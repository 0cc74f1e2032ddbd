//! Descriptors: open, close, dup, fcntl, pipe.
use super::lookup::{dir_base, file_raw};
use super::SysResult;
use crate::fs::file::{OpenFile, Target};
use crate::fs::pipe::Pipe;
use crate::proc::current_process;
use crate::proc::uaccess::{copy_to_user, read_path};
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use linux_abi::fcntl::*;
use linux_abi::Errno;

pub fn openat(dirfd: u64, path: u64, flags: u64, mode: u64) -> SysResult {
    let path = read_path(path)?;
    let flags = flags as u32;
    let p = current_process().ok_or(Errno::EBADF)?;
    if crate::proc::procfs::is_proc_path(&path) {
        if flags & O_ACCMODE != O_RDONLY {
            return Err(Errno::EACCES);
        }
        let f = open_proc(&path)?;
        if flags & O_DIRECTORY != 0 && !matches!(f.target, Target::DirSnapshot(_)) {
            return Err(Errno::ENOTDIR);
        }
        return Ok(p.files.lock().insert(f, flags & O_CLOEXEC != 0)? as u64);
    }
    let base = dir_base(dirfd, path.as_bytes())?;
    let perm = mode as u32 & 0o7777 & !p.umask.load(Ordering::Relaxed);
    let f = OpenFile::open(base, path.as_bytes(), flags, perm)?;
    let fd = p.files.lock().insert(f, flags & O_CLOEXEC != 0)?;
    Ok(fd as u64)
}

/// Opens a `/proc` file or directory as a snapshot of its contents.
pub fn open_proc(path: &str) -> Result<Arc<OpenFile>, Errno> {
    Ok(match crate::proc::procfs::read(path)? {
        crate::proc::procfs::Node::File(bytes) => OpenFile::snapshot(bytes),
        crate::proc::procfs::Node::Dir(entries) => OpenFile::dir_snapshot(entries),
    })
}

pub fn close(fd: u64) -> SysResult {
    let p = current_process().ok_or(Errno::EBADF)?;
    p.files.lock().close(fd as i32)?;
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
        file_raw(old)?;
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
        F_GETPIPE_SZ | F_SETPIPE_SZ => {
            let (Target::PipeRead(pipe) | Target::PipeWrite(pipe)) = &f.target else {
                return Err(Errno::EBADF);
            };
            if cmd as u32 == F_GETPIPE_SZ {
                return Ok(pipe.capacity() as u64);
            }
            let privileged = p.cred.lock().privileged();
            Ok(pipe.set_capacity(arg as u32 as u64, privileged)? as u64)
        }
        F_GETLK | F_SETLK | F_SETLKW => super::record_lock::record_lock(&f, cmd as u32, arg),
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

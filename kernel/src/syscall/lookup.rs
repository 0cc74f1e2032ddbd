//! Resolving descriptor and path arguments: the open file behind an fd,
//! the caller's working directory, and the directory a `*at` call names.
use crate::fs::file::{NodeKind, OpenFile};
use crate::proc::current_process;
use alloc::sync::Arc;
use linux_abi::fcntl::AT_FDCWD;
use linux_abi::Errno;
use memfs::Ino;

/// The open file behind `fd`, O_PATH descriptors included: those name a
/// file for fstat, fchdir, fstatfs and the `*at` calls, nothing more.
pub(super) fn file_raw(fd: u64) -> Result<Arc<OpenFile>, Errno> {
    let p = current_process().ok_or(Errno::EBADF)?;
    let f = p.files.lock().get(fd as i32);
    f
}

/// The open file behind `fd` for an operation on the file itself (read,
/// write, ioctl, fchmod, ...): EBADF for an O_PATH descriptor, as
/// Linux's `fdget` gives.
pub(super) fn file(fd: u64) -> Result<Arc<OpenFile>, Errno> {
    let f = file_raw(fd)?;
    if f.is_path_only() {
        return Err(Errno::EBADF);
    }
    Ok(f)
}

/// The calling process's working directory.
pub(super) fn cwd() -> Ino {
    current_process().map_or(crate::fs::root(), |p| *p.cwd.lock())
}

/// The directory a `*at` call's `dirfd` names.
pub(super) fn dir_base(dirfd: u64, path: &[u8]) -> Result<Ino, Errno> {
    if path.starts_with(b"/") || dirfd as i32 == AT_FDCWD {
        return Ok(cwd());
    }
    match file_raw(dirfd)?.node() {
        Some((ino, NodeKind::Dir)) => Ok(ino),
        _ => Err(Errno::ENOTDIR),
    }
}

//! Resolving descriptor and path arguments: the open file behind an fd,
//! the caller's working directory, and the directory a `*at` call names.
use crate::fs::file::{NodeKind, OpenFile};
use crate::proc::current_process;
use alloc::sync::Arc;
use linux_abi::fcntl::AT_FDCWD;
use linux_abi::Errno;
use memfs::Ino;

/// The open file behind `fd`.
pub(super) fn file(fd: u64) -> Result<Arc<OpenFile>, Errno> {
    let p = current_process().ok_or(Errno::EBADF)?;
    let f = p.files.lock().get(fd as i32);
    f
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
    match file(dirfd)?.node() {
        Some((ino, NodeKind::Dir)) => Ok(ino),
        _ => Err(Errno::ENOTDIR),
    }
}

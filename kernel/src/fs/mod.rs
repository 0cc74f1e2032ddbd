//! Files: the ramfs (holding the unpacked initramfs), devices, pipes, open
//! files and descriptor tables.
pub mod console;
pub mod fdtable;
pub mod file;
pub mod initramfs;
pub mod pipe;
pub mod ramfs;

use alloc::sync::Arc;
use alloc::vec::Vec;
use linux_abi::Errno;
use ramfs::Kind;

/// Reads a whole regular file (for exec).
pub fn read_file(cwd: &str, path: &str) -> Result<Vec<u8>, Errno> {
    let node = ramfs::resolve(cwd, path, true)?;
    match &node.kind {
        Kind::File(d) => Ok(d.lock().clone()),
        Kind::Dir(_) => Err(Errno::EISDIR),
        _ => Err(Errno::EACCES),
    }
}

/// An open file on the console, as fds 0, 1 and 2 of init start with.
pub fn console_file() -> Arc<file::OpenFile> {
    let node = ramfs::resolve("/", "/dev/console", true).expect("/dev/console exists");
    file::OpenFile::new(file::Target::Node(node), linux_abi::fcntl::O_RDWR)
}

//! An in-memory filesystem for the kernel: the unpacked initramfs and every
//! file created at run time.
//!
//! Inodes are regular files, directories, symlinks and character-device
//! placeholders (the kernel maps their device number to a driver). Paths
//! resolve like Linux's (see [`FileSystem::walk`]) and every error is the
//! errno Linux gives, as a [`linux_abi::Errno`]. The crate takes no locks:
//! the kernel puts the [`FileSystem`] behind one lock of its own. Times come
//! from the caller, so the crate needs no clock.
//!
//! ```
//! use linux_abi::{fcntl::{O_CREAT, O_RDWR}, time::Timespec};
//! use memfs::FileSystem;
//!
//! let now = Timespec::default();
//! let mut fs = FileSystem::new(now);
//! let root = fs.root();
//! fs.mkdir(root, b"/tmp", 0o1777, now)?;
//! let file = fs.open(root, b"/tmp/../tmp//note", O_CREAT | O_RDWR, 0o644, now)?.ino;
//! fs.write(file, 6, b"world", now)?;
//! let mut buf = [0xff; 16];
//! let n = fs.read(file, 0, &mut buf)?;
//! assert_eq!(&buf[..n], b"\0\0\0\0\0\0world"); // the hole reads as zeros
//! fs.close(file)?;
//! # Ok::<(), linux_abi::Errno>(())
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod create;
mod data;
mod dir;
mod fs;
mod inode;
mod listing;
mod load;
mod path;
mod remove;

#[cfg(test)]
mod tests;

pub use create::Opened;
pub use data::MAX_FILE_SIZE;
pub use fs::{FileSystem, ROOT_INO};
pub use inode::{FileType, Ino, Metadata, BLOCK_SIZE};
pub use listing::DirEntry;
pub use load::{LoadError, LoadStats};
pub use path::{Walk, MAX_SYMLINKS};

//! Inodes: what a file is (its node) and its metadata.

use alloc::vec::Vec;

use linux_abi::stat::{mode, Stat, Statx, StatxTimestamp};
use linux_abi::time::Timespec;

use crate::dir::Dir;

/// An inode number. Numbers are never reused within one [`crate::FileSystem`],
/// so a stale `Ino` held by the kernel fails with `ENOENT`, never aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ino(pub u64);

/// The kind of an inode, as `S_IFMT` and `d_type` describe it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    /// A character device; the kernel maps `rdev` to a driver.
    CharDevice,
}

impl FileType {
    /// The `S_IFMT` bits.
    pub const fn mode_bits(self) -> u32 {
        match self {
            FileType::Regular => mode::S_IFREG,
            FileType::Directory => mode::S_IFDIR,
            FileType::Symlink => mode::S_IFLNK,
            FileType::CharDevice => mode::S_IFCHR,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Node {
    File(Vec<u8>),
    Dir(Dir),
    Symlink(Vec<u8>),
    CharDevice { rdev: u64 },
}

impl Node {
    pub fn file_type(&self) -> FileType {
        match self {
            Node::File(_) => FileType::Regular,
            Node::Dir(_) => FileType::Directory,
            Node::Symlink(_) => FileType::Symlink,
            Node::CharDevice { .. } => FileType::CharDevice,
        }
    }
}

#[derive(Debug)]
pub(crate) struct Inode {
    pub node: Node,
    /// Permission bits only (`0o7777`); the type comes from `node`.
    pub perm: u32,
    pub uid: u32,
    pub gid: u32,
    /// Names (hard links) pointing at this inode; for a directory, 2 plus
    /// its subdirectories, as on Linux.
    pub nlink: u32,
    /// Open file descriptions the kernel holds (see `FileSystem::open`). An
    /// unlinked inode lives on until this drops to zero.
    pub open_handles: u32,
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
}

impl Inode {
    pub fn new(node: Node, perm: u32, now: Timespec) -> Self {
        let nlink = if matches!(node, Node::Dir(_)) { 2 } else { 1 };
        Inode {
            node,
            perm: perm & mode::S_IALLUGO,
            uid: 0,
            gid: 0,
            nlink,
            open_handles: 0,
            atime: now,
            mtime: now,
            ctime: now,
        }
    }

    pub fn size(&self) -> u64 {
        match &self.node {
            Node::File(data) | Node::Symlink(data) => data.len() as u64,
            Node::Dir(dir) => dir.len() as u64,
            Node::CharDevice { .. } => 0,
        }
    }
}

/// A snapshot of an inode's metadata (what `stat` reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    pub ino: Ino,
    pub file_type: FileType,
    /// Permission bits (`0o7777`).
    pub perm: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    /// Bytes of data (file), target length (symlink), entries (directory).
    pub size: u64,
    /// Device number of a character device (encoded like `makedev`), else 0.
    pub rdev: u64,
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
}

/// The block size `stat` reports; also the unit `st_blocks` rounds to.
pub const BLOCK_SIZE: u64 = 4096;

impl Metadata {
    /// `st_mode`: type bits plus permissions.
    pub const fn mode(&self) -> u32 {
        self.file_type.mode_bits() | self.perm
    }

    fn blocks_512(&self) -> u64 {
        match self.file_type {
            FileType::Regular => self.size.div_ceil(BLOCK_SIZE) * (BLOCK_SIZE / 512),
            _ => 0,
        }
    }

    /// The `struct stat` for this inode on device `dev`.
    pub fn to_stat(&self, dev: u64) -> Stat {
        Stat {
            st_dev: dev,
            st_ino: self.ino.0,
            st_nlink: u64::from(self.nlink),
            st_mode: self.mode(),
            st_uid: self.uid,
            st_gid: self.gid,
            st_rdev: self.rdev,
            st_size: self.size as i64,
            st_blksize: BLOCK_SIZE as i64,
            st_blocks: self.blocks_512() as i64,
            st_atime: self.atime.tv_sec,
            st_atime_nsec: self.atime.tv_nsec,
            st_mtime: self.mtime.tv_sec,
            st_mtime_nsec: self.mtime.tv_nsec,
            st_ctime: self.ctime.tv_sec,
            st_ctime_nsec: self.ctime.tv_nsec,
            ..Stat::default()
        }
    }

    /// The `struct statx` for this inode on device `(dev_major, dev_minor)`;
    /// fills every basic field and says so in `stx_mask`.
    pub fn to_statx(&self, dev_major: u32, dev_minor: u32) -> Statx {
        let ts = |t: Timespec| StatxTimestamp {
            tv_sec: t.tv_sec,
            tv_nsec: t.tv_nsec as u32,
            reserved: 0,
        };
        Statx {
            stx_mask: linux_abi::stat::statx_mask::STATX_BASIC_STATS,
            stx_blksize: BLOCK_SIZE as u32,
            stx_nlink: self.nlink,
            stx_uid: self.uid,
            stx_gid: self.gid,
            stx_mode: self.mode() as u16,
            stx_ino: self.ino.0,
            stx_size: self.size,
            stx_blocks: self.blocks_512(),
            stx_atime: ts(self.atime),
            stx_ctime: ts(self.ctime),
            stx_mtime: ts(self.mtime),
            stx_rdev_major: linux_abi::stat::major(self.rdev),
            stx_rdev_minor: linux_abi::stat::minor(self.rdev),
            stx_dev_major: dev_major,
            stx_dev_minor: dev_minor,
            ..Statx::default()
        }
    }
}

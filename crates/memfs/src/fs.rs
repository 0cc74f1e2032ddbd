//! The inode table and the operations on single inodes (metadata, open
//! handles). Name-space operations live in `create`, `remove`; data in
//! `data`; listings in `listing`.

use alloc::collections::BTreeMap;

use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::dir::Dir;
use crate::inode::{FileType, Ino, Inode, Metadata, Node};

/// An in-memory filesystem: a tree of inodes rooted at [`FileSystem::root`].
///
/// It takes no locks: every mutating method takes `&mut self`, so the kernel
/// wraps the whole filesystem in its own lock (one `spin::Mutex` is enough
/// for a RAM filesystem whose operations are all short and never sleep).
/// It does no permission checks (the kernel's processes run as root);
/// ownership and mode are stored and reported. Times are never read from
/// a clock: mutating operations take `now` from the caller.
#[derive(Debug)]
pub struct FileSystem {
    inodes: BTreeMap<u64, Inode>,
    next_ino: u64,
}

/// Inode number of the root directory (as on tmpfs).
pub const ROOT_INO: Ino = Ino(1);

impl FileSystem {
    /// An empty filesystem: just the root directory, mode 0755.
    pub fn new(now: Timespec) -> Self {
        let mut inodes = BTreeMap::new();
        inodes.insert(
            ROOT_INO.0,
            Inode::new(Node::Dir(Dir::new(ROOT_INO)), 0o755, now),
        );
        FileSystem {
            inodes,
            next_ino: ROOT_INO.0 + 1,
        }
    }

    pub const fn root(&self) -> Ino {
        ROOT_INO
    }

    /// Number of live inodes (linked or still open), for leak checks.
    pub fn inode_count(&self) -> usize {
        self.inodes.len()
    }

    pub(crate) fn inode(&self, ino: Ino) -> Result<&Inode, Errno> {
        self.inodes.get(&ino.0).ok_or(Errno::ENOENT)
    }

    pub(crate) fn inode_mut(&mut self, ino: Ino) -> Result<&mut Inode, Errno> {
        self.inodes.get_mut(&ino.0).ok_or(Errno::ENOENT)
    }

    pub(crate) fn dir(&self, ino: Ino) -> Result<&Dir, Errno> {
        match &self.inode(ino)?.node {
            Node::Dir(dir) => Ok(dir),
            _ => Err(Errno::ENOTDIR),
        }
    }

    pub(crate) fn dir_mut(&mut self, ino: Ino) -> Result<&mut Dir, Errno> {
        match &mut self.inode_mut(ino)?.node {
            Node::Dir(dir) => Ok(dir),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// Adds an inode to the table (not yet linked anywhere).
    pub(crate) fn alloc(&mut self, inode: Inode) -> Ino {
        let ino = Ino(self.next_ino);
        self.next_ino += 1;
        self.inodes.insert(ino.0, inode);
        ino
    }

    /// Drops the inode if nothing names it and nothing has it open.
    pub(crate) fn release_if_unused(&mut self, ino: Ino) {
        if let Some(inode) = self.inodes.get(&ino.0) {
            if inode.nlink == 0 && inode.open_handles == 0 {
                self.inodes.remove(&ino.0);
            }
        }
    }

    /// Marks the parent directory changed (an entry was added or removed).
    pub(crate) fn touch_dir(&mut self, dir: Ino, now: Timespec) {
        if let Ok(inode) = self.inode_mut(dir) {
            inode.mtime = now;
            inode.ctime = now;
        }
    }

    pub fn metadata(&self, ino: Ino) -> Result<Metadata, Errno> {
        let inode = self.inode(ino)?;
        Ok(Metadata {
            ino,
            file_type: inode.node.file_type(),
            perm: inode.perm,
            nlink: inode.nlink,
            uid: inode.uid,
            gid: inode.gid,
            size: inode.size(),
            rdev: match inode.node {
                Node::CharDevice { rdev } => rdev,
                _ => 0,
            },
            atime: inode.atime,
            mtime: inode.mtime,
            ctime: inode.ctime,
        })
    }

    pub fn file_type(&self, ino: Ino) -> Result<FileType, Errno> {
        Ok(self.inode(ino)?.node.file_type())
    }

    /// `chmod`: sets the permission bits (`& 0o7777`).
    pub fn set_perm(&mut self, ino: Ino, perm: u32, now: Timespec) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        inode.perm = perm & linux_abi::stat::mode::S_IALLUGO;
        inode.ctime = now;
        Ok(())
    }

    /// `chown`: `None` leaves an id unchanged, like `-1` in the syscall.
    /// As on Linux, a chown of anything but a directory drops the
    /// set-user-ID bit, and the set-group-ID bit when group execute is set
    /// (without group execute it marks mandatory locking, not a privilege),
    /// even when both ids stay the same.
    pub fn set_owner(
        &mut self,
        ino: Ino,
        uid: Option<u32>,
        gid: Option<u32>,
        now: Timespec,
    ) -> Result<(), Errno> {
        use linux_abi::stat::mode::{S_ISGID, S_ISUID};
        const S_IXGRP: u32 = 0o010;
        let inode = self.inode_mut(ino)?;
        inode.uid = uid.unwrap_or(inode.uid);
        inode.gid = gid.unwrap_or(inode.gid);
        if !matches!(inode.node, Node::Dir(_)) {
            inode.perm &= !S_ISUID;
            if inode.perm & S_IXGRP != 0 {
                inode.perm &= !S_ISGID;
            }
        }
        inode.ctime = now;
        Ok(())
    }

    /// `utimensat`: `None` leaves a time unchanged (`UTIME_OMIT`).
    pub fn set_times(
        &mut self,
        ino: Ino,
        atime: Option<Timespec>,
        mtime: Option<Timespec>,
        now: Timespec,
    ) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        inode.atime = atime.unwrap_or(inode.atime);
        inode.mtime = mtime.unwrap_or(inode.mtime);
        inode.ctime = now;
        Ok(())
    }

    /// Records one more open file description on `ino`. `open` does this
    /// itself; the kernel calls it when it opens an inode some other way
    /// (e.g. from a lookup for `execve`).
    pub fn retain(&mut self, ino: Ino) -> Result<(), Errno> {
        self.inode_mut(ino)?.open_handles += 1;
        Ok(())
    }

    /// The kernel closed the last descriptor of an open file description.
    /// An inode unlinked while open is freed here.
    pub fn close(&mut self, ino: Ino) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        inode.open_handles = inode.open_handles.checked_sub(1).ok_or(Errno::EBADF)?;
        self.release_if_unused(ino);
        Ok(())
    }
}

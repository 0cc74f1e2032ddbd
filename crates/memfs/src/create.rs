//! Operations that add names: `open` (with `O_CREAT`), `mkdir`, `symlink`,
//! `mknod`, `link`.

use alloc::vec::Vec;

use linux_abi::fcntl::{O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_TRUNC};
use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::dir::Dir;
use crate::fs::FileSystem;
use crate::inode::{Ino, Inode, Node};
use crate::path::Walk;

/// The result of [`FileSystem::open`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opened {
    pub ino: Ino,
    /// `O_CREAT` made a new file (the kernel may want to report it).
    pub created: bool,
}

impl FileSystem {
    /// A directory removed while still someone's cwd takes no new entries.
    fn check_live_dir(&self, dir: Ino) -> Result<(), Errno> {
        match self.inode(dir)?.nlink {
            0 => Err(Errno::ENOENT),
            _ => Ok(()),
        }
    }

    /// Links a new inode under `walk.name` in `walk.parent`, which the
    /// caller found absent.
    fn link_new(
        &mut self,
        walk: &Walk,
        node: Node,
        perm: u32,
        now: Timespec,
    ) -> Result<Ino, Errno> {
        if walk.is_dot_or_root() {
            return Err(Errno::EEXIST);
        }
        self.check_live_dir(walk.parent)?;
        let is_dir = matches!(node, Node::Dir(_));
        let ino = self.alloc(Inode::new(node, perm, now));
        let parent = self.dir_mut(walk.parent)?;
        parent.insert(walk.name.clone(), ino);
        if is_dir {
            self.inode_mut(walk.parent)?.nlink += 1;
        }
        self.touch_dir(walk.parent, now);
        Ok(ino)
    }

    /// The name-space half of `open(2)`: resolves `path`, applies
    /// `O_CREAT`/`O_EXCL`/`O_TRUNC`/`O_DIRECTORY`/`O_NOFOLLOW`, and counts
    /// one open handle on the result (release it with [`FileSystem::close`]).
    /// `perm` is the new file's mode with the umask already applied.
    /// Access checks against the inode type are Linux's: writing a
    /// directory is `EISDIR`.
    pub fn open(
        &mut self,
        cwd: Ino,
        path: &[u8],
        flags: u32,
        perm: u32,
        now: Timespec,
    ) -> Result<Opened, Errno> {
        let access = flags & O_ACCMODE;
        if access == O_ACCMODE {
            return Err(Errno::EINVAL);
        }
        let create = flags & O_CREAT != 0;
        let exclusive = create && flags & O_EXCL != 0;
        // O_CREAT|O_EXCL never follows a final symlink: the name itself
        // must not exist.
        let follow = flags & O_NOFOLLOW == 0 && !exclusive;
        let walk = self.walk(cwd, path, follow)?;
        let opened = match walk.found {
            Some(_) if exclusive => return Err(Errno::EEXIST),
            Some(ino) => {
                let inode = self.inode(ino)?;
                match inode.node {
                    Node::Symlink(_) => return Err(Errno::ELOOP), // only reached with O_NOFOLLOW
                    Node::Dir(_) if create || access != O_RDONLY || flags & O_TRUNC != 0 => {
                        return Err(Errno::EISDIR)
                    }
                    Node::Dir(_) => {}
                    _ if flags & O_DIRECTORY != 0 => return Err(Errno::ENOTDIR),
                    Node::File(_) if flags & O_TRUNC != 0 => self.truncate(ino, 0, now)?,
                    _ => {}
                }
                Opened {
                    ino,
                    created: false,
                }
            }
            None if !create => return Err(Errno::ENOENT),
            None if walk.trailing_slash => return Err(Errno::EISDIR),
            None if flags & O_DIRECTORY != 0 => return Err(Errno::EINVAL),
            None => Opened {
                ino: self.link_new(&walk, Node::File(Vec::new()), perm, now)?,
                created: true,
            },
        };
        self.retain(opened.ino)?;
        Ok(opened)
    }

    /// `mkdir(2)`.
    pub fn mkdir(&mut self, cwd: Ino, path: &[u8], perm: u32, now: Timespec) -> Result<Ino, Errno> {
        let walk = self.walk(cwd, path, false)?;
        if walk.found.is_some() {
            return Err(Errno::EEXIST);
        }
        self.link_new(&walk, Node::Dir(Dir::new(walk.parent)), perm, now)
    }

    /// `symlink(2)`: creates `path` pointing at `target` (not resolved now).
    pub fn symlink(
        &mut self,
        target: &[u8],
        cwd: Ino,
        path: &[u8],
        now: Timespec,
    ) -> Result<Ino, Errno> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() >= linux_abi::fcntl::PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let walk = self.walk(cwd, path, false)?;
        if walk.found.is_some() {
            return Err(Errno::EEXIST);
        }
        if walk.trailing_slash {
            return Err(Errno::ENOENT);
        }
        self.link_new(&walk, Node::Symlink(Vec::from(target)), 0o777, now)
    }

    /// `mknod(2)` for the kinds this filesystem stores: a character device
    /// (`rdev` encoded like `makedev`) or a regular file. Others are `EPERM`
    /// (block devices: no driver) or `EINVAL`.
    pub fn mknod(
        &mut self,
        cwd: Ino,
        path: &[u8],
        mode: u32,
        rdev: u64,
        now: Timespec,
    ) -> Result<Ino, Errno> {
        use linux_abi::stat::mode::{S_IFBLK, S_IFCHR, S_IFMT, S_IFREG};
        let node = match mode & S_IFMT {
            S_IFCHR => Node::CharDevice { rdev },
            0 | S_IFREG => Node::File(Vec::new()),
            S_IFBLK => return Err(Errno::EPERM),
            _ => return Err(Errno::EINVAL),
        };
        let walk = self.walk(cwd, path, false)?;
        if walk.found.is_some() {
            return Err(Errno::EEXIST);
        }
        self.link_new(&walk, node, mode, now)
    }

    /// `link(2)`: a new name for an existing non-directory.
    pub fn link(
        &mut self,
        old_cwd: Ino,
        old: &[u8],
        new_cwd: Ino,
        new: &[u8],
        now: Timespec,
    ) -> Result<(), Errno> {
        let target = self.lookup(old_cwd, old, false)?;
        self.link_inode(target, new_cwd, new, now)
    }

    /// Adds the name `new` for inode `target` (a non-directory).
    pub(crate) fn link_inode(
        &mut self,
        target: Ino,
        new_cwd: Ino,
        new: &[u8],
        now: Timespec,
    ) -> Result<(), Errno> {
        if matches!(self.inode(target)?.node, Node::Dir(_)) {
            return Err(Errno::EPERM);
        }
        let walk = self.walk(new_cwd, new, false)?;
        if walk.found.is_some() || walk.is_dot_or_root() {
            return Err(Errno::EEXIST);
        }
        if walk.trailing_slash {
            return Err(Errno::ENOENT);
        }
        self.check_live_dir(walk.parent)?;
        self.dir_mut(walk.parent)?.insert(walk.name.clone(), target);
        let inode = self.inode_mut(target)?;
        inode.nlink += 1;
        inode.ctime = now;
        self.touch_dir(walk.parent, now);
        Ok(())
    }

    /// `readlink(2)` on an inode: the target bytes, or `EINVAL` if it is not
    /// a symlink.
    pub fn readlink(&self, ino: Ino) -> Result<&[u8], Errno> {
        match &self.inode(ino)?.node {
            Node::Symlink(target) => Ok(target),
            _ => Err(Errno::EINVAL),
        }
    }
}

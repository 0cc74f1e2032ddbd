//! Operations that remove or move names: `unlink`, `rmdir`, `rename`.

use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::fs::FileSystem;
use crate::inode::{Ino, Node};

impl FileSystem {
    /// Drops one link of `ino` (already removed from its directory).
    fn drop_link(&mut self, ino: Ino, now: Timespec) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        if matches!(inode.node, Node::Dir(_)) {
            // A removed directory has no links at all: its "." went with it.
            inode.nlink = 0;
        } else {
            inode.nlink -= 1;
        }
        inode.ctime = now;
        self.release_if_unused(ino);
        Ok(())
    }

    fn is_dir(&self, ino: Ino) -> Result<bool, Errno> {
        Ok(matches!(self.inode(ino)?.node, Node::Dir(_)))
    }

    /// `unlink(2)`: removes a non-directory name.
    pub fn unlink(&mut self, cwd: Ino, path: &[u8], now: Timespec) -> Result<(), Errno> {
        let walk = self.walk(cwd, path, false)?;
        let ino = walk.found.ok_or(Errno::ENOENT)?;
        if self.is_dir(ino)? {
            return Err(Errno::EISDIR);
        }
        self.dir_mut(walk.parent)?.remove(&walk.name);
        self.touch_dir(walk.parent, now);
        self.drop_link(ino, now)
    }

    /// `rmdir(2)`: removes an empty directory.
    pub fn rmdir(&mut self, cwd: Ino, path: &[u8], now: Timespec) -> Result<(), Errno> {
        let walk = self.walk(cwd, path, false)?;
        match walk.name.as_slice() {
            b"." => return Err(Errno::EINVAL),
            b".." => return Err(Errno::ENOTEMPTY),
            b"/" => return Err(Errno::EBUSY),
            _ => {}
        }
        let ino = walk.found.ok_or(Errno::ENOENT)?;
        if !self.dir(ino).map(|d| d.is_empty())? {
            return Err(Errno::ENOTEMPTY);
        }
        self.dir_mut(walk.parent)?.remove(&walk.name);
        self.inode_mut(walk.parent)?.nlink -= 1;
        self.touch_dir(walk.parent, now);
        self.drop_link(ino, now)
    }

    /// True if `ino` is `ancestor` or lies below it.
    fn is_within(&self, mut ino: Ino, ancestor: Ino) -> Result<bool, Errno> {
        loop {
            if ino == ancestor {
                return Ok(true);
            }
            let parent = self.dir(ino)?.parent;
            if parent == ino {
                return Ok(false); // reached the root
            }
            ino = parent;
        }
    }

    /// `rename(2)`: moves `old` to `new`, replacing what `new` names when
    /// Linux would (a file by a file, an empty directory by a directory).
    pub fn rename(
        &mut self,
        old_cwd: Ino,
        old: &[u8],
        new_cwd: Ino,
        new: &[u8],
        now: Timespec,
    ) -> Result<(), Errno> {
        let from = self.walk(old_cwd, old, false)?;
        let to = self.walk(new_cwd, new, false)?;
        if from.is_dot_or_root() || to.is_dot_or_root() {
            return Err(Errno::EBUSY);
        }
        let moving = from.found.ok_or(Errno::ENOENT)?;
        let moving_dir = self.is_dir(moving)?;
        if to.trailing_slash && !moving_dir {
            return Err(Errno::ENOTDIR);
        }
        if to.found == Some(moving) {
            return Ok(()); // same inode: POSIX says do nothing
        }
        if moving_dir && self.is_within(to.parent, moving)? {
            return Err(Errno::EINVAL); // into its own subtree
        }
        if let Some(victim) = to.found {
            match (moving_dir, self.is_dir(victim)?) {
                (true, false) => return Err(Errno::ENOTDIR),
                (false, true) => return Err(Errno::EISDIR),
                (true, true) if !self.dir(victim)?.is_empty() => return Err(Errno::ENOTEMPTY),
                _ => {}
            }
            self.dir_mut(to.parent)?.remove(&to.name);
            if moving_dir {
                self.inode_mut(to.parent)?.nlink -= 1;
            }
            self.drop_link(victim, now)?;
        }
        self.dir_mut(from.parent)?.remove(&from.name);
        self.dir_mut(to.parent)?.insert(to.name.clone(), moving);
        if moving_dir {
            self.inode_mut(from.parent)?.nlink -= 1;
            self.inode_mut(to.parent)?.nlink += 1;
            self.dir_mut(moving)?.parent = to.parent;
        }
        self.inode_mut(moving)?.ctime = now;
        self.touch_dir(from.parent, now);
        self.touch_dir(to.parent, now);
        Ok(())
    }
}

//! Path resolution (the `namei` walk).
//!
//! Rules, as on Linux: a leading `/` starts at the root, anything else at
//! the caller's directory; repeated slashes are one; `.` stays, `..` goes
//! to the parent (the root's parent is the root). Symlinks met in the
//! middle of a path are always followed, the last component's only when
//! asked or when the path ends in `/`; at most [`MAX_SYMLINKS`] per walk,
//! then `ELOOP`. A path of [`PATH_MAX`] bytes or more, or a component longer
//! than [`NAME_MAX`], is `ENAMETOOLONG`; an empty path is `ENOENT`.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use linux_abi::fcntl::{NAME_MAX, PATH_MAX};
use linux_abi::Errno;

use crate::fs::FileSystem;
use crate::inode::{Ino, Node};

/// Symlinks one walk may follow (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINKS: usize = 40;

/// Where a walk ended: the directory holding the last component, its name,
/// and the inode it names if it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub parent: Ino,
    /// The last component: a plain name, `.`, `..`, or `/` for the root.
    pub name: Vec<u8>,
    pub found: Option<Ino>,
    /// The path ended in `/`: the result must be (or become) a directory.
    pub trailing_slash: bool,
}

impl Walk {
    /// The last component is `.`, `..` or the root: it names a directory
    /// by position, not an entry that can be created or removed.
    pub fn is_dot_or_root(&self) -> bool {
        matches!(self.name.as_slice(), b"." | b".." | b"/")
    }
}

fn components(path: &[u8]) -> impl DoubleEndedIterator<Item = &[u8]> {
    path.split(|&b| b == b'/').filter(|c| !c.is_empty())
}

impl FileSystem {
    /// Resolves `path` relative to directory `cwd`. `follow_last` follows a
    /// symlink in the last position. A missing last component is not an
    /// error (`found: None`); a missing earlier one is `ENOENT`.
    pub fn walk(&self, cwd: Ino, path: &[u8], follow_last: bool) -> Result<Walk, Errno> {
        if path.is_empty() {
            return Err(Errno::ENOENT);
        }
        if path.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let trailing_slash = path.ends_with(b"/");
        let mut dir = if path[0] == b'/' { self.root() } else { cwd };
        self.dir(dir)?;
        let mut pending: VecDeque<Vec<u8>> = components(path).map(Vec::from).collect();
        let mut links = 0;
        let mut result = Walk {
            parent: dir,
            name: Vec::from(&b"/"[..]),
            found: Some(dir),
            trailing_slash,
        };
        while let Some(name) = pending.pop_front() {
            let last = pending.is_empty();
            if name.len() > NAME_MAX {
                return Err(Errno::ENAMETOOLONG);
            }
            let current = self.dir(dir)?;
            let next = match name.as_slice() {
                b"." => Some(dir),
                b".." => Some(current.parent),
                _ => current.get(&name),
            };
            let Some(next) = next else {
                if last {
                    return Ok(Walk {
                        parent: dir,
                        name,
                        found: None,
                        trailing_slash,
                    });
                }
                return Err(Errno::ENOENT);
            };
            if let Node::Symlink(target) = &self.inode(next)?.node {
                if !last || follow_last || trailing_slash {
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return Err(Errno::ELOOP);
                    }
                    if target.is_empty() {
                        return Err(Errno::ENOENT);
                    }
                    if target[0] == b'/' {
                        dir = self.root();
                    }
                    for component in components(target).rev() {
                        pending.push_front(Vec::from(component));
                    }
                    // A target of "/" alone names the root.
                    result = Walk {
                        parent: dir,
                        name: Vec::from(&b"/"[..]),
                        found: Some(dir),
                        trailing_slash,
                    };
                    continue;
                }
            }
            result = Walk {
                parent: dir,
                name,
                found: Some(next),
                trailing_slash,
            };
            if !last {
                // Checked on the next iteration: a file in the middle of a
                // path is ENOTDIR.
                dir = next;
            }
        }
        if let Some(found) = result.found {
            if trailing_slash && !matches!(self.inode(found)?.node, Node::Dir(_)) {
                return Err(Errno::ENOTDIR);
            }
        }
        Ok(result)
    }

    /// The inode `path` names, following a final symlink if `follow_last`.
    pub fn lookup(&self, cwd: Ino, path: &[u8], follow_last: bool) -> Result<Ino, Errno> {
        self.walk(cwd, path, follow_last)?
            .found
            .ok_or(Errno::ENOENT)
    }
}

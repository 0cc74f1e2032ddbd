//! Loading a cpio "newc" archive (the initramfs) into the tree.
//!
//! Like the Linux initramfs unpacker: names are taken relative to the root
//! (a leading `/` or `./` is dropped, `.` itself is the root), an existing
//! non-directory is replaced, an existing directory keeps its contents and
//! takes the entry's mode, and entries sharing an inode number (hard links,
//! whose data only the last entry carries) become one inode. Unlike it,
//! missing parent directories are created (mode 0755) instead of failing.
//! Block devices, FIFOs and sockets are skipped: nothing here backs them.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use cpio::{Archive, FileType as CpioType};
use linux_abi::stat::makedev;
use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::fs::FileSystem;
use crate::inode::Ino;

/// Why loading stopped. Entries before the failing one stay loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The archive is malformed.
    Archive(cpio::Error),
    /// An entry could not be created (e.g. its parent is a file).
    Entry { name: Vec<u8>, errno: Errno },
}

/// What a load did, for the boot log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadStats {
    pub files: usize,
    pub dirs: usize,
    pub symlinks: usize,
    pub devices: usize,
    pub hard_links: usize,
    pub skipped: usize,
    pub bytes: usize,
}

/// Strips the prefixes newc writers put on names; `None` for the root.
fn normalize(name: &[u8]) -> Option<&[u8]> {
    let mut name = name;
    loop {
        if let Some(rest) = name.strip_prefix(b"./") {
            name = rest;
        } else if let Some(rest) = name.strip_prefix(b"/") {
            name = rest;
        } else {
            break;
        }
    }
    (!name.is_empty() && name != b".").then_some(name)
}

impl FileSystem {
    /// Creates every directory along `path`'s parent chain that is missing.
    fn make_parents(&mut self, path: &[u8], now: Timespec) -> Result<(), Errno> {
        let root = self.root();
        for (i, _) in path.iter().enumerate().filter(|(_, &b)| b == b'/') {
            let prefix = &path[..i];
            if !prefix.is_empty() && self.walk(root, prefix, true)?.found.is_none() {
                self.mkdir(root, prefix, 0o755, now)?;
            }
        }
        Ok(())
    }

    /// Unpacks a newc archive into this filesystem. Entry mtimes become the
    /// inodes' times; `now` is used for the directories the load touches.
    pub fn load_cpio(&mut self, archive: &[u8], now: Timespec) -> Result<LoadStats, LoadError> {
        let mut stats = LoadStats::default();
        // (dev_major, dev_minor, ino) of multiply-linked files -> our inode.
        let mut link_groups: BTreeMap<(u32, u32, u32), Ino> = BTreeMap::new();
        let root = self.root();
        for entry in Archive::new(archive).entries() {
            let entry = entry.map_err(LoadError::Archive)?;
            let fail = |errno| LoadError::Entry {
                name: Vec::from(entry.name),
                errno,
            };
            let mtime = Timespec {
                tv_sec: i64::from(entry.mtime),
                tv_nsec: 0,
            };
            let Some(path) = normalize(entry.name) else {
                self.set_perm(root, entry.permissions(), now)
                    .map_err(fail)?;
                continue;
            };
            self.make_parents(path, now).map_err(fail)?;
            let existing = self.walk(root, path, false).map_err(fail)?.found;
            let ino = match entry.file_type() {
                CpioType::Directory => match existing {
                    Some(ino) if self.dir(ino).is_ok() => {
                        self.set_perm(ino, entry.permissions(), now).map_err(fail)?;
                        ino
                    }
                    _ => {
                        self.replace(path, existing, now).map_err(fail)?;
                        stats.dirs += 1;
                        self.mkdir(root, path, entry.permissions(), now)
                            .map_err(fail)?
                    }
                },
                CpioType::Regular => {
                    let group = (entry.dev_major, entry.dev_minor, entry.ino);
                    let linked = if entry.nlink > 1 {
                        link_groups.get(&group).copied()
                    } else {
                        None
                    };
                    self.replace(path, existing, now).map_err(fail)?;
                    let ino = match linked {
                        Some(target) => {
                            stats.hard_links += 1;
                            self.link_inode(target, root, path, now).map_err(fail)?;
                            target
                        }
                        None => {
                            stats.files += 1;
                            let opened = self
                                .open(
                                    root,
                                    path,
                                    linux_abi::fcntl::O_CREAT | linux_abi::fcntl::O_WRONLY,
                                    entry.permissions(),
                                    now,
                                )
                                .map_err(fail)?;
                            self.close(opened.ino).map_err(fail)?;
                            if entry.nlink > 1 {
                                link_groups.insert(group, opened.ino);
                            }
                            opened.ino
                        }
                    };
                    if !entry.data.is_empty() {
                        self.truncate(ino, 0, now).map_err(fail)?;
                        self.write(ino, 0, entry.data, now).map_err(fail)?;
                        stats.bytes += entry.data.len();
                    }
                    ino
                }
                CpioType::Symlink => {
                    self.replace(path, existing, now).map_err(fail)?;
                    stats.symlinks += 1;
                    self.symlink(entry.data, root, path, now).map_err(fail)?
                }
                CpioType::CharDevice => {
                    self.replace(path, existing, now).map_err(fail)?;
                    stats.devices += 1;
                    let rdev = makedev(entry.rdev_major, entry.rdev_minor);
                    self.mknod(root, path, entry.mode, rdev, now)
                        .map_err(fail)?
                }
                _ => {
                    stats.skipped += 1;
                    continue;
                }
            };
            let inode = self.inode_mut(ino).map_err(fail)?;
            inode.uid = entry.uid;
            inode.gid = entry.gid;
            inode.mtime = mtime;
            inode.atime = mtime;
        }
        Ok(stats)
    }

    /// Removes whatever `path` names (a file, or an empty directory) so a
    /// new entry can take the name.
    fn replace(&mut self, path: &[u8], existing: Option<Ino>, now: Timespec) -> Result<(), Errno> {
        let root = self.root();
        match existing {
            None => Ok(()),
            Some(ino) if self.dir(ino).is_ok() => self.rmdir(root, path, now),
            Some(_) => self.unlink(root, path, now),
        }
    }
}

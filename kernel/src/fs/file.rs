//! Open files: what a file descriptor refers to, with its offset and
//! status flags.
use super::pipe::Pipe;
use super::{console, device, now, with_fs, Device};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};
use linux_abi::fcntl::{
    O_ACCMODE, O_APPEND, O_DIRECTORY, O_LARGEFILE, O_NOFOLLOW, O_NONBLOCK, O_PATH, O_RDONLY,
    O_WRONLY, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE, SEEK_SET,
};
use linux_abi::Errno;
use memfs::{FileType, Ino};
use spin::Mutex;

/// What kind of inode an open file refers to, fixed at open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A device the kernel drives.
    Dev(Device),
    /// A device number with no driver (ENXIO on use).
    NoDev,
}

/// The object behind an open file.
#[derive(Debug)]
pub enum Target {
    /// An inode of the filesystem.
    Node(Ino, NodeKind),
    /// The read end of a pipe.
    PipeRead(Arc<Pipe>),
    /// The write end of a pipe.
    PipeWrite(Arc<Pipe>),
    /// Read-only bytes generated at open (a `/proc` file).
    Snapshot(alloc::vec::Vec<u8>),
    /// Directory entries (name, `d_type`) listed at open (a `/proc`
    /// directory).
    DirSnapshot(alloc::vec::Vec<(alloc::string::String, u8)>),
}

/// An open file description.
#[derive(Debug)]
pub struct OpenFile {
    /// What it refers to.
    pub target: Target,
    /// File offset (the directory cursor for getdents64).
    pub offset: Mutex<u64>,
    /// Access mode and status flags (`O_*`).
    pub flags: AtomicU32,
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        match &self.target {
            Target::PipeRead(p) => p.close_end(false),
            Target::PipeWrite(p) => p.close_end(true),
            Target::Node(ino, _) => {
                let ino = *ino;
                let _ = with_fs(|fs| fs.close(ino));
            }
            Target::Snapshot(_) | Target::DirSnapshot(_) => {}
        }
    }
}

impl OpenFile {
    /// A pipe end.
    pub fn pipe(target: Target, flags: u32) -> Arc<OpenFile> {
        Arc::new(OpenFile {
            target,
            offset: Mutex::new(0),
            flags: AtomicU32::new(flags),
        })
    }

    /// A read-only file holding `bytes` (a `/proc` file).
    pub fn snapshot(bytes: alloc::vec::Vec<u8>) -> Arc<OpenFile> {
        Arc::new(OpenFile {
            target: Target::Snapshot(bytes),
            offset: Mutex::new(0),
            flags: AtomicU32::new(O_RDONLY),
        })
    }

    /// A directory listing `entries` (a `/proc` directory).
    pub fn dir_snapshot(entries: alloc::vec::Vec<(alloc::string::String, u8)>) -> Arc<OpenFile> {
        Arc::new(OpenFile {
            target: Target::DirSnapshot(entries),
            offset: Mutex::new(0),
            flags: AtomicU32::new(O_RDONLY | O_DIRECTORY),
        })
    }

    fn snapshot_read(bytes: &[u8], off: u64, buf: &mut [u8]) -> usize {
        let start = (off as usize).min(bytes.len());
        let n = buf.len().min(bytes.len() - start);
        buf[..n].copy_from_slice(&bytes[start..start + n]);
        n
    }

    /// `open(2)` of `path` relative to directory `cwd`.
    pub fn open(cwd: Ino, path: &[u8], flags: u32, perm: u32) -> Result<Arc<OpenFile>, Errno> {
        // O_PATH keeps only O_DIRECTORY and O_NOFOLLOW (Linux's
        // build_open_flags): no creation, truncation or access mode.
        let flags = if flags & O_PATH != 0 {
            flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW)
        } else {
            flags
        };
        let (ino, kind) = with_fs(|fs| -> Result<_, Errno> {
            let opened = fs.open(cwd, path, flags & !O_PATH, perm, now())?;
            let meta = fs.metadata(opened.ino)?;
            let kind = match meta.file_type {
                FileType::Regular => NodeKind::File,
                FileType::Directory => NodeKind::Dir,
                FileType::CharDevice => device(meta.rdev).map_or(NodeKind::NoDev, NodeKind::Dev),
                FileType::Symlink => {
                    let _ = fs.close(opened.ino);
                    return Err(Errno::ELOOP);
                }
            };
            Ok((opened.ino, kind))
        })?;
        let keep = O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECTORY | O_LARGEFILE | O_PATH;
        Ok(Arc::new(OpenFile {
            target: Target::Node(ino, kind),
            offset: Mutex::new(0),
            flags: AtomicU32::new(flags & keep),
        }))
    }

    /// A new open file description of device inode `ino` (which stays
    /// allocated: this takes one more open handle on it).
    pub fn of_device(ino: Ino, dev: Device, flags: u32) -> Arc<OpenFile> {
        // The caller holds the inode open, so retaining cannot fail.
        let _ = with_fs(|fs| fs.retain(ino));
        Arc::new(OpenFile {
            target: Target::Node(ino, NodeKind::Dev(dev)),
            offset: Mutex::new(0),
            flags: AtomicU32::new(flags),
        })
    }

    fn nonblock(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & O_NONBLOCK != 0
    }

    pub fn readable(&self) -> bool {
        let f = self.flags.load(Ordering::Relaxed);
        f & O_ACCMODE != O_WRONLY && f & O_PATH == 0
    }

    pub fn writable(&self) -> bool {
        let f = self.flags.load(Ordering::Relaxed);
        f & O_ACCMODE != O_RDONLY && f & O_PATH == 0
    }

    /// Opened with O_PATH: names a file without giving access to it.
    pub fn is_path_only(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & O_PATH != 0
    }

    /// The inode and its kind, if this is one.
    pub fn node(&self) -> Option<(Ino, NodeKind)> {
        match self.target {
            Target::Node(ino, kind) => Some((ino, kind)),
            _ => None,
        }
    }

    /// Whether this is a regular file.
    pub fn is_regular(&self) -> bool {
        matches!(self.node(), Some((_, NodeKind::File)))
    }

    /// `read(2)` at the current offset.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        match &self.target {
            Target::PipeRead(p) => p.read(buf, self.nonblock()),
            Target::PipeWrite(_) => Err(Errno::EBADF),
            Target::Snapshot(b) => {
                let mut off = self.offset.lock();
                let n = Self::snapshot_read(b, *off, buf);
                *off += n as u64;
                Ok(n)
            }
            Target::DirSnapshot(_) => Err(Errno::EISDIR),
            Target::Node(ino, kind) => match kind {
                NodeKind::File => {
                    let mut off = self.offset.lock();
                    let n = with_fs(|fs| fs.read(*ino, *off, buf))?;
                    *off += n as u64;
                    Ok(n)
                }
                NodeKind::Dir => Err(Errno::EISDIR),
                NodeKind::NoDev => Err(Errno::ENXIO),
                NodeKind::Dev(Device::Console) => console::read(buf, self.nonblock()),
                NodeKind::Dev(Device::Null) => Ok(0),
                NodeKind::Dev(Device::Zero) => {
                    buf.fill(0);
                    Ok(buf.len())
                }
            },
        }
    }

    /// `pread64`: reads at `off` without moving the offset.
    pub fn read_at(&self, off: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        if let Target::Snapshot(b) = &self.target {
            return Ok(Self::snapshot_read(b, off, buf));
        }
        match self.node() {
            Some((ino, NodeKind::File)) if self.readable() => with_fs(|fs| fs.read(ino, off, buf)),
            Some((_, NodeKind::File)) => Err(Errno::EBADF),
            Some((_, NodeKind::Dir)) => Err(Errno::EISDIR),
            _ => Err(Errno::ESPIPE),
        }
    }

    /// `pwrite64`: writes at `off` without moving the offset.
    pub fn write_at(&self, off: u64, data: &[u8]) -> Result<usize, Errno> {
        match self.node() {
            Some((ino, NodeKind::File)) if self.writable() => {
                with_fs(|fs| fs.write(ino, off, data, now()))
            }
            Some((_, NodeKind::File)) => Err(Errno::EBADF),
            Some((_, NodeKind::Dir)) => Err(Errno::EISDIR),
            _ => Err(Errno::ESPIPE),
        }
    }

    /// `write(2)` at the current offset (or the end with O_APPEND).
    pub fn write(&self, data: &[u8]) -> Result<usize, Errno> {
        if !self.writable() {
            return Err(Errno::EBADF);
        }
        match &self.target {
            Target::PipeWrite(p) => p.write(data, self.nonblock()),
            Target::PipeRead(_) | Target::Snapshot(_) => Err(Errno::EBADF),
            Target::DirSnapshot(_) => Err(Errno::EISDIR),
            Target::Node(ino, kind) => match kind {
                NodeKind::File => {
                    let mut off = self.offset.lock();
                    let append = self.flags.load(Ordering::Relaxed) & O_APPEND != 0;
                    let n = with_fs(|fs| {
                        if append {
                            *off = fs.metadata(*ino)?.size;
                        }
                        fs.write(*ino, *off, data, now())
                    })?;
                    *off += n as u64;
                    Ok(n)
                }
                NodeKind::Dir => Err(Errno::EISDIR),
                NodeKind::NoDev => Err(Errno::ENXIO),
                NodeKind::Dev(Device::Console) => Ok(console::write(data)),
                NodeKind::Dev(_) => Ok(data.len()),
            },
        }
    }

    /// `lseek(2)`.
    pub fn seek(&self, off: i64, whence: u32) -> Result<u64, Errno> {
        let snapshot_len = match &self.target {
            Target::Snapshot(b) => Some(b.len()),
            Target::DirSnapshot(d) => Some(d.len()),
            _ => None,
        };
        if let Some(len) = snapshot_len {
            let mut cur = self.offset.lock();
            let base = match whence {
                SEEK_SET => 0,
                SEEK_CUR => *cur as i64,
                SEEK_END => len as i64,
                _ => return Err(Errno::EINVAL),
            };
            let new = base
                .checked_add(off)
                .filter(|n| *n >= 0)
                .ok_or(Errno::EINVAL)?;
            *cur = new as u64;
            return Ok(new as u64);
        }
        let (ino, kind) = self.node().ok_or(Errno::ESPIPE)?;
        if let NodeKind::Dev(_) | NodeKind::NoDev = kind {
            // Linux lets character devices "seek" and reports 0.
            return Ok(0);
        }
        let mut cur = self.offset.lock();
        if matches!(whence, SEEK_DATA | SEEK_HOLE) && kind == NodeKind::File {
            // Files keep no holes (written zeros are stored), so the data
            // runs from any offset inside the file to its end, where the
            // one hole starts: tmpfs's answers for a file without holes.
            let size = with_fs(|fs| fs.metadata(ino))?.size as i64;
            if off < 0 || off >= size {
                return Err(Errno::ENXIO);
            }
            let new = if whence == SEEK_DATA { off } else { size };
            *cur = new as u64;
            return Ok(new as u64);
        }
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *cur as i64,
            SEEK_END if kind == NodeKind::File => with_fs(|fs| fs.metadata(ino))?.size as i64,
            SEEK_END => return Err(Errno::EINVAL),
            _ => return Err(Errno::EINVAL),
        };
        let new = base.checked_add(off).ok_or(Errno::EOVERFLOW)?;
        if new < 0 {
            return Err(Errno::EINVAL);
        }
        *cur = new as u64;
        Ok(new as u64)
    }
}

//! Open files: what a file descriptor refers to, with its offset and
//! status flags.
use super::console;
use super::pipe::Pipe;
use super::ramfs::{Device, Inode, Kind};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};
use linux_abi::fcntl::{
    O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_WRONLY, SEEK_CUR, SEEK_END, SEEK_SET,
};
use linux_abi::Errno;
use spin::Mutex;

/// The object behind an open file.
#[derive(Debug)]
pub enum Target {
    /// A ramfs node (file, directory or device).
    Node(Arc<Inode>),
    /// The read end of a pipe.
    PipeRead(Arc<Pipe>),
    /// The write end of a pipe.
    PipeWrite(Arc<Pipe>),
}

/// An open file description.
#[derive(Debug)]
pub struct OpenFile {
    /// What it refers to.
    pub target: Target,
    /// File offset (also the directory cursor for getdents64).
    pub offset: Mutex<u64>,
    /// Access mode and status flags (`O_*`).
    pub flags: AtomicU32,
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        match &self.target {
            Target::PipeRead(p) => p.close_end(false),
            Target::PipeWrite(p) => p.close_end(true),
            Target::Node(_) => {}
        }
    }
}

impl OpenFile {
    /// Opens `target` with `flags`.
    pub fn new(target: Target, flags: u32) -> Arc<OpenFile> {
        Arc::new(OpenFile {
            target,
            offset: Mutex::new(0),
            flags: AtomicU32::new(flags),
        })
    }

    fn nonblock(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & O_NONBLOCK != 0
    }

    fn readable(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & O_ACCMODE != O_WRONLY
    }

    fn writable(&self) -> bool {
        self.flags.load(Ordering::Relaxed) & O_ACCMODE != O_RDONLY
    }

    /// The node, if this is one.
    pub fn node(&self) -> Option<&Arc<Inode>> {
        match &self.target {
            Target::Node(n) => Some(n),
            _ => None,
        }
    }

    /// `read(2)` at the current offset.
    pub fn read(&self, buf: &mut [u8]) -> Result<usize, Errno> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        match &self.target {
            Target::PipeRead(p) => p.read(buf, self.nonblock()),
            Target::PipeWrite(_) => Err(Errno::EBADF),
            Target::Node(n) => match &n.kind {
                Kind::File(data) => {
                    let mut off = self.offset.lock();
                    let n = read_at(&data.lock(), *off, buf);
                    *off += n as u64;
                    Ok(n)
                }
                Kind::Dir(_) => Err(Errno::EISDIR),
                Kind::Symlink(_) => Err(Errno::EINVAL),
                Kind::Dev(Device::Console) => console::read(buf, self.nonblock()),
                Kind::Dev(Device::Null) => Ok(0),
                Kind::Dev(Device::Zero) => {
                    buf.fill(0);
                    Ok(buf.len())
                }
            },
        }
    }

    /// `pread64`: reads at `off` without moving the offset.
    pub fn read_at(&self, off: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        match self.node().map(|n| &n.kind) {
            Some(Kind::File(data)) if self.readable() => Ok(read_at(&data.lock(), off, buf)),
            Some(Kind::Dir(_)) => Err(Errno::EISDIR),
            Some(Kind::File(_)) => Err(Errno::EBADF),
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
            Target::PipeRead(_) => Err(Errno::EBADF),
            Target::Node(n) => match &n.kind {
                Kind::File(contents) => {
                    let mut off = self.offset.lock();
                    let mut c = contents.lock();
                    if self.flags.load(Ordering::Relaxed) & O_APPEND != 0 {
                        *off = c.len() as u64;
                    }
                    let start = usize::try_from(*off).map_err(|_| Errno::EFBIG)?;
                    let end = start.checked_add(data.len()).ok_or(Errno::EFBIG)?;
                    if end > 1 << 30 {
                        return Err(Errno::EFBIG);
                    }
                    if c.len() < end {
                        let extra = end - c.len();
                        c.try_reserve(extra).map_err(|_| Errno::ENOSPC)?;
                        c.resize(end, 0);
                    }
                    c[start..end].copy_from_slice(data);
                    *off = end as u64;
                    n.mtime
                        .store(crate::time::realtime_secs(), Ordering::Relaxed);
                    Ok(data.len())
                }
                Kind::Dir(_) => Err(Errno::EISDIR),
                Kind::Symlink(_) => Err(Errno::EINVAL),
                Kind::Dev(Device::Console) => Ok(console::write(data)),
                Kind::Dev(_) => Ok(data.len()),
            },
        }
    }

    /// `lseek(2)`.
    pub fn seek(&self, off: i64, whence: u32) -> Result<u64, Errno> {
        let node = match &self.target {
            Target::Node(n) => n,
            _ => return Err(Errno::ESPIPE),
        };
        if let Kind::Dev(d) = node.kind {
            // Linux lets character devices "seek" and reports 0.
            let _ = d;
            return Ok(0);
        }
        let mut cur = self.offset.lock();
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *cur as i64,
            SEEK_END => node.size() as i64,
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

fn read_at(data: &[u8], off: u64, buf: &mut [u8]) -> usize {
    let Ok(start) = usize::try_from(off) else {
        return 0;
    };
    if start >= data.len() {
        return 0;
    }
    let n = buf.len().min(data.len() - start);
    buf[..n].copy_from_slice(&data[start..start + n]);
    n
}

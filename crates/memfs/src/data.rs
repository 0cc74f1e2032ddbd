//! File contents: read and write at an offset, truncate. Writing past the
//! end leaves a hole that reads as zeros (stored as zeros: a RAM filesystem
//! gains nothing from sparse storage at initramfs sizes).

use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::fs::FileSystem;
use crate::inode::{Ino, Node};

/// Largest file size (Linux's `MAX_LFS_FILESIZE` on 64-bit); writes and
/// truncates past it fail with `EFBIG`.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// Grows `data`'s capacity to hold `end` bytes: doubling while small (few
/// copies for a file written in small pieces), then at most [`GROWTH_STEP`]
/// more than needed, so a big file does not hold up to twice its size
/// (an allocator that grows large blocks in place makes the steps cheap).
/// Out of memory is `ENOSPC`, as on tmpfs.
fn reserve(data: &mut alloc::vec::Vec<u8>, end: usize) -> Result<(), Errno> {
    if end <= data.capacity() {
        return Ok(());
    }
    let len = data.len();
    let want = end.max(len.saturating_mul(2).min(len + GROWTH_STEP));
    if data.try_reserve_exact(want - len).is_ok() {
        return Ok(());
    }
    data.try_reserve_exact(end - len).map_err(|_| Errno::ENOSPC)
}

/// Most a file's capacity runs ahead of its size.
const GROWTH_STEP: usize = 1 << 20;

impl FileSystem {
    fn file_data_mut(&mut self, ino: Ino) -> Result<&mut alloc::vec::Vec<u8>, Errno> {
        match &mut self.inode_mut(ino)?.node {
            Node::File(data) => Ok(data),
            Node::Dir(_) => Err(Errno::EISDIR),
            _ => Err(Errno::EINVAL),
        }
    }

    /// Reads up to `buf.len()` bytes at `offset`; 0 at or past the end.
    pub fn read(&self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let data = match &self.inode(ino)?.node {
            Node::File(data) => data,
            Node::Dir(_) => return Err(Errno::EISDIR),
            _ => return Err(Errno::EINVAL),
        };
        let Ok(start) = usize::try_from(offset) else {
            return Ok(0);
        };
        let Some(available) = data.get(start..) else {
            return Ok(0);
        };
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        Ok(n)
    }

    /// Writes all of `bytes` at `offset`, growing the file (zero-filled) as
    /// needed. Out of memory is `ENOSPC`, as on tmpfs.
    pub fn write(
        &mut self,
        ino: Ino,
        offset: u64,
        bytes: &[u8],
        now: Timespec,
    ) -> Result<usize, Errno> {
        let end = offset
            .checked_add(bytes.len() as u64)
            .filter(|&e| e <= MAX_FILE_SIZE)
            .ok_or(Errno::EFBIG)?;
        let end = usize::try_from(end).map_err(|_| Errno::EFBIG)?;
        let data = self.file_data_mut(ino)?;
        if end > data.len() {
            reserve(data, end)?;
            data.resize(end, 0);
        }
        data[end - bytes.len()..end].copy_from_slice(bytes);
        let inode = self.inode_mut(ino)?;
        inode.mtime = now;
        inode.ctime = now;
        Ok(bytes.len())
    }

    /// `truncate(2)`: sets the size, zero-filling any growth.
    pub fn truncate(&mut self, ino: Ino, len: u64, now: Timespec) -> Result<(), Errno> {
        if len > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let len = usize::try_from(len).map_err(|_| Errno::EFBIG)?;
        let data = self.file_data_mut(ino)?;
        if len > data.len() {
            data.try_reserve_exact(len - data.len())
                .map_err(|_| Errno::ENOSPC)?;
        }
        data.resize(len, 0);
        data.shrink_to(len.max(64)); // give back memory of a big truncate
        let inode = self.inode_mut(ino)?;
        inode.mtime = now;
        inode.ctime = now;
        Ok(())
    }

    /// The whole contents of a regular file, for the kernel's ELF loader
    /// (which can then map or copy pages without an intermediate buffer).
    pub fn file_bytes(&self, ino: Ino) -> Result<&[u8], Errno> {
        match &self.inode(ino)?.node {
            Node::File(data) => Ok(data),
            Node::Dir(_) => Err(Errno::EISDIR),
            _ => Err(Errno::EINVAL),
        }
    }
}

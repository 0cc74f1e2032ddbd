//! Directory listings (`getdents64`) and the path of a directory (`getcwd`).

use alloc::vec::Vec;

use linux_abi::dirent::{dtype_from_mode, write_dirent64};
use linux_abi::Errno;

use crate::dir::FIRST_COOKIE;
use crate::fs::FileSystem;
use crate::inode::{FileType, Ino};

/// One entry of a directory listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: Vec<u8>,
    pub ino: Ino,
    pub file_type: FileType,
    /// The cursor to resume after this entry (`d_off`).
    pub next_cursor: u64,
}

impl FileSystem {
    /// The entry at `cursor` in directory `dir` (0 is `.`, 1 is `..`, then
    /// the entries in creation order), or `None` at the end. Cursors stay
    /// valid across insertions and removals (see the `dir` module).
    pub fn read_dir(&self, dir: Ino, cursor: u64) -> Result<Option<DirEntry>, Errno> {
        let contents = self.dir(dir)?;
        let (name, ino, next_cursor) = match cursor {
            0 => (&b"."[..], dir, 1),
            1 => (&b".."[..], contents.parent, FIRST_COOKIE),
            _ => match contents.entry_at(cursor) {
                Some(entry) => entry,
                None => return Ok(None),
            },
        };
        Ok(Some(DirEntry {
            name: Vec::from(name),
            ino,
            file_type: self.file_type(ino)?,
            next_cursor,
        }))
    }

    /// `getdents64(2)`: packs `linux_dirent64` records starting at `cursor`
    /// into `buf`. Returns the bytes written (0 at the end) and the cursor
    /// to store in the open file. `EINVAL` if not even one record fits, as
    /// on Linux.
    pub fn getdents64(&self, dir: Ino, cursor: u64, buf: &mut [u8]) -> Result<(usize, u64), Errno> {
        let mut written = 0;
        let mut cursor = cursor;
        while let Some(entry) = self.read_dir(dir, cursor)? {
            let d_type = dtype_from_mode(entry.file_type.mode_bits());
            let Some(len) = write_dirent64(
                &mut buf[written..],
                entry.ino.0,
                entry.next_cursor as i64,
                d_type,
                &entry.name,
            ) else {
                if written == 0 {
                    return Err(Errno::EINVAL);
                }
                break;
            };
            written += len;
            cursor = entry.next_cursor;
        }
        Ok((written, cursor))
    }

    /// The absolute path of directory `dir`, as `getcwd` reports it.
    /// `ENOENT` if the directory was removed (Linux's getcwd does the same).
    pub fn path_of(&self, dir: Ino) -> Result<Vec<u8>, Errno> {
        if self.inode(dir)?.nlink == 0 {
            return Err(Errno::ENOENT);
        }
        let mut names: Vec<&[u8]> = Vec::new();
        let mut current = dir;
        loop {
            let parent = self.dir(current)?.parent;
            if parent == current {
                break;
            }
            names.push(self.dir(parent)?.name_of(current).ok_or(Errno::ENOENT)?);
            current = parent;
        }
        let mut path = Vec::new();
        for name in names.iter().rev() {
            path.push(b'/');
            path.extend_from_slice(name);
        }
        if path.is_empty() {
            path.push(b'/');
        }
        Ok(path)
    }
}

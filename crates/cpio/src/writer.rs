//! A minimal newc writer, for tests and tools that need to build archives
//! (the reader's round-trip property test, memfs tests). Enabled by the
//! `writer` feature; it is not used by the kernel.

use alloc::vec::Vec;

use crate::header::MAGIC_NEWC;
use crate::reader::TRAILER_NAME;

/// Header fields of an entry to write; `Default` is an empty regular file
/// with mode 0644 and nlink 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meta {
    pub ino: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub nlink: u32,
    pub mtime: u32,
    pub dev_major: u32,
    pub dev_minor: u32,
    pub rdev_major: u32,
    pub rdev_minor: u32,
}

impl Default for Meta {
    fn default() -> Self {
        Meta {
            ino: 0,
            mode: 0o100_644,
            uid: 0,
            gid: 0,
            nlink: 1,
            mtime: 0,
            dev_major: 0,
            dev_minor: 0,
            rdev_major: 0,
            rdev_minor: 0,
        }
    }
}

/// Appends entries to a growing archive; [`Writer::finish`] adds the trailer.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Self {
        Writer::default()
    }

    /// Appends one entry. `name` must not contain NUL.
    pub fn append(&mut self, meta: &Meta, name: &[u8], data: &[u8]) -> &mut Self {
        assert!(!name.contains(&0), "cpio names cannot contain NUL");
        let name_size = u32::try_from(name.len() + 1).expect("name too long for cpio");
        let file_size = u32::try_from(data.len()).expect("file too large for cpio");
        self.buf.extend_from_slice(MAGIC_NEWC);
        let fields = [
            meta.ino,
            meta.mode,
            meta.uid,
            meta.gid,
            meta.nlink,
            meta.mtime,
            file_size,
            meta.dev_major,
            meta.dev_minor,
            meta.rdev_major,
            meta.rdev_minor,
            name_size,
            0, // check: only meaningful for the 070702 variant
        ];
        for value in fields {
            push_hex8(&mut self.buf, value);
        }
        self.buf.extend_from_slice(name);
        self.buf.push(0);
        self.pad4();
        self.buf.extend_from_slice(data);
        self.pad4();
        self
    }

    /// A regular file with the given permission bits.
    pub fn file(&mut self, name: &[u8], perm: u32, data: &[u8]) -> &mut Self {
        self.append(
            &Meta {
                mode: 0o100_000 | perm,
                ..Meta::default()
            },
            name,
            data,
        )
    }

    /// A directory with the given permission bits.
    pub fn dir(&mut self, name: &[u8], perm: u32) -> &mut Self {
        self.append(
            &Meta {
                mode: 0o040_000 | perm,
                nlink: 2,
                ..Meta::default()
            },
            name,
            &[],
        )
    }

    /// A symlink pointing at `target`.
    pub fn symlink(&mut self, name: &[u8], target: &[u8]) -> &mut Self {
        self.append(
            &Meta {
                mode: 0o120_777,
                ..Meta::default()
            },
            name,
            target,
        )
    }

    /// Appends the trailer and returns the archive bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.append(
            &Meta {
                mode: 0,
                nlink: 1,
                ..Meta::default()
            },
            TRAILER_NAME,
            &[],
        );
        self.buf
    }

    fn pad4(&mut self) {
        while !self.buf.len().is_multiple_of(4) {
            self.buf.push(0);
        }
    }
}

fn push_hex8(buf: &mut Vec<u8>, value: u32) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for shift in (0..8).rev() {
        buf.push(DIGITS[((value >> (shift * 4)) & 0xf) as usize]);
    }
}

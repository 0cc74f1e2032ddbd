//! One archive member as the reader hands it out: metadata copied out of
//! the header plus borrowed slices of the name and the data.

/// The file type bits of a mode (`S_IFMT`).
pub const S_IFMT: u32 = 0o170_000;

/// What kind of file an entry describes, from the `S_IFMT` bits of its mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    Symlink,
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    /// Type bits no Linux file type uses; the consumer decides whether to
    /// skip or reject it (the Linux initramfs unpacker skips).
    Unknown(u32),
}

impl FileType {
    /// The type encoded in `mode`'s `S_IFMT` bits.
    pub const fn from_mode(mode: u32) -> Self {
        match mode & S_IFMT {
            0o100_000 => FileType::Regular,
            0o040_000 => FileType::Directory,
            0o120_000 => FileType::Symlink,
            0o020_000 => FileType::CharDevice,
            0o060_000 => FileType::BlockDevice,
            0o010_000 => FileType::Fifo,
            0o140_000 => FileType::Socket,
            other => FileType::Unknown(other),
        }
    }
}

/// One member of an archive. Numbers are exactly what the header says;
/// `name` is the stored path without its NUL terminator (newc writers
/// usually store it relative, e.g. `bin/sh` or `./bin/sh`; normalizing is
/// the consumer's job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Byte offset of this entry's header in the archive buffer.
    pub offset: usize,
    pub name: &'a [u8],
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
    /// File contents for a regular file, the target path for a symlink,
    /// usually empty otherwise. For a hard-linked file only the last entry
    /// of the link group carries the data.
    pub data: &'a [u8],
}

impl<'a> Entry<'a> {
    pub const fn file_type(&self) -> FileType {
        FileType::from_mode(self.mode)
    }

    /// Permission bits including setuid/setgid/sticky (`mode & 0o7777`).
    pub const fn permissions(&self) -> u32 {
        self.mode & 0o7777
    }

    /// The link target if this entry is a symlink.
    pub fn symlink_target(&self) -> Option<&'a [u8]> {
        (self.file_type() == FileType::Symlink).then_some(self.data)
    }

    /// The name as UTF-8, for logging; Linux paths need not be UTF-8.
    pub fn name_str(&self) -> Option<&'a str> {
        core::str::from_utf8(self.name).ok()
    }
}

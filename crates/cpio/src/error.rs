//! Why an archive could not be read. Every malformed input maps to one of
//! these; the reader never panics on archive contents.

use core::fmt;

/// The header field a [`Error::BadHexField`] refers to, in header order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Ino,
    Mode,
    Uid,
    Gid,
    Nlink,
    Mtime,
    FileSize,
    DevMajor,
    DevMinor,
    RdevMajor,
    RdevMinor,
    NameSize,
    Check,
}

impl Field {
    /// All fields in the order they appear after the magic.
    pub const ALL: [Field; 13] = [
        Field::Ino,
        Field::Mode,
        Field::Uid,
        Field::Gid,
        Field::Nlink,
        Field::Mtime,
        Field::FileSize,
        Field::DevMajor,
        Field::DevMinor,
        Field::RdevMajor,
        Field::RdevMinor,
        Field::NameSize,
        Field::Check,
    ];
}

/// A reason the archive is malformed. `offset` is the byte offset from the
/// start of the buffer given to [`crate::Archive::new`] of the header that
/// failed, so a log line can point at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The buffer ends inside a header, a name, or file data.
    Truncated { offset: usize },
    /// The six magic bytes are neither `070701` nor `070702`.
    BadMagic { offset: usize },
    /// A header field holds something other than 8 hex digits.
    BadHexField { offset: usize, field: Field },
    /// `namesize` is 0, or the name's last byte is not NUL, or the name
    /// holds a NUL before its end, or the name is empty.
    BadName { offset: usize },
    /// A `070702` (crc) entry whose data does not sum to its `check` field.
    BadChecksum { offset: usize },
    /// The buffer ends at an entry boundary without a `TRAILER!!!` entry:
    /// the archive was cut short.
    MissingTrailer { offset: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { offset } => write!(f, "cpio: truncated entry at offset {offset}"),
            Error::BadMagic { offset } => write!(f, "cpio: bad magic at offset {offset}"),
            Error::BadHexField { offset, field } => {
                write!(
                    f,
                    "cpio: bad hex in field {field:?} of header at offset {offset}"
                )
            }
            Error::BadName { offset } => {
                write!(f, "cpio: malformed name in header at offset {offset}")
            }
            Error::BadChecksum { offset } => {
                write!(f, "cpio: checksum mismatch for entry at offset {offset}")
            }
            Error::MissingTrailer { offset } => {
                write!(
                    f,
                    "cpio: archive ends at offset {offset} without a TRAILER!!! entry"
                )
            }
        }
    }
}

//! A reader of cpio "newc" archives, the format of the Linux initramfs.
//!
//! The reader borrows the archive and never allocates: each [`Entry`] holds
//! slices of the name and data inside the buffer. Malformed input (bad
//! magic, non-hex fields, a name without its NUL, truncation, a missing
//! trailer, a crc mismatch) is reported as an [`Error`], never a panic.
//!
//! ```
//! /// Logs every member of an initramfs image.
//! fn list(initramfs: &[u8]) -> Result<(), cpio::Error> {
//!     for entry in cpio::Archive::new(initramfs).entries() {
//!         let entry = entry?;
//!         let _ = (entry.name, entry.file_type(), entry.permissions(), entry.data.len());
//!     }
//!     Ok(())
//! }
//! # list(b"07070100000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000b00000000TRAILER!!!\0\0\0\0").unwrap();
//! ```
#![no_std]
#![forbid(unsafe_code)]

#[cfg(any(test, feature = "writer"))]
extern crate alloc;

mod entry;
mod error;
mod header;
mod reader;
#[cfg(any(test, feature = "writer"))]
pub mod writer;

#[cfg(test)]
mod tests;

pub use entry::{Entry, FileType, S_IFMT};
pub use error::{Error, Field};
pub use header::{HEADER_LEN, MAGIC_CRC, MAGIC_NEWC};
pub use reader::{Archive, Entries, TRAILER_NAME};

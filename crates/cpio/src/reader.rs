//! Walks the entries of a newc archive.
//!
//! Layout of one entry, with every offset relative to the start of the
//! buffer: a 110-byte header, `namesize` bytes of name (NUL included),
//! zero padding to a multiple of 4, `filesize` bytes of data, zero padding to
//! a multiple of 4. The entry named `TRAILER!!!` ends an archive. Like the
//! Linux initramfs unpacker, the reader accepts several archives back to
//! back, separated by NUL padding, and NUL padding after the last trailer
//! (GNU cpio pads to 512 bytes).

use crate::entry::Entry;
use crate::error::Error;
use crate::header::{RawHeader, HEADER_LEN};

/// Name of the entry that ends an archive.
pub const TRAILER_NAME: &[u8] = b"TRAILER!!!";

/// A newc archive in memory. Creating one does no work; errors surface as
/// the entries are walked.
#[derive(Debug, Clone, Copy)]
pub struct Archive<'a> {
    data: &'a [u8],
}

impl<'a> Archive<'a> {
    pub const fn new(data: &'a [u8]) -> Self {
        Archive { data }
    }

    /// Iterates the entries (trailers are consumed, not yielded). After the
    /// first `Err` the iterator returns `None`.
    pub fn entries(&self) -> Entries<'a> {
        Entries {
            data: self.data,
            pos: 0,
            state: State::InArchive,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a header (or the end of an archive that had no trailer yet).
    InArchive,
    /// A trailer was seen: only padding or another archive may follow.
    AfterTrailer,
    /// Ended, by running out of input or by an error.
    Done,
}

/// Iterator over the entries of an [`Archive`].
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    data: &'a [u8],
    pos: usize,
    state: State,
}

const fn align4(n: usize) -> Option<usize> {
    match n.checked_add(3) {
        Some(v) => Some(v & !3),
        None => None,
    }
}

impl<'a> Entries<'a> {
    fn fail(&mut self, err: Error) -> Option<Result<Entry<'a>, Error>> {
        self.state = State::Done;
        Some(Err(err))
    }

    /// Parses the entry at `self.pos` and advances past it.
    fn parse_one(&mut self) -> Result<Entry<'a>, Error> {
        let offset = self.pos;
        let truncated = Error::Truncated { offset };
        let header = RawHeader::parse(&self.data[offset..], offset)?;

        let name_start = offset + HEADER_LEN;
        let name_size = header.name_size as usize;
        let name_end = name_start.checked_add(name_size).ok_or(truncated)?;
        let with_nul = self.data.get(name_start..name_end).ok_or(truncated)?;
        let name = match with_nul.split_last() {
            Some((0, name)) if !name.is_empty() && !name.contains(&0) => name,
            _ => return Err(Error::BadName { offset }),
        };

        let data_start = align4(name_end).ok_or(truncated)?;
        let data_end = data_start
            .checked_add(header.file_size as usize)
            .ok_or(truncated)?;
        if data_end > self.data.len() {
            return Err(truncated);
        }
        let data = &self.data[data_start..data_end];
        if header.has_crc {
            let sum = data
                .iter()
                .fold(0u32, |acc, &b| acc.wrapping_add(u32::from(b)));
            if sum != header.check {
                return Err(Error::BadChecksum { offset });
            }
        }

        let next = align4(data_end).ok_or(truncated)?;
        if name == TRAILER_NAME {
            // Padding after the final trailer may be cut off; nothing follows.
            self.pos = next.min(self.data.len());
        } else if next > self.data.len() {
            return Err(truncated);
        } else {
            self.pos = next;
        }
        Ok(Entry {
            offset,
            name,
            ino: header.ino,
            mode: header.mode,
            uid: header.uid,
            gid: header.gid,
            nlink: header.nlink,
            mtime: header.mtime,
            dev_major: header.dev_major,
            dev_minor: header.dev_minor,
            rdev_major: header.rdev_major,
            rdev_minor: header.rdev_minor,
            data,
        })
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Result<Entry<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.state {
                State::Done => return None,
                State::AfterTrailer => {
                    let padding = self.data[self.pos..]
                        .iter()
                        .take_while(|&&b| b == 0)
                        .count();
                    self.pos += padding;
                    if self.pos == self.data.len() {
                        self.state = State::Done;
                        return None;
                    }
                    // Another archive follows; its headers must be aligned
                    // like any other.
                    if !self.pos.is_multiple_of(4) {
                        return self.fail(Error::BadMagic { offset: self.pos });
                    }
                    self.state = State::InArchive;
                }
                State::InArchive => {
                    if self.pos == self.data.len() {
                        return self.fail(Error::MissingTrailer { offset: self.pos });
                    }
                    match self.parse_one() {
                        Err(e) => return self.fail(e),
                        Ok(entry) if entry.name == TRAILER_NAME => self.state = State::AfterTrailer,
                        Ok(entry) => return Some(Ok(entry)),
                    }
                }
            }
        }
    }
}

impl core::iter::FusedIterator for Entries<'_> {}

//! The fixed 110-byte newc header: a 6-byte magic and 13 fields of exactly
//! 8 ASCII hex digits each. This module turns those bytes into numbers and
//! nothing else; layout rules (name, padding, data) live in `reader`.

use crate::error::{Error, Field};

/// Length of a newc header in bytes.
pub const HEADER_LEN: usize = 110;
/// Magic of a plain newc entry.
pub const MAGIC_NEWC: &[u8; 6] = b"070701";
/// Magic of a newc entry whose `check` field is the sum of its data bytes.
pub const MAGIC_CRC: &[u8; 6] = b"070702";

/// The numeric fields of one header, in the order they are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawHeader {
    pub has_crc: bool,
    pub ino: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub nlink: u32,
    pub mtime: u32,
    pub file_size: u32,
    pub dev_major: u32,
    pub dev_minor: u32,
    pub rdev_major: u32,
    pub rdev_minor: u32,
    pub name_size: u32,
    pub check: u32,
}

impl RawHeader {
    /// Parses the header that starts at `bytes[0]`; `offset` is only used
    /// for error reports.
    pub fn parse(bytes: &[u8], offset: usize) -> Result<Self, Error> {
        let header = bytes.get(..HEADER_LEN).ok_or(Error::Truncated { offset })?;
        let has_crc = match &header[..6] {
            m if m == MAGIC_NEWC => false,
            m if m == MAGIC_CRC => true,
            _ => return Err(Error::BadMagic { offset }),
        };
        let mut values = [0u32; 13];
        for (i, (value, field)) in values.iter_mut().zip(Field::ALL).enumerate() {
            let start = 6 + 8 * i;
            *value = parse_hex8(&header[start..start + 8])
                .ok_or(Error::BadHexField { offset, field })?;
        }
        let [ino, mode, uid, gid, nlink, mtime, file_size, dev_major, dev_minor, rdev_major, rdev_minor, name_size, check] =
            values;
        Ok(RawHeader {
            has_crc,
            ino,
            mode,
            uid,
            gid,
            nlink,
            mtime,
            file_size,
            dev_major,
            dev_minor,
            rdev_major,
            rdev_minor,
            name_size,
            check,
        })
    }
}

/// Parses exactly 8 hex digits (either case). Anything else, including a
/// sign, a space or a `0x` prefix, is rejected: GNU cpio and the Linux
/// initramfs writer emit only digits, and accepting more would let two
/// readers disagree about one archive.
fn parse_hex8(digits: &[u8]) -> Option<u32> {
    if digits.len() != 8 {
        return None;
    }
    digits.iter().try_fold(0u32, |acc, &c| {
        let nibble = (c as char).to_digit(16)?;
        Some((acc << 4) | nibble)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_accepts_both_cases_and_rejects_junk() {
        assert_eq!(parse_hex8(b"0000001a"), Some(0x1a));
        assert_eq!(parse_hex8(b"FFFFFFFF"), Some(u32::MAX));
        assert_eq!(parse_hex8(b"0000001g"), None);
        assert_eq!(parse_hex8(b" 0000001"), None);
        assert_eq!(parse_hex8(b"+0000001"), None);
        assert_eq!(parse_hex8(b"0000001"), None);
    }

    #[test]
    fn short_header_is_truncated() {
        let bytes = [b'0'; HEADER_LEN - 1];
        assert_eq!(
            RawHeader::parse(&bytes, 4),
            Err(Error::Truncated { offset: 4 })
        );
    }

    #[test]
    fn wrong_magic_is_rejected() {
        let mut bytes = [b'0'; HEADER_LEN];
        bytes[..6].copy_from_slice(b"070707"); // the old binary-ish "odc" format
        assert_eq!(
            RawHeader::parse(&bytes, 0),
            Err(Error::BadMagic { offset: 0 })
        );
    }

    #[test]
    fn bad_digit_names_its_field() {
        let mut bytes = [b'0'; HEADER_LEN];
        bytes[..6].copy_from_slice(MAGIC_NEWC);
        bytes[6 + 8 * 4 + 3] = b'z'; // nlink
        assert_eq!(
            RawHeader::parse(&bytes, 8),
            Err(Error::BadHexField {
                offset: 8,
                field: Field::Nlink
            })
        );
    }
}

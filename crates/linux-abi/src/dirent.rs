//! `struct linux_dirent64` records, as `getdents64` packs them into the
//! caller's buffer.
//!
//! A record is `d_ino: u64, d_off: i64, d_reclen: u16, d_type: u8`, then
//! the NUL-terminated name, padded so each record is 8-byte aligned. It is
//! variable-length, so instead of a struct this module writes records.

pub const DT_UNKNOWN: u8 = 0;
pub const DT_FIFO: u8 = 1;
pub const DT_CHR: u8 = 2;
pub const DT_DIR: u8 = 4;
pub const DT_BLK: u8 = 6;
pub const DT_REG: u8 = 8;
pub const DT_LNK: u8 = 10;
pub const DT_SOCK: u8 = 12;

/// Offset of the name within a record (`offsetof(struct dirent64, d_name)`).
pub const DIRENT64_NAME_OFFSET: usize = 19;

/// The `d_type` for a mode's file type bits.
pub const fn dtype_from_mode(mode: u32) -> u8 {
    ((mode >> 12) & 0xf) as u8
}

/// Length of the record for a name of `name_len` bytes.
pub const fn dirent64_reclen(name_len: usize) -> usize {
    (DIRENT64_NAME_OFFSET + name_len + 1 + 7) & !7
}

/// Writes one record at the start of `out`: `d_off` is the cursor a later
/// `getdents64` (or `lseek`) resumes from. Returns the record length, or
/// `None` if `out` is too small, in which case the caller stops (and
/// returns `EINVAL` if no record fit at all, as Linux does).
pub fn write_dirent64(
    out: &mut [u8],
    ino: u64,
    off: i64,
    d_type: u8,
    name: &[u8],
) -> Option<usize> {
    let reclen = dirent64_reclen(name.len());
    let record = out.get_mut(..reclen)?;
    record[0..8].copy_from_slice(&ino.to_le_bytes());
    record[8..16].copy_from_slice(&off.to_le_bytes());
    record[16..18].copy_from_slice(&u16::try_from(reclen).ok()?.to_le_bytes());
    record[18] = d_type;
    let name_end = DIRENT64_NAME_OFFSET + name.len();
    record[DIRENT64_NAME_OFFSET..name_end].copy_from_slice(name);
    record[name_end..].fill(0);
    Some(reclen)
}

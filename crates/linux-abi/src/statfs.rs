//! `statfs`/`fstatfs`: the filesystem summary and the magic numbers that
//! name filesystem types (`linux/magic.h`).

use crate::bytes::abi_struct;

abi_struct! {
    /// `struct statfs` (x86_64, same as `statfs64`), 120 bytes.
    pub struct Statfs (120) {
        pub f_type: i64,
        pub f_bsize: i64,
        pub f_blocks: u64,
        pub f_bfree: u64,
        pub f_bavail: u64,
        pub f_files: u64,
        pub f_ffree: u64,
        pub f_fsid: [i32; 2],
        pub f_namelen: i64,
        pub f_frsize: i64,
        pub f_flags: i64,
        pub f_spare: [i64; 4],
    }
}

pub const TMPFS_MAGIC: i64 = 0x0102_1994;
pub const PROC_SUPER_MAGIC: i64 = 0x9fa0;
pub const PIPEFS_MAGIC: i64 = 0x5049_5045;

/// `f_flags`: the flags field is valid (Linux sets it since 2.6.36).
pub const ST_VALID: i64 = 0x0020;
pub const ST_NOSUID: i64 = 0x0002;
pub const ST_NODEV: i64 = 0x0004;
pub const ST_NOEXEC: i64 = 0x0008;

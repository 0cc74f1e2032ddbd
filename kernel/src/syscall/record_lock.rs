//! `fcntl` record locks (F_GETLK, F_SETLK, F_SETLKW) without a lock table:
//! no lock is kept between processes yet, so no request ever conflicts.
//! What Linux checks about the request itself is checked here the same
//! way (EFAULT, EINVAL for a bad type or whence, EBADF for a read lock on
//! a file not open for reading or a write lock on one not open for
//! writing), and F_GETLK answers as Linux does when nothing conflicts:
//! `l_type` becomes F_UNLCK, the rest is left as given.
use super::SysResult;
use crate::fs::file::OpenFile;
use crate::proc::uaccess::{copy_from_user, copy_to_user};
use linux_abi::fcntl::F_GETLK;
use linux_abi::Errno;

/// `struct flock` on x86_64: l_type, l_whence (i16 each), l_start, l_len
/// (i64), l_pid (i32), 4 bytes of padding.
const FLOCK_SIZE: usize = 32;
const F_RDLCK: i16 = 0;
const F_WRLCK: i16 = 1;
const F_UNLCK: i16 = 2;

pub fn record_lock(f: &OpenFile, cmd: u32, arg: u64) -> SysResult {
    let mut raw = [0u8; FLOCK_SIZE];
    copy_from_user(arg, &mut raw)?;
    let l_type = i16::from_le_bytes([raw[0], raw[1]]);
    let l_whence = i16::from_le_bytes([raw[2], raw[3]]);
    if !(0..=2).contains(&l_whence) {
        return Err(Errno::EINVAL);
    }
    match l_type {
        F_RDLCK | F_WRLCK | F_UNLCK => {}
        _ => return Err(Errno::EINVAL),
    }
    if cmd == F_GETLK {
        if l_type == F_UNLCK {
            return Err(Errno::EINVAL); // Linux: F_GETLK asks about a lock
        }
        raw[..2].copy_from_slice(&F_UNLCK.to_le_bytes());
        copy_to_user(arg, &raw)?;
        return Ok(0);
    }
    match l_type {
        F_RDLCK if !f.readable() => Err(Errno::EBADF),
        F_WRLCK if !f.writable() => Err(Errno::EBADF),
        _ => Ok(0),
    }
}

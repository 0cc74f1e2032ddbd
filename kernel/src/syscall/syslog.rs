//! `syslog(2)` (glibc's `klogctl`): reads of the kernel log buffer, as
//! `dmesg` makes them. Reading everything (action 3) and the sizes are
//! open to every process (Linux with `dmesg_restrict=0`, its upstream
//! default); clearing and destructive reads need root. Console-level
//! changes (6, 7, 8) are accepted and change nothing but the answer.
//! Unlike Linux's, a destructive read (action 2) of an empty log returns
//! 0 at once instead of sleeping until a message comes.
use super::SysResult;
use crate::log_buffer::Reader;
use crate::proc::current_process;
use crate::proc::uaccess::{copy_to_user, zeroed_buffer};
use linux_abi::Errno;

const CLOSE: u64 = 0;
const OPEN: u64 = 1;
const READ: u64 = 2;
const READ_ALL: u64 = 3;
const READ_CLEAR: u64 = 4;
const CLEAR: u64 = 5;
const CONSOLE_OFF: u64 = 6;
const CONSOLE_ON: u64 = 7;
const CONSOLE_LEVEL: u64 = 8;
const SIZE_UNREAD: u64 = 9;
const SIZE_BUFFER: u64 = 10;

pub fn syslog(action: u64, buf: u64, len: u64) -> SysResult {
    let action = u64::from(action as u32); // a C int: a negative one is unknown
    let len = len as u32 as i32; // a C int
    let root = current_process().is_some_and(|p| p.cred.lock().privileged());
    match action {
        READ_ALL | SIZE_BUFFER => {}
        CLOSE | OPEN | READ | READ_CLEAR | CLEAR | CONSOLE_OFF | CONSOLE_ON | CONSOLE_LEVEL
        | SIZE_UNREAD => {
            if !root {
                return Err(Errno::EPERM);
            }
        }
        _ => return Err(Errno::EINVAL),
    }
    match action {
        CLOSE | OPEN | CONSOLE_OFF | CONSOLE_ON => Ok(0),
        CONSOLE_LEVEL if !(1..=8).contains(&len) => Err(Errno::EINVAL),
        CONSOLE_LEVEL => Ok(0),
        READ | READ_ALL | READ_CLEAR => {
            if buf == 0 || len < 0 {
                return Err(Errno::EINVAL);
            }
            if len == 0 {
                return Ok(0);
            }
            let mut out = zeroed_buffer((len as usize).min(crate::log_buffer::SIZE))?;
            let reader = if action == READ {
                Reader::Unread
            } else {
                Reader::All
            };
            let n = crate::log_buffer::read_into(&mut out, reader);
            copy_to_user(buf, &out[..n])?;
            if action == READ_CLEAR {
                crate::log_buffer::clear();
            }
            Ok(n as u64)
        }
        CLEAR => {
            crate::log_buffer::clear();
            Ok(0)
        }
        SIZE_UNREAD => Ok(crate::log_buffer::unread() as u64),
        _ => Ok(crate::log_buffer::SIZE as u64), // SIZE_BUFFER
    }
}

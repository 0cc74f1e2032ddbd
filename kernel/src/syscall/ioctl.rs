//! ioctl: the requests every descriptor takes (FIONBIO, FIOASYNC,
//! FIONREAD, FIOCLEX, FIONCLEX, handled by the VFS on Linux before any
//! driver sees them), then the console's terminal requests.
use super::lookup::file;
use super::SysResult;
use crate::fs::file::{NodeKind, OpenFile, Target};
use crate::fs::{with_fs, Device};
use crate::proc::current_process;
use crate::proc::uaccess::{read_struct, write_struct};
use core::sync::atomic::Ordering;
use linux_abi::fcntl::{O_ASYNC, O_NONBLOCK};
use linux_abi::termios::{ioctl as tio, Termios};
use linux_abi::Errno;

fn is_tty(f: &OpenFile) -> bool {
    matches!(f.node(), Some((_, NodeKind::Dev(Device::Console))))
}

/// Sets or clears status flag `flag` as the `int` at `arg` says.
fn set_flag(f: &OpenFile, flag: u32, arg: u64) -> SysResult {
    let on: i32 = read_struct(arg)?;
    if on != 0 {
        f.flags.fetch_or(flag, Ordering::Relaxed);
    } else {
        f.flags.fetch_and(!flag, Ordering::Relaxed);
    }
    Ok(0)
}

/// FIONREAD: bytes a read would get now. Linux answers for pipes and
/// terminals, and for a regular file with size minus offset (negative
/// past the end); anything else has no answer (ENOTTY).
fn bytes_readable(f: &OpenFile) -> Result<i32, Errno> {
    Ok(match &f.target {
        Target::PipeRead(p) | Target::PipeWrite(p) => p.len() as i32,
        Target::Node(ino, NodeKind::File) => {
            let size = with_fs(|fs| fs.metadata(*ino))?.size as i64;
            (size - *f.offset.lock() as i64) as i32
        }
        // A /proc file is a regular file of size 0 on Linux.
        Target::Snapshot(_) => -(*f.offset.lock() as i64) as i32,
        _ if is_tty(f) => crate::fs::console::readable() as i32,
        _ => return Err(Errno::ENOTTY),
    })
}

pub fn ioctl(fd: u64, cmd: u64, arg: u64) -> SysResult {
    let f = file(fd)?;
    let cmd = cmd as u32;
    match cmd {
        tio::FIOCLEX | tio::FIONCLEX => {
            let p = current_process().ok_or(Errno::EBADF)?;
            p.files.lock().set_cloexec(fd as i32, cmd == tio::FIOCLEX)?;
            Ok(0)
        }
        tio::FIONBIO => set_flag(&f, O_NONBLOCK, arg),
        tio::FIOASYNC => {
            // Only pipes and terminals can signal readiness (SIGIO itself
            // is not sent yet); Linux says ENOTTY for a file that cannot
            // when the flag would change.
            let on: i32 = read_struct(arg)?;
            let is_set = f.flags.load(Ordering::Relaxed) & O_ASYNC != 0;
            let can = matches!(f.target, Target::PipeRead(_) | Target::PipeWrite(_)) || is_tty(&f);
            if (on != 0) == is_set {
                Ok(0)
            } else if can {
                set_flag(&f, O_ASYNC, arg)
            } else {
                Err(Errno::ENOTTY)
            }
        }
        tio::FIONREAD => {
            write_struct(arg, &bytes_readable(&f)?)?;
            Ok(0)
        }
        _ => tty_ioctl(&f, cmd, arg),
    }
}

fn tty_ioctl(f: &OpenFile, cmd: u32, arg: u64) -> SysResult {
    if !is_tty(f) {
        return Err(Errno::ENOTTY);
    }
    match cmd {
        tio::TCGETS => {
            write_struct(arg, &crate::fs::console::termios())?;
            Ok(0)
        }
        tio::TCSETS | tio::TCSETSW | tio::TCSETSF => {
            let t: Termios = read_struct(arg)?;
            crate::fs::console::set_termios(t, cmd == tio::TCSETSF);
            Ok(0)
        }
        tio::TIOCGWINSZ => {
            write_struct(arg, &crate::fs::console::winsize())?;
            Ok(0)
        }
        tio::TIOCSWINSZ => Ok(0),
        tio::TIOCGPGRP => {
            let fg = match crate::proc::pgrp::foreground() {
                0 => crate::proc::pgrp::getpgid(0)?,
                g => g,
            };
            write_struct(arg, &(fg as i32))?;
            Ok(0)
        }
        tio::TIOCGSID => {
            write_struct(arg, &(crate::proc::pgrp::getsid(0)? as i32))?;
            Ok(0)
        }
        tio::TIOCSPGRP => {
            let pgid: i32 = read_struct(arg)?;
            if pgid < 0 {
                return Err(Errno::EINVAL);
            }
            crate::proc::pgrp::set_foreground(pgid as u32, true)?;
            Ok(0)
        }
        tio::TIOCSCTTY => Ok(0),
        _ => Err(Errno::ENOTTY),
    }
}

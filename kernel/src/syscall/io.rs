//! Data transfer: read, write and their vector and positioned forms,
//! lseek, sendfile.
use super::lookup::file;
use super::SysResult;
use crate::fs::file::NodeKind;
use crate::fs::Device;
use crate::proc::uaccess::{
    access_ok, copy_from_user, copy_to_user, read_bytes, read_struct, with_scratch, write_struct,
};
use alloc::vec;
use alloc::vec::Vec;
use linux_abi::uio::{Iovec, UIO_MAXIOV};
use linux_abi::Errno;

/// Largest single read or write (Linux's MAX_RW_COUNT is a little less
/// than 2 GiB; a smaller cap keeps kernel buffers reasonable).
const MAX_RW: usize = 1 << 24;

pub fn read(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    with_scratch(len.min(1 << 16), |k| {
        if !f.is_regular() {
            // Devices and pipes: one read of what is there.
            let n = f.read(k)?;
            copy_to_user(buf, &k[..n])?;
            return Ok(n as u64);
        }
        // Regular files, in chunks; the offset only moves past bytes that
        // reached the caller, so a bad buffer consumes nothing.
        let mut off = f.offset.lock();
        let mut done = 0;
        while done < len {
            let want = (len - done).min(k.len());
            let n = f.read_at(*off, &mut k[..want])?;
            if let Err(e) = copy_to_user(buf + done as u64, &k[..n]) {
                return if done > 0 { Ok(done as u64) } else { Err(e) };
            }
            *off += n as u64;
            done += n;
            if n < want {
                break;
            }
        }
        Ok(done as u64)
    })
}

pub fn write(fd: u64, buf: u64, len: u64) -> SysResult {
    let f = file(fd)?;
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    let mut done = 0;
    while done < len {
        let chunk = (len - done).min(1 << 16);
        let written = with_scratch(chunk, |k| {
            copy_from_user(buf + done as u64, k)?;
            f.write(k)
        });
        let n = match written {
            Ok(n) => n,
            Err(e) => {
                if e == Errno::EPIPE {
                    crate::proc::signal::send_sigpipe();
                }
                if done > 0 && e != Errno::EPIPE {
                    break;
                }
                return Err(e);
            }
        };
        done += n;
        if n < chunk {
            break;
        }
    }
    Ok(done as u64)
}

pub fn pread(fd: u64, buf: u64, len: u64, off: u64) -> SysResult {
    let f = file(fd)?;
    if (off as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    let len = (len as usize).min(MAX_RW);
    access_ok(buf, len)?;
    let mut k = crate::proc::uaccess::zeroed_buffer(len)?;
    let n = f.read_at(off, &mut k)?;
    copy_to_user(buf, &k[..n])?;
    Ok(n as u64)
}

pub fn pwrite(fd: u64, buf: u64, len: u64, off: u64) -> SysResult {
    let f = file(fd)?;
    if (off as i64) < 0 {
        return Err(Errno::EINVAL);
    }
    let len = (len as usize).min(MAX_RW);
    let data = read_bytes(buf, len)?;
    Ok(f.write_at(off, &data)? as u64)
}

fn iovecs(iov: u64, count: u64) -> Result<Vec<Iovec>, Errno> {
    if count as usize > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::new();
    let mut total: u64 = 0;
    for i in 0..count {
        let e: Iovec = read_struct(iov + i * 16)?;
        total = total.checked_add(e.iov_len).ok_or(Errno::EINVAL)?;
        if total > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        v.push(e);
    }
    Ok(v)
}

pub fn readv(fd: u64, iov: u64, count: u64) -> SysResult {
    file(fd)?;
    let mut total = 0;
    for e in iovecs(iov, count)? {
        let n = read(fd, e.iov_base, e.iov_len)?;
        total += n;
        if n < e.iov_len {
            break;
        }
    }
    Ok(total)
}

pub fn writev(fd: u64, iov: u64, count: u64) -> SysResult {
    file(fd)?;
    let mut total = 0;
    for e in iovecs(iov, count)? {
        let n = write(fd, e.iov_base, e.iov_len)?;
        total += n;
        if n < e.iov_len {
            break;
        }
    }
    Ok(total)
}

pub fn lseek(fd: u64, off: u64, whence: u64) -> SysResult {
    file(fd)?.seek(off as i64, whence as u32)
}

/// `sendfile`: copies up to `count` bytes from `in_fd` (at `*offset` when
/// given, which is then advanced; else at its file offset) to `out_fd`,
/// through a kernel buffer.
pub fn sendfile(out_fd: u64, in_fd: u64, offset: u64, count: u64) -> SysResult {
    let (inf, outf) = (file(in_fd)?, file(out_fd)?);
    // Linux reads the input through its page-cache splice path: a regular
    // file or /dev/zero; a pipe, terminal, /dev/null, directory or /proc
    // file is EINVAL, and programs (BusyBox cat) fall back to read and
    // write, which is what makes end-of-input on a terminal reach them.
    match inf.node() {
        Some((_, NodeKind::File | NodeKind::Dev(Device::Zero))) => {}
        _ => return Err(Errno::EINVAL),
    }
    let count = (count as usize).min(MAX_RW);
    let start = if offset != 0 {
        let o: i64 = read_struct(offset)?;
        if o < 0 {
            return Err(Errno::EINVAL);
        }
        Some(o as u64)
    } else {
        None
    };
    let mut buf = vec![0u8; count.clamp(1, 1 << 16)];
    let mut done = 0;
    while done < count {
        let want = (count - done).min(buf.len());
        let got = match start {
            Some(o) => inf.read_at(o + done as u64, &mut buf[..want]),
            None => inf.read(&mut buf[..want]),
        };
        let n = match got {
            Ok(0) => break,
            Ok(n) => n,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        };
        let w = match outf.write(&buf[..n]) {
            Ok(w) => w,
            Err(e) => {
                if e == Errno::EPIPE {
                    crate::proc::signal::send_sigpipe();
                }
                if done > 0 {
                    break;
                }
                return Err(e);
            }
        };
        done += w;
        if w < n || n < want {
            break; // a full output, or the end of the input
        }
    }
    if let Some(o) = start {
        write_struct(offset, &((o + done as u64) as i64))?;
    }
    Ok(done as u64)
}

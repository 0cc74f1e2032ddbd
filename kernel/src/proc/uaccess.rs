//! Copying to and from user memory. Every access goes through the current
//! process's page tables (the `vm` crate), never through a user pointer,
//! so a bad address is EFAULT and never a kernel fault; writes resolve
//! copy-on-write pages first.
use super::current_process;
use crate::mm::user::{self, with_mm};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use linux_abi::{AbiBytes, Errno};

/// Linux's `access_ok`: EFAULT unless `[addr, addr+len)` lies in the user
/// half. Checked before a call has side effects (such as consuming input).
pub fn access_ok(addr: u64, len: usize) -> Result<(), Errno> {
    match addr.checked_add(len as u64) {
        Some(end) if end <= crate::mm::layout::USER_END => Ok(()),
        _ => Err(Errno::EFAULT),
    }
}

/// Copies `buf.len()` bytes from user address `addr`.
pub fn copy_from_user(addr: u64, buf: &mut [u8]) -> Result<(), Errno> {
    if buf.is_empty() {
        return Ok(());
    }
    let proc = current_process().ok_or(Errno::EFAULT)?;
    let mem = proc.mem();
    let mut mem = mem.lock();
    let mem = mem.as_mut().ok_or(Errno::EFAULT)?;
    with_mm(|mm| {
        // Most reads find every page present: no fault to resolve, no
        // flush token to build.
        if mem.space.read_user(mm, addr, buf).is_ok() {
            return Ok(());
        }
        copy_from_user_resolving(mm, mem, addr, buf)
    })
}

fn copy_from_user_resolving(
    mm: &mut user::KernelMm,
    mem: &mut super::UserMem,
    addr: u64,
    buf: &mut [u8],
) -> Result<(), Errno> {
    match mem.space.copy_from_user(mm, addr, buf) {
        Ok(flush) => {
            user::flush(flush, mem.space.root());
            Ok(())
        }
        Err(_) => Err(Errno::EFAULT),
    }
}

/// Copies `data` to user address `addr`.
pub fn copy_to_user(addr: u64, data: &[u8]) -> Result<(), Errno> {
    if data.is_empty() {
        return Ok(());
    }
    let proc = current_process().ok_or(Errno::EFAULT)?;
    copy_to_user_in(&proc.mem(), addr, data)
}

/// Copies `data` to `addr` in the address space `mem` (e.g. a new child's,
/// for CLONE_CHILD_SETTID), resolving copy-on-write there.
pub fn copy_to_user_in(mem: &super::MemRef, addr: u64, data: &[u8]) -> Result<(), Errno> {
    let mut mem = mem.lock();
    let mem = mem.as_mut().ok_or(Errno::EFAULT)?;
    with_mm(|mm| {
        // Most writes find every page privately writable; copy-on-write,
        // borrowed and missing pages take the resolving path (which may
        // redo pages already written here: harmless).
        if mem.space.write_user(mm, addr, data).is_ok() {
            return Ok(());
        }
        match mem.space.copy_to_user(mm, addr, data) {
            Ok(flush) => {
                user::flush(flush, mem.space.root());
                Ok(())
            }
            Err(_) => Err(Errno::EFAULT),
        }
    })
}

/// A zeroed kernel buffer of a size a user program chose: ENOMEM when the
/// kernel heap cannot give it, never a panic.
pub fn zeroed_buffer(len: usize) -> Result<Vec<u8>, Errno> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Errno::ENOMEM)?;
    v.resize(len, 0);
    Ok(v)
}

/// Reads `len` bytes into a new buffer.
pub fn read_bytes(addr: u64, len: usize) -> Result<Vec<u8>, Errno> {
    let mut v = zeroed_buffer(len)?;
    copy_from_user(addr, &mut v)?;
    Ok(v)
}

/// Runs `f` on a zeroed scratch buffer of `len` bytes: on the stack for
/// the common small sizes (ABI structs: sigaction 32 bytes, timespec 16,
/// stat 144; short reads and writes), since zeroing and heap allocation
/// would cost more than the copy itself; on the heap for larger ones.
pub fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if len <= 64 {
        f(&mut [0u8; 64][..len])
    } else if len <= 160 {
        f(&mut [0u8; 160][..len])
    } else {
        f(&mut vec![0u8; len])
    }
}

/// Reads an ABI struct.
pub fn read_struct<T: AbiBytes>(addr: u64) -> Result<T, Errno> {
    with_scratch(T::SIZE, |b| {
        copy_from_user(addr, b)?;
        Ok(T::read_image(b))
    })
}

/// Writes an ABI struct.
pub fn write_struct<T: AbiBytes>(addr: u64, v: &T) -> Result<(), Errno> {
    with_scratch(T::SIZE, |b| {
        v.write_image(b);
        copy_to_user(addr, b)
    })
}

/// Bytes [`read_cstr`] copies at a time.
const CSTR_PIECE: usize = 128;

/// Reads a NUL-terminated string of at most `max` bytes (ENAMETOOLONG
/// beyond), in pieces that never cross a page, so a string ending just
/// before an unmapped page reads fine; pieces are small because most
/// strings (paths, arguments) are.
pub fn read_cstr(addr: u64, max: usize) -> Result<String, Errno> {
    if addr == 0 {
        return Err(Errno::EFAULT);
    }
    let mut out = Vec::new();
    let mut pos = addr;
    loop {
        let chunk = ((4096 - (pos % 4096)) as usize).min(CSTR_PIECE);
        let mut piece = [0u8; CSTR_PIECE];
        let buf = &mut piece[..chunk];
        copy_from_user(pos, buf)?;
        if let Some(i) = buf.iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..i]);
            break;
        }
        out.extend_from_slice(buf);
        if out.len() >= max {
            return Err(Errno::ENAMETOOLONG);
        }
        pos = pos.checked_add(chunk as u64).ok_or(Errno::EFAULT)?;
    }
    if out.len() >= max {
        return Err(Errno::ENAMETOOLONG);
    }
    String::from_utf8(out).map_err(|_| Errno::EINVAL)
}

/// Reads a path argument.
pub fn read_path(addr: u64) -> Result<String, Errno> {
    read_cstr(addr, linux_abi::fcntl::PATH_MAX)
}

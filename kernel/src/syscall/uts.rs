//! The system's names: `uname` reports them, `sethostname` and
//! `setdomainname` (root only, at most 64 bytes, as Linux's
//! __NEW_UTS_LEN) change them for every process (there are no UTS
//! namespaces here).
use super::SysResult;
use crate::proc::current_process;
use crate::proc::uaccess::{copy_from_user, write_struct};
use linux_abi::utsname::{Utsname, UTS_FIELD_LEN};
use linux_abi::Errno;
use spin::Mutex;

const NAME_MAX: usize = UTS_FIELD_LEN - 1;

/// A name without its NUL.
#[derive(Clone, Copy)]
struct Name {
    bytes: [u8; NAME_MAX],
    len: usize,
}

impl Name {
    const fn new(s: &[u8]) -> Name {
        let mut bytes = [0u8; NAME_MAX];
        let mut i = 0;
        while i < s.len() {
            bytes[i] = s[i];
            i += 1;
        }
        Name {
            bytes,
            len: s.len(),
        }
    }
    fn get(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The node (host) name and the domain name.
static NAMES: Mutex<(Name, Name)> = Mutex::new((Name::new(b"kernel"), Name::new(b"(none)")));

pub fn uname(buf: u64) -> SysResult {
    let (node, domain) = *NAMES.lock();
    let mut u = Utsname::new("Linux", "", "6.1.0-rust", "#1 SMP", "x86_64");
    u.nodename[..node.len].copy_from_slice(node.get());
    u.domainname = [0; UTS_FIELD_LEN];
    u.domainname[..domain.len].copy_from_slice(domain.get());
    write_struct(buf, &u)?;
    Ok(0)
}

/// Reads a new name: EINVAL for more than 64 bytes, EPERM for a caller
/// that is not root, EFAULT for a bad buffer (checked in Linux's order).
/// The length is a C `int`: only the low 32 bits count.
fn read_name(name: u64, len: u64) -> Result<Name, Errno> {
    let privileged = current_process().is_some_and(|p| p.cred.lock().privileged());
    if !privileged {
        return Err(Errno::EPERM);
    }
    let len = usize::try_from(len as u32 as i32)
        .ok()
        .filter(|&l| l <= NAME_MAX)
        .ok_or(Errno::EINVAL)?;
    let mut out = Name::new(b"");
    copy_from_user(name, &mut out.bytes[..len])?;
    out.len = len;
    Ok(out)
}

pub fn sethostname(name: u64, len: u64) -> SysResult {
    let n = read_name(name, len)?;
    NAMES.lock().0 = n;
    Ok(0)
}

pub fn setdomainname(name: u64, len: u64) -> SysResult {
    let n = read_name(name, len)?;
    NAMES.lock().1 = n;
    Ok(0)
}

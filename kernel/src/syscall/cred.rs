//! User and group ids (get*id, set*id, setres*id, setfs*id, groups) and
//! the persona. The rules live in `proc::cred`; this file moves the
//! arguments and results.
use super::SysResult;
use crate::proc::cred::{Cred, Ids};
use crate::proc::current_process;
use crate::proc::uaccess::{read_bytes, write_struct};
use core::sync::atomic::Ordering;
use linux_abi::Errno;

/// Which kind of id a call is about.
#[derive(Clone, Copy)]
pub enum Kind {
    User,
    Group,
}

fn cred() -> Result<Cred, Errno> {
    Ok(*current_process().ok_or(Errno::ESRCH)?.cred.lock())
}

/// Reads the ids of `kind`, applies `change` to them and stores the result.
fn update(kind: Kind, change: impl FnOnce(Ids, bool) -> Result<Ids, Errno>) -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    let mut c = p.cred.lock();
    let privileged = c.privileged();
    match kind {
        Kind::User => {
            let ids = change(c.uids(), privileged)?;
            c.set_uids(ids);
        }
        Kind::Group => {
            let ids = change(c.gids(), privileged)?;
            c.set_gids(ids);
        }
    }
    Ok(0)
}

fn ids(kind: Kind) -> Result<Ids, Errno> {
    let c = cred()?;
    Ok(match kind {
        Kind::User => c.uids(),
        Kind::Group => c.gids(),
    })
}

pub fn getid(kind: Kind, effective: bool) -> SysResult {
    let i = ids(kind)?;
    Ok(u64::from(if effective { i.e } else { i.r }))
}

pub fn getres(kind: Kind, r: u64, e: u64, s: u64) -> SysResult {
    let i = ids(kind)?;
    write_struct(r, &i.r)?;
    write_struct(e, &i.e)?;
    write_struct(s, &i.s)?;
    Ok(0)
}

pub fn setres(kind: Kind, r: u64, e: u64, s: u64) -> SysResult {
    update(kind, |i, p| i.setres(r as u32, e as u32, s as u32, p))
}

pub fn set(kind: Kind, id: u64) -> SysResult {
    update(kind, |i, p| i.set(id as u32, p))
}

pub fn setre(kind: Kind, r: u64, e: u64) -> SysResult {
    update(kind, |i, p| i.setre(r as u32, e as u32, p))
}

/// `setfs[ug]id` returns the old filesystem id whether or not it changed.
pub fn setfs(kind: Kind, id: u64) -> SysResult {
    let old = ids(kind)?.fs;
    update(kind, |i, p| Ok(i.setfs(id as u32, p)))?;
    Ok(u64::from(old))
}

/// Processes have no supplementary groups: `getgroups` reports none.
pub fn getgroups(size: u64, _list: u64) -> SysResult {
    if (size as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    Ok(0)
}

/// `setgroups`: checked as Linux checks it (privilege, count, readable
/// list), then dropped, since file permissions are not checked anyway.
pub fn setgroups(size: u64, list: u64) -> SysResult {
    const NGROUPS_MAX: u64 = 65536;
    if size > NGROUPS_MAX {
        return Err(Errno::EINVAL);
    }
    if !cred()?.privileged() {
        return Err(Errno::EPERM);
    }
    read_bytes(list, size as usize * 4)?;
    Ok(0)
}

/// `personality(2)`: 0xffffffff only reads the persona; any other value
/// replaces it. Either way the old one is returned.
pub fn personality(persona: u64) -> SysResult {
    let p = current_process().ok_or(Errno::ESRCH)?;
    let persona = persona as u32;
    let old = if persona == u32::MAX {
        p.personality.load(Ordering::Relaxed)
    } else {
        p.personality.swap(persona, Ordering::Relaxed)
    };
    Ok(u64::from(old))
}

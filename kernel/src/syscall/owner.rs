//! File owners: chown, fchown, lchown, fchownat. Who may change an owner
//! follows Linux (root any; the owner only its file's group, to a group
//! it is in); the inode update, with its set-ID bit rules, is memfs's.
use super::lookup::{dir_base, file, file_raw};
use super::SysResult;
use crate::fs::file::OpenFile;
use crate::fs::{now, with_fs};
use crate::proc::cred::{Cred, KEEP};
use crate::proc::current_process;
use crate::proc::uaccess::read_path;
use linux_abi::fcntl::{AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW};
use linux_abi::Errno;
use memfs::Ino;

/// Whether `cred` may set `uid`/`gid` ([`KEEP`]: unchanged) on a file
/// owned by `owner:group` (Linux's `chown_ok` and `chgrp_ok`).
fn may_chown(cred: &Cred, owner: u32, group: u32, uid: u32, gid: u32) -> bool {
    if cred.privileged() {
        return true;
    }
    let is_owner = cred.fsuid == owner;
    let uid_ok = uid == KEEP || (is_owner && uid == owner);
    let gid_ok = gid == KEEP || (is_owner && (gid == group || gid == cred.fsgid));
    uid_ok && gid_ok
}

fn chown_ino(ino: Ino, uid: u64, gid: u64) -> SysResult {
    let cred = *current_process().ok_or(Errno::ESRCH)?.cred.lock();
    let (uid, gid) = (uid as u32, gid as u32);
    with_fs(|fs| {
        let m = fs.metadata(ino)?;
        if !may_chown(&cred, m.uid, m.gid, uid, gid) {
            return Err(Errno::EPERM);
        }
        let some = |id: u32| (id != KEEP).then_some(id);
        fs.set_owner(ino, some(uid), some(gid), now())
    })?;
    Ok(0)
}

pub fn fchownat(dirfd: u64, path: u64, uid: u64, gid: u64, flags: u64) -> SysResult {
    let flags = flags as u32;
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let p = read_path(path);
    if flags & AT_EMPTY_PATH != 0 && matches!(&p, Ok(s) if s.is_empty()) {
        if dirfd as i32 == AT_FDCWD {
            return chown_ino(super::lookup::cwd(), uid, gid);
        }
        return chown_file(&*file_raw(dirfd)?, uid, gid);
    }
    let p = p?;
    if crate::proc::procfs::is_proc_path(&p) {
        return Err(Errno::EPERM); // /proc's files belong to the kernel
    }
    let base = dir_base(dirfd, p.as_bytes())?;
    let follow = flags & AT_SYMLINK_NOFOLLOW == 0;
    let ino = with_fs(|fs| fs.lookup(base, p.as_bytes(), follow))?;
    chown_ino(ino, uid, gid)
}

pub fn fchown(fd: u64, uid: u64, gid: u64) -> SysResult {
    chown_file(&*file(fd)?, uid, gid)
}

fn chown_file(f: &OpenFile, uid: u64, gid: u64) -> SysResult {
    match f.node() {
        Some((ino, _)) => chown_ino(ino, uid, gid),
        // Pipes and /proc snapshots: nothing to own that outlives them.
        None => Ok(0),
    }
}

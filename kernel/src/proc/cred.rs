//! Credentials: the real, effective, saved and filesystem user and group
//! ids a process carries, and Linux's rules for changing them. There are
//! no capabilities: an effective user id of 0 stands for CAP_SETUID,
//! CAP_SETGID and CAP_CHOWN together, as it does for a root process on
//! Linux. Permission checks on files are not made (memfs does none); the
//! ids decide who may change ids and file owners.
use linux_abi::Errno;

/// `(uid_t)-1`: "leave unchanged" in the set*id calls.
pub const KEEP: u32 = u32::MAX;

/// One process's ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cred {
    pub ruid: u32,
    pub euid: u32,
    pub suid: u32,
    pub fsuid: u32,
    pub rgid: u32,
    pub egid: u32,
    pub sgid: u32,
    pub fsgid: u32,
}

/// Real, effective, saved and filesystem ids of one kind (user or group),
/// so that the rules below are written once for both.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub r: u32,
    pub e: u32,
    pub s: u32,
    pub fs: u32,
}

impl Cred {
    /// Whether the process may set any id and change any file's owner.
    pub fn privileged(&self) -> bool {
        self.euid == 0
    }

    pub fn uids(&self) -> Ids {
        Ids {
            r: self.ruid,
            e: self.euid,
            s: self.suid,
            fs: self.fsuid,
        }
    }

    pub fn gids(&self) -> Ids {
        Ids {
            r: self.rgid,
            e: self.egid,
            s: self.sgid,
            fs: self.fsgid,
        }
    }

    pub fn set_uids(&mut self, ids: Ids) {
        (self.ruid, self.euid, self.suid, self.fsuid) = (ids.r, ids.e, ids.s, ids.fs);
    }

    pub fn set_gids(&mut self, ids: Ids) {
        (self.rgid, self.egid, self.sgid, self.fsgid) = (ids.r, ids.e, ids.s, ids.fs);
    }
}

impl Ids {
    fn is_current(&self, id: u32) -> bool {
        id == self.r || id == self.e || id == self.s
    }

    /// `setres[ug]id`: each id not [`KEEP`] is set; without privilege it
    /// must be one of the current real, effective or saved ids.
    pub fn setres(self, r: u32, e: u32, s: u32, privileged: bool) -> Result<Ids, Errno> {
        if !privileged
            && [r, e, s]
                .iter()
                .any(|&id| id != KEEP && !self.is_current(id))
        {
            return Err(Errno::EPERM);
        }
        let pick = |new: u32, old: u32| if new == KEEP { old } else { new };
        let e = pick(e, self.e);
        Ok(Ids {
            r: pick(r, self.r),
            e,
            s: pick(s, self.s),
            fs: e,
        })
    }

    /// `set[ug]id`: with privilege all of real, effective and saved;
    /// otherwise the effective id, to the real or saved one only.
    pub fn set(self, id: u32, privileged: bool) -> Result<Ids, Errno> {
        if id == KEEP {
            return Err(Errno::EINVAL);
        }
        if privileged {
            Ok(Ids {
                r: id,
                e: id,
                s: id,
                fs: id,
            })
        } else if id == self.r || id == self.s {
            Ok(Ids {
                e: id,
                fs: id,
                ..self
            })
        } else {
            Err(Errno::EPERM)
        }
    }

    /// `setre[ug]id`: without privilege the real id may become the real
    /// or effective one, the effective id any of the three. The saved id
    /// follows the new effective id when the real id is set or the
    /// effective id moves away from the old real one.
    pub fn setre(self, r: u32, e: u32, privileged: bool) -> Result<Ids, Errno> {
        if !privileged
            && ((r != KEEP && r != self.r && r != self.e) || (e != KEEP && !self.is_current(e)))
        {
            return Err(Errno::EPERM);
        }
        let new_r = if r == KEEP { self.r } else { r };
        let new_e = if e == KEEP { self.e } else { e };
        let s = if r != KEEP || (e != KEEP && e != self.r) {
            new_e
        } else {
            self.s
        };
        Ok(Ids {
            r: new_r,
            e: new_e,
            s,
            fs: new_e,
        })
    }

    /// `setfs[ug]id`: the filesystem id, to one of the current ids (or any
    /// with privilege); the caller gets the old one back either way.
    pub fn setfs(self, id: u32, privileged: bool) -> Ids {
        if id == KEEP {
            self
        } else if privileged || self.is_current(id) || id == self.fs {
            Ids { fs: id, ..self }
        } else {
            self
        }
    }
}

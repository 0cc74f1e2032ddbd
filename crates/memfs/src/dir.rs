//! Directory contents with stable listing cursors.
//!
//! Each entry gets a cookie from a per-directory counter when it is
//! inserted; listings go in cookie order and a cursor is "the next cookie
//! to return". So an entry present for a whole listing is returned exactly
//! once, however many other entries are added or removed meanwhile (the
//! guarantee `getdents` users rely on when they delete as they list).
//! Cookies 0 and 1 are `.` and `..`.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::inode::Ino;

/// Cursor of the first real entry (after `.` and `..`).
pub const FIRST_COOKIE: u64 = 2;

#[derive(Debug)]
pub(crate) struct Dir {
    /// The parent directory (itself for the root).
    pub parent: Ino,
    by_name: BTreeMap<Vec<u8>, u64>,
    by_cookie: BTreeMap<u64, (Vec<u8>, Ino)>,
    next_cookie: u64,
}

impl Dir {
    pub fn new(parent: Ino) -> Self {
        Dir {
            parent,
            by_name: BTreeMap::new(),
            by_cookie: BTreeMap::new(),
            next_cookie: FIRST_COOKIE,
        }
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    pub fn get(&self, name: &[u8]) -> Option<Ino> {
        let cookie = self.by_name.get(name)?;
        Some(self.by_cookie[cookie].1)
    }

    /// Adds `name`; the caller has checked it is absent.
    pub fn insert(&mut self, name: Vec<u8>, ino: Ino) {
        debug_assert!(!self.by_name.contains_key(&name));
        let cookie = self.next_cookie;
        self.next_cookie += 1;
        self.by_name.insert(name.clone(), cookie);
        self.by_cookie.insert(cookie, (name, ino));
    }

    /// Removes `name`, returning the inode it named.
    pub fn remove(&mut self, name: &[u8]) -> Option<Ino> {
        let cookie = self.by_name.remove(name)?;
        self.by_cookie.remove(&cookie).map(|(_, ino)| ino)
    }

    /// The first entry at or after `cursor` (>= FIRST_COOKIE) and the
    /// cursor that follows it.
    pub fn entry_at(&self, cursor: u64) -> Option<(&[u8], Ino, u64)> {
        let (&cookie, (name, ino)) = self.by_cookie.range(cursor..).next()?;
        Some((name, *ino, cookie + 1))
    }

    /// The name under which `ino` appears here, if it does.
    pub fn name_of(&self, ino: Ino) -> Option<&[u8]> {
        self.by_cookie
            .values()
            .find(|(_, i)| *i == ino)
            .map(|(n, _)| n.as_slice())
    }
}

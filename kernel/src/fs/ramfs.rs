//! The in-memory filesystem the initramfs is unpacked into; files created
//! at run time live until shutdown. Paths resolve from the root through
//! directories, following symlinks (at most 8 deep, else ELOOP).
//!
//! Kept in the kernel (not `crates/memfs`, which did not exist when this
//! was written); the interface is small so it can be swapped.
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use linux_abi::stat::mode::{S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG};
use linux_abi::Errno;
use spin::{Mutex, Once};

/// Character devices the kernel provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// The serial console.
    Console,
    /// Discards writes, reads EOF.
    Null,
    /// Reads zeros.
    Zero,
}

impl Device {
    /// (major, minor) as Linux numbers them.
    pub fn numbers(self) -> (u32, u32) {
        match self {
            Device::Console => (5, 1),
            Device::Null => (1, 3),
            Device::Zero => (1, 5),
        }
    }
}

/// What a node holds.
#[derive(Debug)]
pub enum Kind {
    /// Regular file contents.
    File(Mutex<Vec<u8>>),
    /// Directory entries by name.
    Dir(Mutex<BTreeMap<String, Arc<Inode>>>),
    /// Symbolic link target.
    Symlink(String),
    /// Character device.
    Dev(Device),
}

/// A file, directory, symlink or device node.
#[derive(Debug)]
pub struct Inode {
    /// Inode number.
    pub ino: u64,
    /// Permission bits (type bits come from `kind`).
    pub perm: AtomicU32,
    /// Contents.
    pub kind: Kind,
    /// Modification time, seconds.
    pub mtime: AtomicU64,
}

static NEXT_INO: AtomicU64 = AtomicU64::new(1);
static ROOT: Once<Arc<Inode>> = Once::new();

/// Longest name of one path component.
pub const NAME_MAX: usize = 255;
/// Longest path.
pub const PATH_MAX: usize = 4096;
const MAX_SYMLINKS: u32 = 8;

impl Inode {
    /// A new node.
    pub fn new(kind: Kind, perm: u32) -> Arc<Inode> {
        Arc::new(Inode {
            ino: NEXT_INO.fetch_add(1, Ordering::Relaxed),
            perm: AtomicU32::new(perm & 0o7777),
            kind,
            mtime: AtomicU64::new(0),
        })
    }

    /// A new empty directory.
    pub fn new_dir(perm: u32) -> Arc<Inode> {
        Inode::new(Kind::Dir(Mutex::new(BTreeMap::new())), perm)
    }

    /// `st_mode`: type and permission bits.
    pub fn mode(&self) -> u32 {
        let t = match self.kind {
            Kind::File(_) => S_IFREG,
            Kind::Dir(_) => S_IFDIR,
            Kind::Symlink(_) => S_IFLNK,
            Kind::Dev(_) => S_IFCHR,
        };
        t | self.perm.load(Ordering::Relaxed)
    }

    /// Size in bytes (file length, symlink target length).
    pub fn size(&self) -> u64 {
        match &self.kind {
            Kind::File(d) => d.lock().len() as u64,
            Kind::Symlink(t) => t.len() as u64,
            _ => 0,
        }
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir(_))
    }

    fn entries(&self) -> Result<&Mutex<BTreeMap<String, Arc<Inode>>>, Errno> {
        match &self.kind {
            Kind::Dir(e) => Ok(e),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// Looks a name up in this directory.
    pub fn lookup(&self, name: &str) -> Result<Arc<Inode>, Errno> {
        self.entries()?
            .lock()
            .get(name)
            .cloned()
            .ok_or(Errno::ENOENT)
    }

    /// Adds `node` as `name`; EEXIST if taken.
    pub fn link(&self, name: &str, node: Arc<Inode>) -> Result<(), Errno> {
        check_name(name)?;
        let mut e = self.entries()?.lock();
        if e.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        e.insert(name.to_string(), node);
        Ok(())
    }

    /// Removes `name`; `dir` says whether a directory is expected (rmdir)
    /// or forbidden (unlink).
    pub fn unlink(&self, name: &str, dir: bool) -> Result<(), Errno> {
        let mut e = self.entries()?.lock();
        let node = e.get(name).ok_or(Errno::ENOENT)?;
        match (dir, node.is_dir()) {
            (false, true) => return Err(Errno::EISDIR),
            (true, false) => return Err(Errno::ENOTDIR),
            (true, true) if !node.entries()?.lock().is_empty() => return Err(Errno::ENOTEMPTY),
            _ => {}
        }
        e.remove(name);
        Ok(())
    }

    /// Directory entries as (name, node), sorted by name.
    pub fn list(&self) -> Result<Vec<(String, Arc<Inode>)>, Errno> {
        Ok(self
            .entries()?
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}

fn check_name(name: &str) -> Result<(), Errno> {
    if name.len() > NAME_MAX {
        Err(Errno::ENAMETOOLONG)
    } else if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        Err(Errno::EINVAL)
    } else {
        Ok(())
    }
}

/// The root directory.
pub fn root() -> Arc<Inode> {
    ROOT.call_once(|| Inode::new_dir(0o755)).clone()
}

/// Joins `path` to `cwd` and removes `.`, `..` and repeated slashes
/// lexically. The result is absolute and has no trailing slash.
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let full_iter = if path.starts_with('/') {
        "".split('/')
    } else {
        cwd.split('/')
    };
    for c in full_iter.chain(path.split('/')) {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = String::new();
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Resolves `path` (relative to `cwd`) to a node. `follow` says whether a
/// symlink in the last component is followed.
pub fn resolve(cwd: &str, path: &str, follow: bool) -> Result<Arc<Inode>, Errno> {
    check_path(path)?;
    let must_be_dir = path.ends_with('/');
    let node = resolve_abs(&normalize(cwd, path), follow || must_be_dir, 0)?;
    if must_be_dir && !node.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    Ok(node)
}

/// Resolves the directory that holds `path`'s last component and returns
/// it with that name.
pub fn resolve_parent(cwd: &str, path: &str) -> Result<(Arc<Inode>, String), Errno> {
    check_path(path)?;
    let abs = normalize(cwd, path);
    let (dir, name) = abs.rsplit_once('/').unwrap_or(("", &abs));
    if name.is_empty() {
        return Err(Errno::EEXIST); // the root itself
    }
    check_name(name)?;
    let parent = resolve_abs(if dir.is_empty() { "/" } else { dir }, true, 0)?;
    if !parent.is_dir() {
        return Err(Errno::ENOTDIR);
    }
    Ok((parent, name.to_string()))
}

fn check_path(path: &str) -> Result<(), Errno> {
    if path.is_empty() {
        Err(Errno::ENOENT)
    } else if path.len() >= PATH_MAX {
        Err(Errno::ENAMETOOLONG)
    } else {
        Ok(())
    }
}

fn resolve_abs(abs: &str, follow_last: bool, depth: u32) -> Result<Arc<Inode>, Errno> {
    let comps: Vec<&str> = abs.split('/').filter(|c| !c.is_empty()).collect();
    let mut node = root();
    for (i, c) in comps.iter().enumerate() {
        if c.len() > NAME_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let next = node.lookup(c)?;
        let last = i + 1 == comps.len();
        node = match &next.kind {
            Kind::Symlink(target) if !last || follow_last => {
                if depth >= MAX_SYMLINKS {
                    return Err(Errno::ELOOP);
                }
                let dir = comps[..i].join("/");
                let dir = alloc::format!("/{dir}");
                let mut target_abs = normalize(&dir, target);
                if !last {
                    target_abs.push('/');
                    target_abs.push_str(&comps[i + 1..].join("/"));
                }
                return resolve_abs(&target_abs, follow_last, depth + 1);
            }
            _ => next,
        };
    }
    Ok(node)
}

/// Creates directories along `abs` as needed and returns the last one.
pub fn mkdir_p(abs: &str) -> Result<Arc<Inode>, Errno> {
    let mut node = root();
    for c in abs.split('/').filter(|c| !c.is_empty()) {
        node = match node.lookup(c) {
            Ok(n) => n,
            Err(Errno::ENOENT) => {
                let d = Inode::new_dir(0o755);
                node.link(c, d.clone())?;
                d
            }
            Err(e) => return Err(e),
        };
        if !node.is_dir() {
            return Err(Errno::ENOTDIR);
        }
    }
    Ok(node)
}

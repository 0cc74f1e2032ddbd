//! Files: the in-memory filesystem (`memfs`, holding the unpacked
//! initramfs and everything created at run time) behind one kernel lock,
//! the devices, pipes, open files and descriptor tables.
//!
//! Lock order: a process's `files` table before the filesystem lock; an
//! [`OpenFile`](file::OpenFile) is never dropped while the filesystem lock
//! is held (its drop takes that lock to release the inode).
pub mod console;
pub mod fdtable;
pub mod file;
pub mod pipe;

use alloc::sync::Arc;
use alloc::vec::Vec;
use linux_abi::stat::{makedev, mode::S_IFCHR};
use linux_abi::time::Timespec;
use linux_abi::Errno;
use memfs::{FileSystem, FileType, Ino};
use spin::Mutex;

static FS: Mutex<Option<FileSystem>> = Mutex::new(None);

/// Character devices the kernel drives, by device number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// The serial console (5, 1); also `/dev/tty`.
    Console,
    /// Discards writes, reads EOF (1, 3).
    Null,
    /// Reads zeros (1, 5).
    Zero,
}

const DEVICES: [(&[u8], u32, u32, Device); 4] = [
    (b"/dev/console", 5, 1, Device::Console),
    (b"/dev/tty", 5, 0, Device::Console),
    (b"/dev/null", 1, 3, Device::Null),
    (b"/dev/zero", 1, 5, Device::Zero),
];

/// The driver for device number `rdev`.
pub fn device(rdev: u64) -> Option<Device> {
    DEVICES
        .iter()
        .find(|d| makedev(d.1, d.2) == rdev)
        .map(|d| d.3)
}

/// The current time for inode timestamps.
pub fn now() -> Timespec {
    Timespec::from_nanos(crate::time::realtime_ns())
}

/// Runs `f` with the filesystem locked.
pub fn with_fs<R>(f: impl FnOnce(&mut FileSystem) -> R) -> R {
    let mut g = FS.lock();
    f(g.as_mut().expect("fs::init not called"))
}

/// The root directory.
pub fn root() -> Ino {
    memfs::ROOT_INO
}

/// Creates the filesystem, unpacks the initramfs into it and adds `/dev`
/// and `/tmp`.
pub fn init(initramfs: Option<&[u8]>) {
    let t = now();
    let mut fs = FileSystem::new(t);
    if let Some(data) = initramfs {
        match fs.load_cpio(data, t) {
            Ok(s) => crate::info!(
                "initramfs: {} files, {} dirs, {} symlinks, {} bytes",
                s.files,
                s.dirs,
                s.symlinks,
                s.bytes
            ),
            Err(e) => crate::warn!("initramfs: {e:?}; kept what loaded before it"),
        }
    }
    let root = fs.root();
    for dir in [&b"/dev"[..], b"/tmp"] {
        if fs.lookup(root, dir, true).is_err() {
            let perm = if dir == b"/tmp" { 0o1777 } else { 0o755 };
            if let Err(e) = fs.mkdir(root, dir, perm, t) {
                crate::warn!("mkdir {}: {e}", core::str::from_utf8(dir).unwrap_or("?"));
            }
        }
    }
    for (path, major, minor, _) in DEVICES {
        if fs.lookup(root, path, false).is_err() {
            let _ = fs.mknod(root, path, S_IFCHR | 0o666, makedev(major, minor), t);
        }
    }
    // One reference held forever keeps the inode even if the name goes.
    let console = fs
        .lookup(root, b"/dev/console", true)
        .expect("/dev/console was just made");
    fs.retain(console).expect("the console inode exists");
    CONSOLE_INO.call_once(|| console);
    *FS.lock() = Some(fs);
}

/// Reads a whole regular file.
pub fn read_file(cwd: Ino, path: &str) -> Result<Vec<u8>, Errno> {
    with_fs(|fs| {
        let ino = fs.lookup(cwd, path.as_bytes(), true)?;
        match fs.file_type(ino)? {
            FileType::Regular => Ok(fs.file_bytes(ino)?.to_vec()),
            FileType::Directory => Err(Errno::EISDIR),
            _ => Err(Errno::EACCES),
        }
    })
}

/// Runs `f` on the bytes of a program to execute, in place (no copy of
/// the image on the kernel heap): a regular file with an execute bit set
/// (EACCES otherwise, as Linux's execve). The filesystem stays locked
/// meanwhile, so `f` must not use it.
pub fn with_executable<R>(
    cwd: Ino,
    path: &str,
    f: impl FnOnce(&[u8]) -> Result<R, Errno>,
) -> Result<R, Errno> {
    with_fs(|fs| {
        let ino = fs.lookup(cwd, path.as_bytes(), true)?;
        let meta = fs.metadata(ino)?;
        if meta.file_type != FileType::Regular || meta.perm & 0o111 == 0 {
            return Err(Errno::EACCES);
        }
        f(fs.file_bytes(ino)?)
    })
}

/// The console's inode, held open from boot so that unlinking
/// `/dev/console` cannot take the console away from new processes.
static CONSOLE_INO: spin::Once<Ino> = spin::Once::new();

/// A new open file description of the console, as fds 0, 1 and 2 of the
/// programs the kernel starts.
pub fn console_file() -> Arc<file::OpenFile> {
    let ino = *CONSOLE_INO.get().expect("fs::init opened the console");
    file::OpenFile::of_device(ino, Device::Console, linux_abi::fcntl::O_RDWR)
}

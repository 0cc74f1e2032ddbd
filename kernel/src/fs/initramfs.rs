//! Unpacks the initramfs (cpio newc) into the ramfs and adds `/dev`.
use super::ramfs::{self, Device, Inode, Kind};
use alloc::string::ToString;
use alloc::vec::Vec;
use cpio::{Archive, FileType};
use spin::Mutex;

/// Unpacks `data`; returns the number of entries taken. Entries with bad
/// names or unsupported types are skipped with a warning.
pub fn unpack(data: &[u8]) -> usize {
    let mut count = 0;
    for entry in Archive::new(data).entries() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                crate::warn!("initramfs: {err:?}; stopping");
                break;
            }
        };
        let Some(name) = e.name_str() else {
            crate::warn!("initramfs: skipping a non-UTF-8 name");
            continue;
        };
        let abs = ramfs::normalize("/", name);
        let res = match e.file_type() {
            FileType::Directory => ramfs::mkdir_p(&abs).map(|d| {
                d.perm
                    .store(e.permissions(), core::sync::atomic::Ordering::Relaxed);
            }),
            FileType::Regular => add(
                &abs,
                Kind::File(Mutex::new(e.data.to_vec())),
                e.permissions(),
            ),
            FileType::Symlink => {
                let target = core::str::from_utf8(e.data).unwrap_or("").to_string();
                add(&abs, Kind::Symlink(target), 0o777)
            }
            other => {
                crate::debug!("initramfs: skipping {abs} ({other:?})");
                continue;
            }
        };
        match res {
            Ok(()) => count += 1,
            Err(err) => crate::warn!("initramfs: {abs}: {err}"),
        }
    }
    count
}

fn add(abs: &str, kind: Kind, perm: u32) -> Result<(), linux_abi::Errno> {
    let (dir, name) = abs.rsplit_once('/').unwrap_or(("", abs));
    let parent = ramfs::mkdir_p(dir)?;
    // A later archive replaces an earlier file of the same name, as the
    // Linux unpacker does.
    let _ = parent.unlink(name, false);
    parent.link(name, Inode::new(kind, perm))
}

/// Creates `/dev/{console,null,zero,tty}` and `/tmp`.
pub fn populate_dev() {
    let dev = ramfs::mkdir_p("/dev").expect("mkdir /dev");
    let nodes: Vec<(&str, Device)> = alloc::vec![
        ("console", Device::Console),
        ("tty", Device::Console),
        ("null", Device::Null),
        ("zero", Device::Zero),
    ];
    for (name, d) in nodes {
        let _ = dev.link(name, Inode::new(Kind::Dev(d), 0o666));
    }
    let _ = ramfs::mkdir_p("/tmp");
}

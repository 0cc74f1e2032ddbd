//! statfs/fstatfs: what kind of filesystem a path or descriptor is on.
//! The in-memory filesystem answers as tmpfs does (its size: half of
//! RAM, tmpfs's default), `/proc` as procfs, pipes as pipefs.
use super::lookup::{cwd, file_raw};
use super::SysResult;
use crate::fs::file::Target;
use crate::fs::with_fs;
use crate::proc::uaccess::{read_path, write_struct};
use linux_abi::statfs::*;

fn summary(f_type: i64) -> Statfs {
    Statfs {
        f_type,
        f_bsize: 4096,
        f_frsize: 4096,
        f_namelen: 255,
        f_flags: ST_VALID,
        ..Statfs::default()
    }
}

fn tmpfs() -> Statfs {
    let blocks = crate::mm::frame::usable_count() / 2;
    let free = crate::mm::user::free_frames().min(blocks);
    let used_inodes = with_fs(|fs| fs.inode_count()) as u64;
    Statfs {
        f_blocks: blocks,
        f_bfree: free,
        f_bavail: free,
        f_files: blocks.max(used_inodes),
        f_ffree: blocks.saturating_sub(used_inodes),
        ..summary(TMPFS_MAGIC)
    }
}

pub fn statfs(path: u64, buf: u64) -> SysResult {
    let p = read_path(path)?;
    let s = if crate::proc::procfs::is_proc_path(&p) {
        crate::proc::procfs::read(&p)?;
        summary(PROC_SUPER_MAGIC)
    } else {
        with_fs(|fs| fs.lookup(cwd(), p.as_bytes(), true))?;
        tmpfs()
    };
    write_struct(buf, &s)?;
    Ok(0)
}

pub fn fstatfs(fd: u64, buf: u64) -> SysResult {
    let s = match file_raw(fd)?.target {
        Target::Node(..) => tmpfs(),
        Target::PipeRead(_) | Target::PipeWrite(_) => summary(PIPEFS_MAGIC),
        Target::Snapshot(_) | Target::DirSnapshot(_) => summary(PROC_SUPER_MAGIC),
    };
    write_struct(buf, &s)?;
    Ok(0)
}

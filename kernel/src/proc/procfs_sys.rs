//! `/proc/sys` (read-only here) and `/proc/mounts`: the settings programs
//! and test suites read to size things or decide what to try. Each value
//! is what this kernel does, in Linux's format: `pid_max` is Linux's
//! 64-bit limit (pids here never wrap below it), `max_map_count` Linux's
//! default, which mmap enforces, `core_pattern` Linux's default (no core
//! file is written; the wait status still says when one would have been).
use super::procfs::{dir, Node};
use alloc::string::String;
use alloc::vec::Vec;
use linux_abi::dirent::{DT_DIR, DT_REG};
use linux_abi::Errno;

// The table spells the value out; mmap enforces the constant.
const _: () = assert!(crate::mm::user::MAX_MAP_COUNT == 65530);

/// (directory, file, contents).
const FILES: &[(&str, &str, &str)] = &[
    ("kernel", "pid_max", "4194304\n"),
    ("kernel", "tainted", "0\n"),
    ("kernel", "core_pattern", "core\n"),
    ("kernel", "ostype", "Linux\n"),
    ("kernel", "osrelease", "6.1.0-rust\n"),
    ("fs", "pipe-max-size", "1048576\n"),
    ("vm", "max_map_count", "65530\n"),
    ("vm", "overcommit_memory", "0\n"),
];

/// The node at `parts` below `/proc/sys`.
pub fn read<'a>(mut parts: impl Iterator<Item = &'a str>) -> Result<Node, Errno> {
    let subdir = parts.next();
    let file = parts.next();
    if parts.next().is_some() {
        return Err(Errno::ENOTDIR);
    }
    match (subdir, file) {
        (None, _) => {
            let mut dirs: Vec<&str> = FILES.iter().map(|f| f.0).collect();
            dirs.dedup();
            Ok(dir(dirs.into_iter().map(|d| (d.into(), DT_DIR))))
        }
        (Some(d), None) if FILES.iter().any(|f| f.0 == d) => Ok(dir(FILES
            .iter()
            .filter(|f| f.0 == d)
            .map(|f| (f.1.into(), DT_REG)))),
        (Some(d), Some(name)) => FILES
            .iter()
            .find(|f| f.0 == d && f.1 == name)
            .map(|f| Node::File(f.2.as_bytes().to_vec()))
            .ok_or(Errno::ENOENT),
        _ => Err(Errno::ENOENT),
    }
}

/// `/proc/mounts`: the in-memory root and /proc.
pub fn mounts() -> String {
    String::from("rootfs / tmpfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n")
}

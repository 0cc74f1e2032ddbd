//! Loading cpio archives: one written by the crate's test writer with every
//! kind of entry and the awkward cases, malformed ones, and one written by
//! GNU cpio when it is installed.

use cpio::writer::{Meta, Writer};
use linux_abi::stat::makedev;
use linux_abi::time::Timespec;
use linux_abi::Errno;
use memfs::{FileSystem, FileType, LoadError};

const NOW: Timespec = Timespec {
    tv_sec: 50,
    tv_nsec: 0,
};

fn read_all(fs: &FileSystem, path: &str) -> Vec<u8> {
    let ino = fs.lookup(fs.root(), path.as_bytes(), true).unwrap();
    fs.file_bytes(ino).unwrap().to_vec()
}

#[test]
fn loads_every_entry_kind() {
    let mut w = Writer::new();
    w.append(
        &Meta {
            mode: 0o040_700,
            nlink: 2,
            ..Meta::default()
        },
        b".",
        &[],
    )
    .dir(b"bin", 0o755)
    .append(
        &Meta {
            mode: 0o100_755,
            uid: 1000,
            gid: 100,
            mtime: 1234,
            ..Meta::default()
        },
        b"bin/hello",
        b"\x7fELF",
    )
    .file(b"./etc/motd", 0o644, b"first") // parent "etc" is created implicitly
    .file(b"/etc/motd", 0o600, b"second") // a later entry replaces an earlier one
    .symlink(b"bin/sh", b"hello")
    .append(
        &Meta {
            mode: 0o020_600,
            rdev_major: 5,
            rdev_minor: 1,
            ..Meta::default()
        },
        b"dev/console",
        &[],
    )
    .append(
        &Meta {
            mode: 0o010_644,
            ..Meta::default()
        },
        b"fifo",
        &[],
    ) // skipped
    // A hard-link pair: same ino, nlink 2, data on the last entry only.
    .append(
        &Meta {
            ino: 77,
            nlink: 2,
            ..Meta::default()
        },
        b"x",
        &[],
    )
    .append(
        &Meta {
            ino: 77,
            nlink: 2,
            ..Meta::default()
        },
        b"y",
        b"linked",
    );
    let archive = w.finish();

    let mut fs = FileSystem::new(NOW);
    let stats = fs.load_cpio(&archive, NOW).unwrap();
    // Files count entries (motd twice); "etc" and "dev" were made implicitly.
    assert_eq!(
        (stats.files, stats.dirs, stats.symlinks, stats.devices),
        (4, 1, 1, 1)
    );
    assert_eq!((stats.hard_links, stats.skipped), (1, 1));

    let r = fs.root();
    assert_eq!(
        fs.metadata(r).unwrap().perm,
        0o700,
        "the \".\" entry sets the root's mode"
    );
    let hello = fs.lookup(r, b"/bin/sh", true).unwrap();
    let meta = fs.metadata(hello).unwrap();
    assert_eq!(
        (meta.perm, meta.uid, meta.gid, meta.mtime.tv_sec),
        (0o755, 1000, 100, 1234)
    );
    assert_eq!(read_all(&fs, "/bin/hello"), b"\x7fELF");
    assert_eq!(read_all(&fs, "/etc/motd"), b"second");
    assert_eq!(
        fs.metadata(fs.lookup(r, b"/etc/motd", true).unwrap())
            .unwrap()
            .perm,
        0o600
    );
    let console = fs
        .metadata(fs.lookup(r, b"/dev/console", true).unwrap())
        .unwrap();
    assert_eq!(
        (console.file_type, console.rdev),
        (FileType::CharDevice, makedev(5, 1))
    );
    assert_eq!(fs.lookup(r, b"/fifo", true), Err(Errno::ENOENT));
    let x = fs.lookup(r, b"/x", true).unwrap();
    assert_eq!(fs.lookup(r, b"/y", true), Ok(x));
    assert_eq!(fs.metadata(x).unwrap().nlink, 2);
    assert_eq!(read_all(&fs, "/x"), b"linked");
}

#[test]
fn malformed_archive_is_an_error() {
    let mut w = Writer::new();
    w.file(b"ok", 0o644, b"fine");
    let mut archive = w.finish();
    archive.truncate(archive.len() - 20);
    let mut fs = FileSystem::new(NOW);
    assert!(matches!(
        fs.load_cpio(&archive, NOW),
        Err(LoadError::Archive(_))
    ));
    assert_eq!(
        read_all(&fs, "/ok"),
        b"fine",
        "entries before the error stay"
    );
}

#[test]
fn entry_under_a_file_is_an_entry_error() {
    let mut w = Writer::new();
    w.file(b"f", 0o644, b"").file(b"f/g", 0o644, b"");
    let mut fs = FileSystem::new(NOW);
    assert_eq!(
        fs.load_cpio(&w.finish(), NOW),
        Err(LoadError::Entry {
            name: b"f/g".to_vec(),
            errno: Errno::ENOTDIR
        })
    );
}

#[test]
fn loads_gnu_cpio_output() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("cpio").arg("--version").output().is_err() {
        eprintln!("SKIP: `cpio` not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("memfs-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("etc")).unwrap();
    std::fs::write(dir.join("etc/motd"), b"hi\n").unwrap();
    std::fs::hard_link(dir.join("etc/motd"), dir.join("etc/motd2")).unwrap();
    std::os::unix::fs::symlink("etc/motd", dir.join("m")).unwrap();
    let mut child = Command::new("cpio")
        .args(["-o", "-H", "newc", "--quiet"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b".\netc\netc/motd\netc/motd2\nm\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success());

    let mut fs = FileSystem::new(NOW);
    let stats = fs.load_cpio(&out.stdout, NOW).unwrap();
    assert_eq!(stats.hard_links, 1, "GNU cpio stores hard links as one ino");
    assert_eq!(read_all(&fs, "/m"), b"hi\n");
    assert_eq!(read_all(&fs, "/etc/motd2"), b"hi\n");
    let r = fs.root();
    assert_eq!(
        fs.lookup(r, b"/etc/motd", true),
        fs.lookup(r, b"/etc/motd2", true)
    );
}

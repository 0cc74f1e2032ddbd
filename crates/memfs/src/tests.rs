//! Unit tests of single operations and their Linux error cases.

use alloc::vec;
use alloc::vec::Vec;

use linux_abi::fcntl::{
    O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY,
};
use linux_abi::time::Timespec;
use linux_abi::Errno;

use crate::{FileSystem, FileType, Ino};

const T0: Timespec = Timespec {
    tv_sec: 100,
    tv_nsec: 0,
};
const T1: Timespec = Timespec {
    tv_sec: 200,
    tv_nsec: 5,
};

fn fs_with_tree() -> FileSystem {
    // /a/b/file ("data"), /a/link -> b, /abs -> /a/b/file, /loop1 <-> /loop2
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    fs.mkdir(r, b"/a", 0o755, T0).unwrap();
    fs.mkdir(r, b"/a/b", 0o755, T0).unwrap();
    let f = create(&mut fs, b"/a/b/file");
    fs.write(f, 0, b"data", T0).unwrap();
    fs.symlink(b"b", r, b"/a/link", T0).unwrap();
    fs.symlink(b"/a/b/file", r, b"/abs", T0).unwrap();
    fs.symlink(b"loop2", r, b"/loop1", T0).unwrap();
    fs.symlink(b"loop1", r, b"/loop2", T0).unwrap();
    fs
}

fn create(fs: &mut FileSystem, path: &[u8]) -> Ino {
    let r = fs.root();
    let ino = fs.open(r, path, O_CREAT | O_WRONLY, 0o644, T0).unwrap().ino;
    fs.close(ino).unwrap();
    ino
}

fn contents(fs: &FileSystem, ino: Ino) -> Vec<u8> {
    let mut buf = vec![0; 1 << 16];
    let n = fs.read(ino, 0, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn resolves_dots_slashes_and_symlinks() {
    let fs = fs_with_tree();
    let r = fs.root();
    let file = fs.lookup(r, b"/a/b/file", true).unwrap();
    let a = fs.lookup(r, b"/a", true).unwrap();
    for path in [
        &b"//a/./b/../b///file"[..],
        b"/a/link/file",
        b"/abs",
        b"/../../a/b/file",
        b"a/b/file",
    ] {
        assert_eq!(
            fs.lookup(r, path, true),
            Ok(file),
            "{:?}",
            core::str::from_utf8(path)
        );
    }
    assert_eq!(fs.lookup(a, b"link/file", true), Ok(file));
    assert_eq!(fs.lookup(a, b"..", true), Ok(r));
    assert_eq!(fs.lookup(r, b"/", true), Ok(r));
    assert_eq!(
        fs.file_type(fs.lookup(r, b"/abs", false).unwrap()),
        Ok(FileType::Symlink)
    );
    assert_eq!(
        fs.lookup(r, b"/a/link/", false),
        fs.lookup(r, b"/a/b", false),
        "trailing slash follows"
    );
}

#[test]
fn resolution_errors_are_linuxs() {
    let fs = fs_with_tree();
    let r = fs.root();
    let file = fs.lookup(r, b"/a/b/file", true).unwrap();
    assert_eq!(fs.lookup(r, b"", true), Err(Errno::ENOENT));
    assert_eq!(fs.lookup(r, b"/nope", true), Err(Errno::ENOENT));
    assert_eq!(fs.lookup(r, b"/nope/x", true), Err(Errno::ENOENT));
    assert_eq!(fs.lookup(r, b"/a/b/file/x", true), Err(Errno::ENOTDIR));
    assert_eq!(fs.lookup(r, b"/a/b/file/", true), Err(Errno::ENOTDIR));
    assert_eq!(
        fs.lookup(file, b"x", true),
        Err(Errno::ENOTDIR),
        "cwd that is not a directory"
    );
    assert_eq!(fs.lookup(r, b"/loop1", true), Err(Errno::ELOOP));
    assert_eq!(fs.lookup(r, b"/loop1/x", false), Err(Errno::ELOOP));
    assert!(
        fs.lookup(r, b"/loop1", false).is_ok(),
        "not following the last link is fine"
    );
    let long_name = vec![b'x'; 256];
    assert_eq!(fs.lookup(r, &long_name, true), Err(Errno::ENAMETOOLONG));
    let long_path: Vec<u8> = b"/a".iter().copied().cycle().take(4096).collect();
    assert_eq!(fs.lookup(r, &long_path, true), Err(Errno::ENAMETOOLONG));
    assert_eq!(
        fs.lookup(r, &vec![b'x'; 255], true),
        Err(Errno::ENOENT),
        "255 bytes is allowed"
    );
}

#[test]
fn symlink_chain_limit_is_forty() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    create(&mut fs, b"/target");
    fs.symlink(b"target", r, b"/l0", T0).unwrap();
    for i in 1..=40 {
        let name = alloc::format!("/l{i}");
        let prev = alloc::format!("l{}", i - 1);
        fs.symlink(prev.as_bytes(), r, name.as_bytes(), T0).unwrap();
    }
    assert!(fs.lookup(r, b"/l39", true).is_ok(), "40 links");
    assert_eq!(fs.lookup(r, b"/l40", true), Err(Errno::ELOOP), "41 links");
}

#[test]
fn open_flags() {
    let mut fs = fs_with_tree();
    let r = fs.root();
    let file = fs.lookup(r, b"/a/b/file", true).unwrap();
    assert_eq!(
        fs.open(r, b"/a/b/file", O_CREAT | O_EXCL | O_WRONLY, 0o644, T1),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        fs.open(r, b"/abs", O_CREAT | O_EXCL | O_WRONLY, 0o644, T1),
        Err(Errno::EEXIST)
    );
    assert_eq!(
        fs.open(r, b"/abs", O_RDONLY | O_NOFOLLOW, 0, T1),
        Err(Errno::ELOOP)
    );
    assert_eq!(fs.open(r, b"/a", O_WRONLY, 0, T1), Err(Errno::EISDIR));
    assert_eq!(
        fs.open(r, b"/a", O_CREAT | O_RDONLY, 0, T1),
        Err(Errno::EISDIR)
    );
    assert_eq!(
        fs.open(r, b"/a/b/file", O_RDONLY | O_DIRECTORY, 0, T1),
        Err(Errno::ENOTDIR)
    );
    assert_eq!(
        fs.open(r, b"/a/new/", O_CREAT | O_WRONLY, 0o644, T1),
        Err(Errno::EISDIR)
    );
    assert_eq!(fs.open(r, b"/missing", O_RDONLY, 0, T1), Err(Errno::ENOENT));
    assert_eq!(fs.open(r, b"/a/b/file", 3, 0, T1), Err(Errno::EINVAL));

    let opened = fs.open(r, b"/abs", O_RDWR, 0, T1).unwrap();
    assert_eq!((opened.ino, opened.created), (file, false));
    assert_eq!(contents(&fs, file), b"data");
    fs.close(file).unwrap();
    let opened = fs.open(r, b"/abs", O_WRONLY | O_TRUNC, 0, T1).unwrap();
    assert_eq!(contents(&fs, opened.ino), b"");
    assert_eq!(fs.metadata(file).unwrap().mtime, T1);
    fs.close(file).unwrap();

    let dir = fs.open(r, b"/a/b", O_RDONLY | O_DIRECTORY, 0, T1).unwrap();
    assert!(!dir.created);
    fs.close(dir.ino).unwrap();
}

#[test]
fn o_creat_through_dangling_symlink_creates_the_target() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    fs.mkdir(r, b"/d", 0o755, T0).unwrap();
    fs.symlink(b"d/real", r, b"/dangling", T0).unwrap();
    let opened = fs
        .open(r, b"/dangling", O_CREAT | O_WRONLY, 0o600, T1)
        .unwrap();
    assert!(opened.created);
    assert_eq!(fs.lookup(r, b"/d/real", false), Ok(opened.ino));
    let meta = fs.metadata(opened.ino).unwrap();
    assert_eq!((meta.perm, meta.mode(), meta.nlink), (0o600, 0o100_600, 1));
}

#[test]
fn mkdir_rmdir_and_link_counts() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    assert_eq!(fs.metadata(r).unwrap().nlink, 2);
    let d = fs.mkdir(r, b"/d/", 0o700, T1).unwrap();
    assert_eq!(fs.metadata(r).unwrap().nlink, 3);
    assert_eq!(fs.metadata(r).unwrap().mtime, T1);
    assert_eq!(fs.mkdir(r, b"/d", 0o700, T1), Err(Errno::EEXIST));
    assert_eq!(fs.mkdir(r, b"/", 0o700, T1), Err(Errno::EEXIST));
    assert_eq!(fs.mkdir(r, b"/d/.", 0o700, T1), Err(Errno::EEXIST));
    assert_eq!(fs.mkdir(r, b"/x/y", 0o700, T1), Err(Errno::ENOENT));
    fs.mkdir(d, b"sub", 0o755, T1).unwrap();
    create(&mut fs, b"/d/sub/f");
    assert_eq!(fs.metadata(d).unwrap().nlink, 3);
    assert_eq!(fs.rmdir(r, b"/d", T1), Err(Errno::ENOTEMPTY));
    assert_eq!(fs.rmdir(r, b"/d/sub/f", T1), Err(Errno::ENOTDIR));
    assert_eq!(fs.rmdir(r, b"/d/sub/.", T1), Err(Errno::EINVAL));
    assert_eq!(fs.rmdir(r, b"/d/sub/..", T1), Err(Errno::ENOTEMPTY));
    assert_eq!(fs.rmdir(r, b"/", T1), Err(Errno::EBUSY));
    assert_eq!(fs.unlink(r, b"/d/sub", T1), Err(Errno::EISDIR));
    fs.unlink(r, b"/d/sub/f", T1).unwrap();
    fs.rmdir(r, b"/d/sub", T1).unwrap();
    fs.rmdir(r, b"/d", T1).unwrap();
    assert_eq!(fs.metadata(r).unwrap().nlink, 2);
    assert_eq!(fs.inode_count(), 1, "everything freed");
    assert_eq!(fs.metadata(d), Err(Errno::ENOENT));
}

#[test]
fn unlinked_open_file_lives_until_closed() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    let f = fs.open(r, b"/f", O_CREAT | O_RDWR, 0o644, T0).unwrap().ino;
    fs.write(f, 0, b"still here", T0).unwrap();
    fs.unlink(r, b"/f", T1).unwrap();
    assert_eq!(fs.lookup(r, b"/f", true), Err(Errno::ENOENT));
    assert_eq!(contents(&fs, f), b"still here");
    assert_eq!(fs.metadata(f).unwrap().nlink, 0);
    fs.close(f).unwrap();
    assert_eq!(fs.metadata(f), Err(Errno::ENOENT));
    assert_eq!(fs.close(f), Err(Errno::ENOENT));
}

#[test]
fn hard_links_share_data() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    let f = create(&mut fs, b"/f");
    fs.link(r, b"/f", r, b"/g", T1).unwrap();
    assert_eq!(fs.metadata(f).unwrap().nlink, 2);
    fs.write(fs.lookup(r, b"/g", true).unwrap(), 0, b"shared", T1)
        .unwrap();
    assert_eq!(contents(&fs, f), b"shared");
    assert_eq!(fs.link(r, b"/f", r, b"/g", T1), Err(Errno::EEXIST));
    assert_eq!(fs.link(r, b"/", r, b"/h", T1), Err(Errno::EPERM));
    fs.unlink(r, b"/f", T1).unwrap();
    assert_eq!(contents(&fs, f), b"shared");
}

#[test]
fn chown_keeps_unset_ids_and_drops_setid_bits() {
    let mut fs = fs_with_tree();
    let r = fs.root();
    let file = fs.lookup(r, b"/a/b/file", true).unwrap();
    let dir = fs.lookup(r, b"/a/b", true).unwrap();
    fs.set_perm(file, 0o6755, T0).unwrap();
    fs.set_owner(file, Some(7), None, T1).unwrap();
    let m = fs.metadata(file).unwrap();
    assert_eq!((m.uid, m.gid, m.perm, m.ctime), (7, 0, 0o755, T1));
    // Set-group-ID without group execute (mandatory locking) stays.
    fs.set_perm(file, 0o2745, T0).unwrap();
    fs.set_owner(file, None, Some(9), T1).unwrap();
    let m = fs.metadata(file).unwrap();
    assert_eq!((m.uid, m.gid, m.perm), (7, 9, 0o2745));
    // A directory keeps both bits.
    fs.set_perm(dir, 0o6755, T0).unwrap();
    fs.set_owner(dir, Some(1), Some(1), T1).unwrap();
    assert_eq!(fs.metadata(dir).unwrap().perm, 0o6755);
}

#[test]
fn rename_rules() {
    let mut fs = fs_with_tree();
    let r = fs.root();
    let file = fs.lookup(r, b"/a/b/file", true).unwrap();
    let b = fs.lookup(r, b"/a/b", true).unwrap();
    fs.rename(r, b"/a/b/file", r, b"/moved", T1).unwrap();
    assert_eq!(fs.lookup(r, b"/moved", true), Ok(file));
    assert_eq!(fs.lookup(r, b"/a/b/file", true), Err(Errno::ENOENT));
    assert_eq!(
        fs.rename(r, b"/a", r, b"/a/b/inside", T1),
        Err(Errno::EINVAL)
    );
    assert_eq!(fs.rename(r, b"/a", r, b"/moved", T1), Err(Errno::ENOTDIR));
    assert_eq!(fs.rename(r, b"/moved", r, b"/a", T1), Err(Errno::EISDIR));
    assert_eq!(fs.rename(r, b"/nope", r, b"/x", T1), Err(Errno::ENOENT));
    assert_eq!(fs.rename(r, b"/a/.", r, b"/x", T1), Err(Errno::EBUSY));
    fs.rename(r, b"/moved", r, b"/moved", T1).unwrap();
    // Replace a file by a file; the old one is freed.
    let other = create(&mut fs, b"/other");
    fs.rename(r, b"/other", r, b"/moved", T1).unwrap();
    assert_eq!(fs.lookup(r, b"/moved", true), Ok(other));
    assert_eq!(fs.metadata(file), Err(Errno::ENOENT));
    // Move a directory: link counts and ".." follow it.
    fs.mkdir(r, b"/empty", 0o755, T1).unwrap();
    assert_eq!(fs.rename(r, b"/empty", r, b"/a", T1), Err(Errno::ENOTEMPTY));
    fs.rename(r, b"/a/b", r, b"/empty", T1).unwrap();
    assert_eq!(fs.lookup(r, b"/empty", true), Ok(b));
    assert_eq!(fs.lookup(b, b"..", true), Ok(r));
    assert_eq!(
        fs.metadata(r).unwrap().nlink,
        4,
        "root: ., .., a, empty(was b)"
    );
    assert_eq!(
        fs.metadata(fs.lookup(r, b"/a", true).unwrap())
            .unwrap()
            .nlink,
        2
    );
    assert_eq!(fs.path_of(b).unwrap(), b"/empty");
}

#[test]
fn read_write_truncate() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    let f = create(&mut fs, b"/f");
    assert_eq!(fs.write(f, 3, b"abc", T1), Ok(3));
    assert_eq!(contents(&fs, f), b"\0\0\0abc");
    let mut buf = [0u8; 4];
    assert_eq!(fs.read(f, 4, &mut buf), Ok(2));
    assert_eq!(&buf[..2], b"bc");
    assert_eq!(fs.read(f, 100, &mut buf), Ok(0));
    assert_eq!(fs.read(f, u64::MAX, &mut buf), Ok(0));
    fs.truncate(f, 1, T1).unwrap();
    assert_eq!(contents(&fs, f), b"\0");
    fs.truncate(f, 3, T1).unwrap();
    assert_eq!(contents(&fs, f), b"\0\0\0");
    assert_eq!(fs.write(f, u64::MAX - 1, b"xy", T1), Err(Errno::EFBIG));
    assert_eq!(fs.truncate(f, u64::MAX, T1), Err(Errno::EFBIG));
    assert_eq!(fs.read(r, 0, &mut buf), Err(Errno::EISDIR));
    assert_eq!(fs.write(r, 0, b"x", T1), Err(Errno::EISDIR));
    let meta = fs.metadata(f).unwrap();
    assert_eq!((meta.size, meta.mtime), (3, T1));
    let st = meta.to_stat(7);
    assert_eq!(
        (st.st_size, st.st_blocks, st.st_mode, st.st_dev),
        (3, 8, 0o100_644, 7)
    );
}

#[test]
fn char_devices_and_readlink() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    let rdev = linux_abi::stat::makedev(1, 3);
    let null = fs.mknod(r, b"/null", 0o020_666, rdev, T0).unwrap();
    let meta = fs.metadata(null).unwrap();
    assert_eq!(
        (meta.file_type, meta.rdev, meta.mode()),
        (FileType::CharDevice, rdev, 0o020_666)
    );
    assert_eq!(meta.to_statx(0, 5).stx_rdev_major, 1);
    assert_eq!(fs.mknod(r, b"/blk", 0o060_666, 0, T0), Err(Errno::EPERM));
    assert_eq!(fs.read(null, 0, &mut [0; 4]), Err(Errno::EINVAL));
    let link = fs.symlink(b"null", r, b"/l", T0).unwrap();
    assert_eq!(fs.readlink(link), Ok(&b"null"[..]));
    assert_eq!(fs.readlink(null), Err(Errno::EINVAL));
    assert_eq!(fs.symlink(b"", r, b"/e", T0), Err(Errno::ENOENT));
    assert_eq!(fs.symlink(b"x", r, b"/l", T0), Err(Errno::EEXIST));
}

#[test]
fn getdents_cursor_survives_changes() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    for name in ["a", "b", "c", "d"] {
        create(&mut fs, alloc::format!("/{name}").as_bytes());
    }
    // Read ".", "..", "a", then remove "a" and "c", add "e".
    let mut cursor = 0;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let e = fs.read_dir(r, cursor).unwrap().unwrap();
        seen.push(e.name);
        cursor = e.next_cursor;
    }
    fs.unlink(r, b"/a", T1).unwrap();
    fs.unlink(r, b"/c", T1).unwrap();
    create(&mut fs, b"/e");
    while let Some(e) = fs.read_dir(r, cursor).unwrap() {
        seen.push(e.name);
        cursor = e.next_cursor;
    }
    let seen: Vec<&[u8]> = seen.iter().map(|n| n.as_slice()).collect();
    assert_eq!(seen, [&b"."[..], b"..", b"a", b"b", b"d", b"e"]);
}

#[test]
fn getdents64_packs_records_and_resumes() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    create(&mut fs, b"/file");
    fs.mkdir(r, b"/dir", 0o755, T0).unwrap();
    let mut buf = [0u8; 56]; // room for "." and ".." (24 each) only
    let (n, cursor) = fs.getdents64(r, 0, &mut buf).unwrap();
    assert_eq!((n, cursor), (48, 2));
    assert_eq!(&buf[19..21], b".\0");
    assert_eq!(fs.getdents64(r, cursor, &mut buf[..10]), Err(Errno::EINVAL));
    let (n, cursor) = fs.getdents64(r, cursor, &mut buf).unwrap();
    assert_eq!(n, 24 + 24);
    assert_eq!(
        (buf[18], &buf[19..24]),
        (linux_abi::dirent::DT_REG, &b"file\0"[..])
    );
    assert_eq!(
        (buf[24 + 18], &buf[24 + 19..24 + 23]),
        (linux_abi::dirent::DT_DIR, &b"dir\0"[..])
    );
    assert_eq!(fs.getdents64(r, cursor, &mut buf), Ok((0, cursor)));
    assert_eq!(
        fs.getdents64(fs.lookup(r, b"/file", true).unwrap(), 0, &mut buf),
        Err(Errno::ENOTDIR)
    );
}

#[test]
fn path_of_directories() {
    let mut fs = FileSystem::new(T0);
    let r = fs.root();
    assert_eq!(fs.path_of(r).unwrap(), b"/");
    let d = fs.mkdir(r, b"/x", 0o755, T0).unwrap();
    let e = fs.mkdir(d, b"y", 0o755, T0).unwrap();
    assert_eq!(fs.path_of(e).unwrap(), b"/x/y");
    fs.retain(e).unwrap(); // a process has it as cwd
    fs.rmdir(r, b"/x/y", T1).unwrap();
    assert_eq!(fs.path_of(e), Err(Errno::ENOENT));
    assert_eq!(
        fs.mkdir(e, b"z", 0o755, T1),
        Err(Errno::ENOENT),
        "no new entries in a removed directory"
    );
    assert_eq!(
        fs.open(e, b"f", O_CREAT | O_WRONLY, 0o644, T1),
        Err(Errno::ENOENT)
    );
    fs.close(e).unwrap();
    assert_eq!(fs.inode_count(), 2);
}

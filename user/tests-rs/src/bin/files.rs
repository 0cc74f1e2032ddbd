//! File system calls through std and raw syscalls: create, write, read,
//! seek, stat, getdents64, mkdir, rename, unlink, rmdir, getcwd, chdir,
//! and the errors for the usual mistakes. Usage: `files FIXTURE`, where
//! FIXTURE is the initramfs's /etc/user-tests/fixture.txt.

use std::collections::BTreeSet;
use std::ffi::CString;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use user_tests::{syscall, Checker};

/// The fixture's exact contents (user/rootfs/etc/user-tests/fixture.txt).
const FIXTURE: &str = "user-tests fixture: 0123456789\n";

fn main() {
    let mut c = Checker::new();
    let fixture = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/etc/user-tests/fixture.txt".into());
    c.equal(
        "fixture contents",
        fs::read_to_string(&fixture).ok().as_deref(),
        Some(FIXTURE),
    );

    let dir = format!("/tmp/files-test-{}", std::process::id());
    let _ = fs::remove_dir_all(&dir);
    c.check(format_args!("mkdir {dir}"), fs::create_dir(&dir).is_ok());
    c.equal(
        "mkdir again",
        fs::create_dir(&dir).map_err(|e| e.raw_os_error()),
        Err(Some(libc::EEXIST)),
    );
    let start = std::env::current_dir().unwrap();
    c.check("chdir into it", std::env::set_current_dir(&dir).is_ok());
    c.equal(
        "getcwd",
        std::env::current_dir()
            .ok()
            .map(|p| p.display().to_string()),
        Some(dir.clone()),
    );

    read_write_seek(&mut c);
    stat_checks(&mut c);
    listing(&mut c);
    removal(&mut c);

    c.check("chdir back", std::env::set_current_dir(&start).is_ok());
    c.check("rmdir test dir", fs::remove_dir(&dir).is_ok());
    c.equal(
        "it is gone",
        fs::metadata(&dir).map_err(|e| e.raw_os_error()).err(),
        Some(Some(libc::ENOENT)),
    );
    c.finish("files")
}

fn read_write_seek(c: &mut Checker) {
    let mut f = File::create("data.txt").expect("create data.txt");
    c.check("write 11 bytes", f.write_all(b"hello world").is_ok());
    drop(f);
    let mut f = OpenOptions::new()
        .read(true)
        .write(true)
        .open("data.txt")
        .expect("reopen");
    let mut buf = String::new();
    c.check("read back", f.read_to_string(&mut buf).is_ok());
    c.equal("contents", buf.as_str(), "hello world");
    c.equal("seek to 6", f.seek(SeekFrom::Start(6)).ok(), Some(6));
    let mut word = [0u8; 5];
    c.check("read at 6", f.read_exact(&mut word).is_ok());
    c.equal("word", &word, b"world");
    c.equal("seek end", f.seek(SeekFrom::End(0)).ok(), Some(11));
    c.equal("seek past end", f.seek(SeekFrom::Current(9)).ok(), Some(20));
    c.check("write after a hole", f.write_all(b"!").is_ok());
    let all = fs::read("data.txt").unwrap_or_default();
    c.equal("size with hole", all.len(), 21);
    c.check("hole reads as zeros", all[11..20].iter().all(|&b| b == 0));
    c.check("set_len 5", f.set_len(5).is_ok());
    c.equal(
        "truncated",
        fs::read("data.txt").ok(),
        Some(b"hello".to_vec()),
    );
    c.errno(
        "lseek(fd, 0, whence 99)",
        syscall(libc::SYS_lseek, &[fd(&f), 0, 99]),
        libc::EINVAL,
    );
    c.errno(
        "lseek(fd, -1, SEEK_SET)",
        syscall(libc::SYS_lseek, &[fd(&f), -1i64 as u64, 0]),
        libc::EINVAL,
    );
    let append = OpenOptions::new().append(true).open("data.txt");
    c.check(
        "append",
        append.and_then(|mut a| a.write_all(b"++")).is_ok(),
    );
    c.equal(
        "after append",
        fs::read("data.txt").ok(),
        Some(b"hello++".to_vec()),
    );
}

fn fd(f: &File) -> u64 {
    use std::os::fd::AsRawFd;
    f.as_raw_fd() as u64
}

fn stat_checks(c: &mut Checker) {
    let meta = fs::metadata("data.txt").expect("stat data.txt");
    c.check("is a regular file", meta.is_file());
    c.equal("size", meta.len(), 7);
    c.equal("nlink", meta.nlink(), 1);
    c.check(
        "mode has S_IFREG",
        meta.mode() & libc::S_IFMT == libc::S_IFREG,
    );
    let path = CString::new("data.txt").unwrap();
    // SAFETY: all-zero bytes are a valid `struct stat` (plain integers).
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let r = syscall(
        libc::SYS_newfstatat,
        &[
            libc::AT_FDCWD as u64,
            path.as_ptr() as u64,
            &mut st as *mut _ as u64,
            0,
        ],
    );
    c.success("newfstatat(AT_FDCWD, data.txt)", r);
    c.equal("st_size", st.st_size, 7);
    c.equal("st_ino matches std", st.st_ino, meta.ino());
    c.check(
        "chmod 600",
        fs::set_permissions("data.txt", fs::Permissions::from_mode(0o600)).is_ok(),
    );
    c.equal(
        "mode after chmod",
        fs::metadata("data.txt").map(|m| m.mode() & 0o7777).ok(),
        Some(0o600),
    );
    let dir_meta = fs::metadata(".").expect("stat .");
    c.check("cwd is a directory", dir_meta.is_dir());
}

fn listing(c: &mut Checker) {
    c.check("mkdir sub", fs::create_dir("sub").is_ok());
    c.check("create sub/inner", File::create("sub/inner").is_ok());
    let names: BTreeSet<String> = fs::read_dir(".")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    c.equal(
        "read_dir",
        names,
        BTreeSet::from(["data.txt".to_string(), "sub".to_string()]),
    );

    // Raw getdents64: "." and ".." are listed too, with their types.
    let dirfd = File::open(".").expect("open .");
    let mut buf = vec![0u8; 4096];
    let n = syscall(
        libc::SYS_getdents64,
        &[fd(&dirfd), buf.as_mut_ptr() as u64, buf.len() as u64],
    )
    .unwrap_or(-1);
    c.check(format_args!("getdents64 returned {n} bytes"), n > 0);
    let mut entries = BTreeSet::new();
    let mut at = 0usize;
    while at < n.max(0) as usize {
        let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
        let kind = buf[at + 18];
        let name_bytes = &buf[at + 19..at + reclen];
        let name = String::from_utf8_lossy(
            &name_bytes[..name_bytes.iter().position(|&b| b == 0).unwrap_or(0)],
        )
        .into_owned();
        entries.insert((name, kind));
        c.check(
            format_args!("record length {reclen} is 8-aligned"),
            reclen.is_multiple_of(8) && reclen > 19,
        );
        at += reclen;
    }
    let want = BTreeSet::from([
        (".".to_string(), libc::DT_DIR),
        ("..".to_string(), libc::DT_DIR),
        ("data.txt".to_string(), libc::DT_REG),
        ("sub".to_string(), libc::DT_DIR),
    ]);
    c.equal("getdents64 entries", entries, want);
    c.equal(
        "getdents64 at end",
        syscall(
            libc::SYS_getdents64,
            &[fd(&dirfd), buf.as_mut_ptr() as u64, 4096],
        ),
        Ok(0),
    );
    let file = File::open("data.txt").expect("open data.txt");
    c.errno(
        "getdents64 on a file",
        syscall(
            libc::SYS_getdents64,
            &[fd(&file), buf.as_mut_ptr() as u64, 4096],
        ),
        libc::ENOTDIR,
    );
}

fn removal(c: &mut Checker) {
    c.equal(
        "rmdir non-empty",
        fs::remove_dir("sub").map_err(|e| e.raw_os_error()),
        Err(Some(libc::ENOTEMPTY)),
    );
    c.check(
        "rename sub/inner -> moved",
        fs::rename("sub/inner", "moved").is_ok(),
    );
    c.check("moved exists", fs::metadata("moved").is_ok());
    c.check("rmdir sub", fs::remove_dir("sub").is_ok());
    c.equal(
        "unlink a directory",
        fs::remove_file(".").map_err(|e| e.raw_os_error()),
        Err(Some(libc::EISDIR)),
    );
    c.equal(
        "open moved/x",
        File::open("moved/x").map_err(|e| e.raw_os_error()).err(),
        Some(Some(libc::ENOTDIR)),
    );
    c.check("unlink moved", fs::remove_file("moved").is_ok());
    c.check("unlink data.txt", fs::remove_file("data.txt").is_ok());
    c.equal(
        "open missing",
        File::open("data.txt").map_err(|e| e.raw_os_error()).err(),
        Some(Some(libc::ENOENT)),
    );
}

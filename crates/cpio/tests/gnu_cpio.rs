//! Reads an archive made by the real `cpio -o -H newc` (GNU cpio), the tool
//! initramfs images are usually built with. Skipped, with a note, when the
//! command is not installed (scripts/deps.sh installs it).

use std::fs;
use std::os::unix::fs::symlink;
use std::process::{Command, Stdio};

use cpio::{Archive, FileType};

#[test]
fn reads_gnu_cpio_newc_output() {
    if Command::new("cpio").arg("--version").output().is_err() {
        eprintln!("SKIP: `cpio` not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("cpio-test-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("etc")).unwrap();
    let big: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(dir.join("etc/motd"), b"welcome\n").unwrap();
    fs::write(dir.join("big"), &big).unwrap();
    fs::write(dir.join("empty"), b"").unwrap();
    symlink("etc/motd", dir.join("link")).unwrap();

    let names = ".\netc\netc/motd\nbig\nempty\nlink\n";
    let mut child = Command::new("cpio")
        .args(["-o", "-H", "newc", "--quiet"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(names.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout.len() % 512,
        0,
        "GNU cpio pads to 512-byte blocks"
    );

    let entries: Vec<_> = Archive::new(&out.stdout)
        .entries()
        .collect::<Result<_, _>>()
        .unwrap();
    let by_name = |n: &str| entries.iter().find(|e| e.name == n.as_bytes()).unwrap();
    assert_eq!(entries.len(), 6);
    assert_eq!(by_name(".").file_type(), FileType::Directory);
    assert_eq!(by_name("etc").file_type(), FileType::Directory);
    assert_eq!(by_name("etc/motd").data, b"welcome\n");
    assert_eq!(by_name("big").data, &big[..]);
    assert_eq!(by_name("empty").data, b"");
    assert_eq!(by_name("link").symlink_target(), Some(&b"etc/motd"[..]));
    assert_eq!(by_name("etc/motd").file_type(), FileType::Regular);
}

//! A small built-in shell on the serial console, until BusyBox runs (issue
//! 4): runs programs from the initramfs and waits for them, plus `ls`,
//! `cd`, `ps`, `mem`, `help`, `exit`.
use crate::fs::with_fs;
use crate::runner;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use memfs::{FileType, Ino};

fn read_line() -> Option<String> {
    let mut buf = [0u8; 512];
    let mut line = Vec::new();
    loop {
        let n = crate::fs::console::read(&mut buf, false).ok()?;
        if n == 0 {
            return if line.is_empty() {
                None
            } else {
                Some(String::from_utf8_lossy(&line).into_owned())
            };
        }
        line.extend_from_slice(&buf[..n]);
        if line.ends_with(b"\n") {
            line.pop();
            return Some(String::from_utf8_lossy(&line).into_owned());
        }
    }
}

/// The program a command names: a path, or a name in the usual places.
fn find(cwd: Ino, cmd: &str) -> Option<String> {
    if cmd.contains('/') {
        return Some(cmd.to_string());
    }
    ["/bin", "/sbin", "/usr/bin", "/tests"]
        .iter()
        .map(|d| alloc::format!("{d}/{cmd}"))
        .find(|p| with_fs(|fs| fs.lookup(cwd, p.as_bytes(), true)).is_ok())
}

fn ls(cwd: Ino, target: &str) -> Result<(), linux_abi::Errno> {
    let lines = with_fs(|fs| -> Result<Vec<String>, linux_abi::Errno> {
        let dir = fs.lookup(cwd, target.as_bytes(), true)?;
        let mut out = Vec::new();
        let mut cursor = 0;
        while let Some(e) = fs.read_dir(dir, cursor)? {
            let m = fs.metadata(e.ino)?;
            let name = String::from_utf8_lossy(&e.name);
            out.push(alloc::format!("{:06o} {:>9} {name}", m.mode(), m.size));
            cursor = e.next_cursor;
        }
        Ok(out)
    })?;
    for l in lines {
        crate::kprintln!("{l}");
    }
    Ok(())
}

/// Runs the shell until `exit` or end of input, then powers off.
pub fn run() -> ! {
    crate::kprintln!("kernel shell: type 'help' for commands");
    let mut cwd = crate::fs::root();
    loop {
        // A program may have left the terminal in raw mode; line editing
        // needs canonical mode with echo, as a shell restores it.
        crate::fs::console::set_termios(linux_abi::termios::Termios::linux_default(), false);
        let path = with_fs(|fs| fs.path_of(cwd)).unwrap_or_else(|_| b"?".to_vec());
        crate::kprint!("{} # ", String::from_utf8_lossy(&path));
        let Some(line) = read_line() else { break };
        let words: Vec<String> = line
            .split_ascii_whitespace()
            .map(|s| s.to_string())
            .collect();
        let Some(cmd) = words.first() else { continue };
        match cmd.as_str() {
            "help" => crate::kprintln!(
                "commands: ls [dir], cd dir, ps, mem, exit; or a program path/name"
            ),
            "exit" => break,
            "mem" => crate::kprintln!(
                "free frames {}, heap used/free {:?}",
                crate::mm::user::free_frames(),
                crate::mm::heap::stats()
            ),
            "ps" => {
                for (pid, name) in crate::proc::list() {
                    crate::kprintln!("{pid} {name}");
                }
            }
            "cd" => {
                let target = words.get(1).map_or("/", |s| s.as_str());
                let r = with_fs(|fs| -> Result<Ino, linux_abi::Errno> {
                    let d = fs.lookup(cwd, target.as_bytes(), true)?;
                    match fs.file_type(d)? {
                        FileType::Directory => Ok(d),
                        _ => Err(linux_abi::Errno::ENOTDIR),
                    }
                });
                match r {
                    Ok(d) => cwd = d,
                    Err(e) => crate::kprintln!("cd: {e}"),
                }
            }
            "ls" => {
                if let Err(e) = ls(cwd, words.get(1).map_or(".", |s| s.as_str())) {
                    crate::kprintln!("ls: {e}");
                }
            }
            _ => match find(cwd, cmd) {
                Some(path) => match runner::run_program(cwd, &path, &words[1..]) {
                    Ok(status) if status != 0 => crate::kprintln!("[{}]", runner::describe(status)),
                    Ok(_) => {}
                    Err(e) => crate::kprintln!("{cmd}: {e}"),
                },
                None => crate::kprintln!("{cmd}: not found"),
            },
        }
    }
    crate::kprintln!("kernel shell: bye");
    crate::arch::qemu::exit(0)
}

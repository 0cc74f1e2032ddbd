//! A small built-in shell on the serial console, until BusyBox runs (issue
//! 4): runs programs from the initramfs and waits for them, plus `ls`,
//! `cd`, `ps`, `mem`, `help`, `exit`.
use crate::fs::ramfs;
use crate::runner;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

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

fn find(cwd: &str, cmd: &str) -> Option<String> {
    if cmd.contains('/') {
        return Some(ramfs::normalize(cwd, cmd));
    }
    ["/bin", "/sbin", "/usr/bin", "/tests"]
        .iter()
        .map(|d| alloc::format!("{d}/{cmd}"))
        .find(|p| ramfs::resolve("/", p, true).is_ok())
}

/// Runs the shell until `exit` or end of input, then powers off.
pub fn run() -> ! {
    crate::kprintln!("kernel shell: type 'help' for commands");
    let mut cwd = String::from("/");
    loop {
        crate::kprint!("{cwd} # ");
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
                crate::mm::frame::free_count(),
                crate::mm::heap::stats()
            ),
            "ps" => {
                for (pid, name) in crate::proc::list() {
                    crate::kprintln!("{pid} {name}");
                }
            }
            "cd" => {
                let target = words.get(1).map_or("/", |s| s.as_str());
                match ramfs::resolve(&cwd, target, true) {
                    Ok(n) if n.is_dir() => cwd = ramfs::normalize(&cwd, target),
                    Ok(_) => crate::kprintln!("cd: not a directory"),
                    Err(e) => crate::kprintln!("cd: {e}"),
                }
            }
            "ls" => {
                let target = words.get(1).map_or(cwd.as_str(), |s| s.as_str());
                match ramfs::resolve(&cwd, target, true).and_then(|n| n.list()) {
                    Ok(list) => {
                        for (name, node) in list {
                            crate::kprintln!("{:o} {:>8} {name}", node.mode(), node.size());
                        }
                    }
                    Err(e) => crate::kprintln!("ls: {e}"),
                }
            }
            _ => match find(&cwd, cmd) {
                Some(path) => match runner::run_program(&path, &words[1..]) {
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

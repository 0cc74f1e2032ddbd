//! Runs programs on the kernel's behalf: `init=` (the kernel exits QEMU
//! with its status) and the test manifest (`runtests=`), which lists one
//! test per line as `[parallel=N] <expect> <path> [args...]` with
//! `<expect>` either `exit=N` or `signal=NAME`; `#` starts a comment.
//! `parallel=N` starts N copies at once (2..=16) and requires each to meet
//! the expectation: the processes share the CPU through timer preemption,
//! which is how the suite checks preemption and per-thread FPU state.
use crate::arch::qemu;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use linux_abi::signal::{signal_from_name, signal_name};

/// The environment every program the kernel starts gets.
pub fn default_env() -> Vec<String> {
    let mut env: Vec<String> = ["HOME=/", "PATH=/bin:/sbin:/usr/bin:/tests", "TERM=vt100"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for w in &crate::cmdline().unknown {
        if w.contains('=') {
            env.push(w.clone());
        }
    }
    env
}

/// Describes a wait status.
pub fn describe(status: i32) -> String {
    if status & 0x7f == 0 {
        alloc::format!("exit {}", (status >> 8) & 0xff)
    } else {
        let sig = (status & 0x7f) as u32;
        alloc::format!("signal {}", signal_name(sig).unwrap_or("?"))
    }
}

/// Runs `path args` and returns its wait status, or the errno of a failed
/// start.
pub fn run_program(cwd: memfs::Ino, path: &str, args: &[String]) -> Result<i32, linux_abi::Errno> {
    let mut argv = alloc::vec![path.to_string()];
    argv.extend(args.iter().cloned());
    let p = crate::proc::spawn(cwd, path, &argv, &default_env())?;
    // The program leads its own group: Ctrl-C goes to it.
    let _ = crate::proc::pgrp::set_foreground(p.pid, false);
    let status = crate::proc::wait(&p);
    let _ = crate::proc::pgrp::set_foreground(0, false);
    Ok(status)
}

/// Runs init and returns the isa-debug-exit code for its status: the exit
/// code itself for a normal exit, 128 + signal for a death by signal. The
/// status also goes to the console on a line of its own for scripts.
pub fn run_init(path: &str, args: &[String]) -> u32 {
    let mut argv = alloc::vec![path.to_string()];
    argv.extend(args.iter().cloned());
    let started = crate::proc::spawn(crate::fs::root(), path, &argv, &default_env()).map(|p| {
        // Init reaps orphans and owns the console (Ctrl-C goes to its group).
        crate::proc::exit::set_init(p.pid);
        let _ = crate::proc::pgrp::set_foreground(p.pid, false);
        crate::proc::wait(&p)
    });
    match started {
        Ok(status) => {
            let code = if status & 0x7f == 0 {
                (status >> 8) & 0xff
            } else {
                128 + (status & 0x7f)
            };
            crate::kprintln!(
                "\n[kernel: init {path} ended: {}; exit code {code}]",
                describe(status)
            );
            code as u32
        }
        Err(e) => {
            crate::kprintln!("\n[kernel: cannot start init {path}: {e}; exit code 127]");
            127
        }
    }
}

/// Runs every test of the manifest at `path`, prints `ok`/`FAIL` lines and
/// the summary, then exits QEMU (success only if all passed).
pub fn run_manifest(path: &str) -> ! {
    let text = match crate::fs::read_file(crate::fs::root(), path) {
        Ok(t) => t,
        Err(e) => {
            crate::kprintln!("FAIL manifest {path}: {e}");
            crate::kprintln!("0 passed, 1 failed");
            qemu::exit(qemu::EXIT_FAILURE);
        }
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    let (mut passed, mut failed) = (0, 0);
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        match run_test(line) {
            Ok(name) => {
                crate::kprintln!("ok {name}");
                passed += 1;
            }
            Err(why) => {
                crate::kprintln!("FAIL {why}");
                failed += 1;
            }
        }
    }
    crate::kprintln!("{passed} passed, {failed} failed");
    qemu::exit(if failed == 0 {
        qemu::EXIT_SUCCESS
    } else {
        qemu::EXIT_FAILURE
    })
}

/// Runs one manifest line; `Ok(name)` or `Err(reason)`.
fn run_test(line: &str) -> Result<String, String> {
    let mut words = line.split_ascii_whitespace().peekable();
    let copies = match words.peek().and_then(|w| w.strip_prefix("parallel=")) {
        Some(n) => {
            words.next();
            match n.parse::<usize>() {
                Ok(n @ 2..=16) => n,
                _ => return Err(alloc::format!("bad manifest line: {line}")),
            }
        }
        None => 1,
    };
    let (Some(expect), Some(prog)) = (words.next(), words.next()) else {
        return Err(alloc::format!("bad manifest line: {line}"));
    };
    let args: Vec<String> = words.map(|w| w.to_string()).collect();
    let want = match expect.split_once('=') {
        Some(("exit", n)) => n.parse::<i32>().ok().map(|c| (c & 0xff) << 8),
        Some(("signal", s)) => signal_from_name(s).map(|s| s as i32),
        _ => None,
    }
    .ok_or_else(|| alloc::format!("{prog}: bad expectation '{expect}'"))?;
    let mut name = if args.is_empty() {
        prog.to_string()
    } else {
        alloc::format!("{prog} {}", args.join(" "))
    };
    if copies > 1 {
        name = alloc::format!("{name} (x{copies} in parallel)");
    }
    let mut argv = alloc::vec![prog.to_string()];
    argv.extend(args.iter().cloned());
    let free_before = crate::mm::user::free_frames();
    let heap_before = crate::mm::heap::frames();
    let mut procs = Vec::new();
    for _ in 0..copies {
        match crate::proc::spawn(crate::fs::root(), prog, &argv, &default_env()) {
            Ok(p) => procs.push(p),
            Err(e) => {
                for p in &procs {
                    crate::proc::wait(p);
                }
                return Err(alloc::format!("{name}: cannot start: {e}"));
            }
        }
    }
    let statuses: Vec<i32> = procs.iter().map(crate::proc::wait).collect();
    drop(procs);
    if let Some(&got) = statuses.iter().find(|&&s| s != want) {
        return Err(alloc::format!(
            "{name}: got {}, expected {}",
            describe(got),
            describe(want)
        ));
    }
    // Every frame a test's processes used must be free again once they
    // are gone (page tables and pages alike; free in the bitmap or in the
    // `vm` context's cache).
    // Heap growth (files a test left, the heap keeping its high-water
    // mark) is not a leak of the test's processes.
    let heap_growth = crate::mm::heap::frames().saturating_sub(heap_before);
    let leaked = free_before
        .saturating_sub(crate::mm::user::free_frames())
        .saturating_sub(heap_growth);
    if leaked != 0 {
        return Err(alloc::format!(
            "{name}: {leaked} frames not returned after exit"
        ));
    }
    Ok(name)
}

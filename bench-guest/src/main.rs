//! The guest benchmark program: one static binary run inside our kernel
//! and inside Linux in the same QEMU (`just bench-guest`, method in
//! docs/benchmarks.md). It prints, on stdout:
//!
//! ```text
//! BENCH_INFO <key> <value...>            uname, fork policy and mode facts
//! BENCH_PLAN <name> <iterations>         before each workload runs
//! BENCH <name> <iterations> <ns_per_iter>
//! BENCH_FAIL <name> <reason...>          the workload could not do its work
//! BENCH_DONE <ok> <failed>
//! ```
//!
//! Usage: `bench-guest [--quick] [--list] [--watchdog SECS] [NAME...]`
//! (names select workloads; none means all; `--watchdog`: src/watchdog.rs).
//! The exit code is 0 if every selected workload ran, 1 otherwise. A
//! workload that kills the program shows as a `BENCH_PLAN` line with no
//! result after it.
mod spawn;
mod sys;
mod timer;
mod watchdog;
mod workloads;

use std::io::Write;

fn main() {
    let mut quick = false;
    let mut list = false;
    let mut watchdog_secs = None;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--list" => list = true,
            "--watchdog" => match args.next().and_then(|s| s.parse::<u32>().ok()) {
                Some(s) if s > 0 => watchdog_secs = Some(s),
                _ => {
                    eprintln!("bench-guest: --watchdog needs a number of seconds");
                    std::process::exit(2);
                }
            },
            _ if a.starts_with("--") => {
                eprintln!("bench-guest: unknown option {a}");
                std::process::exit(2);
            }
            _ => names.push(a),
        }
    }
    let selected: Vec<&workloads::Workload> = workloads::ALL
        .iter()
        .filter(|w| names.is_empty() || names.iter().any(|n| n == w.name))
        .collect();
    if list {
        for w in &selected {
            println!("{} {} {}", w.name, w.iters, w.quick);
        }
        return;
    }
    print_info(quick);
    let watchdog = watchdog_secs.map(|secs| {
        say(&format!("BENCH_INFO watchdog {secs}"));
        watchdog::Watchdog::start(secs).unwrap_or_else(|e| {
            // Without it a hang costs the host's timeout, nothing worse.
            say(&format!("BENCH_INFO watchdog_error {e}"));
            std::process::exit(1)
        })
    });
    let (mut ok, mut failed) = (0, 0);
    for w in selected {
        let n = if quick { w.quick } else { w.iters };
        if let Some(dog) = &watchdog {
            if let Err(e) = dog.starting(w.name) {
                say(&format!("BENCH_INFO watchdog_error {e}"));
            }
        }
        say(&format!("BENCH_PLAN {} {n}", w.name));
        match (w.run)(n) {
            Ok(ns) => {
                ok += 1;
                say(&format!("BENCH {} {n} {}", w.name, ns / n));
            }
            Err(e) => {
                failed += 1;
                say(&format!("BENCH_FAIL {} {}", w.name, e.replace('\n', " ")));
            }
        }
    }
    drop(watchdog);
    say(&format!("BENCH_DONE {ok} {failed}"));
    std::process::exit(if failed == 0 { 0 } else { 1 });
}

/// Prints one line and flushes it (a later crash must not lose it).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The kernel's uname, the fork policy it reports and the run's mode,
/// for the report.
fn print_info(quick: bool) {
    // SAFETY: an all-zero utsname is a valid value of the plain C struct.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is writable; uname fills NUL-terminated fields.
    if unsafe { libc::uname(&mut u) } == 0 {
        let field = |f: &[libc::c_char]| {
            // SAFETY: uname NUL-terminated the field within its array.
            unsafe { std::ffi::CStr::from_ptr(f.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        };
        say(&format!("BENCH_INFO sysname {}", field(&u.sysname)));
        say(&format!("BENCH_INFO release {}", field(&u.release)));
        say(&format!("BENCH_INFO version {}", field(&u.version)));
    }
    if let Some(policy) = fork_policy() {
        say(&format!("BENCH_INFO fork_policy {policy}"));
    }
    say(&format!("BENCH_INFO quick {quick}"));
}

/// The fork policy our kernel says it runs: the first line of
/// /proc/forkstat is `fork_policy: NAME`. None on Linux (no such file) or
/// if the line is missing, so the harness can tell "asked for ghost" from
/// "ran under ghost" instead of trusting the command line.
fn fork_policy() -> Option<String> {
    let text = std::fs::read_to_string("/proc/forkstat").ok()?;
    let first = text.lines().next()?;
    let name = first.strip_prefix("fork_policy:")?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

//! Reads /proc/forkstat before and after N fork + execve(exit_with 0) +
//! wait4 cycles and prints the delta of every counter, so that the
//! kernel's suite can assert what a fork+exec child costs under each fork
//! strategy (hybrid: no promotion, few write faults).
//!
//! Usage: forkexec_counters [--cycles N] [--via PROGRAM]
//!                          [--require-forkstat] [--max NAME=V]... [--min NAME=V]...
//! - `--cycles N` (default 50): cycles to run.
//! - `--via PROGRAM`: run the cycles in PROGRAM instead (started once with
//!   posix_spawn as `PROGRAM N`; e.g. the musl C program musl-forkexec, so
//!   that musl C's fork wrapper is the one measured). It must exit 0. Any
//!   other test works too (they ignore a bare number), so the counters
//!   around e.g. fork_interact or mt_fork can be bounded.
//! - `--require-forkstat`: fail when /proc/forkstat is missing. Without it
//!   a missing file (Linux) prints "no forkstat" and the program passes.
//! - `--forkstat PATH`: read PATH instead of /proc/forkstat (to test the
//!   parser and the bounds on Linux with a fixed file).
//! - `--max NAME=V` / `--min NAME=V`: the delta of NAME must be <= / >= V.
//!   NAME matches a counter whose name is NAME or ends with ".NAME"; the
//!   deltas of all matches are summed; a NAME that matches nothing fails.
//!   Example (our kernel, fork=hybrid, 50 cycles):
//!   `--require-forkstat --min hybrid.forks=50 --max hybrid.promotions=0`
//!
//! Counter names come from the file's lines, in any of these forms:
//! `a b 12` or `a b: 12` (name `a.b`); `a: x=1 y=2` (names `a.x`, `a.y`);
//! a header line of words followed by rows `row 1 2` (names `row.<word>`);
//! a line `a:` alone opens a section whose later `x 1` lines are `a.x`.
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{sibling, usage, Args, Checker};
use std::collections::BTreeMap;
use std::ffi::CString;
use std::os::unix::process::ExitStatusExt;

type Counters = BTreeMap<String, i64>;

fn word(t: &str) -> &str {
    t.trim_end_matches([':', '='])
}

fn parse(text: &str) -> Counters {
    let mut out = Counters::new();
    let mut header: Vec<&str> = Vec::new();
    let mut section = String::new();
    let numeric = |t: &&str| t.parse::<i64>().is_ok();
    for line in text.lines() {
        let toks: Vec<&str> = line.split_whitespace().collect();
        let Some(last) = toks.last() else { continue };
        let named = |name: &str| match section.is_empty() {
            true => name.to_string(),
            false => format!("{section}.{name}"),
        };
        if toks.iter().any(|t| t.contains('=') && !t.ends_with('=')) {
            let prefix = toks.iter().filter(|t| !t.contains('=')).map(|t| word(t));
            let prefix: Vec<&str> = prefix.collect();
            for kv in toks.iter().filter(|t| t.contains('=')) {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                if let Ok(v) = v.parse() {
                    let name = prefix.iter().copied().chain([k]).collect::<Vec<_>>();
                    out.insert(named(&name.join(".")), v);
                }
            }
        } else if toks.len() == 1 && !numeric(last) {
            section = word(last).to_string(); // "hybrid:" opens a section
            header.clear();
        } else if !toks.iter().any(numeric) {
            header = toks; // a table's header line
            section.clear();
        } else if toks[1..].iter().all(numeric) && toks.len() - 1 <= header.len() {
            // A table row: the header may or may not name the first column.
            let names = &header[header.len() + 1 - toks.len()..];
            for (h, v) in names.iter().zip(&toks[1..]) {
                out.insert(
                    format!("{}.{}", word(toks[0]), word(h)),
                    v.parse().unwrap_or(0),
                );
            }
        } else if let (Ok(v), false) = (last.parse(), toks[..toks.len() - 1].iter().any(numeric)) {
            let name: Vec<&str> = toks[..toks.len() - 1].iter().map(|t| word(t)).collect();
            out.insert(named(&name.join(".")), v);
        }
    }
    out
}

fn read_forkstat(path: &str) -> Option<Counters> {
    std::fs::read_to_string(path).ok().map(|t| parse(&t))
}

/// Runs the cycles here with musl's fork() and a bare execve (nothing
/// else happens in the child); returns how many children exited 0.
fn run_here(n: usize) -> usize {
    let path = CString::new(sibling("exit_with")).expect("no NUL in the path");
    let zero = CString::new("0").expect("no NUL");
    let argv = [path.as_ptr(), zero.as_ptr(), std::ptr::null()];
    let envp: [*const libc::c_char; 1] = [std::ptr::null()];
    (0..n)
        .filter(|_| {
            let pid = sys::spawn_child(|| {
                // SAFETY: argv and envp are null-terminated arrays of valid
                // NUL-terminated strings that outlive the call.
                unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
                127
            });
            pid.is_ok_and(|pid| sys::wait(pid) == Ok(Status::Exited(0)))
        })
        .count()
}

fn bound(spec: &str) -> (String, i64) {
    match spec.split_once('=').map(|(k, v)| (k, v.parse())) {
        Some((k, Ok(v))) if !k.is_empty() => (k.to_string(), v),
        _ => usage(&format!("bad bound '{spec}', want NAME=VALUE")),
    }
}

fn main() {
    let args = Args::from_env();
    let n: usize = args.value("--cycles", 50);
    let via = args.values("--via");
    let mut c = Checker::new("forkexec_counters");

    let path: String = args.value("--forkstat", "/proc/forkstat".to_string());
    let before = read_forkstat(&path);
    let ok = match via.first() {
        None => run_here(n),
        Some(prog) => match std::process::Command::new(prog).arg(n.to_string()).status() {
            Ok(st) if st.code() == Some(0) => n,
            Ok(st) => {
                c.note(format_args!(
                    "{prog} ended {:?} / signal {:?}",
                    st.code(),
                    st.signal()
                ));
                0
            }
            Err(e) => {
                c.note(format_args!("{prog}: {e}"));
                0
            }
        },
    };
    let after = read_forkstat(&path);
    match via.first() {
        None => c.equal("fork+exec cycles that exited 0", ok, n),
        Some(prog) => c.check(format_args!("{prog} {n} exited 0"), ok == n),
    };

    let (Some(before), Some(after)) = (before, after) else {
        println!("no forkstat");
        if args.flag("--require-forkstat") {
            c.check(format_args!("{path} readable"), false);
        }
        c.finish();
    };
    let delta: Counters = after
        .iter()
        .map(|(k, &a)| (k.clone(), a - before.get(k).copied().unwrap_or(0)))
        .collect();
    for (k, d) in &delta {
        println!(
            "  delta {k} {d:+} ({:.2} per cycle)",
            *d as f64 / n.max(1) as f64
        );
    }
    let sum = |name: &str| {
        let dotted = format!(".{name}");
        let hits: Vec<i64> = delta
            .iter()
            .filter(|(k, _)| *k == name || k.ends_with(&dotted))
            .map(|(_, &d)| d)
            .collect();
        (!hits.is_empty()).then(|| hits.iter().sum::<i64>())
    };
    for (flag, is_max) in [("--max", true), ("--min", false)] {
        for spec in args.values(flag) {
            let (name, limit) = bound(&spec);
            match sum(&name) {
                Some(d) if is_max => {
                    c.check(format_args!("delta {name} = {d} <= {limit}"), d <= limit)
                }
                Some(d) => c.check(format_args!("delta {name} = {d} >= {limit}"), d >= limit),
                None => c.check(format_args!("a counter named {name} exists"), false),
            };
        }
    }
    c.finish();
}

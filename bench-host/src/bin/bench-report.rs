//! `bench-report`: reads criterion's estimates of the `bench-host` run,
//! writes `target/bench-host/results.json` (and `report.md` beside it) and
//! prints the Markdown report. Usage: [`USAGE`].

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

use bench_host::{machine, report, results};

/// What `--help` prints.
const USAGE: &str = "\
Usage: bench-report [--criterion-dir DIR] [--out FILE] [--update-docs FILE]

Reads criterion's estimates of the bench-host run (`cargo bench -p bench-host`)
and writes the report: FILE (default target/bench-host/results.json: the
machine, commit, date and every median, with a schema_version), report.md
beside it, and the Markdown report on stdout.

  --criterion-dir DIR  where criterion wrote its results (default
                       $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion,
                       else the workspace's target/criterion)
  --out FILE           results.json's path
  --update-docs FILE   also replace the recorded run in FILE (between its
                       bench-report and bench-targets markers), e.g.
                       docs/benchmarks.md, so it is never edited by hand
  -h, --help           this text
";

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn run() -> Result<(), String> {
    let mut criterion_dir = env::var_os("CRITERION_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("criterion"));
    let mut out = target_dir().join("bench-host/results.json");
    let mut docs: Option<PathBuf> = None;
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--criterion-dir" => criterion_dir = value()?.into(),
            "--out" => out = value()?.into(),
            "--update-docs" => docs = Some(value()?.into()),
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            _ => return Err(format!("unknown argument {arg}; see --help")),
        }
    }
    let records = results::collect(&criterion_dir)
        .map_err(|e| format!("reading {}: {e}", criterion_dir.display()))?;
    if records.is_empty() {
        return Err(format!(
            "no bench-host results under {}: run `cargo bench -p bench-host` first",
            criterion_dir.display()
        ));
    }
    let machine = machine::describe();
    let text = report::render(&records, &machine);
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let results = results::Results {
        schema_version: results::SCHEMA_VERSION,
        machine: machine::machine(),
        commit: machine::commit(),
        date: machine::today(),
        records: records.clone(),
    };
    fs::write(&out, results::to_json(&results) + "\n")
        .map_err(|e| format!("{}: {e}", out.display()))?;
    let md = out.with_file_name("report.md");
    fs::write(&md, &text).map_err(|e| format!("{}: {e}", md.display()))?;
    if let Some(path) = docs {
        let doc = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let tables = report::render_tables(&records, &machine);
        let doc = report::splice(&doc, "bench-report", &tables)
            .and_then(|d| report::splice(&d, "bench-targets", &report::targets_list(&records)))
            .ok_or(format!(
                "{}: bench-report/bench-targets markers missing",
                path.display()
            ))?;
        fs::write(&path, doc).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("updated the recorded run in {}", path.display());
    }
    println!("{text}");
    eprintln!("wrote {} and {}", out.display(), md.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-report: {e}");
            ExitCode::FAILURE
        }
    }
}

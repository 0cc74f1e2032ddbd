//! Reading criterion's output: every `<id>/new/benchmark.json` (which
//! benchmark) beside its `estimates.json` (the statistics, in ns) under the
//! criterion directory becomes one [`Record`], written as
//! `target/bench-host/results.json`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::workload::{self, Operation};

/// One measured workload: the JSON object of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The operation (`fork`, `first_write_fault`, `fork_release`,
    /// `fork_exit_wait`, `vfork_exit_wait`, `posix_spawn_wait`).
    pub name: String,
    /// `classic`, `ondemand`, `hybrid`, `vfork`, or `linux` for the host.
    pub strategy: String,
    /// Touched memory of the forking process.
    pub touched_bytes: u64,
    /// Criterion's median time per iteration.
    pub median_ns: f64,
}

impl Record {
    /// The operation this record measured.
    pub fn operation(&self) -> Option<Operation> {
        Operation::from_name(&self.name)
    }
}

/// The ids criterion stores in `benchmark.json`.
#[derive(Debug, Deserialize)]
struct BenchmarkId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Estimate {
    point_estimate: f64,
}

#[derive(Debug, Deserialize)]
struct Estimates {
    median: Estimate,
}

fn invalid(what: &Path, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {e}", what.display()),
    )
}

/// The median point estimate (ns) of an `estimates.json`.
pub fn parse_median_ns(estimates_json: &str) -> Result<f64, serde_json::Error> {
    let e: Estimates = serde_json::from_str(estimates_json)?;
    Ok(e.median.point_estimate)
}

/// The record for one benchmark, or `None` when it is not one of ours.
pub fn parse_record(
    benchmark_json: &str,
    estimates_json: &str,
) -> Result<Option<Record>, serde_json::Error> {
    let id: BenchmarkId = serde_json::from_str(benchmark_json)?;
    let function = id.function_id.unwrap_or_default();
    let parameter = id.value_str.unwrap_or_default();
    let Some((op, strategy, touched_bytes)) =
        workload::identify(&id.group_id, &function, &parameter)
    else {
        return Ok(None);
    };
    Ok(Some(Record {
        name: op.name().to_string(),
        strategy,
        touched_bytes,
        median_ns: parse_median_ns(estimates_json)?,
    }))
}

/// Every `new` directory below `dir` that holds both files.
fn estimate_dirs(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        let is_new = path.file_name().is_some_and(|n| n == "new");
        if is_new && path.join("benchmark.json").is_file() && path.join("estimates.json").is_file()
        {
            out.push(path);
        } else {
            estimate_dirs(&path, out)?;
        }
    }
    Ok(())
}

/// The records of every benchmark of ours under `criterion_dir`, sorted
/// by operation, strategy and size.
pub fn collect(criterion_dir: &Path) -> io::Result<Vec<Record>> {
    let mut dirs = Vec::new();
    estimate_dirs(criterion_dir, &mut dirs)?;
    let mut records = Vec::new();
    for dir in dirs {
        let benchmark = fs::read_to_string(dir.join("benchmark.json"))?;
        let estimates = fs::read_to_string(dir.join("estimates.json"))?;
        if let Some(r) = parse_record(&benchmark, &estimates).map_err(|e| invalid(&dir, e))? {
            records.push(r);
        }
    }
    records.sort_by_key(|r| {
        (
            r.operation(),
            workload::strategy_rank(&r.strategy),
            r.touched_bytes,
        )
    });
    Ok(records)
}

/// The layout of `results.json`; a reader checks it before anything else.
/// 1: an object with the run's facts and `records` (before: a bare list).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole `results.json`: where and when the run was made, and what it
/// measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// [`SCHEMA_VERSION`] of the writer.
    pub schema_version: u32,
    /// CPU, CPU count, memory, kernel release and rustc version.
    pub machine: String,
    /// The commit measured (`git rev-parse --short HEAD`, marked when the
    /// tree had uncommitted changes), or `unknown`.
    pub commit: String,
    /// When the report was made (UTC, `YYYY-MM-DD`).
    pub date: String,
    /// One entry per measured workload.
    pub records: Vec<Record>,
}

/// `results` as the pretty-printed JSON of `results.json`.
pub fn to_json(results: &Results) -> String {
    serde_json::to_string_pretty(results).expect("results serialize")
}

#[cfg(test)]
mod tests;

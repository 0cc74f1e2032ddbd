//! The Markdown report: medians per operation, strategy and size; ratios
//! between strategies and against the host; the performance targets with the
//! measured value and whether it was met. Everything is computed from the
//! records of one run; nothing here is a number of its own.

use std::fmt::Write;

use crate::results::Record;
use crate::workload::{size_text, Operation, LINUX};

/// The largest size the targets speak of.
pub const TARGET_BYTES: u64 = 1 << 30;

/// A time in the unit that keeps 3 significant digits.
pub fn format_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.3} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.3} s", ns / 1e9)
    }
}

/// A ratio: `1234x`, `12.3x`, `0.45x`.
pub fn format_ratio(r: f64) -> String {
    if r >= 100.0 {
        format!("{r:.0}x")
    } else if r >= 10.0 {
        format!("{r:.1}x")
    } else {
        format!("{r:.2}x")
    }
}

/// The median of `op` by `strategy` at `bytes`, if measured.
pub fn median(records: &[Record], op: Operation, strategy: &str, bytes: u64) -> Option<f64> {
    records
        .iter()
        .find(|r| r.operation() == Some(op) && r.strategy == strategy && r.touched_bytes == bytes)
        .map(|r| r.median_ns)
}

fn sizes(records: &[Record]) -> Vec<u64> {
    let mut sizes: Vec<u64> = records.iter().map(|r| r.touched_bytes).collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

fn header(out: &mut String, first: &[&str], sizes: &[u64]) {
    let cols: Vec<String> = first
        .iter()
        .map(|s| s.to_string())
        .chain(sizes.iter().map(|&b| size_text(b)))
        .collect();
    let _ = writeln!(out, "| {} |", cols.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(cols.len()));
}

/// Medians: one row per operation and strategy, one column per size.
pub fn medians_table(records: &[Record]) -> String {
    let sizes = sizes(records);
    let mut out = String::new();
    header(&mut out, &["operation", "strategy"], &sizes);
    let mut rows: Vec<(Operation, &str)> = Vec::new();
    for r in records {
        if let Some(op) = r.operation() {
            if !rows.contains(&(op, r.strategy.as_str())) {
                rows.push((op, r.strategy.as_str()));
            }
        }
    }
    for (op, strategy) in rows {
        let cells: Vec<String> = sizes
            .iter()
            .map(|&b| median(records, op, strategy, b).map_or("-".into(), format_ns))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {strategy} | {} |",
            op.name(),
            cells.join(" | ")
        );
    }
    out
}

/// One comparison: `a ÷ b` (above 1: `b` is that many times faster).
type Side = (Operation, &'static str);

const RATIOS: [(Side, Side); 10] = [
    ((Operation::Fork, "classic"), (Operation::Fork, "ondemand")),
    ((Operation::Fork, "classic"), (Operation::Fork, "hybrid")),
    ((Operation::Fork, "classic"), (Operation::Fork, "vfork")),
    (
        (Operation::FirstWriteFault, "hybrid"),
        (Operation::FirstWriteFault, "classic"),
    ),
    (
        (Operation::FirstWriteFault, "ondemand"),
        (Operation::FirstWriteFault, "classic"),
    ),
    (
        (Operation::ForkRelease, "classic"),
        (Operation::ForkRelease, "hybrid"),
    ),
    ((Operation::LinuxFork, LINUX), (Operation::Fork, "hybrid")),
    (
        (Operation::LinuxFork, LINUX),
        (Operation::ForkRelease, "classic"),
    ),
    (
        (Operation::LinuxVfork, LINUX),
        (Operation::ForkRelease, "hybrid"),
    ),
    (
        (Operation::LinuxPosixSpawn, LINUX),
        (Operation::ForkRelease, "hybrid"),
    ),
];

fn side_text((op, strategy): Side) -> String {
    format!("{strategy} {}", op.name())
}

/// Ratios of medians at each size, same run.
pub fn ratios_table(records: &[Record]) -> String {
    let sizes = sizes(records);
    let mut out = String::new();
    header(&mut out, &["ratio (a ÷ b; above 1: b is faster)"], &sizes);
    for (a, b) in RATIOS {
        let cells: Vec<String> = sizes
            .iter()
            .map(|&bytes| {
                let ta = median(records, a.0, a.1, bytes);
                let tb = median(records, b.0, b.1, bytes);
                match (ta, tb) {
                    (Some(ta), Some(tb)) if tb > 0.0 => format_ratio(ta / tb),
                    _ => "-".into(),
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} ÷ {} | {} |",
            side_text(a),
            side_text(b),
            cells.join(" | ")
        );
    }
    out
}

/// One target of the issue, checked against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// What the issue asks.
    pub goal: &'static str,
    /// The measured value, formatted (`None`: not measured).
    pub measured: Option<String>,
    /// Whether the run met it.
    pub met: Option<bool>,
}

/// The three performance targets at 1 GiB.
pub fn targets(records: &[Record]) -> Vec<Target> {
    let hybrid = median(records, Operation::Fork, "hybrid", TARGET_BYTES);
    let classic = median(records, Operation::Fork, "classic", TARGET_BYTES);
    let speedup = classic
        .zip(hybrid)
        .filter(|&(_, h)| h > 0.0)
        .map(|(c, h)| c / h);
    vec![
        Target {
            goal: "hybrid fork at 1 GiB at most 2 µs",
            measured: hybrid.map(format_ns),
            met: hybrid.map(|h| h <= 2_000.0),
        },
        Target {
            goal: "hybrid fork at 1 GiB at least 1000x faster than classic (same run)",
            measured: speedup.map(format_ratio),
            met: speedup.map(|s| s >= 1000.0),
        },
        Target {
            goal: "classic fork at 1 GiB at most 1 ms",
            measured: classic.map(format_ns),
            met: classic.map(|c| c <= 1e6),
        },
    ]
}

/// The targets as a list, one line each.
pub fn targets_list(records: &[Record]) -> String {
    let mut out = String::new();
    for t in targets(records) {
        let verdict = match t.met {
            Some(true) => "**met**",
            Some(false) => "**not met**",
            None => "not measured",
        };
        let measured = t.measured.unwrap_or_else(|| "-".into());
        let _ = writeln!(out, "- {}: measured {measured}: {verdict}", t.goal);
    }
    out
}

/// The machine line, the medians and the ratios.
pub fn render_tables(records: &[Record], machine: &str) -> String {
    format!(
        "{machine}\n\nMedians (criterion, per iteration):\n\n{}\nRatios of medians:\n\n{}",
        medians_table(records),
        ratios_table(records),
    )
}

/// The whole report: medians, ratios, targets.
pub fn render(records: &[Record], machine: &str) -> String {
    format!(
        "{}\nTargets:\n\n{}",
        render_tables(records, machine),
        targets_list(records)
    )
}

/// `doc` with the text between the lines `<!-- {marker}:begin -->` and
/// `<!-- {marker}:end -->` replaced by `content`; `None` without both.
pub fn splice(doc: &str, marker: &str, content: &str) -> Option<String> {
    let begin = format!("<!-- {marker}:begin -->\n");
    let end = format!("<!-- {marker}:end -->");
    let start = doc.find(&begin)? + begin.len();
    let stop = start + doc[start..].find(&end)?;
    let body = content.trim_end();
    let body = if body.is_empty() {
        String::new()
    } else {
        format!("{body}\n")
    };
    Some(format!("{}{body}{}", &doc[..start], &doc[stop..]))
}

#[cfg(test)]
mod tests;

//! The workloads, declared once: which operations run at which sizes and
//! the criterion ids they are stored under. The bench writes these ids and
//! the report parses them back, so the two cannot drift apart.
//!
//! A simulated workload is stored as `vm_<operation>/<strategy>/<size>`
//! (e.g. `vm_fork/hybrid/1GiB`), a host Linux one as
//! `linux/<operation>/<size>` (e.g. `linux/fork_exit_wait/64MiB`).

use vm::StrategyKind;

/// One amount of touched memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// The criterion parameter, e.g. `64MiB`.
    pub label: &'static str,
    /// Touched bytes.
    pub bytes: u64,
}

/// The touched sizes every workload runs at, smallest first.
pub const SIZES: [Size; 3] = [
    Size {
        label: "1MiB",
        bytes: 1 << 20,
    },
    Size {
        label: "64MiB",
        bytes: 64 << 20,
    },
    Size {
        label: "1GiB",
        bytes: 1 << 30,
    },
];

/// What one benchmark measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// `vm`: `fork(strategy)` alone (the child is torn down untimed).
    Fork,
    /// `vm`: the child's first write to a page the parent touched (fault
    /// resolution plus the write), the fork untimed.
    FirstWriteFault,
    /// `vm`: fork then release (hybrid) or destroy, timed together: the
    /// address-space work of fork+exec.
    ForkRelease,
    /// Host: `fork()`, the child `_exit(0)`s, the parent `waitpid`s.
    LinuxFork,
    /// Host: vfork (`clone(CLONE_VM | CLONE_VFORK)`), `_exit(0)`, `waitpid`.
    LinuxVfork,
    /// Host: `posix_spawn("/bin/true")` and `waitpid`.
    LinuxPosixSpawn,
}

/// The strategy column of host Linux rows.
pub const LINUX: &str = "linux";

impl Operation {
    /// Every operation, in report order.
    pub const ALL: [Operation; 6] = [
        Operation::Fork,
        Operation::FirstWriteFault,
        Operation::ForkRelease,
        Operation::LinuxFork,
        Operation::LinuxVfork,
        Operation::LinuxPosixSpawn,
    ];

    /// Whether this runs on the simulated RAM through the `vm` crate.
    pub fn is_vm(self) -> bool {
        matches!(
            self,
            Operation::Fork | Operation::FirstWriteFault | Operation::ForkRelease
        )
    }

    /// The `name` field of its JSON records.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Fork => "fork",
            Operation::FirstWriteFault => "first_write_fault",
            Operation::ForkRelease => "fork_release",
            Operation::LinuxFork => "fork_exit_wait",
            Operation::LinuxVfork => "vfork_exit_wait",
            Operation::LinuxPosixSpawn => "posix_spawn_wait",
        }
    }

    /// The criterion group id.
    pub fn group(self) -> &'static str {
        match self {
            Operation::Fork => "vm_fork",
            Operation::FirstWriteFault => "vm_first_write_fault",
            Operation::ForkRelease => "vm_fork_release",
            _ => "linux",
        }
    }

    /// The criterion function id: the strategy for `vm` operations, the
    /// operation's name for host ones.
    pub fn function(self, strategy: StrategyKind) -> &'static str {
        if self.is_vm() {
            strategy.name()
        } else {
            self.name()
        }
    }

    /// The operation named `name` (a JSON record's `name`).
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// What a stored criterion benchmark is: operation, strategy column and
/// touched bytes. `None` for benchmarks that are not ours (say `cargo
/// bench -p forkless-vm`'s micro-benchmarks sharing the criterion directory).
pub fn identify(group: &str, function: &str, parameter: &str) -> Option<(Operation, String, u64)> {
    let bytes = parse_size(parameter)?;
    if group == "linux" {
        let op = Operation::from_name(function).filter(|op| !op.is_vm())?;
        return Some((op, LINUX.to_string(), bytes));
    }
    let op = Operation::ALL
        .into_iter()
        .find(|op| op.is_vm() && op.group() == group)?;
    let kind = StrategyKind::ALL
        .into_iter()
        .find(|k| k.name() == function)?;
    Some((op, kind.name().to_string(), bytes))
}

/// Report order of a strategy column: the `vm` strategies in
/// [`StrategyKind::ALL`] order, then the host.
pub fn strategy_rank(strategy: &str) -> usize {
    StrategyKind::ALL
        .iter()
        .position(|k| k.name() == strategy)
        .unwrap_or(StrategyKind::ALL.len())
}

/// Parses `4KiB`, `64MiB`, `1GiB` or a plain byte count.
pub fn parse_size(label: &str) -> Option<u64> {
    let units = [("KiB", 1u64 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)];
    for (suffix, unit) in units {
        if let Some(n) = label.strip_suffix(suffix) {
            return n.parse::<u64>().ok()?.checked_mul(unit);
        }
    }
    label.parse().ok()
}

/// `bytes` the way the tables print it (`64 MiB`).
pub fn size_text(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (suffix, unit) in units {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{} {suffix}", bytes / unit);
        }
    }
    format!("{bytes} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip() {
        for size in SIZES {
            assert_eq!(parse_size(size.label), Some(size.bytes));
        }
        assert_eq!(parse_size("4096"), Some(4096));
        assert_eq!(parse_size("3KiB"), Some(3072));
        assert_eq!(parse_size("MiB"), None);
        assert_eq!(parse_size("1TiB"), None);
        assert_eq!(size_text(1 << 30), "1 GiB");
        assert_eq!(size_text(64 << 20), "64 MiB");
        assert_eq!(size_text(1000), "1000 B");
    }

    #[test]
    fn ids_round_trip() {
        for op in Operation::ALL {
            for kind in StrategyKind::ALL {
                let got = identify(op.group(), op.function(kind), "64MiB").unwrap();
                let strategy = if op.is_vm() { kind.name() } else { LINUX };
                assert_eq!(got, (op, strategy.to_string(), 64 << 20));
            }
        }
    }

    #[test]
    fn foreign_benchmarks_are_skipped() {
        assert_eq!(identify("translate", "translate", ""), None);
        assert_eq!(identify("vm_fork", "bogus", "1MiB"), None);
        assert_eq!(identify("linux", "fork", "1MiB"), None);
        assert_eq!(identify("linux", "fork_exit_wait", "lots"), None);
        assert_eq!(identify("vm_fork", "hybrid", "1GiB").unwrap().2, 1 << 30);
    }
}

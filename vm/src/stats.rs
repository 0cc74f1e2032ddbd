//! Counters of what forks and faults did, per strategy: the numbers behind
//! `/proc/forkstat` and the benchmark reports.

use crate::fork::StrategyKind;
use crate::vma::VmaKind;

/// Work done by one strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StrategyStats {
    /// Forks taken.
    pub forks: u64,
    /// Page-table pages copied (at fork and at later faults).
    pub tables_copied: u64,
    /// Last-level tables shared instead of copied.
    pub tables_shared: u64,
    /// Data pages copied (eagerly or on a write fault).
    pub pages_copied: u64,
    /// Data pages copied eagerly at fork (hybrid: stack and TLS).
    pub eager_pages: u64,
    /// Write faults taken by children of this strategy.
    pub child_write_faults: u64,
    /// The same faults by the kind of area they hit, indexed by
    /// [`VmaKind::index`] (stack, TLS, heap, anonymous, image).
    pub child_write_faults_by_kind: [u64; VmaKind::COUNT],
    /// Hybrid children promoted to classic.
    pub promotions: u64,
    /// Hybrid children released at exec or exit.
    pub releases: u64,
}

/// Counters for the whole context.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// One entry per [`StrategyKind`], indexed by `kind as usize`.
    pub by_strategy: [StrategyStats; 4],
    /// Demand-zero pages allocated.
    pub zero_fills: u64,
    /// Copy-on-write copies outside any fork window.
    pub cow_copies: u64,
}

impl Stats {
    /// The counters of one strategy.
    pub fn of(&self, kind: StrategyKind) -> &StrategyStats {
        &self.by_strategy[kind as usize]
    }
    pub(crate) fn of_mut(&mut self, kind: StrategyKind) -> &mut StrategyStats {
        &mut self.by_strategy[kind as usize]
    }
}

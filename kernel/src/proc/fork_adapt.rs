//! The adaptive hybrid window. A hybrid parent waits while its child
//! borrows; that pays off for a child that execs (the window ends in
//! microseconds) and costs the parent the child's whole window plus a
//! promotion when the child lives on (the snapshot pattern: a server's
//! BGSAVE child reads the parent's memory for seconds). So each process
//! keeps a short history of how its hybrid children left the window:
//!
//! - a child promoted for a reason that says it lives on (it slept, ran
//!   past its budget, or made a syscall a fork+exec child does not make)
//!   adds one to its parent's streak; a child that execs (borrowing, or
//!   forked on demand by this rule) clears it; the parent's own exec
//!   clears it too (the history was the old program's);
//! - at [`STREAK`] promotions in a row, the parent forks its next children
//!   straight into on-demand form (`vm`'s on-demand fork: O(upper tables),
//!   the parent does not wait) until one of them execs, which sends it
//!   back to hybrid.
//!
//! A single promotion does not switch (a shell's occasional subshell);
//! two in a row do. docs/fork.md has the measurements behind the rule;
//! `/proc/forkstat`'s `hybrid adaptive:` line counts both switches.
use super::{find, Process};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// Promotions in a row after which a parent forks on demand.
pub const STREAK: u32 = 2;

static ONDEMAND_FORKS: AtomicU64 = AtomicU64::new(0);
static BACK_TO_HYBRID: AtomicU64 = AtomicU64::new(0);

/// A process's history, as a parent and as a child.
#[derive(Debug, Default)]
pub struct History {
    /// Its hybrid children promoted in a row (as a parent).
    streak: AtomicU32,
    /// It was forked on demand by this rule (as a child).
    adapted: AtomicBool,
}

/// Whether `parent`'s next fork should skip the hybrid window.
pub fn fork_on_demand(parent: &Process) -> bool {
    parent.fork_history.streak.load(Ordering::Relaxed) >= STREAK
}

/// Records that `child` was forked on demand by this rule.
pub fn forked_on_demand(child: &Process) {
    child.fork_history.adapted.store(true, Ordering::Relaxed);
    ONDEMAND_FORKS.fetch_add(1, Ordering::Relaxed);
}

/// A borrowing `child` was promoted; `lives_on` says whether the reason
/// shows a long-lived child (not its parent being killed).
pub fn promoted(child: &Process, lives_on: bool) {
    if let (true, Some(parent)) = (lives_on, find(child.ppid.load(Ordering::Relaxed))) {
        let s = &parent.fork_history.streak;
        let _ = s.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1));
    }
}

/// `p` execs (before its window, if any, is released). Clears its own
/// history and, for a child of the hybrid path (still borrowing, or forked
/// on demand by this rule), its parent's streak.
pub fn exec(p: &Process) {
    p.fork_history.streak.store(0, Ordering::Relaxed);
    let adapted = p.fork_history.adapted.swap(false, Ordering::Relaxed);
    if !(p.hybrid.is_borrowing() || adapted) {
        return;
    }
    if let Some(parent) = find(p.ppid.load(Ordering::Relaxed)) {
        if parent.fork_history.streak.swap(0, Ordering::Relaxed) >= STREAK {
            BACK_TO_HYBRID.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// `(ondemand_forks, back_to_hybrid)` for `/proc/forkstat`.
pub fn counts() -> (u64, u64) {
    (
        ONDEMAND_FORKS.load(Ordering::Relaxed),
        BACK_TO_HYBRID.load(Ordering::Relaxed),
    )
}

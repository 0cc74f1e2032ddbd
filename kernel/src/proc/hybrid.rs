//! The hybrid fork window: from a hybrid fork until the child execs,
//! exits or is promoted, the child borrows its parent's page tables
//! read-only (the `vm` crate path-copies every page it writes) and the
//! parent sleeps, uninterruptibly, on the child's `vfork_wait`.
//!
//! Invariant kept here: while a child borrows, nothing writes through the
//! parent's tables and the parent does not run. The child leaves the
//! window in exactly one of three ways:
//! - exec or exit: [`released`] after the `vm` release (copies freed);
//! - promotion ([`promote`]): a syscall a fork+exec child does not make
//!   (the syscall layer decides), any sleep ([`before_sleep`]), running
//!   past [`BUDGET_NS`] of CPU ([`check_budget`]), or its parent being
//!   killed; the child becomes an on-demand child (or a classic one,
//!   `promote=classic`) and the parent wakes;
//! - out of memory during promotion: the child is killed (never the
//!   parent) and leaves by exit.
use super::{sched, MemRef, Process};
use crate::mm::user::{self, with_mm};
use alloc::collections::BTreeMap;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use linux_abi::process::wait_status_signaled;
use linux_abi::signal::SIGKILL;
use spin::{Mutex, Once};
use vm::PromoteTarget;

/// CPU time a borrowing child may use before it is promoted: one
/// scheduler timeslice (10 ticks of 1 ms).
pub const BUDGET_NS: u64 = 10_000_000;

/// A child's side of the window: the parent memory it borrows from.
#[derive(Debug, Default)]
pub struct Window {
    borrowing: AtomicBool,
    lender: Mutex<Option<MemRef>>,
}

impl Window {
    /// Whether the process still borrows its parent's tables.
    pub fn is_borrowing(&self) -> bool {
        self.borrowing.load(Ordering::Relaxed)
    }
}

/// Why a borrowing child was promoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A syscall outside the fork+exec set (its name).
    Syscall(&'static str),
    /// It was about to sleep.
    Sleep,
    /// It ran past [`BUDGET_NS`].
    Budget,
    /// Its parent was killed while waiting.
    ParentKilled,
}

static BY_SLEEP: AtomicU64 = AtomicU64::new(0);
static BY_BUDGET: AtomicU64 = AtomicU64::new(0);
static BY_PARENT_KILLED: AtomicU64 = AtomicU64::new(0);
static OOM_KILLS: AtomicU64 = AtomicU64::new(0);
static ENDED_BY_EXEC: AtomicU64 = AtomicU64::new(0);
static ENDED_BY_EXIT: AtomicU64 = AtomicU64::new(0);
static ENDED_BY_KILL: AtomicU64 = AtomicU64::new(0);
static BY_SYSCALL: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// Promotion counts by reason, for `/proc/forkstat`: `(name, count)`,
/// syscall reasons as `syscall.<name>`.
pub fn promotion_counts() -> alloc::vec::Vec<(alloc::string::String, u64)> {
    use alloc::string::ToString;
    let mut v = alloc::vec![
        ("sleep".to_string(), BY_SLEEP.load(Ordering::Relaxed)),
        ("budget".to_string(), BY_BUDGET.load(Ordering::Relaxed)),
        (
            "parent_killed".to_string(),
            BY_PARENT_KILLED.load(Ordering::Relaxed)
        ),
    ];
    for (name, n) in BY_SYSCALL.lock().iter() {
        v.push((alloc::format!("syscall.{name}"), *n));
    }
    v
}

/// How windows ended without promotion, for `/proc/forkstat`: `(exec,
/// exit, killed, oom_killed)` (killed: exited by a signal while
/// borrowing; oom_killed: killed because promotion ran out of memory).
pub fn window_ends() -> (u64, u64, u64, u64) {
    (
        ENDED_BY_EXEC.load(Ordering::Relaxed),
        ENDED_BY_EXIT.load(Ordering::Relaxed),
        ENDED_BY_KILL.load(Ordering::Relaxed),
        OOM_KILLS.load(Ordering::Relaxed),
    )
}

/// How a borrowing child left the window without promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// It called execve.
    Exec,
    /// It exited with this wait status.
    Exit(i32),
}

/// Opens the window of a new hybrid child `child` borrowing `lender`
/// (the parent's memory). Called before the child first runs.
pub fn begin(child: &Process, lender: MemRef) {
    *child.hybrid.lender.lock() = Some(lender);
    child.hybrid.borrowing.store(true, Ordering::Relaxed);
}

/// Closes the window after exec or exit released the child's borrowed
/// space (the caller then wakes the parent through `vfork_done`).
pub fn released(child: &Process, end: End) {
    if child.hybrid.borrowing.swap(false, Ordering::Relaxed) {
        let counter = match end {
            End::Exec => &ENDED_BY_EXEC,
            End::Exit(status) if status & 0x7f != 0 => &ENDED_BY_KILL,
            End::Exit(_) => &ENDED_BY_EXIT,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    *child.hybrid.lender.lock() = None;
}

/// Whether the current thread's process borrows its parent's tables.
pub fn current_is_borrowing() -> bool {
    sched::current()
        .process
        .as_ref()
        .is_some_and(|p| p.hybrid.is_borrowing())
}

/// Turns `child` into a classic child as if classic fork ran now, then
/// wakes its parent. No effect when it does not borrow. Returns false when
/// memory ran out: the child is then killed (it still borrows and leaves
/// by exit, which releases), the parent is untouched.
pub fn promote(child: &Process, reason: Reason) -> bool {
    let Some(lender) = child.hybrid.lender.lock().take() else {
        return true;
    };
    let cmem = child.mem();
    let done = {
        let mut cg = cmem.lock();
        let mut pg = lender.lock();
        match (cg.as_mut(), pg.as_mut()) {
            (Some(c), Some(p)) => match with_mm(|mm| {
                if injected_failure() {
                    user::refusing_frames(mm, |mm| {
                        c.space.promote(mm, &mut p.space, promote_target())
                    })
                } else {
                    c.space.promote(mm, &mut p.space, promote_target())
                }
            }) {
                Ok(f) => {
                    user::flush(f.parent, p.space.root());
                    user::flush(f.child, c.space.root());
                    true
                }
                Err(e) => {
                    crate::warn!("pid {}: promotion failed ({e}): killed", child.pid);
                    false
                }
            },
            _ => false,
        }
    };
    if !done {
        *child.hybrid.lender.lock() = Some(lender);
        OOM_KILLS.fetch_add(1, Ordering::Relaxed);
        super::signal::kill_group(child, wait_status_signaled(SIGKILL, false));
        return false;
    }
    drop(lender);
    child.hybrid.borrowing.store(false, Ordering::Relaxed);
    count(reason);
    super::fork_adapt::promoted(child, reason != Reason::ParentKilled);
    crate::debug!("pid {}: promoted ({reason:?})", child.pid);
    child.vfork_done.store(true, Ordering::Relaxed);
    child.vfork_wait.wake_all();
    true
}

/// What promotion turns a child into: `promote=` on the kernel command
/// line, on-demand form by default (the cost of an on-demand fork, not a
/// classic one: a long-lived child of a big parent, the snapshot pattern,
/// must not stall its parent for a full table copy).
pub fn promote_target() -> PromoteTarget {
    static TARGET: Once<PromoteTarget> = Once::new();
    *TARGET.call_once(|| match crate::cmdline().promote.as_deref() {
        None | Some("ondemand") => PromoteTarget::OnDemand,
        Some("classic") => PromoteTarget::Classic,
        Some(other) => {
            crate::warn!("promote={other} is unknown: using ondemand");
            PromoteTarget::OnDemand
        }
    })
}

/// Whether this promotion is one of the first `fail_promotion=N` (kernel
/// command line), which run with user memory exhausted on purpose.
fn injected_failure() -> bool {
    static LEFT: Once<AtomicU32> = Once::new();
    LEFT.call_once(|| AtomicU32::new(crate::cmdline().fail_promotion))
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

fn count(reason: Reason) {
    match reason {
        Reason::Syscall(name) => *BY_SYSCALL.lock().entry(name).or_insert(0) += 1,
        Reason::Sleep => {
            BY_SLEEP.fetch_add(1, Ordering::Relaxed);
        }
        Reason::Budget => {
            BY_BUDGET.fetch_add(1, Ordering::Relaxed);
        }
        Reason::ParentKilled => {
            BY_PARENT_KILLED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Promotes the current process if it borrows (the syscall layer calls
/// this before a syscall a fork+exec child does not make). A child that
/// ran out of memory is killed and never returns from here.
pub fn promote_current(reason: Reason) {
    let Some(p) = sched::current().process.clone() else {
        return;
    };
    if p.hybrid.is_borrowing() && !promote(&p, reason) {
        drop(p);
        super::exit::exit_killed_thread();
    }
}

/// Called before the current thread sleeps: a borrowing child is promoted
/// first, so its parent never waits on the child's sleep. Returns whether
/// the thread may sleep: false when promotion ran out of memory and killed
/// the child. The sleep is then skipped rather than the thread ended
/// here, deep in a blocking call whose callers still hold references (a
/// wait-queue entry, the thread itself, the file): unwinding to the
/// return to user mode drops them, and the exit happens there.
pub fn before_sleep() -> bool {
    let t = sched::current();
    let Some(p) = t.process.clone() else {
        return true;
    };
    if !p.hybrid.is_borrowing() {
        return true;
    }
    // Killed (by a failed promotion or a signal) while borrowing: no sleep
    // and no second promotion on the way out.
    !t.must_exit.load(Ordering::Relaxed) && promote(&p, Reason::Sleep)
}

/// Called before every return to user mode: a borrowing child that has
/// run past its CPU budget is promoted (its parent wakes and runs).
pub fn check_budget() {
    let t = sched::current();
    let over = t
        .process
        .as_ref()
        .is_some_and(|p| p.hybrid.is_borrowing() && t.cpu_time_ns() > BUDGET_NS);
    drop(t);
    if over {
        promote_current(Reason::Budget);
    }
}

/// The hybrid parent's wait for `child` to leave the window: an
/// uninterruptible sleep (signals stay pending, so it never spins). A
/// killed parent promotes the child first, since the parent's memory must
/// outlive every borrower.
pub fn parent_wait(child: &Process) {
    let me = sched::current();
    let mut tried = false;
    while !child.vfork_done.load(Ordering::Relaxed) {
        if !tried && me.must_exit.load(Ordering::Relaxed) && child.hybrid.is_borrowing() {
            // Out of memory kills the child instead: wait for its exit.
            tried = true;
            promote(child, Reason::ParentKilled);
            continue;
        }
        child.vfork_wait.wait_uninterruptible();
    }
}

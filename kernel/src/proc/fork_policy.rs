//! The fork policy: which `vm` strategy a fork (clone without CLONE_VM)
//! uses, chosen once at boot by `fork=classic|ondemand|hybrid|ghost` on
//! the kernel command line (default hybrid). vfork and CLONE_VFORK are
//! real vforks whatever the policy. docs/fork.md compares the four.
use super::Process;
use spin::Once;
use vm::{EagerPages, Strategy};
/// How fork() is done, from the kernel command line (`fork=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Copy the page tables, private pages copy-on-write.
    Classic,
    /// Share last-level tables write-protected (ODF); both run.
    OnDemand,
    /// Borrow the parent's tables until exec, exit or promotion (the
    /// default; see [`super::hybrid`]). Multi-threaded parents use classic.
    Hybrid,
    /// UNSAFE, kept for the libc-barrier test and as the benchmarks' lower
    /// bound: fork runs as vfork (one shared address space, the parent
    /// waits). libc's fork wrapper then corrupts the parent (docs/fork.md).
    Ghost,
}

static POLICY: Once<Policy> = Once::new();

impl Policy {
    /// The policy named on the command line (`fork=classic|ondemand|
    /// hybrid|ghost`); none means hybrid, an unknown name too (warned).
    pub fn from_cmdline(name: Option<&str>) -> Policy {
        match name {
            Some("classic") => Policy::Classic,
            Some("ondemand") => Policy::OnDemand,
            None | Some("hybrid") => Policy::Hybrid,
            Some("ghost") => {
                crate::warn!(
                    "fork=ghost: fork runs as vfork, libc's fork wrapper corrupts parents"
                );
                Policy::Ghost
            }
            Some(other) => {
                crate::warn!("fork={other} is unknown: using hybrid");
                Policy::Hybrid
            }
        }
    }

    /// The name `fork=` takes for this policy (shown in /proc/forkstat so
    /// a benchmark or test can tell which strategy it actually ran under).
    pub fn name(self) -> &'static str {
        match self {
            Policy::Classic => "classic",
            Policy::OnDemand => "ondemand",
            Policy::Hybrid => "hybrid",
            Policy::Ghost => "ghost",
        }
    }

    /// The `vm` strategy for a fork by `parent` (not called for CLONE_VM):
    /// hybrid with eager pages at the child's user stack pointer and FS
    /// base, unless the parent has other threads (they would keep running
    /// and writing the memory the child borrows): classic then.
    pub fn strategy_for(self, parent: &Process, child_rsp: u64, child_fs_base: u64) -> Strategy {
        match self {
            Policy::Classic => Strategy::Classic,
            Policy::OnDemand => Strategy::OnDemand,
            Policy::Hybrid if parent.thread_count() > 1 => Strategy::Classic,
            // Its recent children lived on: no window (fork_adapt).
            Policy::Hybrid if super::fork_adapt::fork_on_demand(parent) => Strategy::OnDemand,
            Policy::Hybrid => Strategy::Hybrid(EagerPages::for_libc_fork(child_rsp, child_fs_base)),
            Policy::Ghost => Strategy::Vfork,
        }
    }
}

/// The boot-time fork policy.
pub fn policy() -> Policy {
    *POLICY.call_once(|| Policy::from_cmdline(crate::cmdline().fork.as_deref()))
}

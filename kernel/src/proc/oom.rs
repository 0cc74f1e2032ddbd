//! The out-of-memory rule. A page fault that finds no free frame kills the
//! process that faulted (SIGSEGV, reported by the trap path), as before,
//! with one exception: init is never the one to die, since the machine
//! ends with it (Linux's OOM killer never picks init either). When init
//! runs out, the live process with the largest address space (Linux
//! scores resident memory; the sum of the areas is the figure every
//! address space keeps, and a process that exhausted memory has a large
//! one) gets SIGKILL instead, and init's faulting instruction runs again
//! once the victim's memory is back.
use super::{all, exit::is_init, signal, Process};
use alloc::sync::Arc;
use linux_abi::process::wait_status_signaled;
use linux_abi::signal::SIGKILL;

/// Handles a fault of `proc` that found no frame: whether the fault is to
/// be retried (a victim was killed in its place) rather than end `proc`.
pub fn kill_for(proc: &Arc<Process>) -> bool {
    if !is_init(proc) {
        return false;
    }
    let candidates: alloc::vec::Vec<_> = all()
        .into_iter()
        .filter(|p| !is_init(p) && !p.is_zombie())
        .map(|p| (mapped_bytes(&p), p))
        .filter(|(bytes, _)| *bytes > 0)
        .collect();
    // A victim already dying still holds its memory until it runs its
    // exit: let it run, then fault again.
    if candidates
        .iter()
        .any(|(_, p)| p.group_exit.lock().is_some())
    {
        super::sched::schedule();
        return true;
    }
    let Some((bytes, victim)) = candidates.into_iter().max_by_key(|(bytes, _)| *bytes) else {
        return false; // nothing left to kill: init gets the SIGSEGV
    };
    crate::warn!(
        "out of memory in init: killed pid {} ({}, {} KiB mapped)",
        victim.pid,
        victim.name.lock(),
        bytes >> 10
    );
    signal::kill_group(&victim, wait_status_signaled(SIGKILL, false));
    true
}

/// The sum of `p`'s areas (0 for a process that borrows or has none).
fn mapped_bytes(p: &Process) -> u64 {
    let mem = p.mem();
    let guard = mem.lock();
    guard
        .as_ref()
        .map_or(0, |m| m.space.vmas().iter().map(|v| v.end - v.start).sum())
}

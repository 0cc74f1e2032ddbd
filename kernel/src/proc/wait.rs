//! `wait4` and `waitid`: finding a child that matches, reporting its exit,
//! stop or continue, and reaping zombies. The caller sleeps
//! interruptibly on its process's `child_events` queue; a signal ends the
//! sleep with a restart code (SA_RESTART decides).
use super::exit::child_code;
use super::signal::restart_sys;
use super::{current_process, unregister, JobEvent, Process};
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use linux_abi::process::{
    wait_status_stopped, WAIT_STATUS_CONTINUED, WCONTINUED, WEXITED, WNOHANG, WNOWAIT, WUNTRACED,
};
use linux_abi::signal::si_code;
use linux_abi::Errno;

/// Which children a wait accepts.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// Any child.
    Any,
    /// The child with this pid.
    Pid(u32),
    /// Any child in this process group.
    Pgid(u32),
}

/// What a wait found.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// The child.
    pub pid: u32,
    /// The `wait4` status word.
    pub status: i32,
    /// `si_code` for `waitid`.
    pub code: i32,
    /// `si_status` for `waitid`.
    pub si_status: i32,
    /// The child's CPU time (ns), for rusage.
    pub cpu_ns: u64,
}

fn matches(c: &Process, which: Which) -> bool {
    match which {
        Which::Any => true,
        Which::Pid(pid) => c.pid == pid,
        Which::Pgid(g) => c.pgid.load(Ordering::Relaxed) == g,
    }
}

/// Waits for a child matching `which`; `Ok(None)` for WNOHANG with
/// nothing to report.
pub fn wait(which: Which, options: u32) -> Result<Option<Report>, Errno> {
    let me = current_process().ok_or(Errno::ECHILD)?;
    let want_exit = options & WEXITED != 0;
    loop {
        let children: alloc::vec::Vec<Arc<Process>> = me
            .children
            .lock()
            .iter()
            .filter(|c| matches(c, which))
            .cloned()
            .collect();
        if children.is_empty() {
            return Err(Errno::ECHILD);
        }
        for c in &children {
            if want_exit {
                if let Some(status) = *c.status.lock() {
                    let (code, si_status) = child_code(status);
                    let cpu_ns = c.cpu_ns() + c.children_cpu_ns.load(Ordering::Relaxed);
                    if options & WNOWAIT == 0 {
                        me.children.lock().retain(|x| !Arc::ptr_eq(x, c));
                        me.children_cpu_ns.fetch_add(cpu_ns, Ordering::Relaxed);
                        unregister(c.pid);
                    }
                    return Ok(Some(Report {
                        pid: c.pid,
                        status,
                        code,
                        si_status,
                        cpu_ns,
                    }));
                }
            }
            let mut ev = c.job_event.lock();
            let report = match *ev {
                Some(JobEvent::Stopped(sig)) if options & WUNTRACED != 0 => Some(Report {
                    pid: c.pid,
                    status: wait_status_stopped(sig),
                    code: si_code::CLD_STOPPED,
                    si_status: sig as i32,
                    cpu_ns: 0,
                }),
                Some(JobEvent::Continued) if options & WCONTINUED != 0 => Some(Report {
                    pid: c.pid,
                    status: WAIT_STATUS_CONTINUED,
                    code: si_code::CLD_CONTINUED,
                    si_status: linux_abi::signal::SIGCONT as i32,
                    cpu_ns: 0,
                }),
                _ => None,
            };
            if report.is_some() {
                if options & WNOWAIT == 0 {
                    *ev = None;
                }
                return Ok(report);
            }
        }
        if options & WNOHANG != 0 {
            return Ok(None);
        }
        me.child_events.wait();
        if super::signal::interrupted() {
            return Err(restart_sys());
        }
    }
}

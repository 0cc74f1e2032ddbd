//! The per-thread and per-process state `prctl` reads and sets: the
//! thread's name (`comm`), and the process's parent-death signal, dumpable
//! flag, no-new-privileges bit and child-subreaper mark. What each one
//! does when it matters (a parent's exit, exec, fork) lives here too, so
//! `exit`, `exec` and `fork` make one call each.
use super::{find, Process};
use alloc::string::String;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use linux_abi::signal::{si_code, SigInfo};
use spin::Mutex;

/// Bytes of a thread name, its NUL included (Linux's `TASK_COMM_LEN`).
pub const COMM_LEN: usize = 16;

/// A thread's name as `prctl(PR_SET_NAME)` set it: at most 15 bytes,
/// NUL-padded. Empty means "the program's name" (the basename of the
/// last exec's path, as Linux sets `comm` at exec), so exec and spawn need
/// not write it.
#[derive(Debug, Default)]
pub struct Comm(Mutex<[u8; COMM_LEN]>);

impl Comm {
    /// Sets the name from user bytes: up to the first NUL, at most 15.
    pub fn set(&self, bytes: &[u8]) {
        let mut name = [0u8; COMM_LEN];
        let len = bytes
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(bytes.len())
            .min(COMM_LEN - 1);
        name[..len].copy_from_slice(&bytes[..len]);
        *self.0.lock() = name;
    }

    /// Back to the program's name (exec).
    pub fn reset(&self) {
        *self.0.lock() = [0; COMM_LEN];
    }

    /// Copies another thread's name (clone and fork inherit it).
    pub fn copy_from(&self, other: &Comm) {
        let name = *other.0.lock();
        *self.0.lock() = name;
    }

    /// The name as `PR_GET_NAME` returns it (NUL-padded), with `program`
    /// (the process's exec path) standing in for an unset name.
    pub fn get(&self, program: &str) -> [u8; COMM_LEN] {
        let name = *self.0.lock();
        if name[0] != 0 {
            return name;
        }
        let base = program.rsplit('/').next().unwrap_or("").as_bytes();
        let mut out = [0u8; COMM_LEN];
        let len = base.len().min(COMM_LEN - 1);
        out[..len].copy_from_slice(&base[..len]);
        out
    }
}

/// A process's name for `/proc/PID/{comm,stat,status}`: its first
/// thread's `comm` (Linux shows the group leader's), else the program's.
pub fn process_comm(p: &Process) -> String {
    let program = p.name.lock().clone();
    let leader = p.threads.lock().iter().find(|t| t.tid == p.pid).cloned();
    let name = match leader {
        Some(t) => t.comm.get(&program),
        None => Comm::default().get(&program),
    };
    let len = name.iter().position(|&b| b == 0).unwrap_or(COMM_LEN);
    String::from_utf8_lossy(&name[..len]).into_owned()
}

/// The process-wide `prctl` settings.
#[derive(Debug)]
pub struct ProcessCtl {
    /// Signal sent to this process when its parent exits (0: none).
    pub pdeath_signal: AtomicU32,
    /// `PR_SET_DUMPABLE`: 1 (the default) or 0.
    pub dumpable: AtomicBool,
    /// `PR_SET_NO_NEW_PRIVS`: once set, kept across fork and exec.
    pub no_new_privs: AtomicBool,
    /// `PR_SET_CHILD_SUBREAPER`: orphaned descendants come here, not to
    /// init.
    pub child_subreaper: AtomicBool,
}

impl Default for ProcessCtl {
    fn default() -> Self {
        ProcessCtl {
            pdeath_signal: AtomicU32::new(0),
            dumpable: AtomicBool::new(true),
            no_new_privs: AtomicBool::new(false),
            child_subreaper: AtomicBool::new(false),
        }
    }
}

impl ProcessCtl {
    /// What a forked child keeps, as on Linux: dumpable and no_new_privs;
    /// the parent-death signal and the subreaper mark start clear.
    pub fn inherit(&self, parent: &ProcessCtl) {
        let r = Ordering::Relaxed;
        self.dumpable.store(parent.dumpable.load(r), r);
        self.no_new_privs.store(parent.no_new_privs.load(r), r);
    }

    /// Exec of an ordinary (not set-id) program makes the process
    /// dumpable again; the rest stays.
    pub fn on_exec(&self) {
        self.dumpable.store(true, Ordering::Relaxed);
    }
}

/// Sends each child of the exiting `parent` its parent-death signal, as
/// Linux's `forget_original_parent` does (SI_USER from the parent).
pub fn parent_died(parent: &Process, children: &[Arc<Process>]) {
    for c in children {
        let sig = c.ctl.pdeath_signal.load(Ordering::Relaxed);
        if sig != 0 {
            let info = SigInfo::sent(sig, si_code::SI_USER, parent.pid as i32, 0);
            super::signal::send(c, None, sig, info);
        }
    }
}

/// The nearest live ancestor of `p` marked as a child subreaper, which
/// adopts `p`'s orphans instead of init (Linux's `find_new_reaper`).
pub fn subreaper_of(p: &Process) -> Option<Arc<Process>> {
    let mut pid = p.ppid.load(Ordering::Relaxed);
    // The chain ends at a pid of 0; the bound guards against a cycle that
    // a racing reparent could briefly form.
    for _ in 0..4096 {
        if pid == 0 || pid == p.pid {
            return None;
        }
        let a = find(pid)?;
        let exiting = a.is_zombie() || a.group_exit.lock().is_some();
        if a.ctl.child_subreaper.load(Ordering::Relaxed) && !exiting {
            return Some(a);
        }
        pid = a.ppid.load(Ordering::Relaxed);
    }
    None
}

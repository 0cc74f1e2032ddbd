//! Processes: the process table, creation from an ELF file by the kernel
//! (init, the test runner), and the per-process state that fork, exec,
//! exit, wait, signals and threads share. One `Process` is a thread group:
//! its threads share the memory, files and signal handlers; each thread
//! has its own signal mask.
pub mod cred;
pub mod exec;
pub mod exit;
pub mod fork;
pub mod fork_adapt;
pub mod fork_policy;
pub mod futex;
pub mod hybrid;
pub mod itimer;
pub mod loadavg;
pub mod loader;
mod maps;
mod oom;
pub mod pgrp;
pub mod prctl;
mod process;
pub mod procfs;
mod procfs_sys;
pub mod rlimit;
pub mod sched;
pub mod signal;
pub mod thread;
pub mod uaccess;
pub mod wait;
mod window_time;

pub(crate) use process::NewProcess;
pub use process::{JobEvent, MemRef, Process, SignalState, UserMem};

use crate::arch::trapframe::TrapFrame;
use crate::fs::fdtable::FdTable;
use crate::mm::user::{self, with_mm};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};
use linux_abi::Errno;
use spin::Mutex;
use thread::Thread;
use vm::Access;

static PROCESSES: Mutex<BTreeMap<u32, Arc<Process>>> = Mutex::new(BTreeMap::new());
static NEXT_PID: AtomicU32 = AtomicU32::new(1);

/// A fresh process or thread id.
pub fn alloc_pid() -> u32 {
    NEXT_PID.fetch_add(1, Ordering::Relaxed)
}

/// Enters a built process in the process table.
pub(crate) fn register(p: &Arc<Process>) {
    PROCESSES.lock().insert(p.pid, p.clone());
}

/// Undoes [`NewProcess::build`] when its first thread cannot be made:
/// drops its hold on the memory (destroying a space of its own).
pub(crate) fn discard(p: &Arc<Process>) {
    let old = p.replace_mem(Arc::new(Mutex::new(None)));
    exit::release_mem(old, p.pid);
}

/// `argv` as `/proc/<pid>/cmdline` shows it.
pub fn cmdline_of(argv: &[String]) -> Vec<u8> {
    let mut v = Vec::new();
    for a in argv {
        v.extend_from_slice(a.as_bytes());
        v.push(0);
    }
    v
}

/// The process of the running thread.
pub fn current_process() -> Option<Arc<Process>> {
    sched::current().process.clone()
}

/// The process with id `pid` (live or zombie).
pub fn find(pid: u32) -> Option<Arc<Process>> {
    PROCESSES.lock().get(&pid).cloned()
}

/// Every process (live or zombie), in pid order.
pub fn all() -> Vec<Arc<Process>> {
    PROCESSES.lock().values().cloned().collect()
}

/// Removes a reaped process from the table.
fn unregister(pid: u32) {
    PROCESSES.lock().remove(&pid);
}

/// Whether a blocking call of the current thread should give up: a signal
/// it does not block is pending, or its process is being killed.
pub fn current_has_fatal_signal() -> bool {
    signal::interrupted()
}

/// Starts the program at `path` with fds 0-2 on the console, in a session
/// and process group of its own. The new process runs once the caller
/// blocks (e.g. in [`wait()`]).
pub fn spawn(
    cwd: memfs::Ino,
    path: &str,
    argv: &[String],
    envp: &[String],
) -> Result<Arc<Process>, Errno> {
    let hwcap = crate::cpu_features().hwcap;
    let loaded =
        crate::fs::with_executable(cwd, path, |image| loader::load(image, argv, envp, hwcap))?;
    let pid = alloc_pid();
    let mut files = FdTable::default();
    let console = crate::fs::console_file();
    for fd in 0..3 {
        files.set(fd, console.clone(), false);
    }
    let mem = Arc::new(Mutex::new(Some(UserMem {
        space: loaded.space,
        brk_start: loaded.brk,
        brk: loaded.brk,
    })));
    let proc = NewProcess {
        pid,
        ppid: 0,
        pgid: pid,
        sid: pid,
        name: path.to_string(),
        cmdline: cmdline_of(argv),
        mem,
        files,
        cwd,
        umask: 0o022,
        cred: cred::Cred::default(),
        personality: 0,
        rlimits: rlimit::Limits::default(),
        signals: SignalState::new(),
        kernel_waited: true,
        exit_signal: 0,
    }
    .build();
    let frame = TrapFrame::new_user(loaded.entry, loaded.sp);
    let Some(t) = Thread::user(pid, proc.clone(), frame) else {
        discard(&proc);
        return Err(Errno::ENOMEM);
    };
    register(&proc);
    proc.threads.lock().push(t.clone());
    crate::debug!(
        "spawned pid {pid}: {path} entry {:#x} sp {:#x}",
        loaded.entry,
        loaded.sp
    );
    sched::enqueue(t);
    Ok(proc)
}

/// Waits for `proc`, started by [`spawn`], to exit; returns its wait status.
pub fn wait(proc: &Arc<Process>) -> i32 {
    loop {
        if let Some(s) = *proc.status.lock() {
            unregister(proc.pid);
            return s;
        }
        proc.exited.wait_uninterruptible();
    }
}

/// Turns an exception in user mode into its signal: a handler runs if the
/// program installed one and does not block the signal; otherwise the
/// process dies of it.
pub fn user_fault(frame: &TrapFrame, sig: u32) {
    let proc = current_process().expect("user fault without a process");
    let cr2 = x86_64::registers::control::Cr2::read_raw();
    let addr = if frame.vector == 14 { cr2 } else { frame.rip };
    if !signal::force_fault(sig, addr) {
        crate::notice!(
            "pid {} ({}): {} at rip {:#x} (vector {}, error {:#x}, address {:#x})",
            proc.pid,
            proc.name.lock(),
            linux_abi::signal::signal_name(sig).unwrap_or("signal"),
            frame.rip,
            frame.vector,
            frame.error_code,
            cr2
        );
    }
}

/// Resolves a user page fault (demand paging, copy-on-write). Returns
/// false when the process must get SIGSEGV.
pub fn handle_user_page_fault(addr: u64, error: u64) -> bool {
    let Some(proc) = current_process() else {
        return false;
    };
    let access = Access::from_page_fault_error(error);
    let result = {
        let mem = proc.mem();
        let mut mem = mem.lock();
        let Some(mem) = mem.as_mut() else {
            return false;
        };
        with_mm(|mm| {
            mem.space.handle_fault(mm, addr, access).map(|flush| {
                user::flush(flush, mem.space.root());
            })
        })
    };
    match result {
        Ok(()) => true,
        Err(vm::Fault::OutOfMemory) => {
            crate::warn!("pid {}: out of memory at {addr:#x}", proc.pid);
            // The faulting instruction runs again once the victim's
            // memory is back; init itself is never the one to die.
            oom::kill_for(&proc)
        }
        Err(e) => {
            crate::debug!("pid {}: fault at {addr:#x} ({access:?}): {e}", proc.pid);
            false
        }
    }
}

/// Every live process, for the shell's `ps`.
pub fn list() -> Vec<(u32, String)> {
    PROCESSES
        .lock()
        .values()
        .filter(|p| !p.is_zombie())
        .map(|p| (p.pid, p.name.lock().clone()))
        .collect()
}

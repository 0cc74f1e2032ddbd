//! Processes: the process table, creation from an ELF file by the kernel
//! (init, the test runner), and the per-process state that fork, exec,
//! exit, wait, signals and threads share. One `Process` is a thread group:
//! its threads share the memory, files and signal handlers; each thread
//! has its own signal mask.
pub mod exec;
pub mod exit;
pub mod fork;
pub mod fork_policy;
pub mod futex;
pub mod hybrid;
pub mod itimer;
pub mod loader;
pub mod pgrp;
pub mod procfs;
pub mod sched;
pub mod signal;
pub mod thread;
pub mod uaccess;
pub mod wait;

use crate::arch::trapframe::TrapFrame;
use crate::fs::fdtable::FdTable;
use crate::mm::user::{self, with_mm};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use linux_abi::signal::{KernelSigaction, SigInfo, SigSet, NSIG};
use linux_abi::Errno;
use sched::WaitQueue;
use spin::Mutex;
use thread::Thread;
use vm::{Access, AddressSpace};

/// A process's memory: its address space and heap bounds.
#[derive(Debug)]
pub struct UserMem {
    /// The address space.
    pub space: AddressSpace,
    /// Start of the brk heap.
    pub brk_start: u64,
    /// Current program break.
    pub brk: u64,
}

/// Memory shared by the processes that use it: the threads of one process
/// and, until it execs or exits, a vfork child. `None` once destroyed.
pub type MemRef = Arc<Mutex<Option<UserMem>>>;

/// Signal dispositions and what is pending for the whole process.
#[derive(Debug, Clone)]
pub struct SignalState {
    /// Action per signal (index `sig - 1`).
    pub actions: [KernelSigaction; NSIG as usize],
    /// Signals pending for the process (any thread may take them).
    pub pending: SigSet,
    /// The `siginfo` of each pending signal (process- or thread-directed).
    pub info: BTreeMap<u32, SigInfo>,
    /// Alternate stack (ss_sp, ss_flags, ss_size).
    pub altstack: (u64, i32, u64),
}

impl SignalState {
    fn new() -> Self {
        SignalState {
            actions: [KernelSigaction {
                sa_handler: 0,
                sa_flags: 0,
                sa_restorer: 0,
                sa_mask: 0,
            }; NSIG as usize],
            pending: SigSet::EMPTY,
            info: BTreeMap::new(),
            altstack: (0, linux_abi::signal::SS_DISABLE, 0),
        }
    }
}

/// A stop or continue a parent has not collected with `wait4` yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEvent {
    /// Stopped by this signal.
    Stopped(u32),
    /// Resumed by SIGCONT.
    Continued,
}

/// A process (thread group).
#[derive(Debug)]
pub struct Process {
    /// Process id (the first thread's tid).
    pub pid: u32,
    /// Parent's pid (0 when the kernel started it or reaps it).
    pub ppid: AtomicU32,
    /// Process group id.
    pub pgid: AtomicU32,
    /// Session id.
    pub sid: AtomicU32,
    /// Name for logs and /proc (the executable's path).
    pub name: Mutex<String>,
    /// The arguments of the last exec, NUL-terminated (`/proc/<pid>/cmdline`).
    pub cmdline: Mutex<Vec<u8>>,
    mem: Mutex<MemRef>,
    /// Open files.
    pub files: Mutex<FdTable>,
    /// Working directory.
    pub cwd: Mutex<memfs::Ino>,
    /// File-creation mask.
    pub umask: AtomicU32,
    /// Signal dispositions and pending signals.
    pub signals: Mutex<SignalState>,
    /// Set once the whole group is exiting: the wait status it ends with.
    pub group_exit: Mutex<Option<i32>>,
    /// The wait status once every thread has exited (a zombie).
    pub status: Mutex<Option<i32>>,
    /// Woken when the process exits (for the kernel's own waits).
    pub exited: WaitQueue,
    /// The kernel, not a parent process, collects this process's status.
    pub kernel_waited: bool,
    /// Child processes, live or zombie.
    pub children: Mutex<Vec<Arc<Process>>>,
    /// Woken when a child exits, stops or continues.
    pub child_events: WaitQueue,
    /// Live threads.
    pub threads: Mutex<Vec<Arc<Thread>>>,
    /// Signal sent to the parent at exit (clone's low byte; SIGCHLD).
    pub exit_signal: u32,
    /// A vfork child's parent may go on (the child exec'd or exited).
    pub vfork_done: AtomicBool,
    /// Woken when `vfork_done` becomes true.
    pub vfork_wait: WaitQueue,
    /// Stopped by a stop signal.
    pub stopped: AtomicBool,
    /// Woken by SIGCONT and SIGKILL for stopped threads.
    pub stop_wait: WaitQueue,
    /// A stop/continue for the parent's `wait4(WUNTRACED/WCONTINUED)`.
    pub job_event: Mutex<Option<JobEvent>>,
    /// CPU time of exited threads (ns).
    pub dead_cpu_ns: AtomicU64,
    /// CPU time of reaped children (ns).
    pub children_cpu_ns: AtomicU64,
    /// Has called execve (setpgid by the parent then fails with EACCES).
    pub did_exec: AtomicBool,
    /// A hybrid fork child's borrowing window (empty for everyone else).
    pub hybrid: hybrid::Window,
    root: AtomicU64,
}

static PROCESSES: Mutex<BTreeMap<u32, Arc<Process>>> = Mutex::new(BTreeMap::new());
static NEXT_PID: AtomicU32 = AtomicU32::new(1);

/// A fresh process or thread id.
pub fn alloc_pid() -> u32 {
    NEXT_PID.fetch_add(1, Ordering::Relaxed)
}

impl Process {
    /// Physical address of the root table, while the process lives.
    pub fn root(&self) -> Option<u64> {
        match self.root.load(Ordering::Relaxed) {
            0 => None,
            r => Some(r),
        }
    }

    /// The memory this process runs in.
    pub fn mem(&self) -> MemRef {
        self.mem.lock().clone()
    }

    /// Switches to other memory (exec, exit); returns the old one.
    fn replace_mem(&self, mem: MemRef) -> MemRef {
        let root = mem
            .lock()
            .as_ref()
            .map_or(0, |m| m.space.root().start_address().as_u64());
        self.root.store(root, Ordering::Relaxed);
        core::mem::replace(&mut *self.mem.lock(), mem)
    }

    /// Whether every thread has exited.
    pub fn is_zombie(&self) -> bool {
        self.status.lock().is_some()
    }

    /// CPU time of the process's threads, live and dead (ns).
    pub fn cpu_ns(&self) -> u64 {
        let live: u64 = self.threads.lock().iter().map(|t| t.cpu_time_ns()).sum();
        live + self.dead_cpu_ns.load(Ordering::Relaxed)
    }

    /// Number of live threads.
    pub fn thread_count(&self) -> usize {
        self.threads.lock().len()
    }
}

/// What a new process starts with besides its memory and first thread.
pub(crate) struct NewProcess {
    pub pid: u32,
    pub ppid: u32,
    pub pgid: u32,
    pub sid: u32,
    pub name: String,
    pub cmdline: Vec<u8>,
    pub mem: MemRef,
    pub files: FdTable,
    pub cwd: memfs::Ino,
    pub umask: u32,
    pub signals: SignalState,
    pub kernel_waited: bool,
    pub exit_signal: u32,
}

impl NewProcess {
    /// Builds the process (not yet in the process table: see [`register`]).
    pub fn build(self) -> Arc<Process> {
        let root = self
            .mem
            .lock()
            .as_ref()
            .map_or(0, |m| m.space.root().start_address().as_u64());
        Arc::new(Process {
            pid: self.pid,
            ppid: AtomicU32::new(self.ppid),
            pgid: AtomicU32::new(self.pgid),
            sid: AtomicU32::new(self.sid),
            name: Mutex::new(self.name),
            cmdline: Mutex::new(self.cmdline),
            mem: Mutex::new(self.mem),
            files: Mutex::new(self.files),
            cwd: Mutex::new(self.cwd),
            umask: AtomicU32::new(self.umask),
            signals: Mutex::new(self.signals),
            group_exit: Mutex::new(None),
            status: Mutex::new(None),
            exited: WaitQueue::new(),
            kernel_waited: self.kernel_waited,
            children: Mutex::new(Vec::new()),
            child_events: WaitQueue::new(),
            threads: Mutex::new(Vec::new()),
            exit_signal: self.exit_signal,
            vfork_done: AtomicBool::new(false),
            vfork_wait: WaitQueue::new(),
            stopped: AtomicBool::new(false),
            stop_wait: WaitQueue::new(),
            job_event: Mutex::new(None),
            dead_cpu_ns: AtomicU64::new(0),
            children_cpu_ns: AtomicU64::new(0),
            did_exec: AtomicBool::new(false),
            hybrid: hybrid::Window::default(),
            root: AtomicU64::new(root),
        })
    }
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
/// blocks (e.g. in [`wait`]).
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
    let access = if error & (1 << 4) != 0 {
        Access::Execute
    } else if error & (1 << 1) != 0 {
        Access::Write
    } else {
        Access::Read
    };
    let mem = proc.mem();
    let mut mem = mem.lock();
    let Some(mem) = mem.as_mut() else {
        return false;
    };
    with_mm(|mm| match mem.space.handle_fault(mm, addr, access) {
        Ok(flush) => {
            user::flush(flush, mem.space.root());
            true
        }
        Err(vm::Fault::OutOfMemory) => {
            crate::warn!("pid {}: out of memory at {addr:#x}", proc.pid);
            false
        }
        Err(e) => {
            crate::debug!("pid {}: fault at {addr:#x} ({access:?}): {e}", proc.pid);
            false
        }
    })
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

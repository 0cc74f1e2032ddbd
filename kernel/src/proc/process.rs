//! The process record: what a thread group shares (memory, files,
//! handlers and pending signals, children, group and session, exit state),
//! and how a new one is built before it enters the process table.
use super::sched::WaitQueue;
use super::thread::Thread;
use crate::fs::fdtable::FdTable;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use linux_abi::signal::{KernelSigaction, SigInfo, SigSet, NSIG};
use spin::Mutex;
use vm::AddressSpace;

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
}

impl SignalState {
    pub(super) fn new() -> Self {
        SignalState {
            actions: [KernelSigaction {
                sa_handler: 0,
                sa_flags: 0,
                sa_restorer: 0,
                sa_mask: 0,
            }; NSIG as usize],
            pending: SigSet::EMPTY,
            info: BTreeMap::new(),
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
    /// User and group ids.
    pub cred: Mutex<super::cred::Cred>,
    /// The execution domain `personality(2)` sets (kept, not acted on).
    pub personality: AtomicU32,
    /// Resource limits.
    pub rlimits: Mutex<super::rlimit::Limits>,
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
    pub hybrid: super::hybrid::Window,
    /// `prctl` settings (parent-death signal, dumpable, ...).
    pub ctl: super::prctl::ProcessCtl,
    /// How its hybrid children left the window (the adaptive rule).
    pub fork_history: super::fork_adapt::History,
    root: AtomicU64,
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
    pub(super) fn replace_mem(&self, mem: MemRef) -> MemRef {
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
    pub cred: super::cred::Cred,
    pub personality: u32,
    pub rlimits: super::rlimit::Limits,
    pub signals: SignalState,
    pub kernel_waited: bool,
    pub exit_signal: u32,
}

impl NewProcess {
    /// Builds the process (not yet in the process table: see
    /// [`super::register`]).
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
            cred: Mutex::new(self.cred),
            personality: AtomicU32::new(self.personality),
            rlimits: Mutex::new(self.rlimits),
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
            hybrid: super::hybrid::Window::default(),
            fork_history: super::fork_adapt::History::default(),
            ctl: super::prctl::ProcessCtl::default(),
            root: AtomicU64::new(root),
        })
    }
}

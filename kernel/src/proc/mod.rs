//! Processes: creation from an ELF file, exit, waiting, and the fate of
//! faulting user programs. Issue 4 adds fork/exec/wait system calls; for
//! now the kernel itself creates processes (init, the test runner, the
//! built-in shell).
pub mod loader;
pub mod sched;
pub mod thread;
pub mod uaccess;

use crate::arch::trapframe::TrapFrame;
use crate::fs::fdtable::FdTable;
use crate::mm::user::{self, with_mm};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use linux_abi::signal::{signal_name, KernelSigaction, SigSet, NSIG};
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

/// Signal state kept for rt_sigaction / rt_sigprocmask / sigaltstack.
/// Handlers are stored and reported; delivery arrives with issue 4.
#[derive(Debug, Clone)]
pub struct SignalState {
    /// Action per signal (index `sig - 1`).
    pub actions: [KernelSigaction; NSIG as usize],
    /// Blocked signals.
    pub mask: SigSet,
    /// Alternate stack (ss_sp, ss_flags, ss_size).
    pub altstack: (u64, i32, u64),
}

/// A process.
#[derive(Debug)]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Parent's pid (0 when the kernel started it).
    pub ppid: u32,
    /// Name for logs (the executable's path).
    pub name: String,
    /// Memory; `None` once the process has exited.
    pub mem: Mutex<Option<UserMem>>,
    /// Open files.
    pub files: Mutex<FdTable>,
    /// Working directory.
    pub cwd: Mutex<memfs::Ino>,
    /// File-creation mask.
    pub umask: AtomicU32,
    /// Signal dispositions and mask.
    pub signals: Mutex<SignalState>,
    /// A fatal signal to die of at the next return to user mode.
    pub pending_kill: AtomicU32,
    /// The wait status once exited.
    pub status: Mutex<Option<i32>>,
    /// Woken when the process exits.
    pub exited: WaitQueue,
    /// Its threads, so a signal can wake them (emptied at exit, which
    /// breaks the thread -> process -> thread cycle).
    threads: Mutex<Vec<Arc<Thread>>>,
    root: AtomicU64,
}

static PROCESSES: Mutex<BTreeMap<u32, Arc<Process>>> = Mutex::new(BTreeMap::new());
static NEXT_PID: AtomicU32 = AtomicU32::new(1);

impl Process {
    /// Physical address of the root table, while the process lives.
    pub fn root(&self) -> Option<u64> {
        match self.root.load(Ordering::Relaxed) {
            0 => None,
            r => Some(r),
        }
    }
}

/// The process of the running thread.
pub fn current_process() -> Option<Arc<Process>> {
    sched::current().process.clone()
}

/// Whether the current process is being killed (blocking calls give up).
pub fn current_has_fatal_signal() -> bool {
    current_process().is_some_and(|p| p.pending_kill.load(Ordering::Relaxed) != 0)
}

/// Starts the program at `path` with fds 0-2 on the console. The new
/// process runs once the caller blocks (e.g. in [`wait`]).
pub fn spawn(
    cwd: memfs::Ino,
    path: &str,
    argv: &[String],
    envp: &[String],
) -> Result<Arc<Process>, Errno> {
    let image = crate::fs::read_executable(cwd, path)?;
    let loaded = loader::load(&image, argv, envp, crate::cpu_features().hwcap)?;
    drop(image);
    let pid = NEXT_PID.fetch_add(1, Ordering::Relaxed);
    let mut files = FdTable::default();
    let console = crate::fs::console_file();
    for fd in 0..3 {
        files.set(fd, console.clone(), false);
    }
    let root = loaded.space.root().start_address().as_u64();
    let proc = Arc::new(Process {
        pid,
        ppid: 0,
        name: path.to_string(),
        mem: Mutex::new(Some(UserMem {
            space: loaded.space,
            brk_start: loaded.brk,
            brk: loaded.brk,
        })),
        files: Mutex::new(files),
        cwd: Mutex::new(cwd),
        umask: AtomicU32::new(0o022),
        signals: Mutex::new(SignalState {
            actions: [KernelSigaction {
                sa_handler: 0,
                sa_flags: 0,
                sa_restorer: 0,
                sa_mask: 0,
            }; NSIG as usize],
            mask: SigSet::EMPTY,
            altstack: (0, 2, 0), // SS_DISABLE
        }),
        pending_kill: AtomicU32::new(0),
        status: Mutex::new(None),
        exited: WaitQueue::new(),
        threads: Mutex::new(Vec::new()),
        root: AtomicU64::new(root),
    });
    let frame = TrapFrame::new_user(loaded.entry, loaded.sp);
    let Some(t) = Thread::user(pid, proc.clone(), frame) else {
        if let Some(mem) = proc.mem.lock().take() {
            // Never loaded on a CPU: nothing to flush.
            let _ = with_mm(|mm| mem.space.destroy(mm));
        }
        return Err(Errno::ENOMEM);
    };
    proc.threads.lock().push(t.clone());
    PROCESSES.lock().insert(pid, proc.clone());
    crate::debug!(
        "spawned pid {pid}: {path} entry {:#x} sp {:#x}",
        loaded.entry,
        loaded.sp
    );
    sched::enqueue(t);
    Ok(proc)
}

/// Waits for `proc` to exit and returns its wait status.
pub fn wait(proc: &Arc<Process>) -> i32 {
    loop {
        if let Some(s) = *proc.status.lock() {
            PROCESSES.lock().remove(&proc.pid);
            return s;
        }
        proc.exited.wait();
    }
}

/// Ends the current process with wait status `status`.
pub fn exit_current(status: i32) -> ! {
    let proc = current_process().expect("exit from a kernel thread");
    // CLONE_CHILD_CLEARTID / set_tid_address: zero the word (futex wake-up
    // arrives with threads). A bad address is ignored, as on Linux.
    let tid_addr = sched::current().clear_child_tid.load(Ordering::Relaxed);
    if tid_addr != 0 {
        let _ = uaccess::copy_to_user(tid_addr, &0u32.to_le_bytes());
    }
    proc.files.lock().clear();
    proc.threads.lock().clear();
    if FOREGROUND.load(Ordering::Relaxed) == proc.pid {
        FOREGROUND.store(0, Ordering::Relaxed);
    }
    // Leave the address space before freeing it.
    // SAFETY: the kernel template root maps the kernel half like every
    // user root does.
    unsafe { crate::arch::paging::switch_root(crate::arch::paging::kernel_root()) };
    proc.root.store(0, Ordering::Relaxed);
    if let Some(mem) = proc.mem.lock().take() {
        with_mm(|mm| {
            if let Err(e) = mem.space.destroy(mm) {
                crate::error!("pid {}: destroying the address space: {e}", proc.pid);
            }
        });
    }
    *proc.status.lock() = Some(status);
    proc.exited.wake_all();
    crate::debug!("pid {} exited, status {status:#x}", proc.pid);
    drop(proc);
    sched::exit_thread()
}

/// Kills the current process for an exception it caused.
pub fn user_fault(frame: &TrapFrame, sig: u32) -> ! {
    let proc = current_process().expect("user fault without a process");
    let cr2 = x86_64::registers::control::Cr2::read_raw();
    crate::notice!(
        "pid {} ({}): {} at rip {:#x} (vector {}, error {:#x}, address {:#x})",
        proc.pid,
        proc.name,
        signal_name(sig).unwrap_or("signal"),
        frame.rip,
        frame.vector,
        frame.error_code,
        cr2
    );
    exit_current(linux_abi::process::wait_status_signaled(sig, false))
}

/// The console's foreground process (0: none): Ctrl-C interrupts it.
static FOREGROUND: AtomicU32 = AtomicU32::new(0);

/// Makes `pid` the console's foreground process (0 for none).
pub fn set_foreground(pid: u32) {
    FOREGROUND.store(pid, Ordering::Relaxed);
}

/// Ctrl-C on the console: SIGINT for the foreground process unless it
/// ignores SIGINT. Until signal delivery arrives (issue 4) a handler counts
/// as the default action, which terminates. Called from the serial IRQ.
pub fn interrupt_foreground() {
    const SIG_IGN: u64 = 1;
    let sig = linux_abi::signal::SIGINT;
    let pid = FOREGROUND.load(Ordering::Relaxed);
    let Some(p) = PROCESSES.lock().get(&pid).cloned() else {
        return;
    };
    if p.signals.lock().actions[sig as usize - 1].sa_handler == SIG_IGN {
        return;
    }
    let _ = p
        .pending_kill
        .compare_exchange(0, sig, Ordering::Relaxed, Ordering::Relaxed);
    for t in p.threads.lock().iter() {
        sched::wake(t);
    }
}

/// Dies now if a fatal signal is pending (checked before user mode).
pub fn check_pending_kill() {
    if let Some(p) = current_process() {
        let sig = p.pending_kill.load(Ordering::Relaxed);
        if sig != 0 {
            exit_current(linux_abi::process::wait_status_signaled(sig, false));
        }
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
    let mut mem = proc.mem.lock();
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
        .map(|p| (p.pid, p.name.clone()))
        .collect()
}

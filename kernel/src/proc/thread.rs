//! Threads: a kernel stack, a saved stack pointer, FPU/SSE state and the
//! user FS base. One CPU and interrupts off in kernel mode make the
//! scheduler the only code touching a thread's context, which is what the
//! `Sync` impl below relies on.
use super::Process;
use crate::arch::context::{self, FpuState, StackStart};
use crate::mm::kstack::KernelStack;
use alloc::sync::Arc;
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};

/// Scheduling state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    /// Running or on the run queue.
    Runnable = 0,
    /// Waiting on a wait queue or a timer.
    Blocked = 1,
    /// Exited; its stack is freed once another thread runs.
    Dead = 2,
}

/// A thread of a user process, or a kernel thread (no process).
pub struct Thread {
    /// Thread id (equal to the pid for a process's first thread).
    pub tid: u32,
    /// Owning process, `None` for kernel threads.
    pub process: Option<Arc<Process>>,
    kstack: Option<KernelStack>,
    saved_rsp: UnsafeCell<u64>,
    fpu: UnsafeCell<FpuState>,
    state: AtomicU8,
    /// User FS base (TLS pointer), set by `arch_prctl(ARCH_SET_FS)`.
    pub fs_base: AtomicU64,
    /// `set_tid_address` pointer.
    pub clear_child_tid: AtomicU64,
    /// Ticks left in this thread's time slice.
    pub slice: AtomicU32,
    /// Blocked signals (`rt_sigprocmask`), a `SigSet` word.
    pub sig_mask: AtomicU64,
    /// Signals sent to this thread alone (`tgkill`), a `SigSet` word.
    pub sig_pending: AtomicU64,
    /// The mask to restore after `rt_sigsuspend` (valid with `has_saved_mask`).
    pub saved_mask: AtomicU64,
    /// Whether `saved_mask` holds a mask to restore.
    pub has_saved_mask: AtomicBool,
    /// Sleeping so that a signal may wake it.
    pub interruptible: AtomicBool,
    /// Must end at its next return to user mode (exec, exit_group).
    pub must_exit: AtomicBool,
    /// CPU time used, in nanoseconds (updated at each switch away).
    pub cpu_ns: AtomicU64,
    /// When it was last switched in (uptime ns).
    pub ran_since: AtomicU64,
    /// Alternate signal stack (ss_sp, ss_flags, ss_size), per thread as
    /// on Linux.
    pub altstack: spin::Mutex<(u64, i32, u64)>,
    /// The thread's name (`prctl(PR_SET_NAME)`).
    pub comm: super::prctl::Comm,
}

impl core::fmt::Debug for Thread {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Thread")
            .field("tid", &self.tid)
            .field("state", &self.state())
            .finish()
    }
}

// SAFETY: `saved_rsp` and `fpu` are only accessed by the scheduler while
// switching, with interrupts disabled on the only CPU, so no two accesses
// overlap; every other field is atomic or immutable.
unsafe impl Sync for Thread {}

impl Thread {
    /// A thread; `None` if no kernel stack could be mapped.
    fn new(
        tid: u32,
        process: Option<Arc<Process>>,
        start: Option<StackStart>,
    ) -> Option<Arc<Thread>> {
        let mut t = Thread {
            tid,
            process,
            kstack: None,
            saved_rsp: UnsafeCell::new(0),
            fpu: UnsafeCell::new(FpuState::default()),
            state: AtomicU8::new(State::Runnable as u8),
            fs_base: AtomicU64::new(0),
            clear_child_tid: AtomicU64::new(0),
            slice: AtomicU32::new(0),
            sig_mask: AtomicU64::new(0),
            sig_pending: AtomicU64::new(0),
            saved_mask: AtomicU64::new(0),
            has_saved_mask: AtomicBool::new(false),
            interruptible: AtomicBool::new(false),
            must_exit: AtomicBool::new(false),
            cpu_ns: AtomicU64::new(0),
            ran_since: AtomicU64::new(0),
            altstack: spin::Mutex::new((0, linux_abi::signal::SS_DISABLE, 0)),
            comm: super::prctl::Comm::default(),
        };
        if let Some(start) = start {
            let stack = KernelStack::new()?;
            // SAFETY: `top` ends the thread's own freshly mapped, 16-aligned
            // stack, which lives as long as the thread.
            let rsp = unsafe { context::init_stack(stack.top(), start) };
            *t.saved_rsp.get_mut() = rsp;
            t.kstack = Some(stack);
        }
        Some(Arc::new(t))
    }

    /// The thread that is already running on the boot stack.
    pub fn boot() -> Arc<Thread> {
        Thread::new(0, None, None).expect("no stack to map")
    }

    /// A kernel thread running `entry(arg)`.
    pub fn kernel(tid: u32, entry: extern "C" fn(u64) -> !, arg: u64) -> Option<Arc<Thread>> {
        Thread::new(tid, None, Some(StackStart::Kernel(entry, arg)))
    }

    /// A user thread entering user mode with `frame`.
    pub fn user(
        tid: u32,
        process: Arc<Process>,
        frame: crate::arch::trapframe::TrapFrame,
    ) -> Option<Arc<Thread>> {
        Thread::new(tid, Some(process), Some(StackStart::User(frame)))
    }

    /// Current state.
    pub fn state(&self) -> State {
        match self.state.load(Ordering::Relaxed) {
            0 => State::Runnable,
            1 => State::Blocked,
            _ => State::Dead,
        }
    }

    /// Sets the state.
    pub fn set_state(&self, s: State) {
        self.state.store(s as u8, Ordering::Relaxed);
    }

    /// Top of the kernel stack (`None` for the boot thread, whose stack
    /// is the boot stack and which never enters user mode).
    pub fn kstack_top(&self) -> Option<u64> {
        self.kstack.as_ref().map(KernelStack::top)
    }

    /// Raw pointer to the saved stack pointer, for the switch.
    pub(super) fn saved_rsp_ptr(&self) -> *mut u64 {
        self.saved_rsp.get()
    }

    /// Saves the CPU's FPU state into this thread.
    pub(super) fn save_fpu(&self) {
        // SAFETY: only the scheduler calls this, on the outgoing thread,
        // with interrupts disabled (see the `Sync` impl).
        unsafe { (*self.fpu.get()).save() }
    }

    /// CPU time used so far, including the running stretch if it is the
    /// current thread.
    pub fn cpu_time_ns(&self) -> u64 {
        let done = self.cpu_ns.load(Ordering::Relaxed);
        if super::sched::is_current(self) {
            done + crate::time::uptime_ns().saturating_sub(self.ran_since.load(Ordering::Relaxed))
        } else {
            done
        }
    }

    /// Loads this thread's FPU state into the CPU.
    pub(super) fn restore_fpu(&self) {
        // SAFETY: as in `save_fpu`, for the incoming thread.
        unsafe { (*self.fpu.get()).restore() }
    }
}

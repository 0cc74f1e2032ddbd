//! A preemptive round-robin scheduler for one CPU.
//!
//! Kernel code runs with interrupts disabled; they are enabled only in user
//! mode and in the idle loop. So a wake-up can never race with the check
//! before a sleep, and the scheduler's locks are never contended (they
//! exist to satisfy `Sync`, and are never held across a switch).
use super::thread::{State, Thread};
use crate::arch::{self, context::switch_context, syscall_entry};
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use spin::{Mutex, Once};

/// Ticks a thread runs before it is preempted.
const TIME_SLICE: u32 = 10;

static RUN_QUEUE: Mutex<VecDeque<Arc<Thread>>> = Mutex::new(VecDeque::new());
static CURRENT: Mutex<Option<Arc<Thread>>> = Mutex::new(None);
static IDLE: Once<Arc<Thread>> = Once::new();
/// Threads that exited; freed by the next thread to run (never by the
/// dead thread itself, which is still on its stack).
static DEAD: Mutex<Vec<Arc<Thread>>> = Mutex::new(Vec::new());
static SLEEPERS: Mutex<Vec<(u64, Arc<Thread>)>> = Mutex::new(Vec::new());
static NEED_RESCHED: AtomicBool = AtomicBool::new(false);

/// Makes the running boot code thread 0 and creates the idle thread.
pub fn init() {
    *CURRENT.lock() = Some(Thread::boot());
    IDLE.call_once(|| Thread::kernel(u32::MAX, idle_loop, 0).expect("idle thread stack"));
}

extern "C" fn idle_loop(_: u64) -> ! {
    loop {
        if RUN_QUEUE.lock().is_empty() {
            // `sti; hlt` is atomic with respect to interrupts: a wake-up
            // between the check and the halt still ends the halt.
            x86_64::instructions::interrupts::enable_and_hlt();
            x86_64::instructions::interrupts::disable();
        }
        schedule();
    }
}

/// Threads that are runnable now: the queue, and the running thread
/// unless it is idle or on its way to sleep.
pub fn runnable() -> u64 {
    let running = current();
    let busy =
        running.state() == State::Runnable && IDLE.get().is_some_and(|i| !Arc::ptr_eq(i, &running));
    RUN_QUEUE.lock().len() as u64 + u64::from(busy)
}

/// CPU time the idle thread has had (ns): the time no thread could run.
pub fn idle_ns() -> u64 {
    IDLE.get().map_or(0, |i| i.cpu_ns.load(Ordering::Relaxed))
}

/// The running thread.
pub fn current() -> Arc<Thread> {
    CURRENT.lock().clone().expect("scheduler not initialised")
}

/// Puts a runnable thread on the run queue.
pub fn enqueue(t: Arc<Thread>) {
    t.set_state(State::Runnable);
    RUN_QUEUE.lock().push_back(t);
}

/// Wakes a blocked thread (no effect on a runnable or dead one).
pub fn wake(t: &Arc<Thread>) {
    if t.state() == State::Blocked {
        enqueue(t.clone());
    }
}

/// Gives up the CPU: requeues the current thread if runnable, then runs
/// the next runnable thread (or idle).
pub fn schedule() {
    NEED_RESCHED.store(false, Ordering::Relaxed);
    let prev = current();
    let idle = IDLE.get().expect("idle thread").clone();
    let next = match RUN_QUEUE.lock().pop_front() {
        Some(t) => t,
        None if prev.state() == State::Runnable && !Arc::ptr_eq(&prev, &idle) => return,
        None => idle.clone(),
    };
    if prev.state() == State::Runnable && !Arc::ptr_eq(&prev, &idle) {
        RUN_QUEUE.lock().push_back(prev.clone());
    }
    if Arc::ptr_eq(&prev, &next) {
        return;
    }
    switch_to(prev, next);
    reap_dead();
}

fn switch_to(prev: Arc<Thread>, next: Arc<Thread>) {
    let now = crate::time::uptime_ns();
    let ran = now.saturating_sub(prev.ran_since.load(Ordering::Relaxed));
    prev.cpu_ns.fetch_add(ran, Ordering::Relaxed);
    next.ran_since.store(now, Ordering::Relaxed);
    prev.save_fpu();
    next.restore_fpu();
    if let Some(top) = next.kstack_top() {
        syscall_entry::set_kernel_stack(top);
    }
    if let Some(p) = &next.process {
        if let Some(root) = p.root() {
            // SAFETY: user roots copy the kernel half from the template.
            unsafe { arch::paging::switch_root(root) };
        }
        arch::set_fs_base(next.fs_base.load(Ordering::Relaxed));
    }
    next.slice.store(TIME_SLICE, Ordering::Relaxed);
    let save = prev.saved_rsp_ptr();
    let load = next.saved_rsp_ptr();
    if prev.state() == State::Dead {
        DEAD.lock().push(prev.clone());
    }
    *CURRENT.lock() = Some(next);
    drop(prev);
    // SAFETY: `save` points into `prev`, kept alive by the run queue, a
    // wait queue or DEAD; `load` holds a stack pointer saved by an earlier
    // switch or by `init_stack`, and the `next` thread (now in CURRENT)
    // owns that stack.
    unsafe { switch_context(save, *load) };
}

fn reap_dead() {
    let cur = current();
    let mut dead = DEAD.lock();
    dead.retain(|t| Arc::ptr_eq(t, &cur));
}

/// Whether `t` is the running thread.
pub fn is_current(t: &Thread) -> bool {
    CURRENT
        .lock()
        .as_ref()
        .is_some_and(|c| core::ptr::eq(Arc::as_ptr(c), t))
}

/// Blocks the current thread until [`wake`]; returns after it ran again.
/// Uninterruptible: a signal does not end the sleep.
pub fn block() {
    if !super::hybrid::before_sleep() {
        return; // killed: the caller's loop sees must_exit
    }
    current().set_state(State::Blocked);
    schedule();
}

/// Blocks until [`wake`] or a signal for this thread (see
/// [`super::signal::wake_for_signal`]); returns at once when one is
/// already pending. Callers re-check their condition and
/// [`super::signal::interrupted`] afterwards.
pub fn block_interruptible() {
    let cur = current();
    if super::signal::interrupted() {
        return;
    }
    if !super::hybrid::before_sleep() {
        return; // killed: `interrupted()` is true now
    }
    cur.interruptible.store(true, Ordering::Relaxed);
    cur.set_state(State::Blocked);
    schedule();
    cur.interruptible.store(false, Ordering::Relaxed);
}

/// Ends the current thread for good.
pub fn exit_thread() -> ! {
    current().set_state(State::Dead);
    schedule();
    unreachable!("a dead thread was scheduled");
}

/// Sleeps until `uptime_ns()` reaches `deadline` (checked every tick),
/// interruptibly; returns early via [`wake`] or a signal.
pub fn sleep_until(deadline: u64) {
    if crate::time::uptime_ns() >= deadline {
        return;
    }
    SLEEPERS.lock().push((deadline, current()));
    block_interruptible();
    SLEEPERS.lock().retain(|(_, t)| !Arc::ptr_eq(t, &current()));
}

/// Called on every timer tick.
pub fn timer_tick(from_user: bool) {
    let now = crate::time::uptime_ns();
    let mut woke = Vec::new();
    SLEEPERS.lock().retain(|(deadline, t)| {
        if *deadline <= now {
            woke.push(t.clone());
            false
        } else {
            true
        }
    });
    for t in woke {
        wake(&t);
    }
    super::loadavg::tick(now, runnable());
    super::itimer::tick(now);
    super::signal::poll_console_interrupts();
    if from_user {
        let cur = current();
        let left = cur.slice.load(Ordering::Relaxed).saturating_sub(1);
        cur.slice.store(left, Ordering::Relaxed);
        if left == 0 {
            NEED_RESCHED.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs before every return to user mode: preemption, then signals
/// (default actions, handler frames, system-call restarts).
pub fn return_to_user_checks(frame: &mut crate::arch::trapframe::TrapFrame) {
    super::hybrid::check_budget();
    if NEED_RESCHED.load(Ordering::Relaxed) {
        schedule();
    }
    super::signal::deliver::on_return_to_user(frame);
}

/// A list of threads waiting for something.
#[derive(Debug, Default)]
pub struct WaitQueue {
    waiters: Mutex<Vec<Arc<Thread>>>,
}

impl WaitQueue {
    /// An empty queue.
    pub const fn new() -> Self {
        WaitQueue {
            waiters: Mutex::new(Vec::new()),
        }
    }

    /// Blocks the current thread until [`WaitQueue::wake_all`] or a
    /// signal. Callers re-check their condition (and
    /// [`super::signal::interrupted`]) in a loop.
    pub fn wait(&self) {
        let cur = current();
        self.waiters.lock().push(cur.clone());
        block_interruptible();
        self.waiters.lock().retain(|t| !Arc::ptr_eq(t, &cur));
    }

    /// Blocks until [`WaitQueue::wake_all`]; signals stay pending and do
    /// not end the sleep (the vfork parent's wait).
    pub fn wait_uninterruptible(&self) {
        let cur = current();
        self.waiters.lock().push(cur.clone());
        block();
        self.waiters.lock().retain(|t| !Arc::ptr_eq(t, &cur));
    }

    /// Wakes every waiter.
    pub fn wake_all(&self) {
        let waiters = core::mem::take(&mut *self.waiters.lock());
        for t in &waiters {
            wake(t);
        }
    }
}

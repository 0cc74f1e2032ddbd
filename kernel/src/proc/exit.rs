//! Ending threads and processes: `exit` (one thread), `exit_group` and
//! fatal signals (every thread), the clear-child-tid wake-up, releasing
//! the address space (the last user destroys it), waking a vfork parent,
//! reparenting orphans to init, and telling the parent (SIGCHLD, wait
//! queue, or automatic reaping when it ignores SIGCHLD).
use super::signal::{kill_group, send};
use super::{current_process, find, sched, unregister, MemRef, Process};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};
use linux_abi::process::wait_status_exited;
use linux_abi::signal::{si_code, SigInfo, SA_NOCLDSTOP, SA_NOCLDWAIT, SIGCHLD, SIG_IGN};
use spin::Mutex;

/// The process orphans are given to (init), 0 for none: then the kernel
/// reaps them.
static INIT_PID: AtomicU32 = AtomicU32::new(0);

/// Makes `pid` the reaper of orphans.
pub fn set_init(pid: u32) {
    INIT_PID.store(pid, Ordering::Relaxed);
}

/// Whether `p` is init: Linux's SIGNAL_UNKILLABLE process, which drops
/// every signal it has no handler for (SIGKILL and SIGSTOP included)
/// unless the kernel forces it (a fault), and may not clone a sibling
/// (CLONE_PARENT). Under `runtests=` there is no init.
pub fn is_init(p: &Process) -> bool {
    let init = INIT_PID.load(Ordering::Relaxed);
    init != 0 && p.pid == init
}

// The functions that never return keep no `Arc` alive across
// `sched::exit_thread()` (its destructor would never run): each works in
// an inner scope first.

/// `exit_group`: ends every thread of the current process.
pub fn exit_group(status: i32) -> ! {
    {
        let p = current_process().expect("exit from a kernel thread");
        kill_group(&p, status);
    }
    exit_killed_thread()
}

/// `exit`: ends the current thread; the process ends with `code` when it
/// was the last one.
pub fn exit_thread(code: u8) -> ! {
    {
        let p = current_process().expect("exit from a kernel thread");
        if p.thread_count() <= 1 {
            kill_group(&p, wait_status_exited(code));
        }
    }
    exit_killed_thread()
}

/// Ends the current thread because its group exits or an exec replaced
/// it.
pub fn exit_killed_thread() -> ! {
    {
        let p = current_process().expect("user thread");
        finish_thread(&p);
    }
    sched::exit_thread()
}

fn finish_thread(p: &Arc<Process>) {
    let t = sched::current();
    let member = p.threads.lock().iter().any(|x| Arc::ptr_eq(x, &t));
    if member {
        // CLONE_CHILD_CLEARTID / set_tid_address: zero the word and wake
        // a joiner. A bad address is ignored, as on Linux.
        let addr = t.clear_child_tid.swap(0, Ordering::Relaxed);
        if addr != 0 && super::uaccess::copy_to_user(addr, &0u32.to_le_bytes()).is_ok() {
            super::futex::wake(&p.mem(), addr, 1);
        }
        p.dead_cpu_ns.fetch_add(t.cpu_time_ns(), Ordering::Relaxed);
        let last = {
            let mut th = p.threads.lock();
            th.retain(|x| !Arc::ptr_eq(x, &t));
            th.is_empty()
        };
        if last {
            let status = p.group_exit.lock().unwrap_or(0);
            finish_process(p, status);
        }
    }
}

/// Drops one user of an address space; the last one destroys it.
pub fn release_mem(mem: MemRef, pid: u32) {
    if let Ok(m) = Arc::try_unwrap(mem) {
        if let Some(m) = m.into_inner() {
            // A hybrid child frees only its copies and un-lends its parent;
            // a lender never gets here (its parent_wait outlasts the loan).
            if m.space.is_lent() {
                crate::error!("pid {pid}: releasing an address space that is lent");
            }
            crate::mm::user::with_mm(|mm| m.space.release(mm));
        }
    }
}

fn finish_process(p: &Arc<Process>, status: i32) {
    p.files.lock().clear();
    super::itimer::disarm(p);
    // Leave the address space before letting it go.
    // SAFETY: the kernel template root maps the kernel half like every
    // user root does.
    unsafe { crate::arch::paging::switch_root(crate::arch::paging::kernel_root()) };
    let old = p.replace_mem(Arc::new(Mutex::new(None)));
    release_mem(old, p.pid);
    super::hybrid::released(p, super::hybrid::End::Exit(status));
    p.vfork_done.store(true, Ordering::Relaxed);
    p.vfork_wait.wake_all();
    reparent_children(p);
    *p.status.lock() = Some(status);
    crate::debug!("pid {} exited, status {status:#x}", p.pid);
    p.exited.wake_all();
    notify_parent_exit(p, status);
}

fn reparent_children(p: &Arc<Process>) {
    let children: Vec<Arc<Process>> = core::mem::take(&mut *p.children.lock());
    super::prctl::parent_died(p, &children);
    let init = INIT_PID.load(Ordering::Relaxed);
    let reaper = super::prctl::subreaper_of(p)
        .or_else(|| find(init).filter(|r| r.pid != p.pid && !r.is_zombie()));
    for c in children {
        match &reaper {
            Some(r) => {
                c.ppid.store(r.pid, Ordering::Relaxed);
                r.children.lock().push(c.clone());
                if let Some(s) = *c.status.lock() {
                    notify_parent_exit(&c, s);
                }
            }
            None => {
                c.ppid.store(0, Ordering::Relaxed);
                if c.is_zombie() {
                    unregister(c.pid);
                }
            }
        }
    }
}

/// `si_code` and `si_status` of an exit status.
pub fn child_code(status: i32) -> (i32, i32) {
    if status & 0x7f == 0 {
        (si_code::CLD_EXITED, (status >> 8) & 0xff)
    } else if status & 0x80 != 0 {
        (si_code::CLD_DUMPED, status & 0x7f)
    } else {
        (si_code::CLD_KILLED, status & 0x7f)
    }
}

fn notify_parent_exit(p: &Arc<Process>, status: i32) {
    let ppid = p.ppid.load(Ordering::Relaxed);
    if ppid == 0 {
        if !p.kernel_waited {
            unregister(p.pid);
        }
        return;
    }
    let Some(parent) = find(ppid) else {
        unregister(p.pid);
        return;
    };
    let act = parent.signals.lock().actions[SIGCHLD as usize - 1];
    if act.sa_handler == SIG_IGN || act.sa_flags & SA_NOCLDWAIT != 0 {
        // The parent does not want zombies: reap now.
        parent.children.lock().retain(|c| !Arc::ptr_eq(c, p));
        unregister(p.pid);
    } else if p.exit_signal != 0 {
        let (code, st) = child_code(status);
        let info = SigInfo::child(code, p.pid as i32, 0, st, 0, 0);
        send(&parent, None, p.exit_signal, info);
    }
    parent.child_events.wake_all();
}

/// Tells the parent its child stopped or continued.
pub fn notify_parent_job(p: &Arc<Process>, code: i32, sig: u32) {
    let Some(parent) = find(p.ppid.load(Ordering::Relaxed)) else {
        return;
    };
    let act = parent.signals.lock().actions[SIGCHLD as usize - 1];
    if act.sa_flags & SA_NOCLDSTOP == 0 {
        let info = SigInfo::child(code, p.pid as i32, 0, sig as i32, 0, 0);
        send(&parent, None, SIGCHLD, info);
    }
    parent.child_events.wake_all();
}

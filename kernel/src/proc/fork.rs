//! `clone`, `fork` and `vfork`: a new process (its address space from the
//! boot-selected fork strategy, or shared for CLONE_VM), or a new thread in
//! the caller's process (CLONE_THREAD).
//!
//! The strategy is one seam: [`Policy::strategy_for`] (`fork_policy`)
//! decides how a fork (clone without CLONE_VM) gets its memory from the
//! `vm` crate; the rest of process creation only asks which window the
//! child opens. A vfork (or fork=ghost) parent sleeps uninterruptibly
//! (signals stay queued and never wake it, so it cannot spin) on the
//! child's `vfork_wait` until the child execs or exits; a hybrid parent
//! sleeps the same way until its child execs, exits or is promoted
//! (`hybrid`).
use super::thread::Thread;
use super::{current_process, sched, MemRef, NewProcess, Process, SignalState, UserMem};
use crate::arch::trapframe::TrapFrame;
use crate::mm::user::{self, with_mm};
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::sync::atomic::Ordering;
use linux_abi::process::*;
use linux_abi::signal::SigSet;
use linux_abi::Errno;
use spin::Mutex;
use vm::{Child, Strategy};

pub use super::fork_policy::{policy, Policy};

/// What `clone` asks for (raw flags and pointers).
#[derive(Debug, Clone, Copy)]
pub struct CloneArgs {
    /// `CLONE_*` flags with the exit signal in the low byte.
    pub flags: u64,
    /// New stack pointer, 0 to keep the caller's.
    pub stack: u64,
    /// Where CLONE_PARENT_SETTID stores the new tid (caller's memory).
    pub parent_tid: u64,
    /// Where CLONE_CHILD_SETTID stores / CLONE_CHILD_CLEARTID clears it.
    pub child_tid: u64,
    /// FS base for CLONE_SETTLS.
    pub tls: u64,
}

const UNSUPPORTED: u64 = CLONE_NEWNS
    | CLONE_NEWCGROUP
    | CLONE_NEWUTS
    | CLONE_NEWIPC
    | CLONE_NEWUSER
    | CLONE_NEWPID
    | CLONE_NEWNET
    | CLONE_PIDFD;

/// `clone`: returns the new pid or tid to the caller.
pub fn clone(args: CloneArgs, frame: &TrapFrame) -> Result<u32, Errno> {
    let f = args.flags;
    if f & UNSUPPORTED != 0 {
        return Err(Errno::EINVAL);
    }
    if (f & CLONE_THREAD != 0 && f & CLONE_SIGHAND == 0)
        || (f & CLONE_SIGHAND != 0 && f & CLONE_VM == 0)
    {
        return Err(Errno::EINVAL);
    }
    let exit_signal = (f & CSIGNAL) as u32;
    if exit_signal > linux_abi::signal::NSIG {
        return Err(Errno::EINVAL);
    }
    // A TLS base outside user space is refused as arch_prctl(ARCH_SET_FS)
    // refuses it (Linux's set_new_tls), before anything is created.
    if f & CLONE_SETTLS != 0 && args.tls >= crate::mm::layout::USER_END {
        return Err(Errno::EPERM);
    }
    // Init may not make a sibling: it would have no parent to reap it.
    if f & CLONE_PARENT != 0 && current_process().is_some_and(|p| super::exit::is_init(&p)) {
        return Err(Errno::EINVAL);
    }
    if f & CLONE_THREAD != 0 {
        new_thread(args, frame)
    } else {
        new_process(args, frame)
    }
}

fn child_frame(frame: &TrapFrame, stack: u64) -> TrapFrame {
    let mut cf = *frame;
    cf.rax = 0;
    if stack != 0 {
        cf.rsp = stack;
    }
    cf
}

fn new_thread(args: CloneArgs, frame: &TrapFrame) -> Result<u32, Errno> {
    let p = current_process().ok_or(Errno::EINVAL)?;
    let me = sched::current();
    let tid = super::alloc_pid();
    let t = Thread::user(tid, p.clone(), child_frame(frame, args.stack)).ok_or(Errno::EAGAIN)?;
    setup_thread(&me, &t, args);
    let tid_bytes = tid.to_le_bytes();
    if args.flags & CLONE_PARENT_SETTID != 0 {
        super::uaccess::copy_to_user(args.parent_tid, &tid_bytes)?;
    }
    if args.flags & CLONE_CHILD_SETTID != 0 {
        super::uaccess::copy_to_user(args.child_tid, &tid_bytes)?;
    }
    p.threads.lock().push(t.clone());
    sched::enqueue(t);
    Ok(tid)
}

fn setup_thread(me: &Thread, t: &Thread, args: CloneArgs) {
    let fs = if args.flags & CLONE_SETTLS != 0 {
        args.tls
    } else {
        me.fs_base.load(Ordering::Relaxed)
    };
    t.fs_base.store(fs, Ordering::Relaxed);
    t.sig_mask
        .store(me.sig_mask.load(Ordering::Relaxed), Ordering::Relaxed);
    if args.flags & CLONE_CHILD_CLEARTID != 0 {
        t.clear_child_tid.store(args.child_tid, Ordering::Relaxed);
    }
    t.comm.copy_from(&me.comm);
}

/// A forked child's thread keeps the caller's alternate stack (a new
/// thread in the same process starts without one, as on Linux).
fn inherit_altstack(me: &Thread, t: &Thread) {
    *t.altstack.lock() = *me.altstack.lock();
}

/// How the child's memory relates to the parent's until exec or exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    /// The child runs on its own: the parent goes on at once.
    None,
    /// Shared memory (vfork, ghost): the parent waits.
    Shared,
    /// A hybrid child borrows: the parent waits, the child may be promoted.
    Borrowing,
    /// The hybrid policy forked on demand (the parent's children live on):
    /// the parent goes on at once.
    Adapted,
}

/// The child's memory: shared (CLONE_VM, counted as a vfork by `vm`) or
/// forked with the policy's strategy; and the window it opens.
fn child_mem(
    parent: &Process,
    args: &CloneArgs,
    frame: &TrapFrame,
) -> Result<(MemRef, Window), Errno> {
    let strategy = if args.flags & CLONE_VM != 0 {
        Strategy::Vfork
    } else {
        let rsp = child_frame(frame, args.stack).rsp;
        let fs_base = if args.flags & CLONE_SETTLS != 0 {
            args.tls
        } else {
            sched::current().fs_base.load(Ordering::Relaxed)
        };
        policy().strategy_for(parent, rsp, fs_base)
    };
    let memref = parent.mem();
    let mut g = memref.lock();
    let m = g.as_mut().ok_or(Errno::ENOMEM)?;
    let on_demand = matches!(strategy, Strategy::OnDemand);
    let forked = with_mm(|mm| m.space.fork(mm, strategy)).map_err(|_| Errno::ENOMEM)?;
    user::flush(forked.parent_flush, m.space.root());
    Ok(match forked.child {
        Child::Space(space) => {
            let window = if space.is_borrowing() {
                Window::Borrowing
            } else if on_demand && policy() == super::fork_policy::Policy::Hybrid {
                Window::Adapted
            } else {
                Window::None
            };
            let mem = UserMem {
                space,
                brk_start: m.brk_start,
                brk: m.brk,
            };
            (Arc::new(Mutex::new(Some(mem))), window)
        }
        Child::SharesParent => {
            drop(g);
            (memref, Window::Shared)
        }
    })
}

fn new_process(args: CloneArgs, frame: &TrapFrame) -> Result<u32, Errno> {
    let parent = current_process().ok_or(Errno::EINVAL)?;
    let me = sched::current();
    let (mem, window) = child_mem(&parent, &args, frame)?;
    let pid = super::alloc_pid();
    let ppid = if args.flags & CLONE_PARENT != 0 {
        parent.ppid.load(Ordering::Relaxed)
    } else {
        parent.pid
    };
    let signals = {
        let s = parent.signals.lock();
        SignalState {
            actions: s.actions,
            pending: SigSet::EMPTY,
            info: BTreeMap::new(),
        }
    };
    let child = NewProcess {
        pid,
        ppid,
        pgid: parent.pgid.load(Ordering::Relaxed),
        sid: parent.sid.load(Ordering::Relaxed),
        name: parent.name.lock().clone(),
        cmdline: parent.cmdline.lock().clone(),
        mem: mem.clone(),
        files: parent.files.lock().clone(),
        cwd: *parent.cwd.lock(),
        umask: parent.umask.load(Ordering::Relaxed),
        cred: *parent.cred.lock(),
        personality: parent.personality.load(Ordering::Relaxed),
        rlimits: *parent.rlimits.lock(),
        signals,
        kernel_waited: false,
        // A sibling (CLONE_PARENT) tells the shared parent what the caller
        // would, not what the caller asked for (Linux's copy_process): so
        // no process can make its parent receive SIGSTOP or SIGKILL.
        exit_signal: if args.flags & CLONE_PARENT != 0 {
            parent.exit_signal
        } else {
            (args.flags & CSIGNAL) as u32
        },
    }
    .build();
    child.ctl.inherit(&parent.ctl);
    let Some(t) = Thread::user(pid, child.clone(), child_frame(frame, args.stack)) else {
        super::discard(&child);
        return Err(Errno::ENOMEM);
    };
    super::register(&child);
    setup_thread(&me, &t, args);
    inherit_altstack(&me, &t);
    let tid_bytes = pid.to_le_bytes();
    if args.flags & CLONE_CHILD_SETTID != 0 {
        // In the child's memory: resolves its copy-on-write or borrowed
        // page (a path copy in a hybrid child, never the parent's page).
        let _ = super::uaccess::copy_to_user_in(&mem, args.child_tid, &tid_bytes);
    }
    // A lent parent's memory cannot be written until the window closes.
    if args.flags & CLONE_PARENT_SETTID != 0 && window != Window::Borrowing {
        let _ = super::uaccess::copy_to_user(args.parent_tid, &tid_bytes);
    }
    if window == Window::Borrowing {
        super::hybrid::begin(&child, parent.mem());
    }
    if window == Window::Adapted {
        super::fork_adapt::forked_on_demand(&child);
    }
    match super::find(ppid) {
        Some(pp) => pp.children.lock().push(child.clone()),
        None => child.ppid.store(0, Ordering::Relaxed),
    }
    child.threads.lock().push(t.clone());
    sched::enqueue(t);
    // The child's exec or exit destroys or releases its memory only when
    // it holds the last reference.
    drop(mem);
    match window {
        Window::Borrowing => {
            super::hybrid::parent_wait(&child);
            if args.flags & CLONE_PARENT_SETTID != 0 {
                let _ = super::uaccess::copy_to_user(args.parent_tid, &tid_bytes);
            }
        }
        // vfork proper, or a fork (no CLONE_VM) shared under fork=ghost.
        Window::Shared if args.flags & (CLONE_VFORK | CLONE_VM) != CLONE_VM => {
            // Signals stay pending meanwhile; only a kill ends the wait early.
            while !child.vfork_done.load(Ordering::Relaxed) && !me.must_exit.load(Ordering::Relaxed)
            {
                child.vfork_wait.wait_uninterruptible();
            }
        }
        _ => {}
    }
    Ok(pid)
}

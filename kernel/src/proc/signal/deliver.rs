//! Delivery on the way back to user mode: default actions, the
//! `rt_sigframe` a handler runs on (registers, mask, FPU state, siginfo),
//! `rt_sigreturn`, and turning an interrupted call's restart code into a
//! restart or EINTR.
use super::{deliverable, kill_group, ERESTARTNOHAND, ERESTARTSYS};
use crate::arch::context::FpuState;
use crate::arch::gdt::{USER_CS, USER_DS};
use crate::arch::trapframe::{TrapFrame, SYSCALL_VECTOR};
use crate::proc::thread::Thread;
use crate::proc::uaccess::{copy_from_user, copy_to_user};
use crate::proc::{sched, JobEvent, Process};
use alloc::sync::Arc;
use alloc::vec;
use core::sync::atomic::Ordering;
use linux_abi::sigframe::{
    RtSigframe, SigContext, SignalFrameLayout, UContext, FXSAVE_SIZE, UC_SIGCONTEXT_SS,
    UC_STRICT_RESTORE_SS,
};
use linux_abi::signal::{
    default_action, si_code, DefaultAction, KernelSigaction, SigInfo, SigSet, StackT, SA_NODEFER,
    SA_ONSTACK, SA_RESETHAND, SA_RESTART, SIGSEGV, SIG_DFL, SIG_IGN, SS_DISABLE, SS_ONSTACK,
};
use linux_abi::{AbiBytes, Errno};

/// `orig_ax` value meaning "not in a system call" (no restart).
const NO_SYSCALL: u64 = u64::MAX;
/// RFLAGS bits a signal frame may change (Linux's `FIX_EFLAGS`).
const FIX_EFLAGS: u64 = 0x50dd5;
const RFLAGS_TF: u64 = 1 << 8;
const RFLAGS_DF: u64 = 1 << 10;
const RFLAGS_RF: u64 = 1 << 16;

/// Runs before every return to user mode of a process's thread.
pub fn on_return_to_user(frame: &mut TrapFrame) {
    let t = sched::current();
    let Some(p) = t.process.clone() else {
        return;
    };
    loop {
        if t.must_exit.load(Ordering::Relaxed) || p.group_exit.lock().is_some() {
            // No `Arc` may stay alive across a call that never returns.
            drop(p);
            drop(t);
            crate::proc::exit::exit_killed_thread();
        }
        if p.stopped.load(Ordering::Relaxed) {
            p.stop_wait.wait_uninterruptible();
            continue;
        }
        let Some(sig) = deliverable(&p, &t).first() else {
            break;
        };
        let info = take(&p, &t, sig);
        let act = p.signals.lock().actions[sig as usize - 1];
        match act.sa_handler {
            SIG_IGN => continue,
            SIG_DFL => match default_action(sig) {
                DefaultAction::Ignore | DefaultAction::Continue => continue,
                DefaultAction::Stop => {
                    stop(&p, sig);
                    continue;
                }
                DefaultAction::Terminate | DefaultAction::CoreDump => {
                    kill_group(&p, super::fatal_status(&p, sig));
                    continue;
                }
            },
            _ => {
                fix_restart(frame, Some(&act));
                if setup_frame(&p, &t, frame, sig, &act, info).is_err() {
                    kill_group(&p, super::fatal_status(&p, SIGSEGV));
                    continue;
                }
                return;
            }
        }
    }
    fix_restart(frame, None);
    if t.has_saved_mask.swap(false, Ordering::Relaxed) {
        t.sig_mask
            .store(t.saved_mask.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

/// Removes `sig` from the pending sets and returns its siginfo.
pub(super) fn take(p: &Process, t: &Thread, sig: u32) -> SigInfo {
    let bit = SigSet::EMPTY.with(sig).0;
    let mut s = p.signals.lock();
    if t.sig_pending.load(Ordering::Relaxed) & bit != 0 {
        t.sig_pending.fetch_and(!bit, Ordering::Relaxed);
    } else {
        s.pending = s.pending.without(sig);
    }
    s.info
        .remove(&sig)
        .unwrap_or_else(|| SigInfo::sent(sig, si_code::SI_KERNEL, 0, 0))
}

fn stop(p: &Arc<Process>, sig: u32) {
    if !p.stopped.swap(true, Ordering::Relaxed) {
        *p.job_event.lock() = Some(JobEvent::Stopped(sig));
        crate::proc::exit::notify_parent_job(p, si_code::CLD_STOPPED, sig);
    }
}

/// Turns a restart code in `rax` into a restart (back to the `syscall`
/// instruction) or EINTR, depending on whether a handler runs and its
/// SA_RESTART.
fn fix_restart(frame: &mut TrapFrame, handler: Option<&KernelSigaction>) {
    if frame.vector != SYSCALL_VECTOR || frame.error_code == NO_SYSCALL {
        return;
    }
    let code = -(frame.rax as i64);
    let restart = match (code as i32, handler) {
        (ERESTARTSYS, Some(a)) => a.sa_flags & SA_RESTART != 0,
        (ERESTARTNOHAND, Some(_)) => false,
        (ERESTARTSYS | ERESTARTNOHAND, None) => true,
        _ => return,
    };
    if restart {
        frame.rax = frame.error_code;
        frame.rip -= 2; // `syscall` is two bytes
    } else {
        frame.rax = Errno::EINTR.as_syscall_return() as u64;
    }
    frame.error_code = NO_SYSCALL;
}

/// Whether `sp` lies on the alternate stack `alt` (and it is enabled).
pub fn on_altstack(alt: (u64, i32, u64), sp: u64) -> bool {
    alt.1 & SS_DISABLE == 0 && sp > alt.0 && sp <= alt.0.wrapping_add(alt.2)
}

fn setup_frame(
    p: &Process,
    t: &Thread,
    frame: &mut TrapFrame,
    sig: u32,
    act: &KernelSigaction,
    info: SigInfo,
) -> Result<(), Errno> {
    let alt = *t.altstack.lock();
    let old_mask = if t.has_saved_mask.swap(false, Ordering::Relaxed) {
        t.saved_mask.load(Ordering::Relaxed)
    } else {
        t.sig_mask.load(Ordering::Relaxed)
    };
    let use_alt =
        act.sa_flags & SA_ONSTACK != 0 && alt.1 & SS_DISABLE == 0 && !on_altstack(alt, frame.rsp);
    let layout = if use_alt {
        SignalFrameLayout::on_alternate_stack(alt.0.wrapping_add(alt.2), FXSAVE_SIZE)
    } else {
        SignalFrameLayout::new(frame.rsp, FXSAVE_SIZE)
    }
    .ok_or(Errno::EFAULT)?;
    let mut fpu = FpuState::default();
    fpu.save();
    copy_to_user(layout.fpstate, fpu.as_bytes())?;
    let f = frame;
    let sc = SigContext {
        r8: f.r8,
        r9: f.r9,
        r10: f.r10,
        r11: f.r11,
        r12: f.r12,
        r13: f.r13,
        r14: f.r14,
        r15: f.r15,
        rdi: f.rdi,
        rsi: f.rsi,
        rbp: f.rbp,
        rbx: f.rbx,
        rdx: f.rdx,
        rax: f.rax,
        rcx: f.rcx,
        rsp: f.rsp,
        rip: f.rip,
        eflags: f.rflags,
        cs: USER_CS,
        gs: 0,
        fs: 0,
        ss: USER_DS,
        err: if f.vector == SYSCALL_VECTOR {
            0
        } else {
            f.error_code
        },
        trapno: if f.vector == SYSCALL_VECTOR {
            0
        } else {
            f.vector
        },
        oldmask: old_mask,
        cr2: info.fields[0],
        fpstate: layout.fpstate,
        reserved1: [0; 8],
    };
    let on_alt_now = on_altstack(alt, f.rsp);
    let rt = RtSigframe {
        pretcode: act.sa_restorer,
        uc: UContext {
            uc_flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS,
            uc_link: 0,
            uc_stack: StackT {
                ss_sp: alt.0,
                ss_flags: if on_alt_now { SS_ONSTACK } else { alt.1 },
                pad: 0,
                ss_size: alt.2,
            },
            uc_mcontext: sc,
            uc_sigmask: old_mask,
        },
        info,
    };
    let mut bytes = vec![0u8; RtSigframe::SIZE];
    rt.write_image(&mut bytes);
    copy_to_user(layout.frame, &bytes)?;
    // The handler starts with a clean FPU, its mask, and the frame.
    FpuState::default().restore();
    f.rip = act.sa_handler;
    f.rsp = layout.frame;
    f.rdi = u64::from(sig);
    f.rsi = layout.frame + 8 + UContext::SIZE as u64;
    f.rdx = layout.frame + 8;
    f.rax = 0;
    f.rflags &= !(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF);
    f.error_code = NO_SYSCALL;
    let mut mask = SigSet(old_mask | act.sa_mask);
    if act.sa_flags & SA_NODEFER == 0 {
        mask = mask.with(sig);
    }
    t.sig_mask.store(mask.blockable().0, Ordering::Relaxed);
    if act.sa_flags & SA_RESETHAND != 0 {
        // Only the handler resets (Linux's SA_ONESHOT): the flags, with
        // SA_SIGINFO, stay as sigaction() will report them.
        p.signals.lock().actions[sig as usize - 1].sa_handler = SIG_DFL;
    }
    Ok(())
}

/// `rt_sigreturn`: restores what [`setup_frame`] saved from the frame at
/// the user stack pointer (minus the return address the handler popped).
/// Returns `rax` to resume with; a bad frame kills with SIGSEGV.
pub fn sigreturn(frame: &mut TrapFrame) -> u64 {
    match restore(frame) {
        Ok(rax) => rax,
        Err(_) => {
            let p = sched::current().process.clone().expect("user thread");
            kill_group(&p, super::fatal_status(&p, SIGSEGV));
            frame.rax
        }
    }
}

fn restore(frame: &mut TrapFrame) -> Result<u64, Errno> {
    let t = sched::current();
    let addr = frame.rsp.checked_sub(8).ok_or(Errno::EFAULT)?;
    let mut bytes = vec![0u8; RtSigframe::SIZE];
    copy_from_user(addr, &mut bytes)?;
    let rt = RtSigframe::read_image(&bytes);
    let sc = rt.uc.uc_mcontext;
    let user_end = crate::mm::layout::USER_END;
    if sc.rip >= user_end || sc.rsp >= user_end {
        return Err(Errno::EFAULT);
    }
    if sc.fpstate != 0 {
        let mut img = [0u8; 512];
        copy_from_user(sc.fpstate, &mut img)?;
        FpuState::from_user_bytes(&img).restore();
    } else {
        FpuState::default().restore();
    }
    let f = frame;
    f.r8 = sc.r8;
    f.r9 = sc.r9;
    f.r10 = sc.r10;
    f.r11 = sc.r11;
    f.r12 = sc.r12;
    f.r13 = sc.r13;
    f.r14 = sc.r14;
    f.r15 = sc.r15;
    f.rdi = sc.rdi;
    f.rsi = sc.rsi;
    f.rbp = sc.rbp;
    f.rbx = sc.rbx;
    f.rdx = sc.rdx;
    f.rcx = sc.rcx;
    f.rsp = sc.rsp;
    f.rip = sc.rip;
    f.rflags = (f.rflags & !FIX_EFLAGS) | (sc.eflags & FIX_EFLAGS);
    f.cs = u64::from(USER_CS);
    f.ss = u64::from(USER_DS);
    f.error_code = NO_SYSCALL;
    t.sig_mask
        .store(SigSet(rt.uc.uc_sigmask).blockable().0, Ordering::Relaxed);
    Ok(sc.rax)
}

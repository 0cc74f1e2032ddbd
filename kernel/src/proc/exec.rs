//! `execve`: replaces the current process's program. Everything that can
//! fail (reading and loading the image) happens before the point of no
//! return; then the other threads are told to exit, the old address space
//! is released (a vfork child only drops its borrow and wakes its parent),
//! close-on-exec files are closed and caught signals reset to default.
use super::exit::release_mem;
use super::{current_process, sched, UserMem};
use crate::arch::context::FpuState;
use crate::arch::trapframe::TrapFrame;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use linux_abi::signal::{SIG_DFL, SIG_IGN, SS_DISABLE};
use linux_abi::{script, Errno};
use spin::Mutex;

/// What one look at an executable found.
enum Found {
    /// An ELF image, loaded.
    Program(super::loader::Loaded),
    /// A `#!` script: run this interpreter with these arguments instead.
    Script(String, Vec<String>),
}

/// Loads `path`, following `#!` interpreter lines as Linux's binfmt_script
/// does: the interpreter gets its optional argument, then the script's
/// path as given, then the original arguments after `argv[0]`; at most
/// [`script::MAX_DEPTH`] scripts in a chain (ELOOP beyond).
fn load_through_scripts(
    cwd: memfs::Ino,
    path: &str,
    argv: &[String],
    envp: &[String],
    hwcap: u32,
) -> Result<super::loader::Loaded, Errno> {
    let (mut path, mut argv) = (String::from(path), argv.to_vec());
    for _ in 0..=script::MAX_DEPTH {
        let found = crate::fs::with_executable(cwd, &path, |image| {
            let Some(interp) = script::parse(image)? else {
                return super::loader::load(image, &argv, envp, hwcap).map(Found::Program);
            };
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            let mut args = alloc::vec![text(interp.path)];
            args.extend(interp.arg.map(text));
            args.push(path.clone());
            args.extend(argv.iter().skip(1).cloned());
            Ok(Found::Script(text(interp.path), args))
        })?;
        match found {
            Found::Program(loaded) => return Ok(loaded),
            Found::Script(interpreter, args) => (path, argv) = (interpreter, args),
        }
    }
    Err(Errno::ELOOP)
}

/// Runs `path` in the current process with `argv` and `envp`; on success
/// `frame` enters the new program.
pub fn execve(
    path: &str,
    argv: &[String],
    envp: &[String],
    frame: &mut TrapFrame,
) -> Result<(), Errno> {
    let p = current_process().ok_or(Errno::EINVAL)?;
    if p.hybrid.is_borrowing() {
        // How long the child took to get here (its only thread started at
        // fork), before the load's own work: the window budget's data.
        super::window_time::exec_after(sched::current().cpu_time_ns());
    }
    let cwd = *p.cwd.lock();
    let hwcap = crate::cpu_features().hwcap;
    let loaded = load_through_scripts(cwd, path, argv, envp, hwcap)?;

    // Point of no return.
    let me = sched::current();
    let others: Vec<_> = {
        let mut th = p.threads.lock();
        let others = th
            .iter()
            .filter(|t| !Arc::ptr_eq(t, &me))
            .cloned()
            .collect();
        th.retain(|t| Arc::ptr_eq(t, &me));
        others
    };
    for t in others {
        t.must_exit.store(true, Ordering::Relaxed);
        super::signal::wake_for_signal(&t);
    }
    let new = Arc::new(Mutex::new(Some(UserMem {
        space: loaded.space,
        brk_start: loaded.brk,
        brk: loaded.brk,
    })));
    let old = p.replace_mem(new);
    if let Some(root) = p.root() {
        // SAFETY: user roots copy the kernel half from the template.
        unsafe { crate::arch::paging::switch_root(root) };
    }
    release_mem(old, p.pid);
    super::fork_adapt::exec(&p);
    super::hybrid::released(&p, super::hybrid::End::Exec);
    p.vfork_done.store(true, Ordering::Relaxed);
    p.vfork_wait.wake_all();

    p.files.lock().close_on_exec();
    {
        let mut s = p.signals.lock();
        for a in s.actions.iter_mut() {
            if a.sa_handler != SIG_IGN {
                a.sa_handler = SIG_DFL;
            }
            a.sa_flags = 0;
            a.sa_restorer = 0;
            a.sa_mask = 0;
        }
    }
    *me.altstack.lock() = (0, SS_DISABLE, 0);
    me.fs_base.store(0, Ordering::Relaxed);
    crate::arch::set_fs_base(0);
    me.clear_child_tid.store(0, Ordering::Relaxed);
    *p.name.lock() = String::from(path);
    me.comm.reset();
    p.ctl.on_exec();
    *p.cmdline.lock() = super::cmdline_of(argv);
    p.did_exec.store(true, Ordering::Relaxed);
    FpuState::default().restore();
    *frame = TrapFrame::new_user(loaded.entry, loaded.sp);
    frame.error_code = u64::MAX;
    Ok(())
}

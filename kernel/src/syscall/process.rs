//! Process and thread calls: clone/fork/vfork, execve, exit, wait4,
//! waitid, getrusage, process groups and sessions, futex. Argument
//! decoding only; the work is in `proc`.
use super::SysResult;
use crate::arch::trapframe::TrapFrame;
use crate::proc::fork::{self, CloneArgs};
use crate::proc::uaccess::{read_cstr, read_path, read_struct, write_struct};
use crate::proc::wait::{self, Report, Which};
use crate::proc::{current_process, exec, exit, futex, pgrp, sched};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use linux_abi::process::*;
use linux_abi::resource::Rusage;
use linux_abi::signal::{SigInfo, SIGCHLD};
use linux_abi::time::{Timespec, Timeval};
use linux_abi::Errno;

pub fn clone(flags: u64, stack: u64, ptid: u64, ctid: u64, tls: u64, f: &TrapFrame) -> SysResult {
    let args = CloneArgs {
        flags,
        stack,
        parent_tid: ptid,
        child_tid: ctid,
        tls,
    };
    Ok(u64::from(fork::clone(args, f)?))
}

pub fn clone3(uargs: u64, size: u64, f: &TrapFrame) -> SysResult {
    if !(64..=4096).contains(&size) {
        return Err(Errno::EINVAL);
    }
    let a: linux_abi::process::CloneArgs = read_struct(uargs)?;
    if a.exit_signal > 64 || a.set_tid != 0 || a.cgroup != 0 {
        return Err(Errno::EINVAL);
    }
    let stack = if a.stack != 0 {
        a.stack.checked_add(a.stack_size).ok_or(Errno::EINVAL)?
    } else {
        0
    };
    let args = CloneArgs {
        flags: (a.flags & !CSIGNAL) | a.exit_signal,
        stack,
        parent_tid: a.parent_tid,
        child_tid: a.child_tid,
        tls: a.tls,
    };
    Ok(u64::from(fork::clone(args, f)?))
}

pub fn fork(f: &TrapFrame) -> SysResult {
    clone(u64::from(SIGCHLD), 0, 0, 0, 0, f)
}

pub fn vfork(f: &TrapFrame) -> SysResult {
    clone(CLONE_VM | CLONE_VFORK | u64::from(SIGCHLD), 0, 0, 0, 0, f)
}

/// Most argument or environment strings, and their total size (E2BIG).
const MAX_ARGS: usize = 65536;
const MAX_ARG_BYTES: usize = 2 << 20;

fn read_strings(mut ptr: u64, total: &mut usize) -> Result<Vec<String>, Errno> {
    let mut out = Vec::new();
    if ptr == 0 {
        return Ok(out);
    }
    loop {
        let s: u64 = read_struct(ptr)?;
        if s == 0 {
            return Ok(out);
        }
        if out.len() >= MAX_ARGS {
            return Err(Errno::E2BIG);
        }
        let v = read_cstr(s, MAX_ARG_BYTES)?;
        *total += v.len() + 1;
        if *total > MAX_ARG_BYTES {
            return Err(Errno::E2BIG);
        }
        out.push(v);
        ptr += 8;
    }
}

pub fn execve(path: u64, argv: u64, envp: u64, f: &mut TrapFrame) -> SysResult {
    let path = read_path(path)?;
    let mut total = 0;
    let argv = read_strings(argv, &mut total)?;
    let envp = read_strings(envp, &mut total)?;
    exec::execve(&path, &argv, &envp, f)?;
    Ok(0)
}

pub fn exit(code: u64) -> SysResult {
    exit::exit_thread(code as u8)
}

pub fn exit_group(code: u64) -> SysResult {
    exit::exit_group(wait_status_exited(code as u8))
}

fn which(pid: i32) -> Result<Which, Errno> {
    Ok(match pid {
        // -INT_MIN does not exist: Linux answers ESRCH before looking.
        i32::MIN => return Err(Errno::ESRCH),
        -1 => Which::Any,
        0 => Which::Pgid(pgrp::getpgid(0)?),
        p if p < -1 => Which::Pgid(p.unsigned_abs()),
        p => Which::Pid(p as u32),
    })
}

fn ns_to_timeval(ns: u64) -> Timeval {
    Timeval {
        tv_sec: (ns / 1_000_000_000) as i64,
        tv_usec: ((ns % 1_000_000_000) / 1000) as i64,
    }
}

fn rusage_of(cpu_ns: u64) -> Rusage {
    let mut b = [0u8; 144];
    ns_to_timeval(cpu_ns).write_image(&mut b[..16]);
    <Rusage as linux_abi::AbiBytes>::read_image(&b)
}

use linux_abi::AbiBytes;

fn write_rusage(addr: u64, cpu_ns: u64) -> Result<(), Errno> {
    if addr != 0 {
        write_struct(addr, &rusage_of(cpu_ns))?;
    }
    Ok(())
}

pub fn wait4(pid: u64, status: u64, options: u64, rusage: u64) -> SysResult {
    let options = options as u32;
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE | WNOTHREAD) != 0 {
        return Err(Errno::EINVAL);
    }
    let which = which(pid as i32)?;
    match wait::wait(which, options | WEXITED)? {
        None => Ok(0),
        Some(r) => {
            if status != 0 {
                write_struct(status, &r.status)?;
            }
            write_rusage(rusage, r.cpu_ns)?;
            Ok(u64::from(r.pid))
        }
    }
}

pub fn waitid(idtype: u64, id: u64, infop: u64, options: u64, rusage: u64) -> SysResult {
    let options = options as u32;
    if options & !(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT | WALL | WCLONE | WNOTHREAD)
        != 0
        || options & (WEXITED | WSTOPPED | WCONTINUED) == 0
    {
        return Err(Errno::EINVAL);
    }
    let which = match idtype as u32 {
        P_ALL => Which::Any,
        P_PID if id as i32 > 0 => Which::Pid(id as u32),
        P_PGID if id == 0 => Which::Pgid(pgrp::getpgid(0)?),
        P_PGID if id as i32 > 0 => Which::Pgid(id as u32),
        _ => return Err(Errno::EINVAL),
    };
    let r: Option<Report> = wait::wait(which, options)?;
    if infop != 0 {
        let info = match r {
            Some(r) => SigInfo::child(r.code, r.pid as i32, 0, r.si_status, 0, 0),
            None => {
                let mut i = SigInfo::child(0, 0, 0, 0, 0, 0);
                i.si_signo = 0;
                i
            }
        };
        write_struct(infop, &info)?;
    }
    if let Some(r) = r {
        write_rusage(rusage, r.cpu_ns)?;
    }
    Ok(0)
}

pub fn getrusage(who: u64) -> Result<u64, Errno> {
    let p = current_process().ok_or(Errno::ESRCH)?;
    match who as i32 {
        0 => Ok(p.cpu_ns()),                                 // RUSAGE_SELF
        -1 => Ok(p.children_cpu_ns.load(Ordering::Relaxed)), // RUSAGE_CHILDREN
        1 => Ok(sched::current().cpu_time_ns()),             // RUSAGE_THREAD
        _ => Err(Errno::EINVAL),
    }
}

pub fn getrusage_call(who: u64, usage: u64) -> SysResult {
    let ns = getrusage(who)?;
    write_struct(usage, &rusage_of(ns))?;
    Ok(0)
}

pub fn setpgid(pid: u64, pgid: u64) -> SysResult {
    if (pid as i32) < 0 || (pgid as i32) < 0 {
        return Err(Errno::EINVAL);
    }
    pgrp::setpgid(pid as u32, pgid as u32)?;
    Ok(0)
}

pub fn getpgid(pid: u64) -> SysResult {
    Ok(u64::from(pgrp::getpgid(pid as u32)?))
}

pub fn getsid(pid: u64) -> SysResult {
    Ok(u64::from(pgrp::getsid(pid as u32)?))
}

pub fn setsid() -> SysResult {
    Ok(u64::from(pgrp::setsid()?))
}

pub fn futex(uaddr: u64, op: u64, val: u64, timeout: u64, uaddr2: u64, val3: u64) -> SysResult {
    let op = op as u32;
    let cmd = op & FUTEX_CMD_MASK;
    let shared = op & FUTEX_PRIVATE_FLAG == 0;
    match cmd {
        FUTEX_WAIT | FUTEX_WAIT_BITSET => {
            let bitset = if cmd == FUTEX_WAIT {
                u32::MAX
            } else {
                val3 as u32
            };
            let deadline = if timeout != 0 {
                let ts: Timespec = read_struct(timeout)?;
                if !ts.is_valid_timeout() {
                    return Err(Errno::EINVAL);
                }
                let ns = ts.as_nanos_saturating();
                // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute.
                let rel = if cmd == FUTEX_WAIT {
                    ns
                } else if op & FUTEX_CLOCK_REALTIME != 0 {
                    ns.saturating_sub(crate::time::realtime_ns())
                } else {
                    ns.saturating_sub(crate::time::uptime_ns())
                };
                Some(crate::time::deadline_after_ns(rel))
            } else {
                None
            };
            futex::wait(uaddr, shared, val as u32, deadline, bitset)
        }
        FUTEX_WAKE | FUTEX_WAKE_BITSET => {
            let bitset = if cmd == FUTEX_WAKE {
                u32::MAX
            } else {
                val3 as u32
            };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            let k = futex::key_for(uaddr, shared)?;
            Ok(futex::wake_bitset(k, val as usize, bitset) as u64)
        }
        FUTEX_REQUEUE | FUTEX_CMP_REQUEUE => {
            // Both counts are C ints (the second one travels in `timeout`).
            if (val as i32) < 0 || (timeout as i32) < 0 {
                return Err(Errno::EINVAL);
            }
            if cmd == FUTEX_CMP_REQUEUE {
                let mut w = [0u8; 4];
                crate::proc::uaccess::copy_from_user(uaddr, &mut w)?;
                if u32::from_le_bytes(w) != val3 as u32 {
                    return Err(Errno::EAGAIN);
                }
            }
            let (k1, k2) = (
                futex::key_for(uaddr, shared)?,
                futex::key_for(uaddr2, shared)?,
            );
            Ok(futex::requeue(k1, val as u32 as usize, timeout as u32 as usize, k2) as u64)
        }
        _ => Err(Errno::ENOSYS),
    }
}

//! Process groups and sessions (`setpgid`, `getpgid`, `setsid`, `getsid`)
//! and the console's foreground process group (`TIOCSPGRP`), which
//! receives SIGINT on Ctrl-C.
use super::{all, current_process, find, Process};
use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};
use linux_abi::Errno;

static FOREGROUND: AtomicU32 = AtomicU32::new(0);

/// The console's foreground process group (0: none).
pub fn foreground() -> u32 {
    FOREGROUND.load(Ordering::Relaxed)
}

/// Makes `pgid` the console's foreground group (the kernel's choice for
/// init, or `TIOCSPGRP`, which must name a group of the caller's session).
pub fn set_foreground(pgid: u32, check: bool) -> Result<(), Errno> {
    if check {
        let me = current_process().ok_or(Errno::ENOTTY)?;
        let sid = me.sid.load(Ordering::Relaxed);
        let exists = all().iter().any(|p| {
            p.pgid.load(Ordering::Relaxed) == pgid && p.sid.load(Ordering::Relaxed) == sid
        });
        if !exists {
            return Err(Errno::EPERM);
        }
    }
    FOREGROUND.store(pgid, Ordering::Relaxed);
    Ok(())
}

fn target(pid: u32) -> Result<Arc<Process>, Errno> {
    if pid == 0 {
        current_process().ok_or(Errno::ESRCH)
    } else {
        find(pid).ok_or(Errno::ESRCH)
    }
}

/// `getpgid`.
pub fn getpgid(pid: u32) -> Result<u32, Errno> {
    Ok(target(pid)?.pgid.load(Ordering::Relaxed))
}

/// `getsid`.
pub fn getsid(pid: u32) -> Result<u32, Errno> {
    Ok(target(pid)?.sid.load(Ordering::Relaxed))
}

/// `setpgid` with Linux's rules: the caller or one of its children that
/// has not exec'd, in the caller's session, not a session leader, joining
/// a group that exists in that session (or starting its own).
pub fn setpgid(pid: u32, pgid: u32) -> Result<(), Errno> {
    let me = current_process().ok_or(Errno::ESRCH)?;
    let pid = if pid == 0 { me.pid } else { pid };
    let pgid = if pgid == 0 { pid } else { pgid };
    let t = if pid == me.pid {
        me.clone()
    } else {
        let t = me
            .children
            .lock()
            .iter()
            .find(|c| c.pid == pid)
            .cloned()
            .ok_or(Errno::ESRCH)?;
        if t.sid.load(Ordering::Relaxed) != me.sid.load(Ordering::Relaxed) {
            return Err(Errno::EPERM);
        }
        if t.did_exec.load(Ordering::Relaxed) {
            return Err(Errno::EACCES);
        }
        t
    };
    let sid = me.sid.load(Ordering::Relaxed);
    if t.sid.load(Ordering::Relaxed) == t.pid {
        return Err(Errno::EPERM);
    }
    if pgid != t.pid {
        // Zombies not yet reaped still hold their group, as on Linux.
        let ok = all().iter().any(|p| {
            p.pgid.load(Ordering::Relaxed) == pgid && p.sid.load(Ordering::Relaxed) == sid
        });
        if !ok {
            return Err(Errno::EPERM);
        }
    }
    t.pgid.store(pgid, Ordering::Relaxed);
    Ok(())
}

/// `setsid`: a new session and group led by the caller (EPERM for a
/// group leader).
pub fn setsid() -> Result<u32, Errno> {
    let me = current_process().ok_or(Errno::ESRCH)?;
    if all()
        .iter()
        .any(|p| p.pgid.load(Ordering::Relaxed) == me.pid)
    {
        return Err(Errno::EPERM);
    }
    me.sid.store(me.pid, Ordering::Relaxed);
    me.pgid.store(me.pid, Ordering::Relaxed);
    Ok(me.pid)
}

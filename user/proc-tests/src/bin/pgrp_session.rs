//! Process groups, sessions and waitid, as a job-control shell uses them:
//! - a child makes itself a group leader (setpgid(0, 0), and the parent
//!   setpgid(pid, pid) too, as shells do), then setsid fails with EPERM;
//! - a child that is not a group leader calls setsid: it leads a new
//!   session and group, and cannot join the parent's group (EPERM);
//! - kill(-pgid, SIGTERM) reaches every member of a two-process group;
//! - waitid(P_PID, WEXITED|WNOHANG) on a running child reports nothing,
//!   and after it exits reports CLD_EXITED with its status.
//!
//! Usage: pgrp_session
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::Checker;

fn setpgid(pid: i32, pgid: i32) -> Result<(), i32> {
    // SAFETY: setpgid takes plain integers.
    (unsafe { libc::setpgid(pid, pgid) } == 0)
        .then_some(())
        .ok_or_else(sys::errno)
}

fn getpgid(pid: i32) -> i32 {
    // SAFETY: plain integers.
    unsafe { libc::getpgid(pid) }
}

fn getsid(pid: i32) -> i32 {
    // SAFETY: plain integers.
    unsafe { libc::getsid(pid) }
}

fn setsid() -> Result<i32, i32> {
    // SAFETY: no arguments.
    match unsafe { libc::setsid() } {
        -1 => Err(sys::errno()),
        sid => Ok(sid),
    }
}

/// A child that runs `body`, says so, and then waits until the parent
/// closes `w`, so that the parent can inspect it alive after `body`.
/// Returns (pid, write end).
fn held_child(body: impl FnOnce() -> i32) -> (i32, i32) {
    let (r, w) = sys::pipe().expect("pipe");
    let (ready_r, ready_w) = sys::pipe().expect("pipe");
    let pid = sys::spawn_child(|| {
        sys::close(w);
        sys::close(ready_r);
        let code = body();
        let _ = sys::write_all(ready_w, b"r");
        let mut b = [0u8];
        let _ = sys::read(r, &mut b);
        code
    })
    .expect("fork");
    sys::close(r);
    sys::close(ready_w);
    let mut b = [0u8];
    let _ = sys::read_exact(ready_r, &mut b);
    sys::close(ready_r);
    (pid, w)
}

fn group_leader(c: &mut Checker) {
    let (pid, w) = held_child(|| {
        let me = sys::getpid();
        let mut bad = 0;
        bad |= i32::from(setpgid(0, 0).is_err());
        bad |= i32::from(getpgid(0) != me) << 1;
        bad |= i32::from(setsid() != Err(libc::EPERM)) << 2;
        bad
    });
    let _ = setpgid(pid, pid); // may race the child's own call; both agree
    c.equal("child's group seen by the parent", getpgid(pid), pid);
    c.equal("child's session is the parent's", getsid(pid), getsid(0));
    sys::close(w);
    c.equal(
        "group leader child: setpgid(0,0), getpgid, setsid = EPERM (bitmask of failures)",
        sys::wait(pid),
        Ok(Status::Exited(0)),
    );
}

fn new_session(c: &mut Checker) {
    let parent_pgid = getpgid(0);
    let (pid, w) = held_child(move || {
        let me = sys::getpid();
        let mut bad = 0;
        bad |= i32::from(setsid() != Ok(me));
        bad |= i32::from(getsid(0) != me) << 1;
        bad |= i32::from(getpgid(0) != me) << 2;
        bad |= i32::from(setpgid(0, parent_pgid) != Err(libc::EPERM)) << 3;
        bad
    });
    c.equal(
        "setsid child: its session seen by the parent",
        getsid(pid),
        pid,
    );
    c.equal(
        "setsid child: its group seen by the parent",
        getpgid(pid),
        pid,
    );
    sys::close(w);
    c.equal(
        "setsid child: setsid, getsid, getpgid, EPERM joining the old group (bitmask of failures)",
        sys::wait(pid),
        Ok(Status::Exited(0)),
    );
    c.equal("parent's group unchanged", getpgid(0), parent_pgid);
}

fn kill_group(c: &mut Checker) {
    let (leader, w1) = held_child(|| i32::from(setpgid(0, 0).is_err()));
    let _ = setpgid(leader, leader);
    let (member, w2) = held_child(move || i32::from(setpgid(0, leader).is_err()));
    let _ = setpgid(member, leader);
    c.equal("second child joined the group", getpgid(member), leader);
    c.equal(
        "kill(-pgid, SIGTERM)",
        sys::kill(-leader, libc::SIGTERM),
        Ok(()),
    );
    let want = Ok(Status::Signaled(libc::SIGTERM));
    c.equal("group leader killed", sys::wait(leader), want);
    c.equal("group member killed", sys::wait(member), want);
    sys::close(w1);
    sys::close(w2);
}

fn waitid(pid: i32, options: i32) -> Result<libc::siginfo_t, i32> {
    // SAFETY: an all-zero siginfo_t is valid; the kernel fills it.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid out-pointer.
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, options) };
    if r == 0 {
        Ok(info)
    } else {
        Err(sys::errno())
    }
}

fn waitid_nohang(c: &mut Checker) {
    let (pid, w) = held_child(|| 5);
    match waitid(pid, libc::WEXITED | libc::WNOHANG) {
        // SAFETY: si_pid reads the union field the kernel zeroed or set.
        Ok(info) => c.equal(
            "waitid WNOHANG on a running child: si_pid",
            unsafe { info.si_pid() },
            0,
        ),
        Err(e) => c.check(format_args!("waitid WNOHANG: errno {e}"), false),
    };
    sys::close(w);
    match waitid(pid, libc::WEXITED) {
        Ok(info) => {
            // SAFETY: for CLD_* codes the kernel set si_pid and si_status.
            let (p, st) = unsafe { (info.si_pid(), info.si_status()) };
            c.equal("waitid after exit: si_pid", p, pid);
            c.equal("waitid after exit: si_code", info.si_code, libc::CLD_EXITED);
            c.equal("waitid after exit: si_status", st, 5);
        }
        Err(e) => {
            c.check(format_args!("waitid after exit: errno {e}"), false);
        }
    }
    c.equal("child reaped by waitid", sys::wait(pid), Err(libc::ECHILD));
}

fn main() {
    let mut c = Checker::new("pgrp_session");
    group_leader(&mut c);
    new_session(&mut c);
    kill_group(&mut c);
    waitid_nohang(&mut c);
    c.finish();
}

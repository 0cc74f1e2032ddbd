//! Waiting for descriptors: poll, ppoll, pselect6. One readiness loop
//! serves all three; ppoll and pselect6 add a timespec timeout (checked
//! before anything waits: a negative one is EINVAL, never a sleep
//! forever) and a signal mask for the wait.
use super::lookup::file;
use super::SysResult;
use crate::fs::file::{NodeKind, OpenFile, Target};
use crate::fs::Device;
use crate::proc::sched;
use crate::proc::uaccess::{copy_from_user, copy_to_user, read_struct, write_struct};
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;
use linux_abi::signal::{SigSet, SIGSET_SIZE};
use linux_abi::time::Timespec;
use linux_abi::uio::{Pollfd, POLLIN, POLLNVAL, POLLOUT};
use linux_abi::Errno;

const POLLPRI: i16 = 0x2;
const POLLERR: i16 = 0x8;
const POLLHUP: i16 = 0x10;

fn poll_ready(f: &OpenFile) -> i16 {
    match &f.target {
        Target::PipeRead(p) => {
            if !p.is_empty() || p.writers.load(Ordering::Relaxed) == 0 {
                POLLIN
            } else {
                0
            }
        }
        Target::PipeWrite(p) => {
            if p.has_room() {
                POLLOUT
            } else {
                0
            }
        }
        Target::Snapshot(_) | Target::DirSnapshot(_) => POLLIN,
        Target::Node(_, kind) => match kind {
            NodeKind::Dev(Device::Console) => {
                POLLOUT
                    | if crate::fs::console::readable() {
                        POLLIN
                    } else {
                        0
                    }
            }
            _ => POLLIN | POLLOUT,
        },
    }
}

/// Calls `scan` (which returns how many descriptors are ready) until one
/// is, the deadline (uptime ns) passes, or a signal interrupts the wait.
fn wait_ready(
    deadline: Option<u64>,
    mut scan: impl FnMut() -> Result<u64, Errno>,
) -> Result<u64, Errno> {
    loop {
        let ready = scan()?;
        let expired = deadline.is_some_and(|d| crate::time::uptime_ns() >= d);
        if ready > 0 || expired {
            return Ok(ready);
        }
        if crate::proc::current_has_fatal_signal() {
            return Err(Errno::EINTR);
        }
        // Sleep a tick and look again: simple, and polling is rare here.
        let next_tick = crate::time::deadline_after_ns(1_000_000_000 / crate::time::HZ);
        sched::sleep_until(deadline.map_or(next_tick, |d| d.min(next_tick)));
    }
}

fn do_poll(fds: u64, nfds: u64, deadline: Option<u64>) -> SysResult {
    if nfds as usize > crate::fs::fdtable::MAX_FDS {
        return Err(Errno::EINVAL);
    }
    let mut list: Vec<Pollfd> = (0..nfds)
        .map(|i| read_struct(fds + i * 8))
        .collect::<Result<_, _>>()?;
    let ready = wait_ready(deadline, || {
        let mut ready = 0;
        for p in list.iter_mut() {
            p.revents = if p.fd < 0 {
                0
            } else {
                match file(p.fd as u64) {
                    Ok(f) => poll_ready(&f) & (p.events | POLLERR | POLLHUP),
                    Err(_) => POLLNVAL,
                }
            };
            ready += u64::from(p.revents != 0);
        }
        Ok(ready)
    })?;
    for (i, p) in list.iter().enumerate() {
        write_struct(fds + i as u64 * 8, p)?;
    }
    Ok(ready)
}

pub fn poll(fds: u64, nfds: u64, timeout_ms: u64) -> SysResult {
    let timeout = timeout_ms as i32;
    let deadline =
        (timeout >= 0).then(|| crate::time::deadline_after_ns(timeout as u64 * 1_000_000));
    do_poll(fds, nfds, deadline)
}

/// Reads a ppoll/pselect6 timeout: `None` for a null pointer (wait for
/// ever), the deadline otherwise; EINVAL for a negative or malformed one.
fn read_timeout(ts: u64) -> Result<Option<u64>, Errno> {
    if ts == 0 {
        return Ok(None);
    }
    let t: Timespec = read_struct(ts)?;
    if !t.is_valid_timeout() {
        return Err(Errno::EINVAL);
    }
    Ok(Some(crate::time::deadline_after_ns(
        t.as_nanos_saturating(),
    )))
}

/// Installs `mask` for the wait; the return to user mode puts the old one
/// back (after running a handler the new mask let in, as Linux does).
fn set_wait_mask(mask: u64, size: u64) -> Result<(), Errno> {
    if mask == 0 {
        return Ok(());
    }
    if size as usize != SIGSET_SIZE {
        return Err(Errno::EINVAL);
    }
    let new = SigSet(read_struct::<u64>(mask)?).blockable();
    let t = sched::current();
    t.saved_mask
        .store(t.sig_mask.load(Ordering::Relaxed), Ordering::Relaxed);
    t.has_saved_mask.store(true, Ordering::Relaxed);
    t.sig_mask.store(new.0, Ordering::Relaxed);
    Ok(())
}

/// Writes the time left back, as Linux does; a timeout in read-only
/// memory is not an error once the wait is over.
fn write_left(ts: u64, deadline: Option<u64>) {
    if let Some(d) = deadline {
        let left = d.saturating_sub(crate::time::uptime_ns());
        let _ = write_struct(ts, &Timespec::from_nanos(left));
    }
}

pub fn ppoll(fds: u64, nfds: u64, ts: u64, mask: u64, size: u64) -> SysResult {
    let deadline = read_timeout(ts)?;
    set_wait_mask(mask, size)?;
    let r = do_poll(fds, nfds, deadline);
    write_left(ts, deadline);
    r.map_err(|e| match e {
        Errno::EINTR => crate::proc::signal::restart_nohand(),
        e => e,
    })
}

/// One `fd_set` argument: its user address and the bits read from it.
struct FdSet {
    addr: u64,
    bits: Vec<u64>,
}

impl FdSet {
    fn read(addr: u64, words: usize) -> Result<FdSet, Errno> {
        let mut bits = vec![0u64; words];
        if addr != 0 {
            let mut bytes = vec![0u8; words * 8];
            copy_from_user(addr, &mut bytes)?;
            for (w, c) in bits.iter_mut().zip(bytes.chunks_exact(8)) {
                *w = u64::from_le_bytes(c.try_into().unwrap_or_default());
            }
        }
        Ok(FdSet { addr, bits })
    }

    fn has(&self, fd: usize) -> bool {
        self.bits[fd / 64] & (1 << (fd % 64)) != 0
    }

    fn write(&self, out: &[u64]) -> Result<(), Errno> {
        if self.addr == 0 {
            return Ok(());
        }
        let bytes: Vec<u8> = out.iter().flat_map(|w| w.to_le_bytes()).collect();
        copy_to_user(self.addr, &bytes)
    }
}

/// `pselect6(nfds, readfds, writefds, exceptfds, timeout, sigmask)`,
/// where `sigmask` points at `{ const sigset_t *ss; size_t ss_len; }`.
pub fn pselect6(nfds: u64, r: u64, w: u64, x: u64, ts: u64, sig: u64) -> SysResult {
    let n = nfds as i32;
    if n < 0 {
        return Err(Errno::EINVAL);
    }
    let deadline = read_timeout(ts)?;
    let n = (n as usize).min(crate::fs::fdtable::MAX_FDS);
    let words = n.div_ceil(64);
    let sets = [
        FdSet::read(r, words)?,
        FdSet::read(w, words)?,
        FdSet::read(x, words)?,
    ];
    if sig != 0 {
        let arg: [u64; 2] = read_struct(sig)?;
        set_wait_mask(arg[0], arg[1])?;
    }
    // What counts as ready for each set (Linux's POLLIN_SET and so on).
    let wanted = [POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI];
    let mut out = [vec![0u64; words], vec![0u64; words], vec![0u64; words]];
    let res = wait_ready(deadline, || {
        let mut ready = 0;
        for fd in 0..n {
            if !sets.iter().any(|s| s.has(fd)) {
                continue;
            }
            let events = poll_ready(&*file(fd as u64)?);
            for i in 0..3 {
                let hit = sets[i].has(fd) && events & wanted[i] != 0;
                let bit = 1u64 << (fd % 64);
                if hit {
                    out[i][fd / 64] |= bit;
                    ready += 1;
                } else {
                    out[i][fd / 64] &= !bit;
                }
            }
        }
        Ok(ready)
    });
    write_left(ts, deadline);
    let ready = res.map_err(|e| match e {
        Errno::EINTR => crate::proc::signal::restart_nohand(),
        e => e,
    })?;
    for (set, bits) in sets.iter().zip(out.iter()) {
        set.write(bits)?;
    }
    Ok(ready)
}

//! Futexes: threads sleep on a 32-bit word of their address space until a
//! `FUTEX_WAKE` on the same word, a timeout or a signal. A futex is named
//! by its address space and user address (private and shared futexes
//! alike: shared ones work between the threads and vfork children that
//! share one address space).
use super::thread::Thread;
use super::{current_process, sched, MemRef};
use alloc::sync::Arc;
use alloc::vec::Vec;
use linux_abi::Errno;
use spin::Mutex;

type Key = (usize, u64);

struct Waiter {
    key: Key,
    bitset: u32,
    thread: Arc<Thread>,
    woken: bool,
}

static WAITERS: Mutex<Vec<Waiter>> = Mutex::new(Vec::new());

fn key(mem: &MemRef, uaddr: u64) -> Key {
    (Arc::as_ptr(mem) as usize, uaddr)
}

/// `FUTEX_WAIT`: sleeps while `*uaddr == val`, until woken, `deadline`
/// (`uptime_ns`) or a signal (a restart code).
pub fn wait(uaddr: u64, val: u32, deadline: Option<u64>, bitset: u32) -> Result<u64, Errno> {
    if !uaddr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    if bitset == 0 {
        return Err(Errno::EINVAL);
    }
    let p = current_process().ok_or(Errno::EINVAL)?;
    let mut word = [0u8; 4];
    super::uaccess::copy_from_user(uaddr, &mut word)?;
    if u32::from_le_bytes(word) != val {
        return Err(Errno::EAGAIN);
    }
    let k = key(&p.mem(), uaddr);
    let me = sched::current();
    WAITERS.lock().push(Waiter {
        key: k,
        bitset,
        thread: me.clone(),
        woken: false,
    });
    match deadline {
        Some(d) => sched::sleep_until(d),
        None => sched::block_interruptible(),
    }
    let woken = {
        let mut w = WAITERS.lock();
        let pos = w.iter().position(|x| Arc::ptr_eq(&x.thread, &me));
        pos.map(|i| w.remove(i).woken).unwrap_or(true)
    };
    if woken {
        Ok(0)
    } else if deadline.is_some_and(|d| crate::time::uptime_ns() >= d) {
        Err(Errno::ETIMEDOUT)
    } else if super::signal::interrupted() {
        Err(super::signal::restart_sys())
    } else {
        Ok(0)
    }
}

/// `FUTEX_WAKE`: wakes up to `n` waiters on `uaddr` of `mem` whose bitset
/// meets `bitset`; returns how many.
pub fn wake_bitset(mem: &MemRef, uaddr: u64, n: usize, bitset: u32) -> usize {
    let k = key(mem, uaddr);
    let mut woke = Vec::new();
    {
        let mut w = WAITERS.lock();
        for x in w.iter_mut() {
            if woke.len() >= n {
                break;
            }
            if x.key == k && !x.woken && x.bitset & bitset != 0 {
                x.woken = true;
                woke.push(x.thread.clone());
            }
        }
    }
    for t in &woke {
        sched::wake(t);
    }
    woke.len()
}

/// `FUTEX_WAKE` with every bit.
pub fn wake(mem: &MemRef, uaddr: u64, n: usize) -> usize {
    wake_bitset(mem, uaddr, n, u32::MAX)
}

/// `FUTEX_REQUEUE`: wakes `n` waiters, moves up to `m` more to `uaddr2`.
pub fn requeue(mem: &MemRef, uaddr: u64, n: usize, m: usize, uaddr2: u64) -> usize {
    let woke = wake(mem, uaddr, n);
    let (k1, k2) = (key(mem, uaddr), key(mem, uaddr2));
    let mut moved = 0;
    for x in WAITERS.lock().iter_mut() {
        if moved >= m {
            break;
        }
        if x.key == k1 && !x.woken {
            x.key = k2;
            moved += 1;
        }
    }
    woke + moved
}

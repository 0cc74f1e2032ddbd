//! Futexes: threads sleep on a 32-bit word until a `FUTEX_WAKE` on the
//! same word, a timeout or a signal. As on Linux, a futex is named by its
//! address space and user address, except a shared (non-PRIVATE) futex in
//! a `MAP_SHARED` area, which is named by its physical address so that
//! processes mapping the same frames meet there.
use super::thread::Thread;
use super::{current_process, sched, MemRef};
use alloc::sync::Arc;
use alloc::vec::Vec;
use linux_abi::Errno;
use spin::Mutex;

/// (address space, user address), or ([`PHYSICAL`], physical address).
pub type Key = (usize, u64);

/// Marks a key by physical address.
const PHYSICAL: usize = usize::MAX;

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

/// The key of the futex at `uaddr` in the current process; `shared` for
/// an operation without FUTEX_PRIVATE_FLAG.
pub fn key_for(uaddr: u64, shared: bool) -> Result<Key, Errno> {
    let p = current_process().ok_or(Errno::EINVAL)?;
    let mem = p.mem();
    if shared {
        let g = mem.lock();
        let m = g.as_ref().ok_or(Errno::EFAULT)?;
        if m.space.vmas().find(uaddr).is_some_and(|v| v.shared) {
            let frame =
                crate::mm::user::with_mm(|mm| m.space.translate(mm, uaddr, vm::Access::Read))
                    .map_err(|_| Errno::EFAULT)?;
            return Ok((PHYSICAL, frame.start_address().as_u64() + uaddr % 4096));
        }
    }
    Ok(key(&mem, uaddr))
}

/// `FUTEX_WAIT`: sleeps while `*uaddr == val`, until woken, `deadline`
/// (`uptime_ns`) or a signal (a restart code).
pub fn wait(
    uaddr: u64,
    shared: bool,
    val: u32,
    deadline: Option<u64>,
    bitset: u32,
) -> Result<u64, Errno> {
    if !uaddr.is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    if bitset == 0 {
        return Err(Errno::EINVAL);
    }
    let mut word = [0u8; 4];
    super::uaccess::copy_from_user(uaddr, &mut word)?;
    if u32::from_le_bytes(word) != val {
        return Err(Errno::EAGAIN);
    }
    let k = key_for(uaddr, shared)?;
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

/// `FUTEX_WAKE`: wakes up to `n` waiters on futex `k` whose bitset meets
/// `bitset`; returns how many.
pub fn wake_bitset(k: Key, n: usize, bitset: u32) -> usize {
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

/// The private futex at `uaddr` of `mem` (the clear-child-tid wake-up of
/// a private mapping).
pub fn wake(mem: &MemRef, uaddr: u64, n: usize) -> usize {
    wake_bitset(key(mem, uaddr), n, u32::MAX)
}

/// `FUTEX_REQUEUE`: wakes `n` waiters of `k1`, moves up to `m` more to `k2`.
pub fn requeue(k1: Key, n: usize, m: usize, k2: Key) -> usize {
    let woke = wake_bitset(k1, n, u32::MAX);
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

//! Pipes: a bounded byte buffer with reader and writer counts.
use crate::proc::sched::WaitQueue;
use alloc::collections::VecDeque;
use core::sync::atomic::{AtomicUsize, Ordering};
use linux_abi::Errno;
use spin::Mutex;

/// Bytes a pipe holds before writers block (Linux's default).
pub const PIPE_CAPACITY: usize = 65536;
/// The most an unprivileged `F_SETPIPE_SZ` may ask for (Linux's
/// `/proc/sys/fs/pipe-max-size` default).
pub const PIPE_MAX_SIZE: usize = 1 << 20;

/// A pipe shared by its read and write ends.
#[derive(Debug, Default)]
pub struct Pipe {
    buf: Mutex<VecDeque<u8>>,
    /// Open read ends.
    pub readers: AtomicUsize,
    /// Open write ends.
    pub writers: AtomicUsize,
    /// Bytes it holds before writers block (`F_SETPIPE_SZ`).
    capacity: AtomicUsize,
    waiters: WaitQueue,
}

impl Pipe {
    /// A pipe with one reader and one writer.
    pub fn new() -> Pipe {
        Pipe {
            buf: Mutex::new(VecDeque::new()),
            readers: AtomicUsize::new(1),
            writers: AtomicUsize::new(1),
            capacity: AtomicUsize::new(PIPE_CAPACITY),
            waiters: WaitQueue::new(),
        }
    }

    /// Bytes it holds before writers block (`F_GETPIPE_SZ`).
    pub fn capacity(&self) -> usize {
        self.capacity.load(Ordering::Relaxed)
    }

    /// `F_SETPIPE_SZ`: the size rounded up to a power of two of at least a
    /// page, as Linux does; EINVAL beyond 2 GiB, EPERM beyond
    /// [`PIPE_MAX_SIZE`] unless `privileged`, EBUSY when more bytes wait
    /// than the new size holds. Returns the size set.
    pub fn set_capacity(&self, size: u64, privileged: bool) -> Result<usize, Errno> {
        if size > 1 << 31 {
            return Err(Errno::EINVAL);
        }
        let size = (size as usize).max(4096).next_power_of_two();
        if size > PIPE_MAX_SIZE && !privileged {
            return Err(Errno::EPERM);
        }
        let b = self.buf.lock();
        if b.len() > size {
            return Err(Errno::EBUSY);
        }
        self.capacity.store(size, Ordering::Relaxed);
        drop(b);
        self.waiters.wake_all(); // a bigger pipe has room for blocked writers
        Ok(size)
    }

    /// Reads available bytes; blocks while empty and writers remain.
    pub fn read(&self, out: &mut [u8], nonblock: bool) -> Result<usize, Errno> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            {
                let mut b = self.buf.lock();
                if !b.is_empty() {
                    let n = out.len().min(b.len());
                    for (o, v) in out.iter_mut().zip(b.drain(..n)) {
                        *o = v;
                    }
                    drop(b);
                    self.waiters.wake_all();
                    return Ok(n);
                }
            }
            if self.writers.load(Ordering::Relaxed) == 0 {
                return Ok(0);
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            self.waiters.wait();
            if crate::proc::current_has_fatal_signal() {
                return Err(crate::proc::signal::restart_sys());
            }
        }
    }

    /// Writes all of `data`, blocking while full; EPIPE without readers.
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<usize, Errno> {
        let mut done = 0;
        while done < data.len() {
            if self.readers.load(Ordering::Relaxed) == 0 {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err(Errno::EPIPE)
                };
            }
            let n = {
                let mut b = self.buf.lock();
                let n = self
                    .capacity()
                    .saturating_sub(b.len())
                    .min(data.len() - done);
                b.extend(&data[done..done + n]);
                n
            };
            if n > 0 {
                done += n;
                self.waiters.wake_all();
                continue;
            }
            if nonblock {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err(Errno::EAGAIN)
                };
            }
            self.waiters.wait();
            if crate::proc::current_has_fatal_signal() {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err(crate::proc::signal::restart_sys())
                };
            }
        }
        Ok(done)
    }

    /// Bytes waiting.
    pub fn len(&self) -> usize {
        self.buf.lock().len()
    }

    /// Whether no bytes wait.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a write would not block.
    pub fn has_room(&self) -> bool {
        self.len() < self.capacity()
    }

    /// Drops one end and wakes the other side.
    pub fn close_end(&self, writer: bool) {
        let c = if writer { &self.writers } else { &self.readers };
        c.fetch_sub(1, Ordering::Relaxed);
        self.waiters.wake_all();
    }
}

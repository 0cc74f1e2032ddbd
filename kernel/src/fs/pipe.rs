//! Pipes: a bounded byte buffer with reader and writer counts.
use crate::proc::sched::WaitQueue;
use alloc::collections::VecDeque;
use core::sync::atomic::{AtomicUsize, Ordering};
use linux_abi::Errno;
use spin::Mutex;

/// Bytes a pipe holds before writers block (Linux's default).
pub const PIPE_CAPACITY: usize = 65536;

/// A pipe shared by its read and write ends.
#[derive(Debug, Default)]
pub struct Pipe {
    buf: Mutex<VecDeque<u8>>,
    /// Open read ends.
    pub readers: AtomicUsize,
    /// Open write ends.
    pub writers: AtomicUsize,
    waiters: WaitQueue,
}

impl Pipe {
    /// A pipe with one reader and one writer.
    pub fn new() -> Pipe {
        Pipe {
            buf: Mutex::new(VecDeque::new()),
            readers: AtomicUsize::new(1),
            writers: AtomicUsize::new(1),
            waiters: WaitQueue::new(),
        }
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
                let n = (PIPE_CAPACITY - b.len()).min(data.len() - done);
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
        self.len() < PIPE_CAPACITY
    }

    /// Drops one end and wakes the other side.
    pub fn close_end(&self, writer: bool) {
        let c = if writer { &self.writers } else { &self.readers };
        c.fetch_sub(1, Ordering::Relaxed);
        self.waiters.wake_all();
    }
}

//! The kernel log buffer `syslog(2)` reads (what `dmesg` prints): the last
//! [`SIZE`] bytes of kernel messages in Linux's record format,
//! `<level>[seconds.micros] message\n`. A fixed ring, so recording never
//! allocates (messages come from out-of-memory paths too); the oldest
//! bytes are overwritten, and a reader starting mid-record skips to the
//! next whole line.
use core::fmt::{self, Write};
use spin::Mutex;

/// Bytes kept (Linux's default `log_buf_len` is 128 KiB; ours is a test
/// kernel's).
pub const SIZE: usize = 64 << 10;

struct Ring {
    bytes: [u8; SIZE],
    /// Total bytes ever written (the write position is `written % SIZE`).
    written: u64,
    /// `written` when the buffer was last cleared: where reads of
    /// everything kept start.
    cleared: u64,
    /// How far destructive reads (`SYSLOG_ACTION_READ`) have got.
    read: u64,
}

/// Which reader a read is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Everything kept since the last clear (`READ_ALL`, `READ_CLEAR`).
    All,
    /// What the destructive reader has not read yet (`READ`).
    Unread,
}

static RING: Mutex<Ring> = Mutex::new(Ring {
    bytes: [0; SIZE],
    written: 0,
    cleared: 0,
    read: 0,
});

impl Write for Ring {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            let at = (self.written % SIZE as u64) as usize;
            self.bytes[at] = b;
            self.written += 1;
        }
        Ok(())
    }
}

/// Appends one message.
pub fn record(level: u8, args: fmt::Arguments<'_>) {
    let us = crate::time::uptime_ns() / 1000;
    let mut ring = RING.lock();
    let _ = write!(
        ring,
        "<{level}>[{:>5}.{:06}] {args}\n",
        us / 1_000_000,
        us % 1_000_000
    );
}

impl Ring {
    fn oldest(&self) -> u64 {
        self.written.saturating_sub(SIZE as u64)
    }
}

/// Bytes the destructive reader has not read (`SYSLOG_ACTION_SIZE_UNREAD`).
pub fn unread() -> usize {
    let ring = RING.lock();
    (ring.written - ring.read.max(ring.oldest())) as usize
}

/// Copies records into `out` (oldest first) and returns the byte count:
/// for [`Reader::All`] the newest that fit (a partial record at the start
/// dropped), for [`Reader::Unread`] the oldest unread whole records, which
/// are then read.
pub fn read_into(out: &mut [u8], reader: Reader) -> usize {
    let mut ring = RING.lock();
    let oldest = ring.oldest();
    let (start, take) = match reader {
        Reader::All => {
            let kept = ring.written - ring.cleared.max(oldest);
            let take = kept.min(out.len() as u64);
            (ring.written - take, take)
        }
        Reader::Unread => {
            let from = ring.read.max(oldest);
            (from, (ring.written - from).min(out.len() as u64))
        }
    };
    // Whole records only for the reader that moves on: end the read after
    // its last complete record, so its cursor stays on a record boundary
    // (a record longer than the whole buffer still comes out, cut).
    let take = if reader == Reader::Unread && start + take < ring.written {
        (0..take)
            .rev()
            .find(|&i| ring.bytes[((start + i) % SIZE as u64) as usize] == b'\n')
            .map_or(take, |nl| nl + 1)
    } else {
        take
    };
    for (i, slot) in out.iter_mut().take(take as usize).enumerate() {
        *slot = ring.bytes[((start + i as u64) % SIZE as u64) as usize];
    }
    // Start at a record boundary: the read begins at one when the byte
    // before it is a newline or is not kept (cleared, or never written);
    // a byte overwritten by the ring's wrap leaves it unknown, so the
    // first line is dropped then too.
    let at_boundary = match start.checked_sub(1) {
        None => true,
        Some(_) if start == ring.cleared || start == ring.read => true,
        Some(prev) if prev >= oldest => ring.bytes[(prev % SIZE as u64) as usize] == b'\n',
        Some(_) => false,
    };
    let mut n = take as usize;
    if !at_boundary {
        let skip = out[..n]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(n, |nl| nl + 1);
        out.copy_within(skip..n, 0);
        n -= skip;
    }
    if reader == Reader::Unread {
        ring.read = start + take;
    }
    n
}

/// Forgets everything kept (`SYSLOG_ACTION_CLEAR`).
pub fn clear() {
    let mut ring = RING.lock();
    ring.cleared = ring.written;
}

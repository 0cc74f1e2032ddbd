//! `/dev/console`: the serial port with a small line discipline (canonical
//! mode with echo, erase, kill and EOF; raw mode when ICANON is off).
//! Ctrl-C discards the pending line and interrupts the foreground process
//! (SIGINT).
use crate::proc::sched::WaitQueue;
use alloc::collections::VecDeque;
use linux_abi::termios::{Termios, Winsize, ECHO, ICANON, ICRNL, VEOF, VERASE, VINTR, VKILL};
use spin::Mutex;

/// Most bytes of input kept (line being edited plus lines ready), as
/// Linux's N_TTY buffer; further input is dropped until a reader drains it.
const MAX_INPUT: usize = 4096;

struct Tty {
    termios: Termios,
    /// Bytes of the line being edited (canonical mode).
    line: VecDeque<u8>,
    /// Bytes ready for `read`.
    ready: VecDeque<u8>,
    /// Pending end-of-file marks (Ctrl-D on an empty line).
    eof: usize,
}

static TTY: Mutex<Option<Tty>> = Mutex::new(None);
static READERS: WaitQueue = WaitQueue::new();

fn with_tty<R>(f: impl FnOnce(&mut Tty) -> R) -> R {
    let mut g = TTY.lock();
    let t = g.get_or_insert_with(|| Tty {
        termios: Termios::linux_default(),
        line: VecDeque::new(),
        ready: VecDeque::new(),
        eof: 0,
    });
    f(t)
}

fn echo(bytes: &[u8]) {
    crate::arch::serial::write_bytes(bytes);
}

/// Feeds one received byte through the line discipline (IRQ context).
pub fn input_byte(mut b: u8) {
    with_tty(|t| {
        let tio = t.termios;
        let full = t.line.len() + t.ready.len() >= MAX_INPUT;
        if b == b'\r' && tio.c_iflag & ICRNL != 0 {
            b = b'\n';
        }
        let echo_on = tio.c_lflag & ECHO != 0;
        if tio.c_lflag & ICANON == 0 {
            if full {
                return;
            }
            t.ready.push_back(b);
            if echo_on {
                echo(&[b]);
            }
            return;
        }
        if b == tio.c_cc[VINTR] {
            t.line.clear();
            echo(b"^C\n");
            crate::proc::interrupt_foreground();
        } else if b == tio.c_cc[VERASE] || b == 0x08 {
            if t.line.pop_back().is_some() && echo_on {
                echo(b"\x08 \x08");
            }
        } else if b == tio.c_cc[VKILL] {
            while t.line.pop_back().is_some() {
                if echo_on {
                    echo(b"\x08 \x08");
                }
            }
        } else if b == tio.c_cc[VEOF] {
            if t.line.is_empty() {
                t.eof += 1;
            } else {
                let line: VecDeque<u8> = core::mem::take(&mut t.line);
                t.ready.extend(line);
            }
        } else if !full || b == b'\n' {
            t.line.push_back(b);
            if echo_on {
                echo(&[b]);
            }
            if b == b'\n' {
                let line: VecDeque<u8> = core::mem::take(&mut t.line);
                t.ready.extend(line);
            }
        }
    });
    READERS.wake_all();
}

/// Reads what is ready, blocking until at least a byte (or EOF) is there.
/// `nonblock` gives EAGAIN instead of blocking.
pub fn read(buf: &mut [u8], nonblock: bool) -> Result<usize, linux_abi::Errno> {
    if buf.is_empty() {
        return Ok(0);
    }
    loop {
        let got = with_tty(|t| {
            if !t.ready.is_empty() {
                let canon = t.termios.c_lflag & ICANON != 0;
                let mut n = 0;
                while n < buf.len() {
                    let Some(b) = t.ready.pop_front() else { break };
                    buf[n] = b;
                    n += 1;
                    if canon && b == b'\n' {
                        break;
                    }
                }
                Some(n)
            } else if t.eof > 0 {
                t.eof -= 1;
                Some(0)
            } else {
                None
            }
        });
        if let Some(n) = got {
            return Ok(n);
        }
        if nonblock {
            return Err(linux_abi::Errno::EAGAIN);
        }
        READERS.wait();
        if crate::proc::current_has_fatal_signal() {
            return Err(linux_abi::Errno::EINTR);
        }
    }
}

/// Whether a read would not block.
pub fn readable() -> bool {
    with_tty(|t| !t.ready.is_empty() || t.eof > 0)
}

/// Writes to the serial port (output processing: `\n` to `\r\n`).
pub fn write(data: &[u8]) -> usize {
    crate::arch::serial::write_bytes(data);
    data.len()
}

/// Current terminal settings.
pub fn termios() -> Termios {
    with_tty(|t| t.termios)
}

/// Replaces the terminal settings; `flush` drops pending input (TCSETSF).
pub fn set_termios(tio: Termios, flush: bool) {
    with_tty(|t| {
        t.termios = tio;
        if flush {
            t.ready.clear();
            t.line.clear();
        }
        if tio.c_lflag & ICANON == 0 {
            let line: VecDeque<u8> = core::mem::take(&mut t.line);
            t.ready.extend(line);
        }
    });
}

/// The window size reported by TIOCGWINSZ: a serial line has none, so the
/// classic 80x24.
pub fn winsize() -> Winsize {
    Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

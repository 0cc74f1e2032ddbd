//! The kernel log: leveled messages on the serial console, filtered by the
//! `loglevel=` command-line value (Linux's numbering: a message prints when
//! its level is below the console level).
use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU8, Ordering};

/// Something is broken.
pub const ERR: u8 = 3;
/// Something is suspicious.
pub const WARN: u8 = 4;
/// Normal but noteworthy.
pub const NOTICE: u8 = 5;
/// Progress information.
pub const INFO: u8 = 6;
/// Debugging detail.
pub const DEBUG: u8 = 7;

static CONSOLE_LEVEL: AtomicU8 = AtomicU8::new(NOTICE + 1);

/// Sets the console level (from `loglevel=`).
pub fn set_level(level: u8) {
    CONSOLE_LEVEL.store(level, Ordering::Relaxed);
}

/// Whether a message of `level` would be printed.
pub fn enabled(level: u8) -> bool {
    level < CONSOLE_LEVEL.load(Ordering::Relaxed)
}

struct Serial;

impl Write for Serial {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        crate::arch::serial::write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Prints unconditionally (panics, test results).
pub fn print(args: fmt::Arguments<'_>) {
    let _ = Serial.write_fmt(args);
}

/// Prints `args` prefixed with the level tag if `level` is enabled, and
/// keeps it in the log buffer that `syslog(2)` (`dmesg`) reads (every
/// level up to info, debug too when it prints).
pub fn log(level: u8, args: fmt::Arguments<'_>) {
    if level <= INFO || enabled(level) {
        super::log_buffer::record(level, args);
    }
    if enabled(level) {
        let tag = match level {
            0..=ERR => "error",
            WARN => "warn",
            NOTICE => "notice",
            INFO => "info",
            _ => "debug",
        };
        let ms = crate::time::uptime_ns() / 1_000_000;
        print(format_args!(
            "[{:>5}.{:03}] {tag}: {args}\n",
            ms / 1000,
            ms % 1000
        ));
    }
}

/// Prints to the console unconditionally.
#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => { $crate::log::print(format_args!($($arg)*)) };
}

/// Prints a line to the console unconditionally.
#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => { $crate::log::print(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Logs at error level.
#[macro_export]
macro_rules! error { ($($arg:tt)*) => { $crate::log::log($crate::log::ERR, format_args!($($arg)*)) }; }
/// Logs at warning level.
#[macro_export]
macro_rules! warn { ($($arg:tt)*) => { $crate::log::log($crate::log::WARN, format_args!($($arg)*)) }; }
/// Logs at notice level.
#[macro_export]
macro_rules! notice { ($($arg:tt)*) => { $crate::log::log($crate::log::NOTICE, format_args!($($arg)*)) }; }
/// Logs at info level.
#[macro_export]
macro_rules! info { ($($arg:tt)*) => { $crate::log::log($crate::log::INFO, format_args!($($arg)*)) }; }
/// Logs at debug level.
#[macro_export]
macro_rules! debug { ($($arg:tt)*) => { $crate::log::log($crate::log::DEBUG, format_args!($($arg)*)) }; }

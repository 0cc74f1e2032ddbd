//! The kernel command line: `init=`, `loglevel=`, `fork=`, `runtests=` and
//! the words after them that become init's arguments (after `--`). The
//! line is split into words by the host-tested `cmdline` crate, with
//! Linux's double-quote rules (`"a b"` and `name="a b"`).
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Parsed command line.
#[derive(Debug, Default, Clone)]
pub struct Cmdline {
    /// Program to run as init (`init=`).
    pub init: Option<String>,
    /// Extra arguments for init (words after `--`).
    pub init_args: Vec<String>,
    /// Console log level (`loglevel=`).
    pub loglevel: Option<u8>,
    /// Fork strategy for the next issue (`fork=`), stored as given.
    pub fork: Option<String>,
    /// Test manifest to run (`runtests=`).
    pub runtests: Option<String>,
    /// `probe`: print a marker and power off (the KVM probe).
    pub probe: bool,
    /// `faulttest`: fault in kernel mode on purpose, to test the fault
    /// report (registers, address, backtrace, failure exit code).
    pub faulttest: bool,
    /// `stacktest`: overflow a kernel stack on purpose, to test the guard
    /// page and the double-fault report.
    pub stacktest: bool,
    /// `fail_promotion=N`: fault injection (as Linux's `fail_page_alloc`)
    /// for the test of the out-of-memory path: the first N hybrid
    /// promotions find no free frame.
    pub fail_promotion: u32,
    /// `promote=classic|ondemand`: what a promoted hybrid child becomes
    /// (default on-demand: promotion then costs what an on-demand fork
    /// costs); stored as given.
    pub promote: Option<String>,
    /// The whole line as given (`/proc/cmdline`).
    pub raw: String,
    /// Words the kernel did not recognise (passed to init's environment
    /// as Linux does with `name=value` words).
    pub unknown: Vec<String>,
}

impl Cmdline {
    /// Parses a command line.
    pub fn parse(s: &str) -> Self {
        let line = cmdline::Line::parse(s);
        let mut c = Cmdline {
            raw: s.trim().to_string(),
            init_args: line.init_args,
            ..Cmdline::default()
        };
        for w in line.kernel {
            match w.split_once('=') {
                Some(("init", v)) => c.init = Some(v.to_string()),
                Some(("loglevel", v)) => c.loglevel = v.parse().ok(),
                Some(("fork", v)) => c.fork = Some(v.to_string()),
                Some(("runtests", v)) => c.runtests = Some(v.to_string()),
                Some(("fail_promotion", v)) => c.fail_promotion = v.parse().unwrap_or(0),
                Some(("promote", v)) => c.promote = Some(v.to_string()),
                None if w == "probe" => c.probe = true,
                None if w == "faulttest" => c.faulttest = true,
                None if w == "stacktest" => c.stacktest = true,
                _ => c.unknown.push(w),
            }
        }
        c
    }
}

//! Helpers shared by the process tests: a checker that prints one line per
//! check and exits with the verdict, command-line parameters, and (in
//! [`sys`]) safe wrappers over fork, wait4, pipes, signals and clocks.
//!
//! Every program is an ordinary static Linux binary. `scripts/test-proc-on-linux.sh`
//! runs them on the host Linux first, so every expectation is Linux's own
//! before the kernel is held to it.
//!
//! ```no_run
//! let mut c = proc_tests::Checker::new("example");
//! c.check("two is even", 2 % 2 == 0);
//! c.finish();
//! ```
#![deny(unsafe_op_in_unsafe_fn)]

pub mod courier;
pub mod mapping;
pub mod sys;

pub use mapping::Mapping;

use std::fmt::Display;
use std::str::FromStr;

/// Counts checks and failures; every check prints one line.
///
/// Check lines are indented so that the kernel runner's own unindented
/// `ok`/`FAIL` lines (one per program) stay the only ones a harness greps.
#[derive(Debug)]
pub struct Checker {
    program: &'static str,
    checks: u32,
    failures: u32,
}

impl Checker {
    pub fn new(program: &'static str) -> Self {
        Checker {
            program,
            checks: 0,
            failures: 0,
        }
    }

    /// A boolean check with a description of what should hold.
    pub fn check(&mut self, what: impl Display, ok: bool) -> bool {
        self.checks += 1;
        if ok {
            println!("  ok   {what}");
        } else {
            self.failures += 1;
            println!("  FAIL {what}");
        }
        ok
    }

    /// Two values that must be equal.
    pub fn equal<T: PartialEq + std::fmt::Debug>(
        &mut self,
        what: impl Display,
        got: T,
        want: T,
    ) -> bool {
        if got == want {
            self.check(format_args!("{what} = {got:?}"), true)
        } else {
            self.check(format_args!("{what}: got {got:?}, want {want:?}"), false)
        }
    }

    /// Prints an informational line that is not a check.
    pub fn note(&self, what: impl Display) {
        println!("  note {what}");
    }

    /// Whether every check so far passed.
    pub fn all_passed(&self) -> bool {
        self.failures == 0
    }

    /// Prints the summary and exits: 0 if every check passed, else 1.
    pub fn finish(self) -> ! {
        println!(
            "{}: {} checks, {} failed",
            self.program, self.checks, self.failures
        );
        std::process::exit(if self.failures == 0 { 0 } else { 1 })
    }
}

/// The program's command-line arguments after `argv[0]`.
#[derive(Debug)]
pub struct Args {
    words: Vec<String>,
}

impl Args {
    pub fn from_env() -> Self {
        Args {
            words: std::env::args().skip(1).collect(),
        }
    }

    /// Whether the bare flag `--name` is present.
    pub fn flag(&self, name: &str) -> bool {
        self.words.iter().any(|w| w == name)
    }

    /// The value after `--name`, parsed, or `default` when absent. A value
    /// that does not parse ends the program with a message (exit 2).
    pub fn value<T: FromStr>(&self, name: &str, default: T) -> T {
        match self.words.iter().position(|w| w == name) {
            None => default,
            Some(i) => match self.words.get(i + 1).map(|v| v.parse()) {
                Some(Ok(v)) => v,
                _ => usage(&format!("{name} needs a valid value")),
            },
        }
    }

    /// Every value given after each occurrence of `--name`.
    pub fn values(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut it = self.words.iter();
        while let Some(w) = it.next() {
            if w == name {
                match it.next() {
                    Some(v) => out.push(v.clone()),
                    None => usage(&format!("{name} needs a value")),
                }
            }
        }
        out
    }
}

/// Ends the program with a usage error (exit status 2).
pub fn usage(msg: &str) -> ! {
    eprintln!("usage error: {msg}");
    std::process::exit(2)
}

/// The path of a sibling program: the directory of `argv[0]` joined with
/// `name`. The manifest runs every test by its absolute path (so `argv[0]` is
/// `/bin/<test>` in the initramfs and `build/.../bin/<test>` on the host).
pub fn sibling(name: &str) -> String {
    let argv0 = std::env::args().next().unwrap_or_default();
    match argv0.rfind('/') {
        Some(i) => format!("{}/{name}", &argv0[..i]),
        None => format!("./{name}"),
    }
}

/// The fill byte for round `round` of a test that writes patterns:
/// never zero, so a page that reads back as zero fill is always caught.
pub fn pattern(round: usize, salt: u8) -> u8 {
    ((round * 131 + salt as usize) % 255 + 1) as u8
}

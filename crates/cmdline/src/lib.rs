//! Splits a kernel command line into words the way Linux's `next_arg()`
//! (lib/cmdline.c) does, so a line that boots Linux means the same here:
//!
//! - words are separated by ASCII whitespace;
//! - a double quote toggles quoting, and whitespace inside quotes belongs
//!   to the word: `"a b"` is one word;
//! - a quote that opens the word, or opens the value of a `name=value`
//!   word, is removed together with a quote that ends the word:
//!   `"a b"` gives `a b`, `name="a b"` gives `name=a b`; quotes elsewhere
//!   (`a"b c"d`) stay, as on Linux;
//! - `--` ends the kernel's words: every word after it is an argument for
//!   init (Linux stops again at a second `--`; here later ones are
//!   arguments like any other).
//!
//! Linux has no way to put a double quote inside a quoted word. This
//! parser adds one, so that any argument survives the trip: inside quotes,
//! `\"` is a literal quote and `\\` a literal backslash. A backslash
//! anywhere else is an ordinary character, as on Linux. [`quote`] is the
//! inverse: it turns any string into one word.
//!
//! ```
//! let line = cmdline::Line::parse(r#"init=/bin/sh loglevel=4 -- -c "echo \"a b\" | wc -l" """#);
//! assert_eq!(line.kernel, ["init=/bin/sh", "loglevel=4"]);
//! assert_eq!(line.init_args, ["-c", r#"echo "a b" | wc -l"#, ""]);
//! assert_eq!(cmdline::split(&cmdline::quote("a \"b\" \\ $c")), ["a \"b\" \\ $c"]);
//! ```
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

/// A command line split at its first `--`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    /// The words before `--`, quotes removed: options for the kernel.
    pub kernel: Vec<String>,
    /// The words after `--`, quotes removed: init's arguments.
    pub init_args: Vec<String>,
}

impl Line {
    /// Splits `s` into kernel words and init arguments. A `--` counts
    /// whether quoted or not, as on Linux.
    pub fn parse(s: &str) -> Line {
        let mut line = Line::default();
        let mut words = Words::new(s);
        for w in words.by_ref() {
            if w == "--" {
                break;
            }
            line.kernel.push(w);
        }
        line.init_args = words.collect();
        line
    }
}

/// Every word of `s`, quotes removed (no special meaning for `--`).
pub fn split(s: &str) -> Vec<String> {
    Words::new(s).collect()
}

/// Quotes `arg` as one word that [`split`] gives back unchanged: always
/// inside double quotes (so an empty string and `--` survive), with `"`
/// and `\` escaped.
pub fn quote(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    for c in arg.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Iterator over the words of a command line.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    rest: &'a str,
}

impl<'a> Words<'a> {
    /// The words of `s`.
    pub fn new(s: &'a str) -> Self {
        Words { rest: s }
    }
}

/// One character of a word and whether it is a quote that toggled
/// quoting (one Linux may remove) rather than a literal one.
#[derive(Clone, Copy)]
struct Piece {
    c: char,
    toggles: bool,
}

impl Iterator for Words<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        self.rest = self
            .rest
            .trim_start_matches(|c: char| c.is_ascii_whitespace());
        if self.rest.is_empty() {
            return None;
        }
        let mut pieces: Vec<Piece> = Vec::new();
        let mut in_quote = false;
        let mut chars = self.rest.char_indices().peekable();
        let mut end = self.rest.len();
        while let Some((i, c)) = chars.next() {
            if c.is_ascii_whitespace() && !in_quote {
                end = i;
                break;
            }
            if in_quote && c == '\\' {
                if let Some(&(_, n @ ('"' | '\\'))) = chars.peek() {
                    chars.next();
                    pieces.push(Piece {
                        c: n,
                        toggles: false,
                    });
                    continue;
                }
            }
            let toggles = c == '"';
            if toggles {
                in_quote = !in_quote;
            }
            pieces.push(Piece { c, toggles });
        }
        self.rest = &self.rest[end..];
        Some(strip_quotes(pieces))
    }
}

/// Removes the quotes Linux removes: one opening the word or its value,
/// and then one closing the word.
fn strip_quotes(mut p: Vec<Piece>) -> String {
    let mut quoted = false;
    if p.first().is_some_and(|x| x.toggles) {
        p.remove(0);
        quoted = true;
    }
    if let Some(eq) = p.iter().position(|x| x.c == '=') {
        if p.get(eq + 1).is_some_and(|x| x.toggles) {
            p.remove(eq + 1);
            quoted = true;
        }
    }
    if quoted && p.last().is_some_and(|x| x.toggles) {
        p.pop();
    }
    p.iter().map(|x| x.c).collect()
}

#[cfg(test)]
mod tests;

//! The interpreter line of a `#!` script, read as Linux's binfmt_script
//! reads it: from the first [`BUF_SIZE`] bytes of the file (zero-padded
//! when shorter), the line up to the first newline, leading and trailing
//! spaces and tabs dropped; the interpreter path ends at the first space,
//! tab or NUL; everything after it (leading blanks skipped) is one
//! optional argument, inner spaces included. No newline in the buffer is
//! accepted only when the interpreter path visibly ends inside it (a
//! truncated path would run the wrong program): ENOEXEC otherwise, and for
//! a line with no interpreter at all.
//!
//! ```
//! use linux_abi::script::{parse, Interpreter};
//! let s = parse(b"#! /bin/sh  -e -x \necho hi\n").unwrap().unwrap();
//! assert_eq!(s, Interpreter { path: b"/bin/sh", arg: Some(b"-e -x") });
//! assert_eq!(parse(b"\x7fELF..."), Ok(None));
//! ```
use crate::Errno;

/// Bytes of a file the kernel looks at (Linux's BINPRM_BUF_SIZE).
pub const BUF_SIZE: usize = 256;
/// Interpreters an exec may go through before ELOOP: Linux's exec_binprm
/// allows five scripts in a chain before the final binary.
pub const MAX_DEPTH: usize = 5;

/// What a script asks to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interpreter<'a> {
    /// The interpreter's path (may be empty: the exec then fails ENOENT).
    pub path: &'a [u8],
    /// The optional single argument.
    pub arg: Option<&'a [u8]>,
}

fn spacetab(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The interpreter line of `image`: `Ok(None)` when it does not start
/// with `#!`, ENOEXEC when the line names no (whole) interpreter.
pub fn parse(image: &[u8]) -> Result<Option<Interpreter<'_>>, Errno> {
    if !image.starts_with(b"#!") {
        return Ok(None);
    }
    let mut buf = [0u8; BUF_SIZE];
    let n = image.len().min(BUF_SIZE);
    buf[..n].copy_from_slice(&image[..n]);
    let at = |i: usize| buf[i];
    let buf_end = BUF_SIZE - 1;
    let next_non_spacetab = |from: usize, to: usize| (from..to).find(|&i| !spacetab(at(i)));
    let next_terminator =
        |from: usize, to: usize| (from..to).find(|&i| spacetab(at(i)) || at(i) == 0);
    let mut end = match buf.iter().position(|&b| b == b'\n') {
        Some(nl) => nl,
        None => {
            let first = next_non_spacetab(2, buf_end).ok_or(Errno::ENOEXEC)?;
            next_terminator(first, buf_end).ok_or(Errno::ENOEXEC)?;
            buf_end
        }
    };
    while end > 2 && spacetab(at(end - 1)) {
        end -= 1;
    }
    let name = match next_non_spacetab(2, end) {
        Some(i) if i != end => i,
        _ => return Err(Errno::ENOEXEC),
    };
    let sep = next_terminator(name, end);
    let arg = match sep {
        Some(s) if at(s) != 0 => next_non_spacetab(s, end),
        _ => None,
    };
    // Both are C strings in Linux: each also ends at an earlier NUL.
    let cstr = |from: usize, to: usize| {
        let to = (from..to).find(|&i| at(i) == 0).unwrap_or(to);
        &image[from..to]
    };
    Ok(Some(Interpreter {
        path: cstr(name, sep.unwrap_or(end)),
        arg: arg.map(|a| cstr(a, end)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(image: &[u8]) -> (&[u8], Option<&[u8]>) {
        let s = parse(image).unwrap().unwrap();
        (s.path, s.arg)
    }

    #[test]
    fn interpreter_and_one_argument() {
        assert_eq!(ok(b"#!/bin/sh\n"), (&b"/bin/sh"[..], None));
        assert_eq!(ok(b"#!/bin/sh"), (&b"/bin/sh"[..], None));
        assert_eq!(
            ok(b"#! \t/bin/awk -f\nBEGIN{}"),
            (&b"/bin/awk"[..], Some(&b"-f"[..]))
        );
        assert_eq!(ok(b"#!/x a  b \t\n"), (&b"/x"[..], Some(&b"a  b"[..])));
        assert_eq!(ok(b"#!/x   \n"), (&b"/x"[..], None));
        assert_eq!(ok(b"#!/x\0junk\n"), (&b"/x"[..], None));
    }

    #[test]
    fn not_a_script_or_no_interpreter() {
        assert_eq!(parse(b"\x7fELF"), Ok(None));
        assert_eq!(parse(b"#"), Ok(None));
        assert_eq!(parse(b"#!\n"), Err(Errno::ENOEXEC));
        assert_eq!(parse(b"#!   \t \nx"), Err(Errno::ENOEXEC));
    }

    #[test]
    fn long_lines() {
        // No newline in the buffer: fine if the path ends inside it.
        let mut long = b"#!/bin/sh ".to_vec();
        long.resize(400, b'x');
        let (path, arg) = ok(&long);
        assert_eq!(path, b"/bin/sh");
        assert_eq!(arg.unwrap().len(), BUF_SIZE - 1 - 10);
        // A path that runs past the buffer is truncated: refused.
        let mut truncated = b"#!/".to_vec();
        truncated.resize(400, b'p');
        assert_eq!(parse(&truncated), Err(Errno::ENOEXEC));
    }
}

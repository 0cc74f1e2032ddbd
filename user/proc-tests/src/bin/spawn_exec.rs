//! Starting another program four ways from Rust (musl): fork+execve,
//! posix_spawn (musl: clone(CLONE_VM|CLONE_VFORK)), std::process::Command,
//! and each one's failure for a missing program. The program started is
//! `exit_with` (beside this one), asked for exit codes 0, 1, 42, 255 and
//! deaths by SIGTERM, SIGKILL, SIGSEGV, SIGABRT; the wait4 status word must
//! be exactly Linux's: `code << 8` for an exit, the signal number in the
//! low 7 bits for a death (the core-dump bit 0x80 is ignored).
//! (vfork+execve is in the C program spawn.c: Rust cannot call vfork.)
//!
//! Usage: spawn_exec
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::{sibling, Checker};
use std::ffi::CString;
use std::os::unix::process::ExitStatusExt;

/// (arguments to exit_with, expected outcome)
const CASES: [(&[&str], Status); 8] = [
    (&["0"], Status::Exited(0)),
    (&["1"], Status::Exited(1)),
    (&["42"], Status::Exited(42)),
    (&["255"], Status::Exited(255)),
    (&["sig", "15"], Status::Signaled(libc::SIGTERM)),
    (&["sig", "9"], Status::Signaled(libc::SIGKILL)),
    (&["sig", "11"], Status::Signaled(libc::SIGSEGV)),
    (&["sig", "6"], Status::Signaled(libc::SIGABRT)),
];

/// argv as C strings plus the null-terminated pointer array execve wants.
struct Argv {
    _strings: Vec<CString>,
    ptrs: Vec<*const libc::c_char>,
}

fn argv(path: &str, args: &[&str]) -> Argv {
    let strings: Vec<CString> = std::iter::once(path)
        .chain(args.iter().copied())
        .map(|s| CString::new(s).expect("no NUL in arguments"))
        .collect();
    let mut ptrs: Vec<_> = strings.iter().map(|s| s.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    Argv {
        _strings: strings,
        ptrs,
    }
}

/// The raw wait4 word Linux produces for `want`.
fn raw_matches(raw: i32, want: Status) -> bool {
    match want {
        Status::Exited(code) => raw == code << 8,
        Status::Signaled(sig) => raw & !0x80 == sig,
        Status::Other(_) => false,
    }
}

fn fork_exec(path: &str, args: &[&str]) -> Result<i32, i32> {
    let a = argv(path, args);
    let env: [*const libc::c_char; 1] = [std::ptr::null()];
    let pid = sys::spawn_child(|| {
        // SAFETY: path and argv are NUL-terminated strings in arrays ending
        // with a null pointer, alive until execve replaces this image.
        unsafe { libc::execve(a.ptrs[0], a.ptrs.as_ptr(), env.as_ptr()) };
        127
    })?;
    sys::wait4_raw(pid, 0).map(|(_, raw)| raw)
}

fn posix_spawn(path: &str, args: &[&str]) -> Result<i32, i32> {
    let a = argv(path, args);
    let env: [*const libc::c_char; 1] = [std::ptr::null()];
    let mut pid = 0;
    // SAFETY: null file actions and attributes are allowed; the strings and
    // pointer arrays are valid and null-terminated for the whole call.
    let err = unsafe {
        libc::posix_spawn(
            &mut pid,
            a.ptrs[0],
            std::ptr::null(),
            std::ptr::null(),
            a.ptrs.as_ptr().cast(),
            env.as_ptr().cast(),
        )
    };
    if err != 0 {
        return Err(err);
    }
    sys::wait4_raw(pid, 0).map(|(_, raw)| raw)
}

fn command(path: &str, args: &[&str]) -> Result<Status, std::io::Error> {
    let st = std::process::Command::new(path).args(args).status()?;
    Ok(match (st.code(), st.signal()) {
        (Some(code), _) => Status::Exited(code),
        (None, Some(sig)) => Status::Signaled(sig),
        _ => Status::Other(st.into_raw()),
    })
}

fn main() {
    let mut c = Checker::new("spawn_exec");
    let helper = sibling("exit_with");
    let missing = sibling("no-such-program");
    for (args, want) in CASES {
        let what = args.join(" ");
        match fork_exec(&helper, args) {
            Ok(raw) => c.check(
                format_args!("fork+execve exit_with {what}: status {raw:#x} is {want:?}"),
                raw_matches(raw, want) && Status::from_raw(raw) == want,
            ),
            Err(e) => c.check(
                format_args!("fork+execve exit_with {what}: errno {e}"),
                false,
            ),
        };
        match posix_spawn(&helper, args) {
            Ok(raw) => c.check(
                format_args!("posix_spawn exit_with {what}: status {raw:#x} is {want:?}"),
                raw_matches(raw, want) && Status::from_raw(raw) == want,
            ),
            Err(e) => c.check(
                format_args!("posix_spawn exit_with {what}: errno {e}"),
                false,
            ),
        };
        match command(&helper, args) {
            Ok(st) => c.equal(format_args!("Command exit_with {what}"), st, want),
            Err(e) => c.check(format_args!("Command exit_with {what}: {e}"), false),
        };
    }
    c.equal(
        "fork+execve of a missing program: child's exit code",
        fork_exec(&missing, &[]).map(Status::from_raw),
        Ok(Status::Exited(127)),
    );
    c.equal(
        "posix_spawn of a missing program",
        posix_spawn(&missing, &[]),
        Err(libc::ENOENT),
    );
    c.equal(
        "Command of a missing program",
        command(&missing, &[]).map_err(|e| e.kind()),
        Err(std::io::ErrorKind::NotFound),
    );
    c.finish();
}

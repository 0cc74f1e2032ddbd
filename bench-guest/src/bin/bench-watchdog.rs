//! `bench-watchdog SECS`: started by `bench-guest --watchdog SECS` with a
//! pipe as stdin, on which the program writes each workload's name as it
//! starts. If no line comes for SECS seconds (guest time: under `-icount`
//! an idle, deadlocked guest's clock jumps from timer to timer, so this
//! costs the host little), it prints a `BENCH_FAIL` line for the workload
//! that hung and SIGKILLs its parent, the benchmark program. End-of-file
//! (the program exited) ends it quietly. Why it exists: src/watchdog.rs.
use std::io::Write;

fn main() {
    let secs: i32 = match std::env::args().nth(1).map(|s| s.parse()) {
        Some(Ok(s)) if s > 0 => s,
        _ => {
            eprintln!("usage: bench-watchdog SECS (stdin: workload names, one a line)");
            std::process::exit(2);
        }
    };
    // SAFETY: getppid has no preconditions.
    let parent = unsafe { libc::getppid() };
    let mut current = String::from("(before the first workload)");
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let mut pfd = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut pfd, 1, secs.saturating_mul(1000)) };
        if r == 0 {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "BENCH_FAIL {current} hung: no progress in {secs} s of guest time, \
                 so the watchdog killed the program"
            );
            let _ = out.flush();
            // SAFETY: kill has no memory preconditions; `parent` is the
            // program that started us (still our parent: it has not exited,
            // or poll would have seen end-of-file).
            unsafe { libc::kill(parent, libc::SIGKILL) };
            std::process::exit(0);
        }
        if r < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            std::process::exit(1);
        }
        let mut buf = [0u8; 256];
        // SAFETY: `buf` is valid for writes of its length.
        let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            std::process::exit(0);
        }
        pending.extend_from_slice(&buf[..n as usize]);
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            current = String::from_utf8_lossy(&pending[..end]).into_owned();
            pending.drain(..=end);
        }
    }
}

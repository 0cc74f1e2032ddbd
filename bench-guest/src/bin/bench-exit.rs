//! The program the exec workloads run: `bench-exit` exits with
//! [`EXIT_CODE`] (the parent checks it, so an exec that silently did not
//! happen is caught); `bench-exit chain N` first execs itself N more times
//! (the `exec_chain` workload). Kept to a bare `main` so that what an exec
//! costs is the kernel's loading, not this program's start-up work.

/// The exit code the benchmark expects from a completed run.
const EXIT_CODE: i32 = 42;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "chain" {
        let left: u32 = args[2].parse().unwrap_or(0);
        if left > 0 {
            let err = exec_self(&args[0], left - 1);
            eprintln!("bench-exit: execve {}: {err}", args[0]);
            std::process::exit(127);
        }
    }
    std::process::exit(EXIT_CODE);
}

/// Execs `path chain left`; returns only on failure.
fn exec_self(path: &str, left: u32) -> std::io::Error {
    use std::os::unix::process::CommandExt;
    std::process::Command::new(path)
        .arg0(path)
        .args(["chain", &left.to_string()])
        .env_clear()
        .exec()
}

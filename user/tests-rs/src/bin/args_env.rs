//! Checks the argument vector and environment the kernel's test runner
//! passes: the manifest line `exit=0 /bin/args_env alpha beta=2 --gamma`
//! and the runner's fixed environment (`HOME=/`, `TERM=vt100`, a `PATH`
//! containing `/bin`; see user/README.md).

use user_tests::Checker;

fn main() {
    let mut c = Checker::new();
    let args: Vec<String> = std::env::args().collect();
    for (i, arg) in args.iter().enumerate() {
        println!("argv[{i}] = {arg:?}");
    }
    for (key, value) in std::env::vars() {
        println!("env {key}={value}");
    }
    c.check(
        "argv[0] names the program",
        args.first().is_some_and(|a| a.ends_with("args_env")),
    );
    c.equal(
        "argv[1..]",
        &args[1.min(args.len())..],
        &["alpha", "beta=2", "--gamma"].map(String::from)[..],
    );
    c.equal("HOME", std::env::var("HOME").ok(), Some("/".to_string()));
    c.equal(
        "TERM",
        std::env::var("TERM").ok(),
        Some("vt100".to_string()),
    );
    let path = std::env::var("PATH").unwrap_or_default();
    c.check(
        format_args!("PATH {path:?} contains /bin"),
        path.split(':').any(|p| p == "/bin"),
    );
    c.finish("args_env")
}

# Task runner. `just --list` shows every recipe.
# Each recipe first runs scripts/deps.sh, which installs what is missing
# (QEMU, musl-tools, the pinned Rust targets) or says exactly what to install.

set shell := ["bash", "-euo", "pipefail", "-c"]

target_dir := env_var_or_default("CARGO_TARGET_DIR", justfile_directory() + "/target")

# List the recipes.
default:
    @{{just_executable()}} --list

# Install or check the tools the other recipes need.
deps:
    scripts/deps.sh

# Every test: host unit/property tests, lints, no_std build, then the QEMU suite.
test: deps test-host test-qemu

# The benchmark program and the vm embedding example build for their own
# targets only, so the workspace clippy does not see them: each has its own
# line. scripts/test-vm-package.sh tests the vm crate as published.

# Host tests and lints (no QEMU): unit/property tests, the packaged vm crate, the no_std example, the report tests.
test-host:
    cargo fmt --all --check
    cargo clippy --all-targets -- -D warnings
    cargo clippy -p bench-guest --target x86_64-unknown-linux-musl -- -D warnings
    cargo build -p forkless-vm --target x86_64-unknown-none
    cargo clippy -p vm-embed-example --target x86_64-unknown-none -- -D warnings
    cargo build -p vm-embed-example --target x86_64-unknown-none --release
    cargo test
    scripts/test-vm-package.sh
    PYTHONDONTWRITEBYTECODE=1 python3 -m unittest discover -s scripts -p 'test_bench_guest*.py'
    scripts/syscall-table.py --check

# About 2.5 minutes; method in docs/benchmarks.md. The report goes to
# target/bench-host/results.json and report.md, and a table is printed.

# Criterion benches of the vm crate's fork strategies beside the host's fork/vfork/posix_spawn.
bench-host:
    cargo bench -p bench-host --bench fork
    cargo run -q -p bench-host --release --bin bench-report

# --- guest benchmarks ---

# Same QEMU and initramfs for both; deterministic (-icount) unless --wall. FLAGS (or
# BENCH_GUEST_FLAGS): --quick, --wall, --runs N, --verify. Writes docs/bench/ and
# docs/benchmarks.md's section (method there).

# Guest benchmarks: bench-guest in stock Linux and in our kernel once per fork= strategy.
bench-guest *FLAGS: deps kernel
    scripts/bench-guest.py --kernel {{kernel_elf}} {{FLAGS}}

# A quick deterministic run into build/bench-guest/ci that fails unless every
# workload ran on Linux, classic, ondemand and hybrid (ghost is best-effort: its
# breakage is reported, not required), every boot of ours reported the fork policy
# asked for, and the report was written; asserts nothing about speed. The report's
# unit tests are in test-host.

# CI step (.ci/run, after `just test`): quick guest benchmark run on both kernels.
test-bench-guest: deps kernel
    scripts/bench-guest.py --kernel {{kernel_elf}} --quick --require-all --out build/bench-guest/ci
    for f in results.json results.md chart.svg; do test -s build/bench-guest/ci/$f; done

# --- kernel and QEMU ---

kernel_elf := target_dir / "x86_64-unknown-none/release/kernel"
initramfs := justfile_directory() / "build/initramfs.cpio"

# Build the kernel ELF (one image: PVH entry for QEMU -kernel, Limine entry for ISOs).
kernel:
    cargo build -p kernel --target x86_64-unknown-none --release

# BOOT=iso boots the Limine ISO from `just iso` instead of PVH; KERNEL_ARGS adds
# kernel words; QEMU_EXTRA_ARGS adds QEMU arguments (as on every boot).

# Boot to a BusyBox shell (init=/bin/sh) on the serial console (Ctrl-A X quits QEMU; KERNEL_ARGS=init=... overrides).
qemu: deps kernel
    scripts/build-initramfs.sh
    if [[ "${BOOT:-pvh}" == iso ]]; then {{just_executable()}} iso; fi
    scripts/qemu-run.sh --interactive --timeout 86400 {{ if env_var_or_default("BOOT", "pvh") == "iso" { "--iso build/kernel.iso" } else { "" } }} {{kernel_elf}} {{initramfs}} loglevel=5 init=/bin/sh ${KERNEL_ARGS:-}

# ARGS reach init unchanged (positional arguments, quoted for the kernel command
# line by scripts/run.sh); a relative BINARY is taken from where just was run.
# The binary is checked first (exists, x86_64 ELF, static: no PT_INTERP), so a
# wrong one fails before anything is built.

# Boot with BINARY (a static x86_64 Linux program) as init, args as given; exit with its code.
[positional-arguments]
[no-exit-message]
run BINARY *ARGS:
    @cd {{quote(invocation_directory())}} && {{quote(justfile_directory())}}/scripts/check-static.py "$1"
    {{just_executable()}} deps kernel
    scripts/build-initramfs.sh
    RUN_CWD={{quote(invocation_directory())}} scripts/run.sh {{kernel_elf}} {{initramfs}} "$@"

# QEMU with its gdb stub on GDB_PORT (default 1234) and stopped (-S), serial output in
# build/gdb/serial.log; gdb loads the kernel's symbols and breaks at the PVH entry
# (pvh_start32, 32-bit code at its physical address) and at pvh_main (first Rust code).

# Boot under gdb: QEMU waits (-S), gdb attached with the kernel's symbols, break at the PVH entry.
gdb: deps kernel
    scripts/build-initramfs.sh
    scripts/qemu-gdb.sh {{kernel_elf}} {{initramfs}} loglevel=5 init=/bin/sh ${KERNEL_ARGS:-}

# The QEMU integration suite (one boot per manifest; final "N passed, N failed" line).
test-qemu: deps kernel
    scripts/build-initramfs.sh
    JUST={{just_executable()}} scripts/test-qemu.sh {{kernel_elf}} {{initramfs}}

# Fuzz the system calls under each fork strategy (FUZZ_CALLS per strategy, default 1000000; FUZZ_SEED).
fuzz: deps kernel
    scripts/build-initramfs.sh
    for f in hybrid classic ondemand; do QEMU_TEST_TIMEOUT=${QEMU_TEST_TIMEOUT:-7200} scripts/test-qemu.sh {{kernel_elf}} {{initramfs}} "fork=$f,FUZZ_SEED=${FUZZ_SEED:-1},FUZZ_CALLS=${FUZZ_CALLS:-1000000}:/ktests/manifest.fuzz"; done

# Bootable BIOS/UEFI ISO with Limine at build/kernel.iso (needs LIMINE_DIR; says how to get it).
iso:
    @scripts/qemu-iso.sh --check
    {{just_executable()}} deps kernel
    scripts/build-initramfs.sh
    scripts/qemu-iso.sh {{kernel_elf}} {{initramfs}} build/kernel.iso loglevel=5 ${KERNEL_ARGS:-}

# Build the user test programs (Rust for x86_64-unknown-linux-musl, C with musl-gcc) into build/user/bin.
user: deps
    scripts/build-user.sh

# Build build/initramfs.cpio: user programs, /tests/manifest and fixtures (format: user/README.md).
initramfs: deps
    scripts/build-initramfs.sh

# Run the user-program suite on the host Linux: proves each expectation is Linux's own.
test-user-linux: deps
    scripts/test-user-on-linux.sh

# Build the process tests (user/proc-tests: Rust, C with musl and glibc, BusyBox scripts) into build/proc-tests.
proc-tests: deps
    scripts/build-proc-tests.sh

# Run the process tests on the host Linux (BusyBox from scripts/fetch-busybox.sh as sh).
test-proc-linux: deps
    scripts/test-proc-on-linux.sh

#!/usr/bin/env bash
# Packages the vm crate (forkless-vm) as `cargo publish` would, then builds
# and tests the unpacked copy outside the workspace, so what a user of the
# published crate gets is what is tested: no workspace inheritance, no
# self dev-dependency (cargo package drops it), the crate's own lock-free
# dependency resolution. Runs `cargo test` (tests needing `host` are
# skipped via required-features) and `cargo test --features host` (all of
# them), plus a no_std build for x86_64-unknown-none.
# Offline: dependencies come from ~/.cargo/registry, which the workspace
# build has already filled; set VM_PACKAGE_ONLINE=1 to let cargo fetch.
# --msrv instead checks the library alone (with and without `host`) with
# the toolchain the manifest's rust-version names (installed by rustup if
# missing; online, since an older cargo may not read a newer one's index
# cache): the tests' dev-dependencies need a newer Rust than the library.
# Usage: scripts/test-vm-package.sh [--msrv]
set -euo pipefail
msrv=
[[ ${1:-} == --msrv ]] && msrv=1
root=$(cd "$(dirname "$0")/.." && pwd)
pkg=forkless-vm
offline=--offline
[[ -n ${VM_PACKAGE_ONLINE:-} ]] && offline=

cd "$root"
# Outside the workspace no rust-toolchain.toml applies: pin the same
# toolchain explicitly (RUSTUP_TOOLCHAIN=1.87.0 tries another, e.g. the
# crate's rust-version).
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
export RUSTUP_TOOLCHAIN=${RUSTUP_TOOLCHAIN:-$toolchain}
version=$(cargo metadata --format-version 1 --no-deps $offline |
    python3 -c "import json,sys; print(next(p['version'] for p in json.load(sys.stdin)['packages'] if p['name']=='$pkg'))")
# --no-verify: the unpacked copy is built and tested below, with more than
# cargo's own verify build does. --allow-dirty: a developer's uncommitted
# work is what they want tested.
cargo package -p "$pkg" --no-verify --allow-dirty $offline --quiet
crate=${CARGO_TARGET_DIR:-$root/target}/package/$pkg-$version.crate

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$crate" -C "$tmp"
dir=$tmp/$pkg-$version
for f in LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md; do
    [[ -s $dir/$f ]] || { echo "test-vm-package: $f missing from the package" >&2; exit 1; }
done
cd "$dir"
# Its own target directory and no rust-toolchain.toml above it: the
# toolchain is whatever the caller's is (the pinned one under just).
# A target directory of its own that outlives the run, so that the
# dependencies are built once, not on every run.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}/vm-package-test
echo "test-vm-package: $pkg $version unpacked in $dir"
if [[ -n $msrv ]]; then
    rv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
    [[ $rv == *.*.* ]] || rv=$rv.0
    rustup toolchain list | grep -q "^$rv-" || rustup toolchain install "$rv" --profile minimal >&2
    export RUSTUP_TOOLCHAIN=$rv
    cargo check --quiet --lib
    cargo check --quiet --lib --features host
    echo "test-vm-package: ok: the library builds with Rust $rv (its rust-version)"
    exit 0
fi
cargo build $offline --quiet --target x86_64-unknown-none
# run NAME CARGO-ARGS...: one test run, its summary lines, the whole log
# when it fails.
run() {
    local name=$1 log=$tmp/$1.log
    shift
    if ! cargo test $offline "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "test-vm-package: cargo test $* failed in the packaged crate" >&2
        exit 1
    fi
    local n
    n=$(grep -c '^test result: ok' "$log" || true)
    echo "test-vm-package: $name: $n test binaries ok, $(grep -o '[0-9]* passed' "$log" | awk '{s+=$1} END {print s+0}') tests passed"
}
run default
run host --features host
echo "test-vm-package: ok"

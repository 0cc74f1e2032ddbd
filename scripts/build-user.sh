#!/usr/bin/env bash
# Builds the user programs the kernel's integration tests run, all static
# x86_64 Linux binaries, into build/user/bin/:
#   - the Rust programs of user/tests-rs (package user-tests, target
#     x86_64-unknown-linux-musl), named after their src/bin/*.rs files;
#   - the C programs user/c/*.c (musl-gcc -static -O2), named c-<file>.
# Usage: scripts/build-user.sh   (honours CARGO_TARGET_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$root/build/user/bin
mkdir -p "$out"

if ! command -v musl-gcc >/dev/null 2>&1; then
    echo "build-user: musl-gcc not found (Debian: apt-get install musl-tools)" >&2
    exit 1
fi

(cd "$root" && cargo build --release -q -p user-tests --target x86_64-unknown-linux-musl)
rust_out=$target_dir/x86_64-unknown-linux-musl/release
for src in "$root"/user/tests-rs/src/bin/*.rs; do
    name=$(basename "$src" .rs)
    install -m 0755 "$rust_out/$name" "$out/$name"
    # The workspace's release profile keeps debug info (for benches); the
    # initramfs does not need it and is ten times smaller without.
    if command -v strip >/dev/null 2>&1; then strip --strip-debug "$out/$name"; fi
done

for src in "$root"/user/c/*.c; do
    name=c-$(basename "$src" .c)
    musl-gcc -static -O2 -Wall -Wextra -Werror -I "$root/user/include" -o "$out/$name" "$src"
done
echo "build-user: $(find "$out" -type f | wc -l) programs in ${out#"$root"/}"

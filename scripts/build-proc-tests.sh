#!/usr/bin/env bash
# Builds the process tests of user/proc-tests (issues 4 and 5), all static
# x86_64 Linux programs, into build/proc-tests/ for the initramfs builder:
#   bin/<name>         the Rust programs (package proc-tests, target
#                      x86_64-unknown-linux-musl), named after src/bin/*.rs;
#   bin/musl-<name>    each c/*.c built with musl-gcc -static -O2;
#   bin/glibc-<name>   each c/*.c built with gcc -static -O2 (glibc's fork
#                      wrapper), unless the file says "build: musl-only";
#   tests/proc/        the BusyBox scripts sh/*.sh, their check.sh, and the
#                      forkstat sample;
#   manifest           the tests for every kernel (Linux included), in the
#                      /tests/manifest format (user/README.md);
#   manifest.{ours,hybrid,ghost,oom}  our-kernel-only fragments (README.md);
#   manifest.linux     host-Linux-only lines (scripts/test-proc-on-linux.sh).
# In the initramfs: bin/* goes to /bin, tests/ to /tests, and the manifest
# lines are appended to /tests/manifest; BusyBox must be /bin/sh with its
# applets in /bin (scripts/fetch-busybox.sh fetches it).
# Usage: scripts/build-proc-tests.sh   (honours CARGO_TARGET_DIR)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src=$root/user/proc-tests
target_dir=${CARGO_TARGET_DIR:-$root/target}
out=$root/build/proc-tests

for tool in musl-gcc gcc; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "build-proc-tests: $tool not found (Debian: apt-get install musl-tools gcc libc6-dev)" >&2
        exit 1
    }
done

rm -rf "$out"
mkdir -p "$out/bin" "$out/tests/proc"

(cd "$root" && cargo build --release -q -p proc-tests --target x86_64-unknown-linux-musl)
rust_out=$target_dir/x86_64-unknown-linux-musl/release
for file in "$src"/src/bin/*.rs; do
    name=$(basename "$file" .rs)
    install -m 0755 "$rust_out/$name" "$out/bin/$name"
    # The release profile keeps debug info (for benches); tests need none.
    if command -v strip >/dev/null 2>&1; then strip --strip-debug "$out/bin/$name"; fi
done

cflags=(-static -O2 -Wall -Wextra -Werror -pthread -I "$root/user/include")
for file in "$src"/c/*.c; do
    name=$(basename "$file" .c)
    musl-gcc "${cflags[@]}" -o "$out/bin/musl-$name" "$file"
    grep -q 'build: musl-only' "$file" && continue
    if ! gcc "${cflags[@]}" -o "$out/bin/glibc-$name" "$file"; then
        echo "build-proc-tests: gcc -static failed for $name (glibc's libc.a: apt-get install libc6-dev)" >&2
        exit 1
    fi
done

install -m 0644 "$src"/sh/* "$out/tests/proc/"
install -m 0644 "$src"/manifest "$src"/manifest.* "$out/"

# Every program and script a manifest names must exist (BusyBox's /bin/sh
# is the initramfs builder's), so a typo fails here.
for m in "$out"/manifest*; do
    while read -r expect path args; do
        [[ -z ${expect:-} || $expect == \#* ]] && continue
        for word in "$path" $args; do
            case $word in
                /bin/sh) ;;
                /bin/* | /tests/*)
                    [[ -e $out/${word#/} ]] || {
                        echo "build-proc-tests: ${m#"$root"/} names missing $word" >&2
                        exit 1
                    } ;;
            esac
        done
    done <"$m"
done
echo "build-proc-tests: $(find "$out/bin" -type f | wc -l) programs," \
    "$(find "$out/tests" -type f | wc -l) script files in ${out#"$root"/}"

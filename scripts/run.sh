#!/usr/bin/env bash
# Boots BINARY as init with ARGS passed through unchanged: `just run`'s
# body, after the recipe has checked the binary and built the kernel.
# Usage: scripts/run.sh KERNEL INITRD BINARY [ARGS...]
#
# Every argument is quoted for the kernel command line (double quotes,
# with `"` and `\` escaped: see crates/cmdline), so spaces, quotes, `$`
# and empty strings reach init as given. KERNEL_ARGS is put on the line
# verbatim, in the kernel's own syntax (e.g. KERNEL_ARGS='fork=classic').
set -euo pipefail
kernel=${1:?usage: run.sh KERNEL INITRD BINARY [ARGS...]}
initrd=${2:?missing INITRD}
binary=${3:?missing BINARY}
shift 3
# `just` runs recipes in the repository; a relative BINARY means the
# directory the user ran `just` in (RUN_CWD).
if [[ $binary != /* && -n ${RUN_CWD:-} ]]; then
    binary=$RUN_CWD/$binary
fi
here=$(cd "$(dirname "$0")" && pwd)

quote() { # one command-line word that the kernel reads back as "$1"
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}

line="loglevel=4 init=$(quote "/run/$(basename "$binary")")"
if [[ -n ${KERNEL_ARGS:-} ]]; then
    line+=" $KERNEL_ARGS"
fi
line+=" --"
for a in "$@"; do
    line+=" $(quote "$a")"
done
# The kernel keeps 2047 bytes of command line, as Linux on x86 does.
bytes=$(printf %s "$line" | wc -c)
if ((bytes > 2047)); then
    echo "run: the kernel command line would be $bytes bytes; the limit is 2047" >&2
    exit 1
fi
exec "$here/qemu-run.sh" --add "$binary" "$kernel" "$initrd" "$line"

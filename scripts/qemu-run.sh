#!/usr/bin/env bash
# Boots the kernel in QEMU through PVH (`-kernel`), serial on stdio.
# Usage: scripts/qemu-run.sh [--timeout SECS] [--interactive] [--add FILE]...
#            KERNEL INITRD [KERNEL ARGS...]
#
# --iso FILE boots FILE (built by `just iso`, Limine) from a CD-ROM instead
# of loading KERNEL through PVH; INITRD and the kernel arguments then come
# from the ISO's limine.conf and are ignored here.
# --add FILE appends FILE to the initramfs as /run/NAME (a second cpio
# archive after the first, which the kernel's unpacker accepts).
#
# QEMU_EXTRA_ARGS (split at whitespace) is appended to QEMU's arguments,
# e.g. QEMU_EXTRA_ARGS='-d int -D build/qemu.log' or '-smp 2'.
#
# Exit status: the code the kernel passed to isa-debug-exit, decoded (for
# `init=`: init's exit code, 128+signal for a death by signal, taken from
# the kernel's "[kernel: init ... exit code N]" line so codes above 127
# survive); 0x10 = success / 0x11 = failure for the test runner; 124 on
# timeout.
set -uo pipefail
timeout_s=600
interactive=0
iso=
extra=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --timeout) timeout_s=$2; shift 2 ;;
        --interactive) interactive=1; shift ;;
        --add) extra+=("$2"); shift 2 ;;
        --iso) iso=$2; shift 2 ;;
        *) break ;;
    esac
done
kernel=${1:?usage: qemu-run.sh [--timeout S] [--interactive] KERNEL INITRD [ARGS...]}
initrd=${2:?missing INITRD}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ((${#extra[@]})); then
    mkdir -p "$tmp/root/run"
    for f in "${extra[@]}"; do
        install -m 0755 "$f" "$tmp/root/run/$(basename "$f")"
    done
    (cd "$tmp/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet) >"$tmp/extra.cpio"
    cat "$initrd" "$tmp/extra.cpio" >"$tmp/initrd.cpio"
    initrd=$tmp/initrd.cpio
fi
accel=$("$here/kvm-probe.sh" "$kernel" "$initrd")
if [[ $accel == kvm ]]; then cpu=host; else cpu=max; fi
args=(-accel "$accel" -cpu "$cpu" -m "${QEMU_MEM:-512M}" -display none
    -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [[ -n $iso ]]; then
    args+=(-cdrom "$iso")
else
    args+=(-kernel "$kernel" -initrd "$initrd" -append "$*")
fi
# shellcheck source=scripts/qemu-extra.sh
source "$here/qemu-extra.sh"
args+=("${qemu_extra[@]}")
if ((interactive)); then
    # The serial port is the terminal: raw mode so keys reach the kernel's
    # line discipline (Ctrl-A X quits QEMU).
    args+=(-serial mon:stdio)
    timeout --foreground "$timeout_s" qemu-system-x86_64 "${args[@]}"
    rc=$?
else
    args+=(-serial stdio -monitor none)
    timeout "$timeout_s" qemu-system-x86_64 "${args[@]}" </dev/null | tee "$tmp/log"
    rc=${PIPESTATUS[0]}
fi
if ((rc == 124)); then
    echo "qemu-run: timed out after ${timeout_s}s" >&2
    exit 124
fi
code=$(sed -n 's/.*\[kernel: init .* exit code \([0-9]*\)\].*/\1/p' "$tmp/log" 2>/dev/null | tail -1)
if [[ -n $code ]]; then
    exit "$code"
fi
# isa-debug-exit makes QEMU exit with (code << 1) | 1.
if ((rc & 1)); then
    exit $((rc >> 1))
fi
exit "$rc"

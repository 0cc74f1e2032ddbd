#!/usr/bin/env bash
# Boots the kernel in QEMU stopped at its first instruction, with QEMU's gdb
# stub listening, and attaches gdb with the kernel's symbols and two
# breakpoints: the PVH entry (`pvh_start32`, 32-bit code that runs at its
# physical address, so a hardware breakpoint at symbol - KERNEL_VMA) and
# `pvh_main` (the first Rust code, paging on, symbols usable).
# Usage: scripts/qemu-gdb.sh [--check] KERNEL INITRD [KERNEL ARGS...]
#
# The serial console goes to build/gdb/serial.log (gdb owns the terminal):
# `tail -f` it in another terminal. GDB_PORT (default 1234, what `-s`
# uses) picks the stub's port; QEMU_EXTRA_ARGS is appended to QEMU's
# arguments. TCG always: software breakpoints there never patch memory.
# Quitting gdb ends QEMU.
#
# --check runs gdb in batch mode instead (connect, continue to each
# breakpoint, check the stop address, kill QEMU) and exits 0 only if both
# breakpoints were hit: the test suite's check that this recipe works.
set -uo pipefail
check=0
if [[ ${1:-} == --check ]]; then
    check=1
    shift
fi
kernel=${1:?usage: qemu-gdb.sh [--check] KERNEL INITRD [ARGS...]}
initrd=${2:?missing INITRD}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
command -v gdb >/dev/null || {
    echo "qemu-gdb: gdb not found; install it with: sudo apt-get install gdb" >&2
    exit 1
}
port=${GDB_PORT:-1234}
out=$here/../build/gdb
mkdir -p "$out"
log=$out/serial.log
: >"$log"
# shellcheck source=scripts/qemu-extra.sh
source "$here/qemu-extra.sh"
if ((check)); then limit=120; else limit=86400; fi
timeout "$limit" qemu-system-x86_64 -accel tcg -cpu max -m "${QEMU_MEM:-512M}" \
    -display none -no-reboot -monitor none -serial "file:$log" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$kernel" -initrd "$initrd" -append "$*" \
    -gdb "tcp:127.0.0.1:$port" -S "${qemu_extra[@]}" </dev/null &
qemu=$!
trap 'kill "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null' EXIT
# Wait for the stub to listen (QEMU opens it before it starts the CPU).
for _ in $(seq 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    kill -0 "$qemu" 2>/dev/null || { echo "qemu-gdb: QEMU did not start (port $port in use?)" >&2; exit 1; }
    sleep 0.1
done
entry='*((unsigned long)&pvh_start32 - (unsigned long)&KERNEL_VMA)'
setup=(-ex "set pagination off" -ex "set confirm off"
    -ex "target remote 127.0.0.1:$port"
    -ex "hbreak $entry" -ex "break kernel::boot::pvh::pvh_main")
if ((check)); then
    result=$(timeout 120 gdb -q -batch -nx "${setup[@]}" \
        -ex continue -ex 'printf "stop1 %#lx\n", $pc' \
        -ex "printf \"entry %#lx\\n\", $(printf %s "${entry#\*}")" \
        -ex continue -ex 'printf "stop2 %#lx\n", $pc' \
        -ex kill "$kernel" 2>&1)
    echo "$result"
    stop1=$(sed -n 's/^stop1 //p' <<<"$result")
    entry_addr=$(sed -n 's/^entry //p' <<<"$result")
    stop2=$(sed -n 's/^stop2 //p' <<<"$result")
    if [[ -n $stop1 && $stop1 == "$entry_addr" && -n $stop2 ]] &&
        grep -q '^Breakpoint 2, kernel::boot::pvh::pvh_main ' <<<"$result"; then
        echo "qemu-gdb: stopped at the PVH entry ($stop1), then in pvh_main ($stop2)"
        exit 0
    fi
    echo "qemu-gdb: breakpoints not hit as expected" >&2
    exit 1
fi
echo "qemu-gdb: QEMU waits on port $port; serial output goes to $log" >&2
gdb -q "${setup[@]}" "$kernel"

#!/usr/bin/env bash
# Prints "kvm" if this kernel really runs user programs under KVM here,
# else "tcg".
# Usage: scripts/kvm-probe.sh KERNEL_ELF [INITRD]
#
# /dev/kvm existing is not enough: on some hosts (nested virtualisation,
# restricted sandboxes) QEMU aborts while setting up the vCPU ("failed to
# set MSR ..."), and on others the guest boots but its first system call
# faults (seen on a CI host: every user program of some boots died with
# SIGSEGV at the SYSCALL entry while TCG boots of the same image passed).
# So with an INITRD, boot it with a static musl program as init and
# require its output and exit code, twice; without one, require the
# kernel's probe line. QEMU_ACCEL=tcg|kvm skips the probe (test-qemu.sh
# sets it after probing once, so one run never mixes accelerators).
set -uo pipefail
kernel=${1:?usage: kvm-probe.sh KERNEL_ELF [INITRD]}
initrd=${2:-}
if [[ -n ${QEMU_ACCEL:-} ]]; then
    echo "$QEMU_ACCEL"
    exit 0
fi
answer() {
    echo "$1"
    exit 0
}
if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
    answer tcg
fi
boot() { # boot EXTRA-QEMU-ARGS...: the guest's serial output
    timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 128M -display none \
        -serial stdio -monitor none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$kernel" "$@" </dev/null 2>&1
}
if [[ -z $initrd ]]; then
    grep -q "KERNEL-PROBE-OK" <<<"$(boot -append "probe loglevel=0")" && answer kvm
    answer tcg
fi
for _ in 1 2; do
    out=$(boot -initrd "$initrd" -append "loglevel=3 init=/bin/c-hello")
    grep -q "hello from c" <<<"$out" && grep -q "init .* exit code 0\]" <<<"$out" || answer tcg
done
answer kvm

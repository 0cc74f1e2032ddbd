#!/usr/bin/env bash
# Prints "kvm" if a guest really boots under KVM here, else "tcg".
# Usage: scripts/kvm-probe.sh KERNEL_ELF
#
# /dev/kvm existing is not enough: on some hosts (nested virtualisation,
# restricted sandboxes) QEMU aborts while setting up the vCPU ("failed to
# set MSR ..."). So boot the kernel itself with `probe` on its command line
# under a short timeout and check that it printed its probe line.
set -uo pipefail
kernel=${1:?usage: kvm-probe.sh KERNEL_ELF}
if [[ -n ${QEMU_ACCEL:-} ]]; then
    echo "$QEMU_ACCEL"
    exit 0
fi
if [[ ! -r /dev/kvm || ! -w /dev/kvm ]]; then
    echo tcg
    exit 0
fi
out=$(timeout 10 qemu-system-x86_64 -accel kvm -cpu host -m 128M -display none \
    -serial stdio -monitor none -no-reboot \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$kernel" -append "probe loglevel=0" </dev/null 2>&1)
if grep -q "KERNEL-PROBE-OK" <<<"$out"; then
    echo kvm
else
    echo tcg
fi

"""Boots one kernel in QEMU with the benchmark initramfs and collects the
benchmark program's lines (the QEMU side of scripts/bench-guest.py).

Linux boots /init (a BusyBox script: mount /dev and /proc, run the program,
power off); our kernel runs the program itself as init (`init=`), and its
exit ends QEMU through isa-debug-exit. Both get the program's arguments
after `--` on the kernel command line, so the same binary runs with the
same arguments on both kernels.
"""
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

# Guest memory: room for the 1 GiB heap workloads with a classic fork's
# copied page tables, plus the kernel's own needs.
GUEST_MEM = "3G"
# Deterministic mode: one ns of guest time per guest instruction, a fixed
# RTC, no sleeping ahead of real time (QEMU docs, "-icount"), and a seeded
# generator behind RDRAND/RDSEED and the guest's other random sources
# (without it Linux's address-space layout, hence its figures, vary by a
# few per mille from boot to boot).
ICOUNT = ["-icount", "shift=0,sleep=off,align=off", "-rtc", "base=2020-01-01T00:00:00,clock=vm",
          "-seed", "1"]
PROGRAM = "/bin/bench-guest"

INIT_SCRIPT = """#!/bin/sh
# The Linux peer's init: what our kernel provides by itself (/dev, /proc),
# then the benchmark program with init's arguments, then power off.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mkdir -p /tmp
{program} "$@"
echo "BENCH_EXIT $?"
poweroff -f
"""

# BusyBox applets the workloads and /init use, as symlinks in /bin.
APPLETS = ["sh", "sort", "uniq", "printf", "mount", "mkdir", "poweroff"]


def build_initramfs(out, programs, busybox):
    """Writes the cpio archive `out`: `programs` (paths) and BusyBox in /bin,
    applet symlinks, /init for Linux, empty /dev, /proc and /tmp."""
    stage = Path(tempfile.mkdtemp(prefix="bench-guest-root."))
    try:
        for d in ["bin", "dev", "proc", "tmp"]:
            (stage / d).mkdir()
        os.chmod(stage / "tmp", 0o1777)
        for p in programs:
            dst = stage / "bin" / Path(p).name
            shutil.copy(p, dst)
            # Debug info is not loaded by an exec; strip it so the archive
            # both kernels unpack is small.
            if shutil.which("strip"):
                subprocess.run(["strip", str(dst)], check=True)
            os.chmod(dst, 0o755)
        shutil.copy(busybox, stage / "bin" / "busybox")
        os.chmod(stage / "bin" / "busybox", 0o755)
        for a in APPLETS:
            (stage / "bin" / a).symlink_to("busybox")
        (stage / "init").write_text(INIT_SCRIPT.format(program=PROGRAM))
        os.chmod(stage / "init", 0o755)
        # One fixed mtime for every entry, so the archive (and what a stat
        # or an exec sees) is the same bytes on every build.
        subprocess.run(["find", ".", "-exec", "touch", "-h", "-d", "@946684800", "{}", "+"], cwd=stage, check=True)
        names = subprocess.run(["find", ".", "-mindepth", "1"], cwd=stage, check=True,
                               capture_output=True, text=True).stdout.split()
        listing = "".join(n + "\n" for n in sorted(names))
        with open(out, "wb") as f:
            subprocess.run(["cpio", "-o", "-H", "newc", "--owner=0:0", "--quiet"], cwd=stage,
                           input=listing.encode(), stdout=f, check=True)
    finally:
        shutil.rmtree(stage)


def qemu_command(kind, kernel, initrd, args, deterministic, strategy=None, accel="tcg"):
    """The QEMU command line for one boot. `kind` is "linux" or "ours";
    `accel` is "kvm" only for wall mode on a host where a guest boots
    under KVM (deterministic mode is TCG by definition)."""
    cpu = "host" if accel == "kvm" else "max"
    cmd = ["qemu-system-x86_64", "-accel", accel, "-cpu", cpu, "-m", GUEST_MEM,
           "-display", "none", "-no-reboot", "-serial", "stdio", "-monitor", "none",
           "-kernel", str(kernel), "-initrd", str(initrd)]
    if deterministic:
        cmd += ICOUNT
    if kind == "linux":
        append = "console=ttyS0 quiet panic=-1 rdinit=/init"
    else:
        cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        append = f"loglevel=4 fork={strategy} init={PROGRAM}"
    append += " -- " + " ".join(args)
    return cmd + ["-append", append.strip()]


def boot(kind, kernel, initrd, args, deterministic, timeout, strategy=None, log=None, accel="tcg"):
    """Boots once under `timeout` seconds; returns (serial text, seconds,
    timed_out). The serial output is also written to `log` if given."""
    cmd = qemu_command(kind, kernel, initrd, args, deterministic, strategy, accel)
    start = time.monotonic()
    try:
        p = subprocess.run(["timeout", str(timeout)] + cmd, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout + 30)
        out, timed_out = p.stdout + p.stderr, p.returncode == 124
    except subprocess.TimeoutExpired as e:
        out, timed_out = (e.stdout or b"") + (e.stderr or b""), True
    text = out.decode("utf-8", "replace").replace("\r", "")
    if log:
        Path(log).write_text(" ".join(cmd) + "\n\n" + text)
    return text, time.monotonic() - start, timed_out

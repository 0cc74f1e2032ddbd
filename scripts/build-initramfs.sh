#!/usr/bin/env bash
# Builds build/initramfs.cpio (cpio "newc"), the initramfs the kernel's
# integration tests boot with, from:
#   - every user program (scripts/build-user.sh) as /bin/<name>;
#   - the overlay user/rootfs/: /tests/manifest (the test list the kernel's
#     runner reads, format below), /tests/env (the environment every test
#     expects), /etc/motd, /etc/user-tests/fixture.txt (read by the files
#     tests);
#   - an empty /tmp (mode 1777), where the tests create their files;
#   - the process tests (scripts/build-proc-tests.sh, user/proc-tests):
#     their programs in /bin, their scripts in /tests/proc/, their
#     manifests as /tests/proc/manifest{,.ours,.hybrid,.ghost,.oom} (run
#     as suites of their own by scripts/test-qemu.sh, .hybrid and .ghost
#     in boots with those fork strategies);
#   - Debian's static BusyBox (scripts/fetch-busybox.sh) as /bin/busybox,
#     with /bin/sh and every applet of `busybox --list` a symlink to it.
# The kernel adds /dev/{console,tty,null,zero} itself at boot.
# The staged tree stays in build/initramfs-root/ (the host test chroots
# into it).
#
# /tests/manifest format, one test per line, `#` starts a comment line:
#     <expect> <path> [args...]
# <expect> is `exit=N` (exits with code N) or `signal=NAME` (killed by that
# signal, e.g. `signal=SIGSEGV`); <path> is the program, also its argv[0];
# words are separated by spaces (no quoting). Every test runs from / with
# exactly the environment in /tests/env.
#
# Usage: scripts/build-initramfs.sh [OUTPUT]   (default build/initramfs.cpio)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/initramfs.cpio}
stage=$root/build/initramfs-root

if ! command -v cpio >/dev/null 2>&1; then
    echo "build-initramfs: cpio not found (Debian: apt-get install cpio)" >&2
    exit 1
fi
"$root/scripts/build-user.sh"

rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/tmp"
chmod 1777 "$stage/tmp"
cp -R "$root/user/rootfs/." "$stage/"
install -m 0755 "$root"/build/user/bin/* "$stage/bin/"

"$root/scripts/build-proc-tests.sh" >/dev/null
busybox=$("$root/scripts/fetch-busybox.sh")
install -m 0755 "$root"/build/proc-tests/bin/* "$stage/bin/"
mkdir -p "$stage/tests/proc"
cp -R "$root/build/proc-tests/tests/." "$stage/tests/"
cp "$root/build/proc-tests/manifest" "$stage/tests/proc/manifest"
cp "$root/build/proc-tests/manifest.ours" "$stage/tests/proc/manifest.ours"
cp "$root/build/proc-tests/manifest.hybrid" "$stage/tests/proc/manifest.hybrid"
cp "$root/build/proc-tests/manifest.ghost" "$stage/tests/proc/manifest.ghost"
cp "$root/build/proc-tests/manifest.oom" "$stage/tests/proc/manifest.oom"
install -m 0755 "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list); do
    [[ -e $stage/bin/$applet ]] || ln -s busybox "$stage/bin/$applet"
done

# Every program the manifest names must exist, so a typo fails here
# rather than as a confusing test failure inside QEMU.
while read -r expect path _; do
    [[ -z ${expect:-} || $expect == \#* ]] && continue
    [[ -x $stage$path ]] || { echo "build-initramfs: manifest names missing $path" >&2; exit 1; }
done < <(cat "$stage/tests/manifest" "$stage"/tests/proc/manifest*)

mkdir -p "$(dirname "$out")"
# Sorted names and root ownership make the archive independent of the
# build machine's user and directory order.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: ${out#"$root"/} ($(stat -c %s "$out") bytes, $(find "$stage" -type f | wc -l) files)"

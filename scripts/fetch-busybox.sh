#!/usr/bin/env bash
# Fetches Debian's busybox-static (a glibc static build, so its fork wrapper
# is a second real libc client) without installing anything on the host:
# `apt-get download busybox-static` into build/cache/, then `dpkg-deb -x`.
# Leaves build/busybox/busybox. Idempotent: a cached .deb or an extracted
# binary is reused; FORCE=1 fetches again.
# (As root apt prints a harmless warning that the download is performed
# unsandboxed; it is filtered out.)
# Usage: scripts/fetch-busybox.sh   (prints the binary's path)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
me=fetch-busybox
out=$root/build/busybox
bin=$out/busybox

if [[ -x $bin && -z ${FORCE:-} ]]; then
    echo "$bin"
    exit 0
fi
hint="or put a static busybox at build/busybox/busybox yourself"
# shellcheck source=scripts/deb-cache.sh
source "$root/scripts/deb-cache.sh"
need_tools apt-get apt-cache dpkg-deb
deb=$(cached_deb busybox-static)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
[[ -x $tmp/bin/busybox ]] || { echo "fetch-busybox: $deb has no bin/busybox" >&2; exit 1; }
mkdir -p "$out"
install -m 0755 "$tmp/bin/busybox" "$bin"
echo "$bin"

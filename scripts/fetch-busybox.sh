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
cache=$root/build/cache
out=$root/build/busybox
bin=$out/busybox

if [[ -x $bin && -z ${FORCE:-} ]]; then
    echo "$bin"
    exit 0
fi
for tool in apt-get dpkg-deb; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fetch-busybox: $tool not found: this script needs a Debian/Ubuntu host" \
            "(or put a static busybox at ${bin#"$root"/} yourself)" >&2
        exit 1
    fi
done

mkdir -p "$cache"
deb=$(find "$cache" -maxdepth 1 -name 'busybox-static_*.deb' | sort | tail -n 1)
if [[ -z $deb || -n ${FORCE:-} ]]; then
    # apt-get download writes into the current directory.
    if ! (cd "$cache" && apt-get download busybox-static >&2 2> >(grep -v -i unsandboxed >&2)); then
        echo "fetch-busybox: 'apt-get download busybox-static' failed" \
            "(no network, or run 'apt-get update' first)" >&2
        exit 1
    fi
    deb=$(find "$cache" -maxdepth 1 -name 'busybox-static_*.deb' | sort | tail -n 1)
fi
[[ -n $deb ]] || { echo "fetch-busybox: no busybox-static .deb in ${cache#"$root"/}" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
[[ -x $tmp/bin/busybox ]] || { echo "fetch-busybox: $deb has no bin/busybox" >&2; exit 1; }
mkdir -p "$out"
install -m 0755 "$tmp/bin/busybox" "$bin"
echo "$bin"

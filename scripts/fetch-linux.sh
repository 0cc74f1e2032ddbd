#!/usr/bin/env bash
# Fetches Debian's cloud kernel (the Linux peer of the guest benchmarks)
# without installing anything on the host: `apt-get download` of the
# linux-image-cloud-amd64 metapackage and the linux-image-<version>-cloud-amd64
# package it depends on into build/cache/, then `dpkg-deb -x`.
# Leaves build/linux/vmlinuz and build/linux/version (the package version).
# Idempotent: a cached .deb or an extracted kernel is reused; FORCE=1
# fetches again. (As root apt prints a harmless warning that the download
# is performed unsandboxed; it is filtered out.)
# Usage: scripts/fetch-linux.sh   (prints the kernel's path)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$root/build/cache
out=$root/build/linux
kernel=$out/vmlinuz

if [[ -f $kernel && -z ${FORCE:-} ]]; then
    echo "$kernel"
    exit 0
fi
for tool in apt-get apt-cache dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "fetch-linux: $tool not found: this script needs a Debian/Ubuntu host" \
            "(or put a bzImage at ${kernel#"$root"/} yourself)" >&2
        exit 1
    }
done
mkdir -p "$cache"

# download PACKAGE: apt-get download into the cache (it writes into the
# current directory); an update first if the package lists do not know it.
download() {
    local pkg=$1
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
        apt-get update -qq >&2 || true
    fi
    if ! (cd "$cache" && apt-get download "$pkg" >&2 2> >(grep -v -i unsandboxed >&2)); then
        echo "fetch-linux: 'apt-get download $pkg' failed (no network?)" >&2
        exit 1
    fi
}

meta=$(find "$cache" -maxdepth 1 -name 'linux-image-cloud-amd64_*.deb' | sort | tail -n 1)
if [[ -z $meta || -n ${FORCE:-} ]]; then
    download linux-image-cloud-amd64
    meta=$(find "$cache" -maxdepth 1 -name 'linux-image-cloud-amd64_*.deb' | sort | tail -n 1)
fi
[[ -n $meta ]] || { echo "fetch-linux: no linux-image-cloud-amd64 .deb in the cache" >&2; exit 1; }
# The metapackage depends on exactly one linux-image-<abi>-cloud-amd64.
dep=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*-cloud-amd64\).*/\1/p' | head -n 1)
[[ -n $dep ]] || { echo "fetch-linux: cannot read the kernel package from $meta's Depends" >&2; exit 1; }
deb=$(find "$cache" -maxdepth 1 -name "${dep}_*.deb" | sort | tail -n 1)
if [[ -z $deb || -n ${FORCE:-} ]]; then
    download "$dep"
    deb=$(find "$cache" -maxdepth 1 -name "${dep}_*.deb" | sort | tail -n 1)
fi
[[ -n $deb ]] || { echo "fetch-linux: no $dep .deb in the cache" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
img=$(find "$tmp/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)
[[ -n $img ]] || { echo "fetch-linux: $deb has no boot/vmlinuz-*" >&2; exit 1; }
mkdir -p "$out"
install -m 0644 "$img" "$kernel.tmp"
mv "$kernel.tmp" "$kernel"
printf '%s %s\n' "$dep" "$(dpkg-deb -f "$deb" Version)" >"$out/version"
echo "$kernel"

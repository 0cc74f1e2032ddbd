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
me=fetch-linux
out=$root/build/linux
kernel=$out/vmlinuz

if [[ -f $kernel && -z ${FORCE:-} ]]; then
    echo "$kernel"
    exit 0
fi
hint="or put a bzImage at build/linux/vmlinuz yourself"
# shellcheck source=scripts/deb-cache.sh
source "$root/scripts/deb-cache.sh"
need_tools apt-get apt-cache dpkg-deb

meta=$(cached_deb linux-image-cloud-amd64)
# The metapackage depends on exactly one linux-image-<abi>-cloud-amd64.
dep=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[0-9][^ ]*-cloud-amd64\).*/\1/p' | head -n 1)
[[ -n $dep ]] || { echo "fetch-linux: cannot read the kernel package from $meta's Depends" >&2; exit 1; }
deb=$(cached_deb "$dep")

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

#!/usr/bin/env bash
# Fetches Debian's cloud kernel (the Linux peer of the guest benchmarks)
# without installing anything on the host: one pinned package version
# (recorded in docs/benchmarks.md, so recorded figures can be reproduced
# with the same kernel), checked against its SHA256, into build/cache/, then
# `dpkg-deb -x`. The package is Debian's, so on Ubuntu (GitHub's runners)
# apt does not know it: pinned_deb (scripts/deb-cache.sh) then downloads
# it from deb.debian.org's pool or snapshot.debian.org. dpkg-deb is in
# every Debian and Ubuntu base system.
# Leaves build/linux/vmlinuz and build/linux/version (the package version).
# Idempotent: a cached .deb or an extracted kernel is reused; FORCE=1
# extracts again. To move to a newer kernel: change the three pins below
# (`apt-cache show linux-image-<abi>-cloud-amd64` gives Version, Filename
# and SHA256) and rerun the benchmarks.
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
need_tools dpkg-deb sha256sum

dep=linux-image-6.1.0-56-cloud-amd64
version=6.1.192-2
sha256=e7d02b943971edcb8790e256c02cfab3bca6c3d37c1bf25392a57c71300615ee
pool=pool/updates/main/l/linux-signed-amd64/${dep}_${version}_amd64.deb
deb=$(pinned_deb "$dep" "$version" "$sha256" "$pool")

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

#!/usr/bin/env bash
# Installs (as root, on Debian/Ubuntu) or names the tools the build needs.
# Rust itself comes from rustup; rust-toolchain.toml pins the version and the
# targets, which rustup installs on first use.
set -euo pipefail

missing_pkgs=()
need() { # need <command> <debian-package>
    command -v "$1" >/dev/null 2>&1 || missing_pkgs+=("$2")
}
need qemu-system-x86_64 qemu-system-x86
need musl-gcc musl-tools
need cpio cpio
need python3 python3

if ! command -v cargo >/dev/null 2>&1; then
    echo "deps: cargo not found. Install Rust with rustup: https://rustup.rs" >&2
    exit 1
fi

if ((${#missing_pkgs[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "deps: installing ${missing_pkgs[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_pkgs[@]}" >/dev/null
    else
        echo "deps: missing tools. Install them with:" >&2
        echo "    sudo apt-get install ${missing_pkgs[*]}" >&2
        exit 1
    fi
fi

# rustup installs the pinned toolchain and its targets when cargo first runs
# in this directory; do it now so later failures are about our code.
cd "$(dirname "$0")/.."
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install

#!/usr/bin/env bash
# Installs (as root, on Debian/Ubuntu) or names the tools the build needs.
# Rust itself comes from rustup; rust-toolchain.toml pins the version, the
# targets and the components, which this script installs explicitly.
set -euo pipefail

missing_pkgs=()
need() { # need <command> <debian-package>
    command -v "$1" >/dev/null 2>&1 || missing_pkgs+=("$2")
}
need qemu-system-x86_64 qemu-system-x86
need musl-gcc musl-tools
need cpio cpio
need python3 python3
need gdb gdb

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

# rustup installs a toolchain file's toolchain on first use, but it does not
# add the file's targets and components to a toolchain that is already
# installed (a machine that built another project on the same version), so
# install all three explicitly, reading them from rust-toolchain.toml.
cd "$(dirname "$0")/.."
if ! command -v rustup >/dev/null 2>&1; then
    echo "deps: rustup not found. Install it: https://rustup.rs" >&2
    exit 1
fi
toolchain_field() { # toolchain_field <key>: the quoted words of one key
    sed -n "s/^$1 *= *//p" rust-toolchain.toml | tr -d '[],"' | tr -s ' ' '\n' | grep -v '^$' || true
}
channel=$(toolchain_field channel)
mapfile -t targets < <(toolchain_field targets)
mapfile -t components < <(toolchain_field components)
installed_targets=$(rustup target list --installed --toolchain "$channel" 2>/dev/null || true)
installed_components=$(rustup component list --installed --toolchain "$channel" 2>/dev/null || true)
missing_targets=()
for t in "${targets[@]}"; do
    grep -qx "$t" <<<"$installed_targets" || missing_targets+=("$t")
done
missing_components=()
for c in "${components[@]}"; do
    grep -q "^$c-" <<<"$installed_components" || grep -qx "$c" <<<"$installed_components" ||
        missing_components+=("$c")
done
if ! rustup run "$channel" rustc --version >/dev/null 2>&1; then
    echo "deps: installing Rust $channel with targets ${targets[*]}" >&2
    args=(--profile minimal)
    for t in "${targets[@]}"; do args+=(--target "$t"); done
    for c in "${components[@]}"; do args+=(--component "$c"); done
    rustup toolchain install "$channel" "${args[@]}" >&2
else
    if ((${#missing_targets[@]})); then
        echo "deps: adding Rust targets ${missing_targets[*]} to $channel" >&2
        rustup target add --toolchain "$channel" "${missing_targets[@]}" >&2
    fi
    if ((${#missing_components[@]})); then
        echo "deps: adding Rust components ${missing_components[*]} to $channel" >&2
        rustup component add --toolchain "$channel" "${missing_components[@]}" >&2
    fi
fi

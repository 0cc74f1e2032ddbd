#!/usr/bin/env bash
# Installs the toolchain rust-toolchain.toml pins, with its targets and
# components, in one `rustup toolchain install` (CI: a runner's rustup may
# already have that version without our targets, and rustup adds a
# toolchain file's targets only when it installs the toolchain itself).
set -euo pipefail
cd "$(dirname "$0")/.."
field() { # field <key>: the quoted words of one key, comma-separated
    sed -n "s/^$1 *= *//p" rust-toolchain.toml | tr -d '[]" ' | sed 's/,$//'
}
channel=$(field channel)
targets=$(field targets)
components=$(field components)
rustup toolchain install "$channel" --profile minimal \
    ${targets:+--target "$targets"} ${components:+--component "$components"}
rustup run "$channel" rustc --version

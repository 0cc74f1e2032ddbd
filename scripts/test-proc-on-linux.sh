#!/usr/bin/env bash
# Runs the process tests (user/proc-tests) on the host Linux, to prove each
# expectation is Linux's own before the kernel is held to it.
#
# Builds build/proc-tests/ (scripts/build-proc-tests.sh) and fetches
# BusyBox (scripts/fetch-busybox.sh), then runs every line of
# build/proc-tests/manifest and manifest.linux (the host-only lines) with
# the manifest's paths mapped onto the build tree: /bin/NAME is
# build/proc-tests/bin/NAME, or a BusyBox applet link (/bin/sh is BusyBox's
# sh, as in the initramfs); /tests/... is build/proc-tests/tests/...
# Programs find their helpers beside argv[0], so no chroot is needed.
# Each test runs from / with the environment of user/rootfs/tests/env,
# except that PATH is the build tree's bin and BusyBox applet directories
# (no host tools leak into the scripts). Checks the outcome (`exit=N` or
# death by `signal=NAME`), prints one ok/FAIL line per test (with the
# program's output on failure) and `N passed, N failed`.
# Usage: scripts/test-proc-on-linux.sh [FILTER]   (runs lines containing FILTER)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build/proc-tests
filter=${1:-}
"$root/scripts/build-proc-tests.sh" || exit 1
busybox=$("$root/scripts/fetch-busybox.sh") || exit 1

applets=$out/host-busybox
rm -rf "$applets"
mkdir -p "$applets"
for a in $("$busybox" --list); do ln -s "$busybox" "$applets/$a"; done

map() { # map WORD: a manifest path as a host path
    case $1 in
        /bin/*)
            if [[ -e $out/bin/${1#/bin/} ]]; then echo "$out/bin/${1#/bin/}"; else echo "$applets/${1#/bin/}"; fi ;;
        /tests/*) echo "$out/${1#/}" ;;
        *) echo "$1" ;;
    esac
}

env_vars=(HOME=/ TERM=vt100 "PATH=$out/bin:$applets")
run_on_host() { # run_on_host LOG PATH ARGS...: every word mapped, from /
    local log=$1 a argv=()
    shift
    for a in "$@"; do argv+=("$(map "$a")"); done
    cd / && timeout 60 env -i "${env_vars[@]}" "${argv[@]}" >"$log" 2>&1
}
# shellcheck source=scripts/manifest-runner.sh
source "$root/scripts/manifest-runner.sh"
cat "$out/manifest" "$out/manifest.linux" | run_manifest run_on_host "$filter"

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
ulimit -c 0 # the signal tests would otherwise leave core files
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
while read -r expect path args; do
    [[ -z ${expect:-} || $expect == \#* ]] && continue
    name="$path${args:+ $args}"
    [[ -n $filter && $name != *"$filter"* ]] && continue
    case $expect in
        exit=*) want=${expect#exit=} ;;
        signal=*)
            signum=$(kill -l "${expect#signal=}" 2>/dev/null) || signum=
            [[ -n $signum ]] || { echo "FAIL $name: unknown signal in '$expect'"; failed=$((failed + 1)); continue; }
            want=$((128 + signum)) ;;
        *) echo "FAIL $name: bad expectation '$expect'"; failed=$((failed + 1)); continue ;;
    esac
    argv=("$(map "$path")")
    # shellcheck disable=SC2086 # args are space-separated words by definition
    for a in $args; do argv+=("$(map "$a")"); done
    start=$(date +%s%N)
    # The inner subshell reaps the program, so bash's notices about the
    # expected deaths go to its /dev/null stderr.
    (
        cd / && timeout 60 env -i "${env_vars[@]}" "${argv[@]}" >"$log" 2>&1 </dev/null
        exit $?
    ) 2>/dev/null
    got=$?
    ms=$((($(date +%s%N) - start) / 1000000))
    if [[ $got == "$want" ]]; then
        echo "ok $name (${ms} ms)"
        passed=$((passed + 1))
    else
        if ((got > 128)); then got_text="signal $(kill -l $((got - 128)) 2>/dev/null || echo $((got - 128)))"; else got_text="exit $got"; fi
        echo "FAIL $name: got $got_text, expected $expect (${ms} ms)"
        sed 's/^/    | /' "$log"
        failed=$((failed + 1))
    fi
done < <(cat "$out/manifest" "$out/manifest.linux")
echo "$passed passed, $failed failed"
((failed == 0))

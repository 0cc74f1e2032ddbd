#!/usr/bin/env bash
# Checks `just run` as a user types it: arguments reach init unchanged
# (spaces, quotes, `$`, backslashes, an empty string, `--`, UTF-8), compared
# with the same BusyBox command run on the host; the exit code comes back;
# and a missing or dynamically linked binary fails at once, before any
# build or boot. Prints `ok run: ...` / `FAIL run: ...` lines (counted by
# scripts/test-qemu.sh). Usage: scripts/test-run.sh  (JUST names the just
# binary; the busybox from scripts/fetch-busybox.sh is the program)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
just=${JUST:-just}
busybox=$("$root/scripts/fetch-busybox.sh") || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
result() { # result OK NAME [LOG]
    if (($1)); then
        echo "ok run: $2"
    else
        echo "FAIL run: $2"
        [[ -n ${3:-} ]] && tr -d '\r' <"$3"
        status=1
    fi
}

# The issue's example: a pipeline inside one argument.
"$just" run "$busybox" sh -c 'echo a | wc -l' >"$tmp/pipe" 2>&1
rc=$?
ok=0
if ((rc == 0)) && tr -d '\r' <"$tmp/pipe" | grep -qx 1; then ok=1; fi
result "$ok" "sh -c 'echo a | wc -l' prints 1" "$tmp/pipe"

# Awkward arguments, each printed between markers, then exit 3.
script='printf "out:<%s>\n" "$@"; exit 3'
args=('a b' '' '$HOME' '"q"' "it's" 'back\slash' 'end\' '--' 'a=b' 'k="v w"' 'ü' '  ')
"$busybox" sh -c "$script" sh "${args[@]}" >"$tmp/host" 2>&1
"$just" run "$busybox" sh -c "$script" sh "${args[@]}" >"$tmp/guest" 2>&1
rc=$?
ok=0
if ((rc == 3)) && diff <(grep '^out:' "$tmp/host") <(tr -d '\r' <"$tmp/guest" | grep '^out:') >"$tmp/diff"; then
    ok=1
else
    cat "$tmp/diff"
fi
result "$ok" "arguments arrive as on the host, exit code 3 returned" "$tmp/guest"

# Refused before anything is built or booted: fast, clear, no cargo.
refused() { # refused NAME PATTERN BINARY
    local start end
    start=$(date +%s)
    "$just" run "$3" >"$tmp/refused" 2>&1
    rc=$?
    end=$(date +%s)
    ok=0
    if ((rc != 0 && end - start < 10)) && grep -q "$2" "$tmp/refused" &&
        ! grep -q 'cargo build\|qemu' "$tmp/refused"; then ok=1; fi
    result "$ok" "$1" "$tmp/refused"
}
refused "a missing binary is refused at once" 'no such file' /nonexistent/prog
dynamic=$(type -P true)
if ! "$root/scripts/check-static.py" "$dynamic" 2>/dev/null; then
    refused "a dynamically linked binary is refused at once" 'only static binaries run' "$dynamic"
fi
exit "$status"

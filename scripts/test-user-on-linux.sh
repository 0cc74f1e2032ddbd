#!/usr/bin/env bash
# Runs the user-program suite on the host Linux, to prove each test's
# expectation is Linux's own before the kernel is held to it.
#
# Builds the initramfs tree (scripts/build-initramfs.sh), then runs every
# line of its /tests/manifest inside that tree (chroot, so paths like
# /bin/files and /etc/user-tests/fixture.txt mean the same as under the
# kernel) with exactly the environment of /tests/env, and checks the
# outcome: `exit=N` or death by `signal=NAME`. Prints one ok/FAIL line per
# test (with the program's output on failure) and `N passed, N failed`.
# Needs root or unprivileged user namespaces (for chroot).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$root/build/initramfs-root
"$root/scripts/build-initramfs.sh" || exit 1

# Absolute paths: `env -i` below clears PATH before these run.
chroot=$(command -v chroot) || { echo "test-user-on-linux: chroot not found" >&2; exit 1; }
if [[ $(id -u) -eq 0 ]]; then
    enter=("$chroot" "$stage")
elif unshare --user --map-root-user true 2>/dev/null; then
    enter=("$(command -v unshare)" --user --map-root-user "$chroot" "$stage")
else
    echo "test-user-on-linux: needs root or user namespaces to chroot into $stage" >&2
    exit 1
fi

mapfile -t env_vars < <(grep -v '^#' "$stage/tests/env" | grep .)
ulimit -c 0 # the signal tests would otherwise leave core files
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
while read -r expect path args; do
    [[ -z ${expect:-} || $expect == \#* ]] && continue
    name="$path${args:+ $args}"
    case $expect in
        exit=*) want=${expect#exit=} ;;
        signal=*)
            signum=$(kill -l "${expect#signal=}" 2>/dev/null) || signum=
            [[ -n $signum ]] || { echo "FAIL $name: unknown signal in '$expect'"; failed=$((failed + 1)); continue; }
            want=$((128 + signum)) ;;
        *) echo "FAIL $name: bad expectation '$expect'"; failed=$((failed + 1)); continue ;;
    esac
    # The inner subshell reaps the program, so bash's "Segmentation fault"
    # notice for the expected deaths goes to its /dev/null stderr.
    # shellcheck disable=SC2086 # args are space-separated words by definition
    (
        cd / && timeout 120 env -i "${env_vars[@]}" "${enter[@]}" $path $args >"$out" 2>&1 </dev/null
        exit $?
    ) 2>/dev/null
    got=$?
    if [[ $got == "$want" ]]; then
        echo "ok $name"
        passed=$((passed + 1))
    else
        if ((got > 128)); then got_text="signal $(kill -l $((got - 128)) 2>/dev/null || echo $((got - 128)))"; else got_text="exit $got"; fi
        echo "FAIL $name: got $got_text, expected $expect"
        sed 's/^/    | /' "$out"
        failed=$((failed + 1))
    fi
done <"$stage/tests/manifest"
echo "$passed passed, $failed failed"
((failed == 0))

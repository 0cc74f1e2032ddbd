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
run_in_tree() { # run_in_tree LOG PATH ARGS...: inside the tree, from /
    local log=$1
    shift
    cd / && timeout 120 env -i "${env_vars[@]}" "${enter[@]}" "$@" >"$log" 2>&1
}
# shellcheck source=scripts/manifest-runner.sh
source "$root/scripts/manifest-runner.sh"
run_manifest run_in_tree <"$stage/tests/manifest"

#!/usr/bin/env bash
# The QEMU integration suite: one boot per manifest, the kernel's test
# runner prints one `ok`/`FAIL` line per test and a final
# `N passed, N failed` line, then exits QEMU through isa-debug-exit.
# Usage: scripts/test-qemu.sh KERNEL INITRD [[WORDS:]MANIFEST...]
# A suite is a manifest in the initramfs, optionally preceded by kernel
# words for its boot (comma-separated, then a colon), e.g.
# `fork=classic:/tests/proc/manifest`. Default suites: under the default
# fork strategy (hybrid) /tests/manifest, the user-program suite;
# /ktests/manifest, the kernel's own tests (kernel/tests/user/*.c built
# here with musl-gcc and appended to INITRD as /ktests); the process tests
# of user/proc-tests (/tests/proc/manifest, manifest.ours: no leak,
# manifest.hybrid: the window's counters; manifest.oom with a promotion
# failed on purpose); the process tests and the failed promotion again
# with promote=classic (the default promotes into on-demand form); then
# the kernel's tests, the
# process tests and manifest.ours again under fork=classic and
# fork=ondemand, and
# manifest.ghost under fork=ghost (the libc barrier). Extra kernel words
# for every boot: $KERNEL_ARGS. After the suites, single boots checked by
# their logs: the kernel fault and stack-overflow reports, an unkillable
# init, out of memory in init (a child dies instead), the interactive shell (test-shell.py), `just run` as a user types
# it (test-run.sh: arguments unchanged, bad binaries refused at once; JUST
# names the just binary) and `just gdb` in batch mode (qemu-gdb.sh --check).
# Exits non-zero if a test failed, the runner's summary is missing, or
# QEMU timed out (per-suite timeout: $QEMU_TEST_TIMEOUT, default 300 s);
# the whole kernel log is printed on failure.
set -uo pipefail
kernel=${1:?usage: test-qemu.sh KERNEL INITRD [MANIFEST...]}
initrd=${2:?missing INITRD}
shift 2
manifests=("$@")
# The single boots checked by their logs (fault reports, init, the shell,
# `just run`, `just gdb`) belong to the default run only: a run of named
# manifests (`just fuzz`) is about those.
single_boots=0
((${#manifests[@]})) || single_boots=1
((${#manifests[@]})) || manifests=(
    /tests/manifest /ktests/manifest
    /tests/proc/manifest /tests/proc/manifest.ours /tests/proc/manifest.hybrid
    fork=hybrid,fail_promotion=1:/tests/proc/manifest.oom
    fork=hybrid,promote=classic:/tests/proc/manifest
    fork=hybrid,promote=classic,fail_promotion=1:/tests/proc/manifest.oom
    fork=classic:/ktests/manifest fork=classic:/tests/proc/manifest
    fork=classic:/tests/proc/manifest.ours
    fork=ondemand:/ktests/manifest fork=ondemand:/tests/proc/manifest
    fork=ondemand:/tests/proc/manifest.ours
    fork=ghost:/tests/proc/manifest.ghost
)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=$(mktemp -d)
log=$work/log
trap 'rm -rf "$work"' EXIT

# The kernel's own test programs, appended as a second cpio archive.
mkdir -p "$work/root/ktests"
cp "$repo"/kernel/tests/manifest* "$work/root/ktests/"
for src in "$repo"/kernel/tests/user/*.c; do
    musl-gcc -static -O2 -Wall -Wextra -Werror -I "$repo/user/include" -o "$work/root/ktests/$(basename "$src" .c)" "$src"
done
(cd "$work/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) >"$work/ktests.cpio"
cat "$initrd" "$work/ktests.cpio" >"$work/initrd.cpio"
initrd=$work/initrd.cpio
total_pass=0
total_fail=0
status=0
# One accelerator for every boot of the run (each boot probing on its own
# could mix KVM and TCG boots on a host where KVM is flaky).
QEMU_ACCEL=$("$here/kvm-probe.sh" "$kernel" "$initrd")
export QEMU_ACCEL
echo "test-qemu: accelerator $QEMU_ACCEL"
for suite in "${manifests[@]}"; do
    words=
    m=$suite
    if [[ $suite == *:* ]]; then
        words=${suite%%:*}
        words=${words//,/ }
        m=${suite#*:}
    fi
    echo "test-qemu: suite $m${words:+ ($words)}"
    # shellcheck disable=SC2086
    "$here/qemu-run.sh" --timeout "${QEMU_TEST_TIMEOUT:-300}" "$kernel" "$initrd" \
        loglevel=7 runtests="$m" $words ${KERNEL_ARGS:-} >"$log" 2>&1
    rc=$?
    grep -E '^(ok|FAIL) ' "$log" | tr -d '\r'
    summary=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
    if [[ -z $summary ]]; then
        if ((rc == 124)); then why="timed out"; else why="no summary line (qemu status $rc)"; fi
        echo "FAIL suite $suite: $why"
        total_fail=$((total_fail + 1))
        status=1
    else
        p=${summary%% passed*}
        f=${summary#*, }
        f=${f%% failed*}
        total_pass=$((total_pass + p))
        total_fail=$((total_fail + f))
        if ((f > 0 || rc != 16)); then status=1; fi
    fi
    if ((status)); then
        echo "----- kernel log ($suite) -----"
        tr -d '\r' <"$log"
        echo "----- end of kernel log -----"
    fi
done
if ((!single_boots)); then
    echo "$total_pass passed, $total_fail failed"
    exit "$status"
fi
# One boot checked by its log: `tally OK NAME` counts NAME as passed when
# OK is 1, otherwise prints the boot's log.
tally() {
    if (($1)); then
        echo "ok $2"
        total_pass=$((total_pass + 1))
    else
        echo "FAIL $2 (qemu status $rc)"
        tr -d '\r' <"$log"
        total_fail=$((total_fail + 1))
        status=1
    fi
}
# The kernel's own fault report: a deliberate kernel-mode page fault must
# print registers, the faulting address and a backtrace, then exit QEMU with
# the failure code (0x11) instead of hanging or rebooting.
"$here/qemu-run.sh" --timeout 60 "$kernel" "$initrd" faulttest loglevel=3 >"$log" 2>&1
rc=$?
ok=0
if ((rc == 17)) && grep -q 'KERNEL FAULT' "$log" &&
    grep -q 'cr2 (faulting address) 0xfffffffff0000000' "$log" &&
    (($(grep -c '^    #[0-9]' "$log") >= 3)); then ok=1; fi
tally "$ok" "kernel fault report"
# A kernel stack overflow runs into the guard page below the stack and is
# reported (through the double-fault handler's own stack), not silent.
"$here/qemu-run.sh" --timeout 60 "$kernel" "$initrd" stacktest loglevel=3 >"$log" 2>&1
rc=$?
ok=0
if ((rc == 17)) && grep -q 'KERNEL FAULT' "$log" && grep -q 'kernel stack overflow' "$log"; then ok=1; fi
tally "$ok" "kernel stack overflow report"
# Init is protected: booted as init, /ktests/init_unkillable sends itself
# and has children send it SIGKILL, SIGSTOP and SIGTERM (all dropped, as
# Linux drops them for pid 1) and exits 0; killed or stopped init would end
# QEMU with another code or time out.
"$here/qemu-run.sh" --timeout 60 "$kernel" "$initrd" loglevel=4 init=/ktests/init_unkillable >"$log" 2>&1
rc=$?
ok=0
if ((rc == 0)) && grep -q 'init_unkillable: [0-9]* checks, 0 failed' "$log"; then ok=1; fi
tally "$ok" "init ignores signals it does not handle"
# Out of memory never kills init: booted as init, /ktests/init_oom has a
# child take all user memory, then needs more itself; the kernel kills
# the child (SIGKILL) instead and init exits 0.
"$here/qemu-run.sh" --timeout 120 "$kernel" "$initrd" loglevel=4 init=/ktests/init_oom >"$log" 2>&1
rc=$?
ok=0
if ((rc == 0)) && grep -q 'init_oom: [0-9]* checks, 0 failed' "$log"; then ok=1; fi
tally "$ok" "out of memory kills a child, never init"
# The interactive BusyBox shell `just qemu` boots: prompt, a pipeline,
# Ctrl-C on a sleeping and a spinning command, exit (scripts/test-shell.py,
# hard timeout inside).
if python3 "$here/test-shell.py" "$kernel" "$initrd" >"$log" 2>&1; then
    grep -E '^ok shell: ' "$log"
    total_pass=$((total_pass + $(grep -c '^ok shell: ' "$log")))
else
    echo "FAIL interactive shell"
    tr -d '\r' <"$log"
    total_fail=$((total_fail + 1))
    status=1
fi
# `just run` as a user types it (scripts/test-run.sh): arguments arrive
# unchanged, and bad binaries are refused before any build.
"$here/test-run.sh" >"$log" 2>&1
run_rc=$?
grep -E '^(ok|FAIL) run: ' "$log"
total_pass=$((total_pass + $(grep -c '^ok run: ' "$log")))
run_fail=$(grep -c '^FAIL run: ' "$log")
if ((run_rc != 0 || run_fail > 0)); then
    ((run_fail)) || run_fail=1
    tr -d '\r' <"$log"
    total_fail=$((total_fail + run_fail))
    status=1
fi
# `just gdb`: gdb in batch mode stops at the PVH entry and in pvh_main
# (hard timeout inside; a random port so parallel runs do not collide).
GDB_PORT=$((20000 + RANDOM % 20000)) "$here/qemu-gdb.sh" --check "$kernel" "$initrd" loglevel=5 >"$log" 2>&1
rc=$?
ok=0
if ((rc == 0)); then ok=1; fi
tally "$ok" "gdb stops at the kernel's entry"
echo "$total_pass passed, $total_fail failed"
exit "$status"

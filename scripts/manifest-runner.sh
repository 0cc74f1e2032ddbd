# Sourced by scripts/test-user-on-linux.sh and scripts/test-proc-on-linux.sh:
# the loop both share for running a test manifest on the host Linux.
#
# run_manifest RUN [FILTER] < MANIFEST
#   For every `EXPECT PATH ARGS...` line (blank lines and `#` comments
#   skipped; with FILTER, only lines containing it) calls `RUN LOG PATH
#   ARGS...`, which runs the test with its output in LOG and returns its
#   shell status (128+N for death by signal N). EXPECT is `exit=N` or
#   `signal=NAME`. Prints `ok NAME (T ms)` or `FAIL NAME: ...` with the
#   test's output, then `N passed, N failed`; returns 0 when none failed.
run_manifest() {
    local run=$1 filter=${2:-} passed=0 failed=0 expect path args name want signum got got_text start ms log
    log=$(mktemp)
    ulimit -c 0 # the signal tests would otherwise leave core files
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
        start=$(date +%s%N)
        # The subshell reaps the test, so bash's notices about the expected
        # deaths ("Segmentation fault") go to its /dev/null stderr.
        # shellcheck disable=SC2086 # args are space-separated words by definition
        ("$run" "$log" "$path" $args) 2>/dev/null </dev/null
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
    done
    rm -f "$log"
    echo "$passed passed, $failed failed"
    ((failed == 0))
}

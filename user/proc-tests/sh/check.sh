# Sourced by the BusyBox test scripts (not a test itself): one indented
# line per check and the verdict as the script's exit status.
# Usage in a script:  . "${0%/*}/check.sh"; check NAME GOT WANT; ...; finish NAME
checks=0
failed=0
check() {
    checks=$((checks + 1))
    if [ "$2" = "$3" ]; then
        echo "  ok   $1"
    else
        failed=$((failed + 1))
        echo "  FAIL $1: got '$2', want '$3'"
    fi
}
finish() {
    echo "$1: $checks checks, $failed failed"
    [ "$failed" -eq 0 ]
}
scratch=/tmp/proc-sh-$$

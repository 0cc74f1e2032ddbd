# A loop that starts 100 processes (each `sh -c` is a new process that
# prints its pid); every pid must be distinct and none the script's own.
. "${0%/*}/check.sh"
n=${1:-100}
i=0
pids=
while [ "$i" -lt "$n" ]; do
    pids="$pids $(sh -c 'echo $$')"
    i=$((i + 1))
done
count=$(echo $pids | tr ' ' '\n' | grep -c .)
distinct=$(echo $pids | tr ' ' '\n' | sort -u | grep -c .)
check "processes started" "$count" "$n"
check "distinct pids" "$distinct" "$n"
echo $pids | tr ' ' '\n' | grep -qx "$$"
check "none is the script's own pid" $? 1
i=0
while [ "$i" -lt "$n" ]; do
    sh -c "exit $((i % 7))"
    [ $? -eq $((i % 7)) ] || break
    i=$((i + 1))
done
check "exit codes of $n sh -c children" "$i" "$n"
finish loop100

# Redirections to and from files: >, >>, <, 2>, 2>&1, a here-document, an
# fd opened with exec and closed again. Files live under /tmp.
. "${0%/*}/check.sh"
mkdir -p "$scratch" || exit 1
f=$scratch/f
echo one >"$f"
echo two >>"$f"
check "> then >>" "$(cat "$f")" "one
two"
check "< into wc -l" "$(wc -l <"$f" | tr -d ' ')" 2
echo three >"$f"
check "> truncates" "$(cat "$f")" three
ls /no/such/path 2>"$scratch/err" >/dev/null
check "2> captures stderr" "$(grep -c . "$scratch/err")" 1
got=$( (echo out; echo err >&2) 2>&1 | sort | tr '\n' ' ')
check "2>&1 merges into the pipe" "$got" "err out "
cat >"$scratch/h" <<END
line $((1 + 1))
END
check "here-document" "$(cat "$scratch/h")" "line 2"
exec 3>"$scratch/fd3"
echo via-fd3 >&3
exec 3>&-
check "exec 3> and >&3" "$(cat "$scratch/fd3")" via-fd3
{ echo x >&3; } 2>/dev/null
check "writing a closed fd fails" $? 1
rm -r "$scratch"
check "scratch directory removed" "$(ls -d "$scratch" 2>/dev/null)" ""
finish redirect

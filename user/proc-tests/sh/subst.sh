# Command substitution and subshells: output captured from a child, and a
# subshell's changes (variables, cwd, exit) staying inside it.
. "${0%/*}/check.sh"
check "\$(echo hi)" "$(echo hi)" hi
check "nested \$(...)" "$(echo "$(echo "$(echo deep)")")" deep
check "backquotes" "`echo old style`" "old style"
check "substitution of a pipeline" "$(echo a-b-c | tr - ' ')" "a b c"
v=outer
cd / || exit 1
(v=inner; cd /tmp || exit 9; exit 0)
check "subshell variable does not leak" "$v" outer
check "subshell cd does not leak" "$(pwd)" /
(exit 3)
check "subshell exit status" $? 3
got=$( (echo one; echo two) | wc -l)
check "subshell output into a pipeline" "$got" 2
check "\$\$ in a subshell is the parent shell's" "$(echo $$)" "$$"
child=$(sh -c 'echo $$')
[ "$child" != "$$" ]
check "sh -c runs in another process" $? 0
finish subst

# `sh -c` exit codes as a shell reports them: plain codes, 128+signal for
# a death by a signal, 127 for a command not found, `!` negation.
. "${0%/*}/check.sh"
for code in 0 1 3 42 255; do
    sh -c "exit $code"
    check "sh -c 'exit $code'" $? "$code"
done
sh -c 'exit 256'
check "sh -c 'exit 256' wraps" $? 0
sh -c 'kill -TERM $$'
check "sh -c 'kill -TERM \$\$'" $? 143
sh -c 'kill -KILL $$'
check "sh -c 'kill -KILL \$\$'" $? 137
sh -c 'no_such_command_here' 2>/dev/null
check "command not found" $? 127
sh -c 'false'
check "sh -c false" $? 1
! true
check "! true" $? 1
sh -c 'sh -c "exit 9"; exit $(( $? + 1 ))'
check "nested sh -c status" $? 10
finish exitcodes

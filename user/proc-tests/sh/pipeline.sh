# Pipelines: data through several processes, and the exit status of a
# pipeline being its last command's.
. "${0%/*}/check.sh"
nl='
'
got=$(echo c b a | tr ' ' '\n' | sort | uniq -c | sed 's/^ *//')
check "echo c b a | tr | sort | uniq -c" "$got" "1 a${nl}1 b${nl}1 c"
got=$(seq 1 100 | awk '{ s += $1 } END { print s }')
check "seq 1 100 | awk sum" "$got" 5050
got=$(printf 'x\ny\nx\nz\nx\n' | sort | uniq -c | sort -rn | head -n 1 | sed 's/^ *//')
check "five-stage pipeline" "$got" "3 x"
false | true
check "status of 'false | true'" $? 0
true | false
check "status of 'true | false'" $? 1
got=$(yes | head -n 1000 | wc -l)
check "yes | head -n 1000 (writer stopped by SIGPIPE)" "$got" 1000
finish pipeline

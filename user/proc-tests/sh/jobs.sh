# Background jobs: $!, wait for one job and its status, wait for all.
. "${0%/*}/check.sh"
mkdir -p "$scratch" || exit 1
(sleep 0.1; exit 5) &
p1=$!
(exit 7) &
p2=$!
wait $p2
check "wait \$! of a job that exits 7" $? 7
wait $p1
check "wait \$! of a job that sleeps then exits 5" $? 5
[ "$p1" != "$p2" ] && [ "$p1" != "$$" ]
check "jobs have their own pids" $? 0
for i in 1 2 3 4 5; do
    (sleep 0.0$i; echo "job $i" >"$scratch/$i") &
done
wait
check "all five jobs done after wait" "$(cat "$scratch"/* | wc -l | tr -d ' ')" 5
sleep 5 &
p=$!
kill $p
wait $p
check "wait of a job killed by SIGTERM" $? 143
rm -r "$scratch"
finish jobs

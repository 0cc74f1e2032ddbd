#!/bin/sh
# Not run on the host: a BusyBox sh script for the guest, the counter
# readings in docs/fork.md. Boot it as init, e.g.
#   scripts/qemu-run.sh --add scripts/forkstat-busybox.sh KERNEL INITRD \
#       fork=hybrid init=/bin/sh -- /run/forkstat-busybox.sh
# It runs the process suite's BusyBox scripts and prints /proc/forkstat
# before and after.
echo "=== forkstat at start"
cat /proc/forkstat
for s in pipeline subst loop100 redirect jobs exitcodes; do
    /bin/sh /tests/proc/$s.sh >/dev/null 2>&1
    echo "script $s.sh: exit $?"
done
echo "=== forkstat after the BusyBox scripts"
cat /proc/forkstat

/* syslog(2) (klogctl) as dmesg uses it: the buffer size, a read of
 * everything kept in "<level>[time] text" records, reads that change
 * nothing; a bad action or a negative length is EINVAL, a NULL buffer
 * EINVAL, and a non-root reader may still read everything (upstream
 * Linux's dmesg_restrict=0; a host that restricts it is reported, not
 * failed). Destructive actions are left alone: on the host they would
 * clear its log. */
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char buf[1 << 20];

int main(void) {
    int size = klogctl(10, 0, 0);
    CHECK(size > 0, "the buffer holds %d bytes", size);
    int n = klogctl(3, buf, sizeof buf);
    CHECK(n > 0 && n <= size, "read everything: %d bytes", n);
    int records = 0, well_formed = 0;
    for (char *l = buf; l < buf + n; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : buf + n) {
        records++;
        well_formed += l[0] == '<' && l[1] >= '0' && l[1] <= '9' && strchr(l, '>') && strchr(l, '[');
    }
    CHECK(records > 0 && well_formed == records, "%d of %d records read <level>[time] text",
          well_formed, records);
    int again = klogctl(3, buf, sizeof buf);
    CHECK(again >= n, "a second read still has everything (%d bytes)", again);
    CHECK(klogctl(3, buf, 0) == 0, "a zero-length read is 0");
    CHECK_ERRNO(klogctl(42, buf, 10), EINVAL);
    CHECK_ERRNO(klogctl(3, buf, -1), EINVAL);
    CHECK_ERRNO(klogctl(3, 0, 10), EINVAL);
    CHECK_ERRNO(klogctl(8, 0, 0), EINVAL);
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0)
            _exit(2);
        int r = klogctl(3, buf, 100);
        _exit(r >= 0 ? 0 : errno == EPERM ? 3 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
        printf("  note this host restricts dmesg (dmesg_restrict=1)\n");
    else
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a non-root reader reads (status %#x)", st);
    return finish("syslog");
}

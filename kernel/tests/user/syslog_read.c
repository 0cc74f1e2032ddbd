/* The destructive syslog reads the host-Linux test leaves alone (they
 * would empty the host's log): action 2 returns whole records only and
 * moves past them (SIZE_UNREAD shrinks by what it returned), action 4
 * reads everything and clears, after which a read of everything is empty. */
#include <sys/klog.h>

#include "check.h"

int main(void) {
    static char buf[65536];
    int unread = klogctl(9, 0, 0);
    CHECK(unread > 0, "%d bytes unread", unread);
    /* One byte short of everything: the last record does not fit. */
    int n = klogctl(2, buf, unread - 1);
    CHECK(n > 0 && n < unread && buf[n - 1] == '\n', "a %d-byte read gives %d bytes of whole records",
          unread - 1, n);
    CHECK(buf[0] == '<', "it starts at a record");
    CHECK(klogctl(9, 0, 0) == unread - n, "SIZE_UNREAD fell by %d", n);
    int m = klogctl(2, buf, sizeof buf);
    CHECK(m > 0 && buf[0] == '<' && buf[m - 1] == '\n', "the next read starts at the next record (%d bytes)", m);
    CHECK(klogctl(4, buf, sizeof buf) > 0, "read and clear");
    CHECK(klogctl(3, buf, sizeof buf) == 0, "nothing kept after the clear");
    return finish("syslog_read");
}

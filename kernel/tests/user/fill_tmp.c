/* Filling the in-memory filesystem ends in ENOSPC for the writer, not a
 * kernel panic, and the space comes back after unlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 20];

static long fill(const char *path) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    long total = 0;
    for (int i = 0; i < 4096; i++) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno != ENOSPC && errno != ENOMEM) {
                printf("fill_tmp: write failed with errno %d\n", errno);
                return -1;
            }
            break;
        }
        total += n;
    }
    close(fd);
    return total;
}

int main(void) {
    memset(buf, 'x', sizeof buf);
    long first = fill("/tmp/fill");
    if (first <= 0 || first >= 4096L << 20) {
        printf("fill_tmp: first fill gave %ld bytes\n", first);
        return 1;
    }
    if (unlink("/tmp/fill") != 0) {
        printf("fill_tmp: unlink failed\n");
        return 1;
    }
    long second = fill("/tmp/fill");
    unlink("/tmp/fill");
    printf("fill_tmp: %ld MiB, then %ld MiB after unlink\n", first >> 20, second >> 20);
    return second >= first / 2 ? 0 : 1;
}

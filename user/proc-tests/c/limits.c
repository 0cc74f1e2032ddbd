/* What programs read to size things, and the limits behind them:
 * /proc/sys/kernel/{pid_max,tainted,core_pattern}, /proc/sys/fs/
 * pipe-max-size, /proc/sys/vm/max_map_count (mmap fails with ENOMEM at
 * that many areas), /proc/mounts (a root and /proc), and SEEK_DATA /
 * SEEK_HOLE on a file without holes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static long read_long(const char *path) {
    char buf[64] = {0};
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n > 0 ? strtol(buf, 0, 10) : -1;
}

int main(void) {
    long pid_max = read_long("/proc/sys/kernel/pid_max");
    CHECK(pid_max >= 32768 && getpid() <= pid_max, "pid_max %ld, our pid %d", pid_max, getpid());
    CHECK(read_long("/proc/sys/kernel/tainted") >= 0, "tainted is a number");
    char pattern[256] = {0};
    int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
    CHECK(fd >= 0 && read(fd, pattern, sizeof pattern - 1) > 1, "core_pattern: %s", pattern);
    close(fd);
    CHECK(read_long("/proc/sys/fs/pipe-max-size") >= 65536, "pipe-max-size");
    char mounts[8192] = {0};
    fd = open("/proc/mounts", O_RDONLY);
    CHECK(fd >= 0 && read(fd, mounts, sizeof mounts - 1) > 0, "/proc/mounts readable");
    close(fd);
    CHECK(strstr(mounts, " / ") && strstr(mounts, " /proc proc "), "a root and /proc mounted");

    long max = read_long("/proc/sys/vm/max_map_count");
    CHECK(max > 0, "max_map_count %ld", max);
    /* Alternate protections so that neighbours never merge into one area. */
    long made = 0;
    for (; made < max + 10; made++) {
        int prot = made % 2 ? PROT_READ : PROT_NONE;
        if (mmap(0, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
            break;
    }
    int err = errno;
    CHECK(made < max && made > max - 200 && err == ENOMEM,
          "mmap stops with ENOMEM (%d) after %ld new areas, max_map_count %ld", err, made, max);

    fd = open("/tmp/limits-seek", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "a 10-byte file");
    CHECK(lseek(fd, 0, SEEK_DATA) == 0, "SEEK_DATA from 0 is 0");
    CHECK(lseek(fd, 3, SEEK_HOLE) == 10, "SEEK_HOLE from 3 is the end, 10");
    CHECK_ERRNO(lseek(fd, 10, SEEK_DATA), ENXIO);
    CHECK_ERRNO(lseek(fd, 10, SEEK_HOLE), ENXIO);
    close(fd);
    unlink("/tmp/limits-seek");
    return finish("limits");
}

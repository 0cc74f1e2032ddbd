/* sysinfo(2), /proc/uptime and /proc/loadavg as `free`, `uptime` and
 * `top` read them: memory figures consistent with each other (in units
 * of mem_unit), an uptime that agrees with /proc/uptime, load averages in
 * 16-bit fixed point, a process count; a bad pointer is EFAULT. */
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "check.h"

static int read_file(const char *path, char *buf, size_t n) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, buf, n - 1);
    close(fd);
    if (got < 0)
        return -1;
    buf[got] = 0;
    return 0;
}

int main(void) {
    struct sysinfo si;
    CHECK(sysinfo(&si) == 0, "sysinfo succeeds");
    CHECK(si.mem_unit >= 1, "mem_unit %u", si.mem_unit);
    CHECK(si.totalram > 0 && si.freeram <= si.totalram, "freeram %lu <= totalram %lu",
          si.freeram, si.totalram);
    CHECK(si.freeswap <= si.totalswap, "freeswap %lu <= totalswap %lu", si.freeswap, si.totalswap);
    CHECK(si.procs >= 1, "procs %u", si.procs);
    CHECK((long)si.uptime >= 0, "uptime %ld s", (long)si.uptime);
    for (int i = 0; i < 3; i++)
        CHECK(si.loads[i] < (1000UL << 16), "load %d is %lu/65536", i, si.loads[i]);
    CHECK_ERRNO(syscall(SYS_sysinfo, (void *)0), EFAULT);

    char buf[256];
    double up = -1, idle = -1;
    CHECK(read_file("/proc/uptime", buf, sizeof buf) == 0 && sscanf(buf, "%lf %lf", &up, &idle) == 2,
          "/proc/uptime: %s", buf);
    CHECK(up >= (double)si.uptime - 1 && up < (double)si.uptime + 5,
          "/proc/uptime %.2f agrees with sysinfo %ld",
          up, (long)si.uptime);
    CHECK(idle >= 0, "idle time %.2f", idle);
    double l1, l5, l15;
    int running, threads, last;
    CHECK(read_file("/proc/loadavg", buf, sizeof buf) == 0 &&
              sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &threads, &last) == 6,
          "/proc/loadavg: %s", buf);
    CHECK(running >= 1 && threads >= running && last >= 1, "running %d of %d threads, last pid %d",
          running, threads, last);
    return finish("sysinfo");
}

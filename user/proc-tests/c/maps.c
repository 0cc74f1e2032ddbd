/* /proc/self/maps in Linux's format: the stack variable's area is
 * "[stack]" and writable, main's code is executable and named by the
 * program's path (argv[0]'s name), a read-only anonymous mapping is "r--p", a shared one
 * ends in 's'; every line parses as start-end perms offset dev inode. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static char maps[65536];

/* The line of the area that holds `addr`, or NULL. */
static const char *area_of(const void *addr, char *line, size_t n) {
    uintptr_t a = (uintptr_t)addr;
    for (char *l = maps; *l;) {
        char *nl = strchr(l, '\n');
        size_t len = nl ? (size_t)(nl - l) : strlen(l);
        unsigned long start, end;
        if (sscanf(l, "%lx-%lx", &start, &end) == 2 && start <= a && a < end) {
            snprintf(line, n, "%.*s", (int)len, l);
            return line;
        }
        l += len + (nl != 0);
    }
    return 0;
}

int main(int argc, char **argv) {
    (void)argc;
    const char *slash = strrchr(argv[0], '/');
    const char *prog = slash ? slash + 1 : argv[0];
    char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int fd = open("/proc/self/maps", O_RDONLY);
    ssize_t got, len = 0;
    while (fd >= 0 && (got = read(fd, maps + len, sizeof maps - 1 - len)) > 0)
        len += got;
    maps[len] = 0;
    CHECK(fd >= 0 && len > 0, "/proc/self/maps read (%zd bytes)", len);

    int lines = 0, parsed = 0;
    for (char *l = maps; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
        unsigned long s, e, off, ino;
        unsigned maj, min;
        char perms[8];
        lines++;
        parsed += sscanf(l, "%lx-%lx %4s %lx %x:%x %lu", &s, &e, perms, &off, &maj, &min, &ino) == 7 &&
                  s < e && strlen(perms) == 4;
    }
    CHECK(lines > 0 && parsed == lines, "%d of %d lines parse", parsed, lines);

    char line[512];
    int local = 0;
    const char *l = area_of(&local, line, sizeof line);
    CHECK(l && strstr(l, "rw-p") && strstr(l, "[stack]"), "the stack: %s", l ? l : "(none)");
    l = area_of((void *)main, line, sizeof line);
    CHECK(l && strstr(l, "r-xp") && strstr(l, prog), "main's code, named %s: %s", prog, l ? l : "(none)");
    l = area_of(ro, line, sizeof line);
    CHECK(l && strstr(l, " r--p "), "a read-only mapping: %s", l ? l : "(none)");
    l = area_of(sh, line, sizeof line);
    CHECK(l && strstr(l, " rw-s "), "a shared mapping: %s", l ? l : "(none)");
    return finish("maps");
}

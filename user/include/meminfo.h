/* One line of /proc/meminfo, for the tests that hold the kernel's memory
 * ledger to account ("MemFree", "Slab", "KernelPageTables", ...). */
#ifndef USER_MEMINFO_H
#define USER_MEMINFO_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The value of `field` in kB, or -1 when /proc/meminfo or the line is
 * missing. Reads into a stack buffer: no allocation between readings. */
static long meminfo(const char *field) {
    char text[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    size_t len = strlen(field);
    for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0)
        if (!strncmp(line, field, len) && line[len] == ':')
            return strtol(line + len + 1, 0, 10);
    return -1;
}

#endif

/* Memory comes back: file contents written to the in-memory filesystem
 * take frames (MemFree drops by at least their size) and deleting the
 * files gives them all back (MemFree and VmallocUsed return to where they
 * were); so does filling it until ENOSPC. Kernel-only: Linux's MemFree
 * moves on its own and its tmpfs pages are not counted the same way. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "meminfo.h"

static char buf[1 << 20];

/* Writes `mib` MiB (or until ENOSPC when mib < 0); returns MiB written. */
static long write_file(const char *path, long mib) {
    long total = 0;
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    errno = 0;
    for (long i = 0; mib < 0 || i < mib; i++) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0)
            break;
        total += n; /* a full filesystem first gives a short write */
    }
    close(fd);
    return total >> 20;
}

int main(void) {
    memset(buf, 'm', sizeof buf);
    /* Warm-up: filling /tmp once grows, for good, the page tables of the
     * kernel's large-allocation region and the small heap's inode tables;
     * later files reuse both. */
    long warm = write_file("/tmp/warm", -1);
    int err = errno;
    CHECK(warm > 0 && (err == ENOSPC || err == ENOMEM), "filled /tmp: %ld MiB, then errno %d", warm, err);
    unlink("/tmp/warm");
    long free0 = meminfo("MemFree"), vm0 = meminfo("VmallocUsed"), slab0 = meminfo("Slab");
    CHECK(free0 > 0 && vm0 >= 0 && slab0 > 0, "MemFree %ld kB, VmallocUsed %ld kB, Slab %ld kB readable", free0, vm0, slab0);

    const char *names[] = {"/tmp/a", "/tmp/b", "/tmp/c"};
    for (int i = 0; i < 3; i++)
        CHECK(write_file(names[i], 40) == 40, "wrote 40 MiB to %s", names[i]);
    long free1 = meminfo("MemFree"), vm1 = meminfo("VmallocUsed");
    CHECK(free0 - free1 >= 120 * 1024, "MemFree fell by %ld kB for 120 MiB of files", free0 - free1);
    CHECK(vm1 - vm0 >= 120 * 1024, "VmallocUsed rose by %ld kB", vm1 - vm0);
    for (int i = 0; i < 3; i++)
        unlink(names[i]);
    long free2 = meminfo("MemFree"), vm2 = meminfo("VmallocUsed");
    CHECK(vm2 == vm0, "VmallocUsed back after unlink (%ld -> %ld kB)", vm0, vm2);
    CHECK(free2 == free0, "MemFree back after unlink (%ld -> %ld kB)", free0, free2);

    long full = write_file("/tmp/full", -1);
    err = errno;
    CHECK(full >= warm && (err == ENOSPC || err == ENOMEM), "filled /tmp again: %ld MiB, then errno %d", full, err);
    unlink("/tmp/full");
    long free3 = meminfo("MemFree"), vm3 = meminfo("VmallocUsed"), slab3 = meminfo("Slab");
    CHECK(vm3 == vm0, "VmallocUsed back after the full file (%ld -> %ld kB)", vm0, vm3);
    CHECK(free3 == free0, "MemFree back after the full file (%ld -> %ld kB)", free0, free3);
    CHECK(slab3 == slab0, "Slab unchanged (%ld -> %ld kB)", slab0, slab3);
    return finish("memory_returns");
}

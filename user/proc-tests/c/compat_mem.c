/* mlock/munlock/mlock2/mlockall/munlockall and msync argument checks as
 * Linux makes them (issue 11): EINVAL for bad flags or (msync) an
 * unaligned address, ENOMEM when the range has an unmapped page,
 * success otherwise (memory is never swapped, so locking only checks). */
#define _GNU_SOURCE
#include "check.h"

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    /* Three pages with a hole in the middle. */
    char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap three pages");
    CHECK(munmap(m + page, page) == 0, "punch a hole in the middle");

    CHECK(mlock(m, page) == 0, "mlock one mapped page");
    CHECK(mlock(m + 10, 100) == 0, "mlock an unaligned range inside a page");
    CHECK(munlock(m, page) == 0, "munlock it");
    CHECK(mlock(m, 0) == 0, "mlock of length 0");
    CHECK_ERRNO(mlock(m, 2 * page), ENOMEM);
    CHECK_ERRNO(mlock(m + page, page), ENOMEM);
    CHECK_ERRNO(munlock(m, 3 * page), ENOMEM);
    CHECK(syscall(SYS_mlock2, m, page, 1 /* MLOCK_ONFAULT */) == 0, "mlock2 MLOCK_ONFAULT");
    CHECK_ERRNO(syscall(SYS_mlock2, m, page, 2), EINVAL);
    CHECK(munlock(m, page) == 0, "munlock after mlock2");

    CHECK(mlockall(MCL_CURRENT) == 0, "mlockall(MCL_CURRENT)");
    CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0, "mlockall(MCL_CURRENT | MCL_FUTURE)");
    CHECK(munlockall() == 0, "munlockall");
    CHECK_ERRNO(mlockall(0), EINVAL);
    CHECK_ERRNO(mlockall(8), EINVAL);
    CHECK_ERRNO(mlockall(MCL_ONFAULT), EINVAL);

    CHECK(msync(m, page, MS_SYNC) == 0, "msync MS_SYNC");
    CHECK(msync(m, page, MS_ASYNC) == 0, "msync MS_ASYNC");
    CHECK(msync(m, page, MS_INVALIDATE) == 0, "msync MS_INVALIDATE");
    CHECK(msync(m, 0, MS_SYNC) == 0, "msync of length 0");
    CHECK(msync(m + 2 * page, 10, MS_SYNC) == 0, "msync of a partial last page");
    CHECK_ERRNO(msync(m + 1, page, MS_SYNC), EINVAL);
    CHECK_ERRNO(msync(m, page, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERRNO(msync(m, page, 8), EINVAL);
    CHECK_ERRNO(msync(m, 3 * page, MS_SYNC), ENOMEM);
    CHECK_ERRNO(msync(m, 3 * page, MS_ASYNC), ENOMEM);
    CHECK_ERRNO(msync(m + page, page, MS_SYNC), ENOMEM);
    CHECK_ERRNO(msync(m, (size_t)-page, MS_SYNC), ENOMEM);
    munmap(m, 3 * page);
    return finish("compat_mem");
}

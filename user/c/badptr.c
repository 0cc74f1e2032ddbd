/* Bad input from C through musl: null, kernel-half, non-canonical and
 * unmapped pointers, bad file descriptors, bad flags and unknown syscall
 * numbers, each with the exact errno Linux gives. Raw syscall() is used
 * where musl's wrapper would check or translate arguments itself. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define KERNEL ((void *)0xffff800000000000ul)
#define KERNEL_TEXT ((void *)0xffffffff80000000ul)
#define NON_CANONICAL ((void *)0x8000000000000000ul)
/* Below mmap_min_addr on Linux and below static executables on ours. */
#define UNMAPPED ((void *)0x1000ul)

int main(void) {
    void *bad[] = {NULL, KERNEL, KERNEL_TEXT, NON_CANONICAL, UNMAPPED};
    const char *names[] = {"NULL", "kernel", "kernel text", "non-canonical", "unmapped"};
    char path[64], buf[256];
    snprintf(path, sizeof path, "/tmp/badptr-%d", (int)getpid());
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && lseek(fd, 0, SEEK_SET) == 0, "scratch file");

    for (int i = 0; i < 5; i++) {
        void *p = bad[i];
        printf("--- %s pointer\n", names[i]);
        CHECK_ERRNO(syscall(SYS_write, 1, p, 10), EFAULT);
        lseek(fd, 0, SEEK_SET); /* data to copy: at EOF Linux returns 0 */
        CHECK_ERRNO(syscall(SYS_read, fd, p, 10), EFAULT);
        CHECK(lseek(fd, 0, SEEK_CUR) == 0, "offset unchanged by the failed read");
        CHECK_ERRNO(syscall(SYS_open, p, O_RDONLY), EFAULT);
        CHECK_ERRNO(syscall(SYS_stat, p, buf), EFAULT);
        CHECK_ERRNO(syscall(SYS_stat, "/", p), EFAULT);
        CHECK_ERRNO(syscall(SYS_fstat, fd, p), EFAULT);
        CHECK_ERRNO(syscall(SYS_uname, p), EFAULT);
        CHECK_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p), EFAULT);
        CHECK_ERRNO(syscall(SYS_getcwd, p, 256), EFAULT);
        CHECK_ERRNO(syscall(SYS_readv, fd, p, 1), EFAULT);
    }
    struct iovec iov = {KERNEL, 4};
    CHECK_ERRNO(syscall(SYS_writev, 1, &iov, 1), EFAULT);

    CHECK_ERRNO(syscall(SYS_read, -1, buf, 1), EBADF);
    CHECK_ERRNO(syscall(SYS_write, 4242, buf, 1), EBADF);
    CHECK_ERRNO(syscall(SYS_close, -5), EBADF);
    CHECK_ERRNO(syscall(SYS_fstat, 777, buf), EBADF);
    CHECK_ERRNO(syscall(SYS_dup2, 1, -1), EBADF);
    CHECK_ERRNO(syscall(SYS_lseek, 1000, 0, SEEK_SET), EBADF);

    CHECK_ERRNO(syscall(SYS_open, "/", O_RDWR), EISDIR);
    CHECK_ERRNO(syscall(SYS_open, "/no/such", O_RDONLY), ENOENT);
    CHECK_ERRNO(syscall(SYS_lseek, fd, 0, 77), EINVAL);
    CHECK_ERRNO(syscall(SYS_fcntl, fd, 12345), EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_mmap, 0, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERRNO(syscall(SYS_munmap, 1, 4096), EINVAL);
    CHECK_ERRNO(syscall(SYS_mprotect, UNMAPPED, 4096, PROT_READ), ENOMEM);
    CHECK_ERRNO(syscall(SYS_clock_gettime, 12345, buf), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, 77, buf, NULL, 8), EINVAL);

    long unknown[] = {5000, 400, 100000, -1};
    for (int i = 0; i < 4; i++) {
        errno = 0;
        long r = syscall(unknown[i]);
        CHECK(r == -1 && errno == ENOSYS, "syscall(%ld) = %ld, errno %d (want ENOSYS)", unknown[i], r, errno);
    }
    close(fd);
    unlink(path);
    return finish("badptr");
}

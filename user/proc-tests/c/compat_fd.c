/* Descriptor and memory-call errors as Linux orders them (issue 11):
 * an O_PATH descriptor names a file but cannot read, write, ioctl,
 * fchmod or fchown it (EBADF), while fstat, fchdir and *at calls work;
 * mmap checks the descriptor (EBADF) before the length, and a shared
 * writable mapping of a file opened read-only is EACCES;
 * FUTEX_CMP_REQUEUE says EAGAIN when the word changed, EINVAL for
 * negative counts and EFAULT for an unmapped first word. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FUTEX_CMP_REQUEUE_PRIVATE (4 | 128)

static void o_path(const char *dir, const char *file) {
    int fd = open(file, O_PATH);
    CHECK(fd >= 0, "open(file, O_PATH)");
    char c;
    CHECK_ERRNO(read(fd, &c, 1), EBADF);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    CHECK_ERRNO(pread(fd, &c, 1, 0), EBADF);
    CHECK_ERRNO(lseek(fd, 0, SEEK_SET), EBADF);
    int n;
    CHECK_ERRNO(ioctl(fd, FIONREAD, &n), EBADF);
    /* Raw calls: musl's wrappers retry an EBADF through /proc/self/fd. */
    CHECK_ERRNO(syscall(SYS_fchmod, fd, 0600), EBADF);
    CHECK_ERRNO(syscall(SYS_fchown, fd, 0, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5, "fstat works: size %ld", (long)st.st_size);
    CHECK(fcntl(fd, F_GETFL) & O_PATH, "F_GETFL shows O_PATH");
    close(fd);
    fd = open(file, O_PATH | O_CREAT | O_TRUNC | O_RDWR, 0600);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 5, "O_PATH ignores O_TRUNC");
    close(fd);

    int dfd = open(dir, O_PATH | O_DIRECTORY);
    CHECK(dfd >= 0, "open(dir, O_PATH | O_DIRECTORY)");
    CHECK(fstatat(dfd, "file", &st, 0) == 0 && st.st_size == 5, "fstatat through an O_PATH dirfd");
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL && fchdir(dfd) == 0, "fchdir to an O_PATH dirfd");
    CHECK(access("file", F_OK) == 0 && chdir(cwd) == 0, "relative lookups there");
    close(dfd);
}

static void mmap_errors(const char *file) {
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_SHARED, -1, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, 999, 0), EBADF);
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 1), EINVAL);
    int fd = open(file, O_RDONLY);
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
    CHECK_ERRNO(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0), EINVAL);
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED && memcmp(m, "hello", 5) == 0, "private writable mapping of a read-only file");
    if (m != MAP_FAILED) munmap(m, 4096);
    close(fd);
    fd = open(file, O_WRONLY);
    CHECK_ERRNO(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0), EACCES);
    close(fd);
}

static void futex_requeue(void) {
    static uint32_t a = 1, b = 2;
    errno = 0;
    long r = syscall(SYS_futex, &a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 5);
    CHECK(r == -1 && errno == EAGAIN, "CMP_REQUEUE with a changed word: EAGAIN (%ld, errno %d)", r, errno);
    r = syscall(SYS_futex, &a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 1);
    CHECK(r == 0, "CMP_REQUEUE with the word unchanged, nobody waiting: %ld", r);
    errno = 0;
    r = syscall(SYS_futex, &a, FUTEX_CMP_REQUEUE_PRIVATE, -1, 1, &b, 1);
    CHECK(r == -1 && errno == EINVAL, "negative nr_wake: EINVAL (errno %d)", errno);
    errno = 0;
    r = syscall(SYS_futex, &a, FUTEX_CMP_REQUEUE_PRIVATE, 1, -1, &b, 1);
    CHECK(r == -1 && errno == EINVAL, "negative nr_requeue: EINVAL (errno %d)", errno);
    void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, 4096);
    errno = 0;
    r = syscall(SYS_futex, gone, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 0);
    CHECK(r == -1 && errno == EFAULT, "unmapped uaddr: EFAULT (errno %d)", errno);
}

int main(void) {
    char dir[64], file[80];
    snprintf(dir, sizeof dir, "/tmp/compat_fd.%d", (int)getpid());
    snprintf(file, sizeof file, "%s/file", dir);
    CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
    int fd = open(file, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && write(fd, "hello", 5) == 5, "create %s", file);
    close(fd);
    o_path(dir, file);
    mmap_errors(file);
    futex_requeue();
    unlink(file);
    rmdir(dir);
    return finish("compat_fd");
}

/* The generic descriptor ioctls every file accepts on Linux (issue 11):
 * FIONBIO (Rust std's Command sets pipes non-blocking with it), FIOCLEX,
 * FIONCLEX, FIONREAD (bytes left to read in a pipe or regular file) and
 * FIOASYNC (pipes accept it; a regular file, with no async notification,
 * says ENOTTY), on pipes, a regular file and /dev/null. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void generic(const char *what, int fd) {
    int on = 1, off = 0;
    CHECK(ioctl(fd, FIONBIO, &on) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK),
          "%s: FIONBIO 1 sets O_NONBLOCK", what);
    CHECK(ioctl(fd, FIONBIO, &off) == 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK),
          "%s: FIONBIO 0 clears it", what);
    CHECK_ERRNO(ioctl(fd, FIONBIO, (int *)8), EFAULT);
    CHECK(ioctl(fd, FIOCLEX) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "%s: FIOCLEX", what);
    CHECK(ioctl(fd, FIONCLEX) == 0 && fcntl(fd, F_GETFD) == 0, "%s: FIONCLEX", what);
}

int main(void) {
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    generic("pipe read end", p[0]);
    generic("pipe write end", p[1]);
    int n = -1;
    CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 0, "FIONREAD of an empty pipe: %d", n);
    CHECK(write(p[1], "hello", 5) == 5, "write 5 bytes");
    CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 5, "FIONREAD of the read end: %d", n);
    CHECK(ioctl(p[1], FIONREAD, &n) == 0 && n == 5, "FIONREAD of the write end: %d", n);
    CHECK_ERRNO(ioctl(p[0], FIONREAD, (int *)8), EFAULT);
    char buf[8];
    CHECK(read(p[0], buf, 5) == 5, "drain");
    int on = 1, off = 0;
    CHECK(ioctl(p[0], FIONBIO, &on) == 0, "FIONBIO on the read end");
    CHECK_ERRNO(read(p[0], buf, 1), EAGAIN);
    CHECK(ioctl(p[0], FIOASYNC, &on) == 0 && (fcntl(p[0], F_GETFL) & O_ASYNC),
          "FIOASYNC 1 on a pipe sets O_ASYNC");
    CHECK(ioctl(p[0], FIOASYNC, &off) == 0 && !(fcntl(p[0], F_GETFL) & O_ASYNC),
          "FIOASYNC 0 clears it");
    close(p[0]);
    close(p[1]);

    char path[64];
    snprintf(path, sizeof path, "/tmp/compat_ioctl.%d", (int)getpid());
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0, "open %s", path);
    generic("regular file", fd);
    CHECK(write(fd, "0123456789", 10) == 10 && lseek(fd, 3, SEEK_SET) == 3, "write 10, seek to 3");
    CHECK(ioctl(fd, FIONREAD, &n) == 0 && n == 7, "FIONREAD of a file: size - offset = %d", n);
    CHECK(lseek(fd, 20, SEEK_SET) == 20 && ioctl(fd, FIONREAD, &n) == 0 && n == -10,
          "FIONREAD past the end: %d (Linux's size - offset)", n);
    CHECK_ERRNO(ioctl(fd, FIOASYNC, &on), ENOTTY);
    CHECK_ERRNO(ioctl(fd, TIOCGPGRP, &n), ENOTTY);
    close(fd);
    unlink(path);

    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    generic("directory", dir);
    CHECK_ERRNO(ioctl(dir, FIONREAD, &n), ENOTTY);
    close(dir);
    int null = open("/dev/null", O_RDWR);
    generic("/dev/null", null);
    close(null);
    CHECK_ERRNO(ioctl(-1, FIONBIO, &on), EBADF);
    CHECK_ERRNO(ioctl(999, FIOCLEX), EBADF);
    return finish("compat_ioctl");
}

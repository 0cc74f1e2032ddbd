/* sendfile (file to pipe, with and without an offset pointer; inputs
 * Linux refuses) and time(2), which BusyBox's cat/cp and date use. One check per line; exits 1 if any
 * check fails. Behaves the same on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int fd = open("/tmp/sendfile-src", O_CREAT | O_RDWR | O_TRUNC, 0600);
    check("scratch file", fd >= 0 && write(fd, "0123456789", 10) == 10);
    int p[2];
    check("pipe", pipe(p) == 0);
    off_t off = 2;
    char buf[16] = {0};
    check("sendfile 5 bytes from offset 2", sendfile(p[1], fd, &off, 5) == 5);
    check("the offset pointer advanced to 7", off == 7);
    check("the pipe holds 23456", read(p[0], buf, sizeof buf) == 5 && memcmp(buf, "23456", 5) == 0);
    check("the file offset did not move", lseek(fd, 0, SEEK_CUR) == 10);
    lseek(fd, 8, SEEK_SET);
    check("sendfile without an offset reads at the file offset", sendfile(p[1], fd, NULL, 100) == 2);
    check("the pipe holds 89", read(p[0], buf, sizeof buf) == 2 && memcmp(buf, "89", 2) == 0);
    check("sendfile at end of file gives 0", sendfile(p[1], fd, NULL, 100) == 0);
    close(fd);
    unlink("/tmp/sendfile-src");
    /* Only a regular file or /dev/zero can be the input (Linux's splice
     * path): a pipe, a directory or /dev/null is EINVAL at once, so a
     * program falls back to read/write (and a pipe never blocks here). */
    int q[2];
    check("another pipe", pipe(q) == 0 && write(q[1], "ab", 2) == 2);
    errno = 0;
    check("sendfile from a pipe is EINVAL", sendfile(p[1], q[0], NULL, 100) == -1 && errno == EINVAL);
    int dir = open("/tmp", O_RDONLY);
    errno = 0;
    check("sendfile from a directory is EINVAL", sendfile(p[1], dir, NULL, 100) == -1 && errno == EINVAL);
    int null = open("/dev/null", O_RDONLY), zero = open("/dev/zero", O_RDONLY);
    errno = 0;
    check("sendfile from /dev/null is EINVAL", sendfile(p[1], null, NULL, 100) == -1 && errno == EINVAL);
    check("sendfile from /dev/zero gives zeros", sendfile(p[1], zero, NULL, 3) == 3 &&
          read(p[0], buf, sizeof buf) == 3 && buf[0] == 0 && buf[2] == 0);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    long t = syscall(SYS_time, NULL);
    check("time() agrees with gettimeofday", t >= tv.tv_sec && t <= tv.tv_sec + 1);
    printf("sendfile: %d failed\n", failures);
    return failures != 0;
}

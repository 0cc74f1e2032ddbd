/* F_GETPIPE_SZ and F_SETPIPE_SZ as Linux gives them: 64 KiB by default;
 * a new size is rounded up to a power of two of at least a page; a size
 * smaller than what the pipe holds is EBUSY; an unprivileged caller may
 * not go past pipe-max-size (EPERM); a file that is not a pipe is EBADF;
 * a bigger pipe takes that many bytes before a write would block. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 65536, "default size %d", fcntl(p[0], F_GETPIPE_SZ));
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 100000) == 131072, "100000 rounds up to 131072");
    CHECK(fcntl(p[0], F_GETPIPE_SZ) == 131072, "both ends see it");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 1) == 4096, "1 rounds up to a page");
    static char buf[200000];
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536, "back to 64 KiB");
    CHECK(write(p[1], buf, 10000) == 10000, "10000 bytes in");
    CHECK_ERRNO(fcntl(p[1], F_SETPIPE_SZ, 4096), EBUSY);
    CHECK(read(p[0], buf, sizeof buf) == 10000, "10000 bytes out");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 0) == 4096, "0 is a page");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 131072) == 131072, "back to 128 KiB");
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    CHECK(write(p[1], buf, sizeof buf) == 131072, "a non-blocking write fills 128 KiB");
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK_ERRNO(fcntl(fd, F_GETPIPE_SZ), EBADF);
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0)
            _exit(2);
        _exit(fcntl(p[0], F_SETPIPE_SZ, 2 << 20) == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "unprivileged past pipe-max-size: EPERM (status %#x)", st);
    return finish("pipe_size");
}

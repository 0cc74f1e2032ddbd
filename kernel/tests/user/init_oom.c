/* Run as init (pid 1): init is never the process out-of-memory kills.
 * A child touches memory until user memory is all but gone, then init
 * touches more: the kernel kills the child (the largest address space)
 * with SIGKILL instead of init, and init's write goes through. Exits 0
 * when that holds; a dead init ends QEMU with another code. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "meminfo.h"

static char *touch(size_t len) {
    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    return p;
}

int main(void) {
    if (getpid() != 1) {
        fprintf(stderr, "init_oom: must run as pid 1\n");
        return 2;
    }
    int ready[2];
    pipe(ready);
    pid_t hog = fork();
    if (hog == 0) {
        /* The kernel keeps 16 MiB of frames from user memory: stop 1 MiB
         * above that, so the hog's own faults never find none. */
        while (meminfo("MemFree") > 17 << 10)
            if (!touch(256 << 10))
                break;
        write(ready[1], "x", 1);
        for (;;)
            pause();
    }
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "the hog holds all but %ld kB", meminfo("MemFree"));
    char *mine = touch(8 << 20);
    CHECK(mine != 0 && mine[(8 << 20) - 4096] == 1, "init's 8 MiB are written");
    int st = 0;
    CHECK(waitpid(hog, &st, 0) == hog && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "the hog was killed by SIGKILL (status %#x)", st);
    return finish("init_oom");
}

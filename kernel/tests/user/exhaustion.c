/* Exhaustion is survived: forks while another process holds nearly all
 * memory fail with ENOMEM or EAGAIN (or the child is killed when a page
 * it touches finds no frame, the kernel's out-of-memory rule), never the
 * parent and never the kernel; a bounded fork bomb of 2,000 live
 * processes is survived and reaped, and so is an unbounded one (spawn
 * until ENOMEM, then wake them all at once); afterwards every frame is back
 * (MemFree, less the growth of the kernel's own caches: Slab and
 * KernelPageTables). Kernel-only: it reads our /proc/meminfo exactly. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "meminfo.h"

static long caches(void) { return meminfo("Slab") + meminfo("KernelPageTables"); }

/* Touches anonymous memory until MemFree is below `floor_kb`, says so on
 * `ready`, then waits to be killed. */
static void hog(int ready, long floor_kb) {
    size_t chunk = 1 << 20;
    while (meminfo("MemFree") > floor_kb) {
        char *p = mmap(0, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            break;
        for (size_t i = 0; i < chunk; i += 4096)
            p[i] = 1;
    }
    write(ready, "x", 1);
    for (;;)
        pause();
}

static void forks_near_exhaustion(void) {
    int p[2];
    pipe(p);
    pid_t h = fork();
    if (h == 0) {
        close(p[0]);
        hog(p[1], 20 << 10);
    }
    close(p[1]);
    char c;
    CHECK(read(p[0], &c, 1) == 1, "the hog holds all but %ld kB", meminfo("MemFree"));
    close(p[0]);
    int ok = 0, refused = 0, killed = 0, other = 0;
    for (int i = 0; i < 200; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0) {
            if (errno == ENOMEM || errno == EAGAIN)
                refused++;
            else
                other++;
            continue;
        }
        int st;
        waitpid(pid, &st, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            ok++;
        else if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGSEGV))
            killed++;
        else
            other++;
    }
    CHECK(other == 0, "200 forks near exhaustion: %d ran, %d refused (ENOMEM/EAGAIN), %d killed, %d otherwise",
          ok, refused, killed, other);
    kill(h, SIGKILL);
    int st;
    CHECK(waitpid(h, &st, 0) == h && WIFSIGNALED(st), "the hog is reaped");
}

static void fork_bomb(int n) {
    int p[2];
    pipe(p);
    int live = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            close(p[1]);
            char c;
            read(p[0], &c, 1); /* blocks until the parent closes its end */
            _exit(7);
        }
        if (pid < 0)
            failed++;
        else
            live++;
    }
    close(p[0]);
    close(p[1]);
    int reaped = 0, st;
    pid_t pid;
    while ((pid = wait(&st)) > 0)
        reaped += WIFEXITED(st) && WEXITSTATUS(st) == 7;
    CHECK(live == n && failed == 0, "fork bomb: %d of %d processes alive at once", live, n);
    CHECK(reaped == live, "fork bomb: %d of %d reaped with their exit code", reaped, live);
}

/* Starts children until the kernel refuses (ENOMEM or EAGAIN), each
 * blocked reading a pipe; then closes the pipe, which wakes them all at
 * once, and reaps them. posix_spawn (a vfork) shares nothing with the
 * children copy-on-write, so the parent needs no new memory when memory
 * has run out. Returns how many ran. */
static int unbounded_bomb(const char *self) {
    int p[2];
    pipe(p);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    char *argv[] = {(char *)self, "--blocked-child", 0};
    char *envp[] = {0};
    int n = 0, err = 0;
    for (;;) {
        pid_t pid;
        err = posix_spawn(&pid, self, &fa, 0, argv, envp);
        if (err)
            break;
        n++;
    }
    CHECK(err == ENOMEM || err == EAGAIN, "unbounded spawn bomb: %d processes, then error %d", n, err);
    close(p[0]);
    close(p[1]); /* every child's read returns 0 at once */
    int reaped = 0, st;
    while (wait(&st) > 0)
        reaped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    CHECK(reaped == n, "unbounded spawn bomb: %d of %d woken at once and reaped", reaped, n);
    return n;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--blocked-child")) {
        char c;
        return (int)read(0, &c, 1); /* 0 at end of file */
    }
    int n = (int)arg_long(argc, argv, "--processes", 2000);
    /* Warm-up: an unbounded bomb and one exhaustion grow the caches (the
     * small heap, kernel page tables) to their high-water mark once. */
    unbounded_bomb(argv[0]);
    forks_near_exhaustion();
    long free0 = meminfo("MemFree"), cache0 = caches();
    forks_near_exhaustion();
    fork_bomb(n);
    unbounded_bomb(argv[0]);
    long free1 = meminfo("MemFree"), cache1 = caches();
    CHECK(free0 - free1 == cache1 - cache0,
          "MemFree %ld -> %ld kB, Slab + KernelPageTables %ld -> %ld kB: every other frame back",
          free0, free1, cache0, cache1);
    return finish("exhaustion");
}

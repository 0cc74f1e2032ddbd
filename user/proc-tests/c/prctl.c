/* prctl as a libc program and a supervisor use it, checked the same way
 * on Linux and on our kernel:
 * - PR_SET_NAME/PR_GET_NAME: 15 bytes kept, per thread, inherited by fork,
 *   reset to the program's name by exec, shown in /proc/self/comm, stat
 *   and status; EFAULT for a bad pointer;
 * - PR_SET_PDEATHSIG/PR_GET_PDEATHSIG, really delivered: a grandchild
 *   whose parent exits dies by its pdeath signal, and reaches us through
 *   PR_SET_CHILD_SUBREAPER (so we can wait for it);
 * - PR_GET_DUMPABLE/PR_SET_DUMPABLE (kept by fork, 2 is EINVAL);
 * - PR_SET_NO_NEW_PRIVS/PR_GET_NO_NEW_PRIVS (argument checks, kept by
 *   fork); an unknown option is EINVAL.
 * `prctl --print-name` prints its PR_GET_NAME (the exec check).
 *
 * Usage: prctl */
#include "check.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static void get_name(char out[16]) {
    memset(out, 0, 16);
    prctl(PR_GET_NAME, out, 0, 0, 0);
}

static int file_has(const char *path, const char *needle) {
    char buf[512] = {0};
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, needle) != NULL;
}

static void *thread_main(void *arg) {
    char name[16];
    prctl(PR_SET_NAME, "other", 0, 0, 0);
    get_name(name);
    *(int *)arg = strcmp(name, "other") == 0;
    return NULL;
}

/* Runs `fn` in a child; true if it exits 0. */
static int in_child(int (*fn)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(fn());
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int child_keeps_name(void) {
    char name[16];
    get_name(name);
    return strcmp(name, "worker-thread-n") != 0;
}
static int child_not_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0; }
static int child_no_new_privs(void) { return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1; }

static void names(const char *argv0) {
    char name[16], want[64];
    CHECK(prctl(PR_SET_NAME, "worker-thread-name-long", 0, 0, 0) == 0, "PR_SET_NAME");
    get_name(name);
    CHECK(strcmp(name, "worker-thread-n") == 0, "PR_GET_NAME keeps 15 bytes: '%s'", name);
    CHECK(file_has("/proc/self/comm", "worker-thread-n\n"), "/proc/self/comm shows it");
    CHECK(file_has("/proc/self/stat", "(worker-thread-n)"), "/proc/self/stat shows it");
    CHECK(file_has("/proc/self/status", "Name:\tworker-thread-n\n"), "/proc/self/status shows it");
    int ok = 0;
    pthread_t t;
    pthread_create(&t, NULL, thread_main, &ok);
    pthread_join(t, NULL);
    get_name(name);
    CHECK(ok && strcmp(name, "worker-thread-n") == 0,
          "a thread's name is its own (thread saw its own: %d, main: '%s')", ok, name);
    CHECK(in_child(child_keeps_name), "a forked child keeps the name");
    CHECK_ERRNO(prctl(PR_SET_NAME, (char *)1, 0, 0, 0), EFAULT);
    CHECK_ERRNO(prctl(PR_GET_NAME, (char *)1, 0, 0, 0), EFAULT);
    /* exec gives the program's name: the basename, 15 bytes at most. */
    int fds[2];
    pipe(fds);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        execl(argv0, argv0, "--print-name", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char got[64] = {0};
    ssize_t n = read(fds[0], got, sizeof got - 1);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
    snprintf(want, sizeof want, "%.15s\n", base);
    CHECK(n > 0 && strcmp(got, want) == 0, "exec resets the name to '%.15s' (got '%.*s')", base,
          (int)(n > 0 ? n - 1 : 0), got);
}

static void pdeathsig(void) {
    int sig = -1;
    CHECK_ERRNO(prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL);
    CHECK(prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) == 0 && prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0) == 0 &&
              sig == SIGUSR1,
          "PR_GET_PDEATHSIG reads back SIGUSR1 (%d)", sig);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    int r = -1;
    CHECK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &r, 0, 0, 0) == 0 &&
              r == 1,
          "PR_SET_CHILD_SUBREAPER, read back %d", r);
    /* middle forks grandchild; grandchild asks for SIGTERM at its parent's
     * death and reports its pid; middle passes it on and exits; the
     * grandchild, now ours, must die by SIGTERM (else it exits 7 after 5 s). */
    int ready[2], up[2];
    pipe(ready);
    pipe(up);
    fflush(stdout);
    pid_t middle = fork();
    if (middle == 0) {
        pid_t g = fork();
        if (g == 0) {
            prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
            pid_t me = getpid();
            write(ready[1], &me, sizeof me);
            sleep(5);
            _exit(7);
        }
        pid_t got;
        if (read(ready[0], &got, sizeof got) != sizeof got) _exit(1);
        write(up[1], &got, sizeof got);
        _exit(0);
    }
    pid_t g = 0;
    int st = 0, gst = 0;
    read(up[0], &g, sizeof g);
    waitpid(middle, &st, 0);
    pid_t w = g > 0 ? waitpid(g, &gst, 0) : -1;
    char buf[32];
    CHECK(w == g && WIFSIGNALED(gst) && WTERMSIG(gst) == SIGTERM,
          "orphan gets its pdeath signal and is reaped by the subreaper (%s)", describe(gst, buf, sizeof buf));
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

static void flags(void) {
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "dumpable by default");
    CHECK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0,
          "PR_SET_DUMPABLE 0 reads back 0");
    CHECK(in_child(child_not_dumpable), "a forked child keeps dumpable 0");
    CHECK_ERRNO(prctl(PR_SET_DUMPABLE, 2, 0, 0, 0), EINVAL);
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "PR_SET_DUMPABLE 1 reads back 1");
    CHECK_ERRNO(prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), EINVAL);
    CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
          "PR_SET_NO_NEW_PRIVS sticks");
    CHECK(in_child(child_no_new_privs), "a forked child keeps no_new_privs");
    CHECK_ERRNO(prctl(0x7ffe1234, 0, 0, 0, 0), EINVAL);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--print-name") == 0) {
        char name[16];
        get_name(name);
        printf("%s\n", name);
        return 0;
    }
    names(argv[0]);
    pdeathsig();
    flags();
    return finish("prctl");
}

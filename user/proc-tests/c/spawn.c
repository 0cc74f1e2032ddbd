/* Starting another program from C three ways: fork+execve, vfork+execve
 * and posix_spawn, through the C library's own wrappers (built with musl
 * and with glibc). The program started is exit_with (beside this one),
 * asked for exit codes 0, 1, 42, 255 and deaths by SIGTERM, SIGKILL,
 * SIGSEGV and SIGABRT; the wait4 status word must be exactly Linux's:
 * code << 8 for an exit, the signal number in the low 7 bits for a death
 * (the core-dump bit 0x80 is ignored). Also: a vfork child shares the
 * parent's memory until it execs (its store is visible to the parent),
 * and posix_spawn of a missing program returns ENOENT.
 *
 * Usage: spawn */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <unistd.h>

extern char **environ;

struct spawn_case {
    const char *arg1, *arg2;
    int want; /* the raw status word Linux reports */
};

static const struct spawn_case cases[] = {
    {"0", NULL, 0 << 8},        {"1", NULL, 1 << 8},
    {"42", NULL, 42 << 8},      {"255", NULL, 255 << 8},
    {"sig", "15", SIGTERM},     {"sig", "9", SIGKILL},
    {"sig", "11", SIGSEGV},     {"sig", "6", SIGABRT},
};

static int reap(pid_t pid) {
    int status = -1;
    struct rusage ru;
    return wait4(pid, &status, 0, &ru) == pid ? status : -1;
}

static int matches(int status, int want) {
    return (want & 0xff) ? (status & ~0x80) == want : status == want;
}

static volatile int vfork_store;

/* vfork in a function of its own whose child only stores, execs or
 * _exits: it never returns into a frame the parent still uses. */
__attribute__((noinline)) static pid_t vfork_exec(const char *path, char **args, int store) {
    pid_t pid = vfork();
    if (pid == 0) {
        if (store) vfork_store = store; /* shared with the parent until exec */
        execve(path, args, environ);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv) {
    (void)argc;
    char helper[512], missing[512];
    sibling(helper, sizeof helper, argv[0], "exit_with");
    sibling(missing, sizeof missing, argv[0], "no-such-program");
    char d[32];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct spawn_case *c = &cases[i];
        char *args[] = {helper, (char *)c->arg1, (char *)c->arg2, NULL};
        const char *what = c->arg2 ? c->arg2 : c->arg1;
        const char *kind = c->arg2 ? "signal" : "exit";

        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execve(helper, args, environ);
            _exit(127);
        }
        int st = pid > 0 ? reap(pid) : -1;
        CHECK(matches(st, c->want), "fork+execve exit_with %s %s: %s (%#x)", kind, what,
              describe(st, d, sizeof d), st);

        pid = vfork_exec(helper, args, 0);
        st = pid > 0 ? reap(pid) : -1;
        CHECK(matches(st, c->want), "vfork+execve exit_with %s %s: %s (%#x)", kind, what,
              describe(st, d, sizeof d), st);

        int err = posix_spawn(&pid, helper, NULL, NULL, args, environ);
        st = err == 0 ? reap(pid) : -1;
        CHECK(matches(st, c->want), "posix_spawn exit_with %s %s: %s (%#x)", kind, what,
              describe(st, d, sizeof d), st);
    }

    vfork_store = 0;
    char *zero[] = {helper, "0", NULL};
    pid_t pid = vfork_exec(helper, zero, 1234);
    int st = pid > 0 ? reap(pid) : -1;
    CHECK(st == 0 && vfork_store == 1234,
          "vfork child's store before exec is the parent's memory: %d", vfork_store);

    char *args[] = {missing, NULL};
    int err = posix_spawn(&pid, missing, NULL, NULL, args, environ);
    CHECK(err == ENOENT, "posix_spawn of a missing program: %s", strerror(err));
    pid = vfork_exec(missing, args, 0);
    st = pid > 0 ? reap(pid) : -1;
    CHECK(st == 127 << 8, "vfork+execve of a missing program: %s", describe(st, d, sizeof d));
    return finish("spawn");
}

/* Signal and wait details as Linux has them (issue 11): SA_RESETHAND
 * resets the handler on delivery but keeps the flags (SA_SIGINFO
 * included); waitpid and kill with INT_MIN (whose negation is undefined)
 * give ESRCH; a core-dumping signal's wait status has the core bit
 * (WCOREDUMP) only when a core was dumped, so never with RLIMIT_CORE 0. */
#define _GNU_SOURCE
#include "check.h"

#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

static volatile sig_atomic_t hits;

static void on_usr1(int sig, siginfo_t *si, void *ctx) {
    (void)ctx;
    if (sig == SIGUSR1 && si->si_signo == SIGUSR1) hits++;
}

static void resethand(void) {
    struct sigaction sa = {0}, old;
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction SA_SIGINFO | SA_RESETHAND");
    raise(SIGUSR1);
    CHECK(hits == 1, "handler ran once: %d", (int)hits);
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0, "read the action back");
    CHECK(old.sa_handler == SIG_DFL, "handler reset to SIG_DFL");
    CHECK(old.sa_flags & SA_SIGINFO, "SA_SIGINFO kept (flags %#x)", (unsigned)old.sa_flags);
    CHECK(old.sa_flags & SA_RESETHAND, "SA_RESETHAND kept (flags %#x)", (unsigned)old.sa_flags);
}

static void int_min(void) {
    int st;
    CHECK_ERRNO(waitpid(INT_MIN, &st, 0), ESRCH);
    CHECK_ERRNO(waitpid(INT_MIN, &st, WNOHANG), ESRCH);
    CHECK_ERRNO(kill(INT_MIN, 0), ESRCH);
}

static void no_core_without_limit(void) {
    struct rlimit r;
    CHECK(getrlimit(RLIMIT_CORE, &r) == 0, "getrlimit(RLIMIT_CORE)");
    r.rlim_cur = 0;
    CHECK(setrlimit(RLIMIT_CORE, &r) == 0, "soft RLIMIT_CORE 0");
    int sigs[] = {SIGQUIT, SIGILL, SIGABRT, SIGFPE, SIGSEGV, SIGBUS, SIGSYS, SIGTRAP, SIGXCPU, SIGXFSZ, SIGTERM};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            signal(sigs[i], SIG_DFL);
            kill(getpid(), sigs[i]);
            _exit(100);
        }
        int st = -1;
        waitpid(pid, &st, 0);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i] && !WCOREDUMP(st),
              "killed by %d with RLIMIT_CORE 0: status %#x (want %#x, no core bit)", sigs[i], st, sigs[i]);
    }
}

/* With RLIMIT_CORE of a page or more (where the hard limit allows it)
 * Linux dumps core for SIGQUIT and SIGSEGV and says so in the status;
 * runs in /tmp so that the core files land there, and removes them. */
static void core_with_limit(void) {
    struct rlimit r;
    getrlimit(RLIMIT_CORE, &r);
    if (r.rlim_max < 4096) {
        printf("  note: hard RLIMIT_CORE %lu, no core dumps to check\n", (unsigned long)r.rlim_max);
        return;
    }
    int sigs[] = {SIGQUIT, SIGSEGV, SIGTERM};
    for (unsigned i = 0; i < 3; i++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            r.rlim_cur = r.rlim_max;
            if (setrlimit(RLIMIT_CORE, &r) || chdir("/tmp")) _exit(100);
            kill(getpid(), sigs[i]);
            _exit(101);
        }
        int st = -1;
        waitpid(pid, &st, 0);
        int core = sigs[i] != SIGTERM;
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i] && !!WCOREDUMP(st) == core,
              "killed by %d with RLIMIT_CORE %lu: status %#x (core bit %s)", sigs[i],
              (unsigned long)r.rlim_max, st, core ? "set" : "clear");
        char path[64];
        snprintf(path, sizeof path, "/tmp/core.%d", (int)pid);
        unlink(path);
    }
    unlink("/tmp/core");
}

static void limits(void) {
    struct rlimit r, bad;
    CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur <= r.rlim_max, "getrlimit(RLIMIT_NOFILE)");
    bad.rlim_cur = 2;
    bad.rlim_max = 1;
    CHECK_ERRNO(setrlimit(RLIMIT_CORE, &bad), EINVAL);
    CHECK_ERRNO(getrlimit(99, &r), EINVAL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit c = {0, 0}, back;
        if (setrlimit(RLIMIT_CORE, &c) || getrlimit(RLIMIT_CORE, &back) || back.rlim_max != 0) _exit(1);
        pid_t grandchild = fork();
        if (grandchild == 0) _exit(getrlimit(RLIMIT_CORE, &back) == 0 && back.rlim_max == 0 ? 0 : 1);
        int st = -1;
        waitpid(grandchild, &st, 0);
        if (st != 0) _exit(2); /* inherited */
        c.rlim_max = 4096;
        if (setrlimit(RLIMIT_CORE, &c) != -1 || errno != EPERM) {
            /* Raising a hard limit needs privilege (CAP_SYS_RESOURCE). */
            uid_t u = geteuid();
            _exit(u == 0 ? 0 : 3);
        }
        _exit(0);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    CHECK(st == 0, "setrlimit in a child, inherited by its child (status %#x)", st);
}

int main(void) {
    limits();
    core_with_limit();
    resethand();
    int_min();
    no_core_without_limit();
    return finish("compat_signals");
}

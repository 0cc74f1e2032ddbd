/* Run as init (pid 1): init takes only the signals it has a handler for.
 * SIGKILL, SIGSTOP and SIGTERM from its own descendants (or itself) with
 * the default action are dropped, a handled signal is delivered, and
 * init may not clone a sibling (CLONE_PARENT: EINVAL). Exits 0 when all
 * hold, 1 otherwise; killed or stopped means the kernel let it happen.
 * On Linux: `unshare --pid --fork --mount-proc ./init_unkillable`. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
static volatile sig_atomic_t got_usr1;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

static void on_usr1(int sig) {
    (void)sig;
    got_usr1 = 1;
}

/* A child sends `sig` to init and exits 0 when kill() itself succeeded
 * (Linux reports success: the signal is sent, then dropped). */
static void child_sends(const char *what, int sig) {
    pid_t c = fork();
    if (c == 0)
        _exit(kill(1, sig) == 0 ? 0 : 1);
    int st = 0;
    waitpid(c, &st, 0);
    usleep(20000);
    check(what, WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void) {
    if (getpid() != 1) {
        fprintf(stderr, "init_unkillable: must run as pid 1\n");
        return 2;
    }
    child_sends("SIGKILL from a child is dropped", SIGKILL);
    child_sends("SIGSTOP from a child is dropped", SIGSTOP);
    child_sends("SIGTERM from a child is dropped", SIGTERM);
    check("SIGTERM to itself is dropped", kill(1, SIGTERM) == 0);
    check("SIGINT to itself is dropped", raise(SIGINT) == 0);
    signal(SIGUSR1, on_usr1);
    child_sends("a handled SIGUSR1 from a child arrives", SIGUSR1);
    check("the handler ran", got_usr1 == 1);
    errno = 0;
    long r = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0, 0, 0, 0);
    if (r == 0)
        _exit(0);
    check("init's clone(CLONE_PARENT) fails with EINVAL", r == -1 && errno == EINVAL);
    printf("init_unkillable: %s\n", failures ? "FAILED" : "all passed");
    return failures != 0;
}

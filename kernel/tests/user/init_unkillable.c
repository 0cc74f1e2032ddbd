/* Run as init (pid 1): init takes only the signals it has a handler for.
 * SIGKILL, SIGSTOP and SIGTERM from its own descendants (or itself) with
 * the default action are dropped, a handled signal is delivered, and
 * init may not clone a sibling (CLONE_PARENT: EINVAL). Exits 0 when all
 * hold, 1 otherwise; killed or stopped means the kernel let it happen.
 * On Linux: `unshare --pid --fork --mount-proc ./init_unkillable`. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got_usr1;

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
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", what);
}

int main(void) {
    if (getpid() != 1) {
        fprintf(stderr, "init_unkillable: must run as pid 1\n");
        return 2;
    }
    child_sends("SIGKILL from a child is dropped", SIGKILL);
    child_sends("SIGSTOP from a child is dropped", SIGSTOP);
    child_sends("SIGTERM from a child is dropped", SIGTERM);
    CHECK(kill(1, SIGTERM) == 0, "SIGTERM to itself is dropped");
    CHECK(raise(SIGINT) == 0, "SIGINT to itself is dropped");
    signal(SIGUSR1, on_usr1);
    child_sends("a handled SIGUSR1 from a child arrives", SIGUSR1);
    CHECK(got_usr1 == 1, "the handler ran");
    errno = 0;
    long r = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0, 0, 0, 0);
    if (r == 0)
        _exit(0);
    CHECK(r == -1 && errno == EINVAL, "init's clone(CLONE_PARENT) fails with EINVAL");
    return finish("init_unkillable");
}

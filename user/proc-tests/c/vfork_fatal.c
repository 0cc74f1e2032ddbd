/* A signal that kills ends a vfork parent's wait at once, as on Linux
 * (there the kill is made group-wide as the signal is sent, so the
 * killable vfork wait ends; any sleep waiting for something else too).
 * A middle process arms ITIMER_REAL (--timer-ms, default 200) with
 * SIGALRM's default action (terminate) and vforks a child that sleeps
 * --child-ms (default 1500) before it _exits. Checked:
 * - the middle process dies by SIGALRM;
 * - it dies before the vfork child's sleep ends (it did not wait for the
 *   child to release it first);
 * - the vfork child, orphaned, still runs to its end: it holds the write
 *   end of a pipe, and the test reads that pipe to end of file (which also
 *   leaves no process behind for the next test).
 *
 * Usage: vfork_fatal [--timer-ms MS] [--child-ms MS] */
#include "check.h"

#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long timer_ms = arg_long(argc, argv, "--timer-ms", 200);
    long child_ms = arg_long(argc, argv, "--child-ms", 1500);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 2;
    }
    fflush(stdout);
    long long t0 = now_ns(CLOCK_MONOTONIC);
    pid_t middle = fork();
    if (middle == 0) {
        close(fds[0]);
        signal(SIGALRM, SIG_DFL);
        struct itimerval it = {{0, 0}, {timer_ms / 1000, (timer_ms % 1000) * 1000}};
        setitimer(ITIMER_REAL, &it, NULL);
        if (vfork() == 0) {
            struct timespec ts = {child_ms / 1000, (child_ms % 1000) * 1000000};
            nanosleep(&ts, NULL);
            (void)write(fds[1], "x", 1);
            _exit(0);
        }
        _exit(0); /* reached only if the timer did not kill the wait */
    }
    close(fds[1]);
    int status = 0;
    waitpid(middle, &status, 0);
    long long died_ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
    char buf[64];
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM,
          "vfork parent killed by SIGALRM: %s", describe(status, buf, sizeof buf));
    CHECK(died_ms < child_ms - 300, "it died after %lld ms, before its vfork child's %ld ms sleep ended",
          died_ms, child_ms);
    char c;
    long got = 0, n;
    while ((n = read(fds[0], &c, 1)) > 0) got += n;
    long long end_ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
    CHECK(got == 1, "the orphaned vfork child ran to its end (%ld byte, %lld ms)", got, end_ms);
    return finish("vfork_fatal");
}

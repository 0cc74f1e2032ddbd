/* N cycles of fork() + execve(exit_with 0) + wait4 through the C
 * library's fork wrapper, with nothing else in the child: the workload
 * that forkexec_counters --via measures (the hybrid fork must run it
 * with no promotion and few write faults). Also a plain test on its own.
 *
 * Usage: forkexec [N]   (default 50); exits 0 when every child exited 0 */
#include "check.h"

#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 50;
    char helper[512];
    sibling(helper, sizeof helper, argv[0], "exit_with");
    char *args[] = {helper, "0", NULL};
    long ok = 0;
    fflush(stdout);
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(helper, args, environ);
            _exit(127);
        }
        int status = -1;
        ok += pid > 0 && waitpid(pid, &status, 0) == pid && status == 0;
    }
    CHECK(ok == n, "fork+execve+wait cycles that exited 0: %ld of %ld", ok, n);
    return finish("forkexec");
}

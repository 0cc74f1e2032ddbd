/* build: musl-only
 *
 * The libc barrier: why fork() cannot simply run as vfork ("ghost" fork,
 * child and parent sharing one address space while the parent waits).
 * musl's fork wrapper writes libc and thread state in the child right
 * after the system call returns; with a shared address space those writes
 * land in the parent. In musl 1.2.3, src/process/_Fork.c, child branch:
 *     self->tid = __syscall(SYS_gettid);        <- the write this test sees
 *     self->robust_list.off = 0; self->robust_list.pending = 0;
 *     self->next = self->prev = self;
 *     __thread_list_lock = 0; libc.threads_minus_1 = 0;
 *     if (libc.need_locks) libc.need_locks = -1;
 * then fork.c resets the atfork/malloc locks. After the child exits, the
 * parent's descriptor names the dead child's tid, so raise() (musl:
 * tkill(__pthread_self()->tid, sig)) and pthread_kill(pthread_self())
 * target a thread that is gone (ESRCH) and the parent's signal is lost.
 * The child also returns from _Fork and fork and calls _exit, pushing
 * frames over those the parent is still suspended in, so the parent may
 * instead crash (SIGSEGV) or run off into garbage when it resumes.
 *
 * Structure: the program (supervisor) posix_spawns itself with --victim
 * (posix_spawn is a real vfork under every strategy) and judges it:
 * - the victim forks; its child changes errno (close(-1)), a global and a
 *   stack variable, and _exits; the parent then checks raise(SIGUSR1)
 *   reaches its handler, pthread_kill(pthread_self(), 0) == 0, and that
 *   errno, the global and the stack variable are its own (exit 0 when
 *   all are intact, 1 when any is corrupted);
 * - the supervisor counts a victim exit 1, a death by a signal, or a hang
 *   (over 5 s, then SIGKILL) as "parent corrupted".
 * Exit status: 0 when the parent stayed intact (Linux, classic, hybrid),
 * 1 when corrupted. With --expect-broken (our kernel booted fork=ghost)
 * the verdict is inverted: 0 when the corruption is observed.
 *
 * --simulate-with-vfork (last argument) makes the victim call vfork()
 * instead of fork(): a shared address space on any kernel, which proves
 * on Linux that the checks do see a child's writes (run it with
 * --expect-broken). It shows the errno, global and stack checks failing;
 * the tid check fails only under ghost, where musl's fork wrapper runs.
 *
 * Usage: ghost [--expect-broken] [--simulate-with-vfork] */
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t got_usr1;
static volatile int child_wrote;

static void on_usr1(int sig) {
    (void)sig;
    got_usr1 = 1;
}

__attribute__((noinline)) static int victim(int use_vfork) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "victim: sigaction(SIGUSR1)");
    volatile int on_stack = 1;
    fflush(stdout);
    errno = 1234;
    pid_t pid = use_vfork ? vfork() : fork();
    if (pid == 0) {
        close(-1); /* errno = EBADF, in the child's TLS */
        child_wrote = 1;
        on_stack = 2;
        _exit(0);
    }
    int saved_errno = errno;
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(pid > 0 && status == 0, "victim: fork and child exit 0 (status %#x)", status);
    CHECK(saved_errno == 1234, "victim: errno after fork is the parent's own (%d)", saved_errno);
    CHECK(child_wrote == 0, "victim: the child's store to a global is not the parent's");
    CHECK(on_stack == 1, "victim: the child's store to a stack variable is not the parent's");
    int r = raise(SIGUSR1); /* musl: tkill(self->tid, SIGUSR1) */
    CHECK(r == 0 && got_usr1, "victim: raise(SIGUSR1) reached the parent (ret %d, handler %d)",
          r, (int)got_usr1);
    int k = pthread_kill(pthread_self(), 0);
    CHECK(k == 0, "victim: pthread_kill(pthread_self(), 0) = %d (%s)", k, strerror(k));
    return finish("ghost --victim");
}

int main(int argc, char **argv) {
    int expect_broken = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--victim") == 0) return victim(0);
        if (strcmp(argv[i], "--victim-vfork") == 0) return victim(1);
        if (strcmp(argv[i], "--expect-broken") == 0) expect_broken = 1;
    }
    int simulate = argc > 1 && strcmp(argv[argc - 1], "--simulate-with-vfork") == 0;
    char *args[] = {argv[0], simulate ? "--victim-vfork" : "--victim", NULL};
    pid_t pid;
    fflush(stdout);
    int err = posix_spawn(&pid, argv[0], NULL, NULL, args, environ);
    CHECK(err == 0, "posix_spawn the victim: %s", strerror(err));
    if (err) return 2;
    int status = -1, done = 0;
    for (int i = 0; i < 500 && !done; i++) {
        done = waitpid(pid, &status, WNOHANG) == pid;
        if (!done) usleep(10000);
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    char d[32];
    int intact = done && status == 0;
    printf("  victim: %s -> parent %s\n", done ? describe(status, d, sizeof d) : "hung (killed)",
           intact ? "intact" : "corrupted");
    if (expect_broken)
        CHECK(!intact, "parent corrupted by its own fork wrapper, as expected under fork=ghost");
    else
        CHECK(intact, "parent intact after fork (a real fork)");
    return finish("ghost");
}

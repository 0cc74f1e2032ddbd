/* A vfork parent's wait burns no CPU while a signal is pending. The
 * parent runs a 1 ms interval timer (SIGALRM counted by a handler), then
 * vforks a child that sleeps ~200 ms in nanosleep and _exits. While the
 * parent waits, SIGALRM becomes pending within a millisecond; a kernel
 * whose wait wakes for it and sleeps again (or spins) burns the parent's
 * CPU. Checked, as on Linux:
 * - the parent's CPU time across the wait stays below --max-cpu-percent
 *   (default 25) of the wall time, by its own thread's clock
 *   (CLOCK_THREAD_CPUTIME_ID) and by getrusage(RUSAGE_SELF). Neither
 *   counts the child: it is another process (its time goes to
 *   RUSAGE_CHILDREN once reaped), and it sleeps anyway;
 * - no handler ran in the parent during the window (the child, sharing
 *   the parent's memory, reads the counter as it starts and ends);
 * - the pending SIGALRM is delivered once the parent resumes.
 * Then the same bound for fork() with a child that spins --spin-ms: the
 * parent (asleep in fork() under the hybrid fork, in waitpid otherwise)
 * must not be charged the child's CPU nor spin itself, and SIGALRM keeps
 * arriving.
 *
 * Usage: vfork_cpu [--sleep-ms MS] [--spin-ms MS] [--max-cpu-percent P]
 *        (defaults 200, 50, 25) */
#include "check.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

static volatile long alarms;
static volatile long child_start = -1, child_end = -1;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static long long rusage_ns(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/* A fork child that spins `ms` (no system call but the clock) and exits.
 * Under the hybrid fork the parent sleeps in fork() meanwhile (until the
 * child exits or is promoted); under classic fork it sleeps in waitpid. */
__attribute__((noinline)) static pid_t fork_spinner(long ms) {
    pid_t pid = fork();
    if (pid == 0) {
        long long end = now_ns(CLOCK_MONOTONIC) + ms * 1000000LL;
        while (now_ns(CLOCK_MONOTONIC) < end) {
        }
        _exit(0);
    }
    return pid;
}

/* The child only reads and stores shared memory, sleeps and _exits. */
__attribute__((noinline)) static pid_t vfork_sleeper(long ms) {
    pid_t pid = vfork();
    if (pid == 0) {
        child_start = alarms;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
        child_end = alarms;
        _exit(0);
    }
    return pid;
}

int main(int argc, char **argv) {
    long ms = arg_long(argc, argv, "--sleep-ms", 200);
    long max_pct = arg_long(argc, argv, "--max-cpu-percent", 25);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction(SIGALRM)");
    struct itimerval it = {{0, 1000}, {0, 1000}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer(ITIMER_REAL, 1 ms)");
    long long spin_end = now_ns(CLOCK_MONOTONIC) + 2000000000LL;
    while (alarms < 3 && now_ns(CLOCK_MONOTONIC) < spin_end) {
    }
    CHECK(alarms >= 3, "the timer fires before the vfork: %ld", alarms);

    fflush(stdout);
    long long wall0 = now_ns(CLOCK_MONOTONIC);
    long long cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    long long ru0 = rusage_ns();
    pid_t pid = vfork_sleeper(ms);
    long long cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    long long ru = rusage_ns() - ru0;
    long long wall = now_ns(CLOCK_MONOTONIC) - wall0;
    long after = alarms, before;

    int status = -1;
    char d[32];
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && status == 0, "vfork child: %s",
          describe(status, d, sizeof d));
    CHECK(wall >= (ms - 5) * 1000000LL, "the parent waited %lld ms for the %ld ms child",
          wall / 1000000, ms);
    CHECK(cpu * 100 <= wall * max_pct,
          "parent thread CPU during the wait %lld.%03lld ms of %lld ms wall (max %ld%%)",
          cpu / 1000000, cpu / 1000 % 1000, wall / 1000000, max_pct);
    CHECK(ru * 100 <= wall * max_pct,
          "RUSAGE_SELF during the wait %lld.%03lld ms of %lld ms wall (max %ld%%)",
          ru / 1000000, ru / 1000 % 1000, wall / 1000000, max_pct);
    CHECK(child_start >= 0 && child_end == child_start,
          "no handler ran in the parent during the window (%ld at child start, %ld at end)",
          child_start, child_end);
    CHECK(after > child_end, "the pending SIGALRM was delivered on resume (%ld -> %ld)",
          child_end, after);

    /* The same for fork with a spinning child: the child's CPU is its own. */
    long spin = arg_long(argc, argv, "--spin-ms", 50);
    fflush(stdout);
    before = alarms;
    wall0 = now_ns(CLOCK_MONOTONIC);
    cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    ru0 = rusage_ns();
    pid = fork_spinner(spin);
    status = -1;
    int reaped = pid > 0 && waitpid(pid, &status, 0) == pid;
    cpu = now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    ru = rusage_ns() - ru0;
    wall = now_ns(CLOCK_MONOTONIC) - wall0;
    CHECK(reaped && status == 0, "fork child spinning %ld ms: %s", spin,
          describe(status, d, sizeof d));
    CHECK(cpu * 100 <= wall * max_pct && ru * 100 <= wall * max_pct,
          "fork: parent CPU %lld.%03lld ms (thread), %lld.%03lld ms (RUSAGE_SELF) of %lld ms wall "
          "(max %ld%%)",
          cpu / 1000000, cpu / 1000 % 1000, ru / 1000000, ru / 1000 % 1000, wall / 1000000,
          max_pct);
    CHECK(alarms > before, "fork: SIGALRM kept arriving (%ld -> %ld)", before, alarms);

    it = (struct itimerval){{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    return finish("vfork_cpu");
}

/* Bad timespecs fail at once with EINVAL (issue 11): a negative tv_sec
 * or a tv_nsec outside 0..999999999 given to nanosleep, clock_nanosleep
 * (relative and absolute), ppoll, pselect6, a futex wait or
 * rt_sigtimedwait. Each call runs under a 5 s alarm, so a kernel that
 * sleeps instead kills the test rather than hanging the suite. */
#define _GNU_SOURCE
#include "check.h"

#define FUTEX_WAIT_PRIVATE 128 /* linux/futex.h, which musl-gcc lacks */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct timespec bad[] = {
    {-1, 0},
    {0, -1},
    {0, 1000000000},
    {INT64_MIN, 0},
    {1, 2000000000},
};
#define NBAD (sizeof bad / sizeof bad[0])

int main(void) {
    alarm(5);
    for (unsigned i = 0; i < NBAD; i++) {
        const struct timespec *t = &bad[i];
        long s = (long)t->tv_sec, ns = t->tv_nsec;
        struct timespec rem;
        errno = 0;
        long r = syscall(SYS_nanosleep, t, &rem);
        CHECK(r == -1 && errno == EINVAL, "nanosleep {%ld, %ld}: %ld errno %d", s, ns, r, errno);
        int e = clock_nanosleep(CLOCK_MONOTONIC, 0, t, NULL);
        CHECK(e == EINVAL, "clock_nanosleep relative {%ld, %ld}: %d", s, ns, e);
        e = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, t, NULL);
        CHECK(e == EINVAL, "clock_nanosleep absolute {%ld, %ld}: %d", s, ns, e);
        errno = 0;
        r = syscall(SYS_ppoll, NULL, 0, t, NULL, 8);
        CHECK(r == -1 && errno == EINVAL, "ppoll {%ld, %ld}: %ld errno %d", s, ns, r, errno);
        errno = 0;
        r = syscall(SYS_pselect6, 0, NULL, NULL, NULL, t, NULL);
        CHECK(r == -1 && errno == EINVAL, "pselect6 {%ld, %ld}: %ld errno %d", s, ns, r, errno);
        int word = 0;
        errno = 0;
        r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, t, NULL, 0);
        CHECK(r == -1 && errno == EINVAL, "futex wait {%ld, %ld}: %ld errno %d", s, ns, r, errno);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        errno = 0;
        r = syscall(SYS_rt_sigtimedwait, &set, NULL, t, 8);
        CHECK(r == -1 && errno == EINVAL, "rt_sigtimedwait {%ld, %ld}: %ld errno %d", s, ns, r, errno);
    }
    /* Good zero timeouts still return at once. */
    struct timespec zero = {0, 0};
    CHECK(syscall(SYS_nanosleep, &zero, NULL) == 0, "nanosleep {0, 0}");
    CHECK(syscall(SYS_ppoll, NULL, 0, &zero, NULL, 8) == 0, "ppoll {0, 0} times out");
    CHECK(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &zero, NULL) == 0, "pselect6 {0, 0} times out");
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    errno = 0;
    CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, &zero, 8) == -1 && errno == EAGAIN,
          "rt_sigtimedwait {0, 0}: EAGAIN (errno %d)", errno);
    return finish("compat_time");
}

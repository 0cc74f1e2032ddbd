/* Checks for the C user tests: one output line per check, and a summary
 * whose failure count becomes the exit status (0 = all passed). Check
 * lines are indented so the kernel runner's own unindented ok/FAIL lines
 * (one per program) stay the only ones a harness greps for. */
#ifndef USER_TESTS_CHECK_H
#define USER_TESTS_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int checks_run, checks_failed;

#define CHECK(cond, ...)                                        \
    do {                                                        \
        checks_run++;                                           \
        if (cond) {                                             \
            printf("  ok   ");                                    \
        } else {                                                \
            checks_failed++;                                    \
            printf("  FAIL ");                                    \
        }                                                       \
        printf(__VA_ARGS__);                                    \
        printf("\n");                                           \
    } while (0)

/* A call that must fail with exactly `want` in errno. */
#define CHECK_ERRNO(call, want)                                                   \
    do {                                                                          \
        errno = 0;                                                                \
        long r_ = (long)(call);                                                   \
        int e_ = errno;                                                           \
        CHECK(r_ == -1 && e_ == (want), "%s = %ld, errno %s (want %s)", #call, r_, \
              e_ ? strerror(e_) : "0", strerror(want));                          \
    } while (0)

static int finish(const char *program) {
    printf("%s: %d checks, %d failed\n", program, checks_run, checks_failed);
    return checks_failed ? 1 : 0;
}

#endif

/* Checks for the C test programs (user/c and user/proc-tests/c): one
 * indented output line per check, a summary line, and the verdict as exit
 * status (0 = every check passed). Check lines are indented so the kernel
 * runner's own unindented ok/FAIL lines (one per program) stay the only
 * ones a harness greps for. Output is flushed after every check so a
 * forked child never inherits (and never prints twice) the parent's
 * buffered lines; children end with _exit and report through their exit
 * status only. */
#ifndef USER_CHECK_H
#define USER_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

static int checks_run, checks_failed;

#define CHECK(cond, ...)                       \
    do {                                       \
        checks_run++;                          \
        if (cond) {                            \
            printf("  ok   ");                 \
        } else {                               \
            checks_failed++;                   \
            printf("  FAIL ");                 \
        }                                      \
        printf(__VA_ARGS__);                   \
        printf("\n");                          \
        fflush(stdout);                        \
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

/* The value after "--name" in argv, or `def`. */
__attribute__((unused)) static long arg_long(int argc, char **argv, const char *name, long def) {
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return strtol(argv[i + 1], NULL, 10);
    return def;
}

/* The path of a sibling program: argv[0]'s directory joined with `name`. */
__attribute__((unused)) static void sibling(char *out, size_t n, const char *argv0, const char *name) {
    const char *slash = strrchr(argv0, '/');
    if (slash)
        snprintf(out, n, "%.*s/%s", (int)(slash - argv0), argv0, name);
    else
        snprintf(out, n, "./%s", name);
}

/* "exit N", "signal N" or "status 0x..." for a wait status. */
__attribute__((unused)) static const char *describe(int status, char *buf, size_t n) {
    if (WIFEXITED(status))
        snprintf(buf, n, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "signal %d", WTERMSIG(status));
    else
        snprintf(buf, n, "status %#x", status);
    return buf;
}

__attribute__((unused)) static long long now_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The fill byte for round `round`, never zero. */
__attribute__((unused)) static unsigned char pattern(long round, int salt) {
    return (unsigned char)((round * 131 + salt) % 255 + 1);
}

#endif

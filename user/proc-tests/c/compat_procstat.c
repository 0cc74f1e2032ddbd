/* /proc/PID/stat's state letter (issue 11): R for the reader itself, S for
 * a child blocked in read() or pause() (a parent waiting for its child to
 * be asleep, a common test idiom, must see it), T for a stopped child, Z
 * for one that exited and was not reaped yet. */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static char state_of(pid_t pid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return '?';
    buf[n] = 0;
    char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' ? paren[2] : '?';
}

/* Polls for up to 5 s until `pid` is in state `want`; returns the last seen. */
static char wait_state(pid_t pid, char want) {
    char s = '?';
    for (int i = 0; i < 500; i++) {
        s = state_of(pid);
        if (s == want) break;
        usleep(10000);
    }
    return s;
}

int main(void) {
    char s = state_of(getpid());
    CHECK(s == 'R', "own state: %c (want R)", s);

    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    fflush(stdout);
    pid_t reader = fork();
    if (reader == 0) {
        char c;
        close(p[1]);
        _exit(read(p[0], &c, 1) == 1 ? 0 : 1);
    }
    close(p[0]);
    s = wait_state(reader, 'S');
    CHECK(s == 'S', "child blocked in read: %c (want S)", s);
    CHECK(write(p[1], "x", 1) == 1, "wake it");
    close(p[1]);
    int st = -1;
    waitpid(reader, &st, 0);
    CHECK(st == 0, "reader exited 0");

    pid_t pauser = fork();
    if (pauser == 0) {
        for (;;) pause();
    }
    s = wait_state(pauser, 'S');
    CHECK(s == 'S', "child in pause: %c (want S)", s);
    kill(pauser, SIGSTOP);
    CHECK(waitpid(pauser, &st, WUNTRACED) == pauser && WIFSTOPPED(st), "stopped");
    s = wait_state(pauser, 'T');
    CHECK(s == 'T', "stopped child: %c (want T)", s);
    kill(pauser, SIGKILL);
    s = wait_state(pauser, 'Z');
    CHECK(s == 'Z', "killed, not reaped: %c (want Z)", s);
    waitpid(pauser, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "reaped");
    return finish("compat_procstat");
}

/* User and group ids as Linux keeps them (issue 11): getresuid/getresgid,
 * setresuid/setresgid, setuid/setgid/setreuid/setregid kept consistent
 * with them (root may set anything; afterwards only the real, effective
 * or saved id), fork inherits them; and personality(0xffffffff) reading
 * the persona back. Id changes run in children, since root is not
 * regained. */
#define _GNU_SOURCE
#include "check.h"

#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Runs `body` in a child and checks it exited 0 (its failing step's
 * number otherwise). */
static void in_child(const char *what, int (*body)(void)) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(body());
    int status = -1;
    waitpid(pid, &status, 0);
    char buf[64];
    CHECK(status == 0, "%s (%s)", what, describe(status, buf, sizeof buf));
}

static int res(uid_t r, uid_t e, uid_t s) {
    uid_t a, b, c;
    return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s && getuid() == r &&
           geteuid() == e;
}

static int gres(gid_t r, gid_t e, gid_t s) {
    gid_t a, b, c;
    return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s && getgid() == r &&
           getegid() == e;
}

static int uid_rules(void) {
    if (!res(0, 0, 0)) return 1;
    if (setresuid(1, 2, 3) || !res(1, 2, 3)) return 2;
    /* Unprivileged now: only the real, effective or saved id. */
    if (setresuid(-1, 3, -1) || !res(1, 3, 3)) return 3;
    if (setresuid(-1, 4, -1) != -1 || errno != EPERM) return 4;
    if (setresuid(0, -1, -1) != -1 || errno != EPERM) return 5;
    if (setuid(1) || !res(1, 1, 3)) return 6; /* sets the effective id only */
    if (setuid(5) != -1 || errno != EPERM) return 7;
    if (setreuid(3, -1) != -1 || errno != EPERM) return 8; /* real: real or effective only */
    if (setreuid(1, -1) || !res(1, 1, 1)) return 11; /* saved = new effective */
    if (setuid(-1) != -1 || errno != EINVAL) return 9;
    pid_t pid = fork();
    if (pid == 0) _exit(res(1, 1, 1) ? 0 : 1);
    int status = -1;
    waitpid(pid, &status, 0);
    if (status != 0) return 10; /* inherited */
    return 0;
}

static int root_setuid(void) {
    if (setuid(7) || !res(7, 7, 7)) return 1; /* root's setuid sets all three */
    if (setuid(0) != -1 || errno != EPERM) return 2;
    return 0;
}

static int gid_rules(void) {
    if (!gres(0, 0, 0)) return 1;
    if (setresgid(10, 20, 30) || !gres(10, 20, 30)) return 2;
    if (setgid(40) || !gres(40, 40, 40)) return 3; /* still root: all three */
    if (setregid(-1, 50) || !gres(40, 50, 50)) return 4;
    if (setresuid(100, 100, 100)) return 5;
    if (setresgid(-1, 40, -1) || !gres(40, 40, 50)) return 6;
    if (setresgid(-1, 60, -1) != -1 || errno != EPERM) return 7;
    if (setgid(50) || !gres(40, 50, 50)) return 8;
    if (setgid(-1) != -1 || errno != EINVAL) return 9;
    return 0;
}

static void persona(void) {
    int cur = personality(0xffffffff);
    CHECK(cur == PER_LINUX, "personality(0xffffffff) = %#x (want PER_LINUX)", cur);
    CHECK(personality(PER_LINUX | ADDR_NO_RANDOMIZE) == cur, "set ADDR_NO_RANDOMIZE returns the old one");
    CHECK(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE), "read back ADDR_NO_RANDOMIZE");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(personality(0xffffffff) == (PER_LINUX | ADDR_NO_RANDOMIZE) ? 0 : 1);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(status == 0, "a child inherits the persona");
    CHECK(personality(PER_LINUX) == (PER_LINUX | ADDR_NO_RANDOMIZE), "restore PER_LINUX");
    CHECK(personality(0xffffffff) == PER_LINUX, "restored");
}

int main(void) {
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "getresuid as root: %u %u %u", r, e, s);
    CHECK_ERRNO(syscall(SYS_getresuid, NULL, &e, &s), EFAULT);
    CHECK_ERRNO(syscall(SYS_getresgid, &r, (void *)1, &s), EFAULT);
    in_child("setresuid/setuid/setreuid rules", uid_rules);
    in_child("root's setuid sets real, effective and saved", root_setuid);
    in_child("setresgid/setgid/setregid rules", gid_rules);
    persona();
    return finish("compat_ids");
}

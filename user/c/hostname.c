/* sethostname and setdomainname as Linux gives them: root may set up to
 * 64 bytes, uname and gethostname report the new names, 65 bytes or a
 * negative length is EINVAL, a bad buffer EFAULT, a non-root caller
 * EPERM. On Linux the test first moves into a UTS namespace of its own
 * (so the host keeps its name); the names are restored at the end. */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    if (unshare(CLONE_NEWUTS) != 0 && errno != ENOSYS && errno != EINVAL) {
        printf("hostname: cannot get a UTS namespace of its own (errno %d): skipped\n", errno);
        return 0;
    }
    struct utsname before, u;
    uname(&before);
    CHECK(sethostname("forkless-test", 13) == 0, "sethostname as root");
    CHECK(uname(&u) == 0 && !strcmp(u.nodename, "forkless-test"), "uname's nodename: %s", u.nodename);
    char name[128] = {0};
    CHECK(gethostname(name, sizeof name) == 0 && !strcmp(name, "forkless-test"), "gethostname: %s", name);
    char long_name[80];
    memset(long_name, 'h', sizeof long_name);
    CHECK(sethostname(long_name, 64) == 0, "a 64-byte name");
    CHECK_ERRNO(sethostname(long_name, 65), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, long_name, -1), EINVAL);
    CHECK_ERRNO(syscall(SYS_sethostname, (char *)8, 5), EFAULT);
    CHECK(setdomainname("example.org", 11) == 0, "setdomainname as root");
    CHECK(uname(&u) == 0 && !strcmp(u.domainname, "example.org"), "uname's domainname: %s", u.domainname);
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(1000) != 0)
            _exit(2);
        _exit(sethostname("x", 1) == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a non-root caller gets EPERM (status %#x)", st);
    sethostname(before.nodename, strlen(before.nodename));
    setdomainname(before.domainname, strlen(before.domainname));
    CHECK(uname(&u) == 0 && !strcmp(u.nodename, before.nodename), "names restored: %s", u.nodename);
    return finish("hostname");
}

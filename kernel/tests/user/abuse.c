/* Bad arguments to the process and signal calls: each gets Linux's errno
 * or kills only the calling child, never the kernel. One check per line;
 * exits 1 if any check fails. Behaves the same on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

/* Runs `fn` in a child; returns its wait status. */
static int in_child(void (*fn)(void)) {
    pid_t c = fork();
    if (c == 0) {
        fn();
        _exit(0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    return st;
}

static void garbage_sigreturn(void) {
    /* A stack of garbage under rt_sigreturn: the frame is bad. */
    __asm__ volatile("mov $0x7ffffffff000, %%rsp\n\t"
                     "mov %0, %%eax\n\t"
                     "syscall" ::"i"(SYS_rt_sigreturn)
                     : "memory");
}

static void fill_stack_sigreturn(void) {
    uint64_t junk[64];
    for (int i = 0; i < 64; i++)
        junk[i] = 0xdeadbeefdeadbeefULL * (i + 1);
    __asm__ volatile("lea 8(%0), %%rsp\n\t"
                     "mov %1, %%eax\n\t"
                     "syscall" ::"r"(junk),
                     "i"(SYS_rt_sigreturn)
                     : "memory");
}

static void handler(int s) { (void)s; }

static void bad_altstack(void) {
    stack_t ss = {.ss_sp = (void *)0x7ffffffff000, .ss_size = 1 << 20, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
}

static void no_restorer(void) {
    /* A handler without SA_RESTORER returns to address 0. */
    struct {
        void (*h)(int);
        unsigned long flags;
        void *restorer;
        uint64_t mask;
    } ka = {handler, 0, NULL, 0};
    syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
    raise(SIGUSR1);
}

static void bad_stack_clone(void) {
    long r = syscall(SYS_clone, SIGCHLD, (void *)0x10, NULL, NULL, 0);
    if (r == 0) {
        /* Never reached with a useful stack: the child faults. */
        _exit(7);
    }
    int st;
    waitpid(r, &st, 0);
    _exit(WIFSIGNALED(st) ? 0 : 1);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int st = in_child(garbage_sigreturn);
    check("rt_sigreturn on an unmapped stack: SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    st = in_child(fill_stack_sigreturn);
    check("rt_sigreturn of a garbage frame: SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    st = in_child(bad_altstack);
    check("handler on an unusable alternate stack: SIGSEGV",
          WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    st = in_child(no_restorer);
    check("handler without a restorer: SIGSEGV", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
    st = in_child(bad_stack_clone);
    check("clone with a bad stack: the child faults, the parent is fine",
          WIFEXITED(st) && WEXITSTATUS(st) == 0);

    errno = 0;
    check("CLONE_THREAD without CLONE_SIGHAND: EINVAL",
          syscall(SYS_clone, 0x10000 | 0x100, NULL, NULL, NULL, 0) == -1 && errno == EINVAL);
    check("CLONE_SIGHAND without CLONE_VM: EINVAL",
          syscall(SYS_clone, 0x800, NULL, NULL, NULL, 0) == -1 && errno == EINVAL);
    check("execve of a bad path pointer: EFAULT",
          syscall(SYS_execve, (void *)1, NULL, NULL) == -1 && errno == EFAULT);
    char *bad_argv[] = {"x", (char *)8, NULL};
    check("execve with a bad argv string: EFAULT",
          execve("/bin/sh", bad_argv, NULL) == -1 && errno == EFAULT);
    check("execve of a missing file: ENOENT",
          execve("/no/such/file", (char *[]){"x", NULL}, NULL) == -1 && errno == ENOENT);
    check("wait4 with no children: ECHILD", waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
    check("wait4 with bad options: EINVAL", waitpid(-1, NULL, 0x4000) == -1 && errno == EINVAL);
    check("kill with signal 65: EINVAL", kill(getpid(), 65) == -1 && errno == EINVAL);
    check("kill of no such pid: ESRCH", kill(999999, SIGTERM) == -1 && errno == ESRCH);
    check("tgkill of no such tid: ESRCH",
          syscall(SYS_tgkill, getpid(), 999999, SIGTERM) == -1 && errno == ESRCH);
    check("tgkill with tid 0: EINVAL",
          syscall(SYS_tgkill, getpid(), 0, SIGTERM) == -1 && errno == EINVAL);
    check("rt_sigaction(SIGKILL): EINVAL", signal(SIGKILL, handler) == SIG_ERR && errno == EINVAL);
    check("rt_sigaction with a bad pointer: EFAULT",
          syscall(SYS_rt_sigaction, SIGUSR2, (void *)8, NULL, 8) == -1 && errno == EFAULT);
    check("rt_sigprocmask with a bad size: EINVAL",
          syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 4) == -1 && errno == EINVAL);
    check("futex on an unaligned address: EINVAL",
          syscall(SYS_futex, (char *)&failures + 1, 0, 0, NULL, NULL, 0) == -1 && errno == EINVAL);
    check("futex on an unmapped address: EFAULT",
          syscall(SYS_futex, (void *)0x1000, 0, 0, NULL, NULL, 0) == -1 && errno == EFAULT);
    struct itimerval bad = {{0, 2000000}, {0, 0}};
    check("setitimer with 2000000 us: EINVAL", setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL);
    check("setpgid of no such child: ESRCH", setpgid(999999, 0) == -1 && errno == ESRCH);
    check("setpgid with a negative group: EINVAL", setpgid(0, -5) == -1 && errno == EINVAL);
    check("getsid of no such pid: ESRCH", getsid(999999) == -1 && errno == ESRCH);
    printf("abuse: %d failed\n", failures);
    return failures != 0;
}

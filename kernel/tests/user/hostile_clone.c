/* clone with hostile values a fuzzer found: a stack pointer or TLS base
 * in the last page of the 64-bit space (the hybrid fork's eager ranges
 * wrapped and the kernel hung), clone3 with a stack that overflows, and
 * CLONE_PARENT with a stop signal as exit signal (the caller's parent
 * would have been stopped when the sibling exited; Linux gives the
 * sibling the caller's own exit signal). Each call must return; exits 1
 * if a check fails. Behaves the same on Linux. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

/* clone3's argument (linux/sched.h, which musl-gcc does not ship). */
struct clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
        set_tid, set_tid_size, cgroup;
};

#define TOP_PAGE 0xfffffffffffff000UL

/* A raw clone whose child exits at once (it never touches its stack: the
 * syscall instruction is followed by the exit in registers only). */
static long raw_clone_exit(unsigned long flags, unsigned long stack, unsigned long tls) {
    long ret;
    register unsigned long r10 __asm__("r10") = 0;
    register unsigned long r8 __asm__("r8") = tls;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t"
                     "mov $7, %%edi\n\t"
                     "syscall\n\t"
                     "1:"
                     : "=a"(ret)
                     : "a"(SYS_clone), "D"(flags), "S"(stack), "d"(0), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

static void reaps(const char *what, long pid) {
    int st = 0;
    int ok = pid > 0 && waitpid((pid_t)pid, &st, 0) == pid && WIFEXITED(st) &&
             WEXITSTATUS(st) == 7;
    CHECK(ok, "%s", what);
}

static void sibling_with_stop_signal(void) {
    /* The caller's sibling gets the caller's exit signal (SIGCHLD): when
     * it exits, our parent gets SIGCHLD, not SIGSTOP. */
    long pid = raw_clone_exit(CLONE_PARENT | SIGSTOP, 0, 0);
    _exit(pid > 0 ? 0 : 3);
}

int main(void) {
    reaps("clone with the stack pointer in the top page returns",
          raw_clone_exit(SIGCHLD, TOP_PAGE, 0));
    /* A TLS base outside user space is refused as arch_prctl refuses it. */
    CHECK(raw_clone_exit(SIGCHLD | CLONE_SETTLS, 0, TOP_PAGE) == -EPERM,
          "clone with CLONE_SETTLS at the top page fails with EPERM");
    reaps("clone with stack at the very last byte returns",
          raw_clone_exit(SIGCHLD, UINT64_MAX, 0));

    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGCHLD;
    ca.stack = TOP_PAGE;
    ca.stack_size = 0x10000;
    errno = 0;
    long r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r == 0)
        _exit(7);
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    CHECK(r == -1 && errno == EINVAL, "clone3 with a stack range past 2^64 fails with EINVAL");

    /* A child makes a sibling (our child too) with exit signal SIGSTOP. */
    pid_t c = fork();
    if (c == 0)
        sibling_with_stop_signal();
    int st = 0;
    CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "the CLONE_PARENT caller exits 0");
    /* The sibling is our child with SIGCHLD, so a plain wait sees it
     * (an exit signal other than SIGCHLD would need __WCLONE). */
    pid_t s = waitpid(-1, &st, 0);
    CHECK(s > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7,
          "the sibling is our child, waited for without __WCLONE");
    return finish("hostile_clone");
}

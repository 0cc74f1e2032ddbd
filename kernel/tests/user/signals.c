/* Signal delivery details the process tests (user/proc-tests) do not
 * cover: SA_SIGINFO contents, the mask while a handler runs, SA_NODEFER,
 * SA_RESETHAND, FPU/SSE registers across a handler, sigaltstack, a
 * SIGSEGV handler that jumps out, a blocked signal delivered when
 * unblocked, rt_sigsuspend's mask, SIGSTOP/SIGCONT seen by waitpid,
 * SIGCHLD ignored reaps children, futex timeouts, /proc/self. One check
 * per line; exits 1 if any check fails. Behaves the same on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

static volatile sig_atomic_t hits, blocked_in_handler, info_signo, info_code, info_pid;

static void on_info(int sig, siginfo_t *si, void *uc) {
    sigset_t cur;
    hits++;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    blocked_in_handler = sigismember(&cur, sig);
    info_signo = si->si_signo;
    info_code = si->si_code;
    info_pid = si->si_pid;
    (void)uc;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void handlers(void) {
    set_handler(SIGUSR1, on_info, 0);
    hits = 0;
    kill(getpid(), SIGUSR1);
    check("handler ran once", hits == 1);
    check("si_signo, si_code SI_USER, si_pid", info_signo == SIGUSR1 && info_code == SI_USER &&
                                                    info_pid == getpid());
    check("signal blocked while its handler runs", blocked_in_handler == 1);
    set_handler(SIGUSR1, on_info, SA_NODEFER);
    kill(getpid(), SIGUSR1);
    check("SA_NODEFER: not blocked in the handler", blocked_in_handler == 0);
    set_handler(SIGUSR1, on_info, SA_RESETHAND);
    hits = 0;
    kill(getpid(), SIGUSR1);
    struct sigaction now;
    sigaction(SIGUSR1, NULL, &now);
    check("SA_RESETHAND: ran, then SIG_DFL", hits == 1 && now.sa_handler == SIG_DFL);
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    check("mask restored after the handler", !sigismember(&cur, SIGUSR1));
}

static void clobber_xmm7(int sig) {
    (void)sig;
    __asm__ volatile("pcmpeqd %%xmm7, %%xmm7" ::: "xmm7");
}

static void fpu(void) {
    signal(SIGUSR2, clobber_xmm7);
    uint64_t pattern = 0x0123456789abcdefULL, out = 0;
    long tid = syscall(SYS_gettid);
    /* Load xmm7, tkill ourselves (the handler runs on the way out of the
     * system call and sets xmm7 to all ones), read xmm7 back. */
    __asm__ volatile("movq %[p], %%xmm7\n\t"
                     "mov %[nr], %%eax\n\t"
                     "mov %[tid], %%rdi\n\t"
                     "mov %[sig], %%esi\n\t"
                     "syscall\n\t"
                     "movq %%xmm7, %[o]"
                     : [o] "=r"(out)
                     : [p] "r"(pattern), [nr] "i"(SYS_tkill), [tid] "r"(tid), [sig] "i"(SIGUSR2)
                     : "rax", "rdi", "rsi", "rcx", "r11", "xmm7", "memory");
    check("xmm7 survives a handler that changes it", out == pattern);
    signal(SIGUSR2, SIG_DFL);
}

static char altstack[65536];
static volatile int on_alt, alt_flags_in_handler, alt_change_errno;

static void where_am_i(int sig) {
    char here;
    (void)sig;
    on_alt = &here >= altstack && &here < altstack + sizeof altstack;
    stack_t o, n = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(NULL, &o);
    alt_flags_in_handler = o.ss_flags;
    alt_change_errno = sigaltstack(&n, NULL) == -1 ? errno : 0;
}

static void *thread_altstack(void *arg) {
    stack_t o;
    sigaltstack(NULL, &o);
    *(int *)arg = o.ss_flags;
    return NULL;
}

static void alt_stack(void) {
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    check("sigaltstack", sigaltstack(&ss, NULL) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = where_am_i;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    check("SA_ONSTACK handler runs on the alternate stack", on_alt == 1);
    check("sigaltstack in the handler reports SS_ONSTACK", alt_flags_in_handler == SS_ONSTACK);
    check("changing it while on it is EPERM", alt_change_errno == EPERM);
    int thread_flags = -1;
    pthread_t th;
    pthread_create(&th, NULL, thread_altstack, &thread_flags);
    pthread_join(th, NULL);
    check("a new thread has no alternate stack", thread_flags == SS_DISABLE);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    check("without SA_ONSTACK it does not", on_alt == 0);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static sigjmp_buf segv_jump;
static volatile uintptr_t segv_addr;

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    segv_addr = (uintptr_t)si->si_addr;
    siglongjmp(segv_jump, 1);
}

static void segv_handler(void) {
    set_handler(SIGSEGV, on_segv, SA_NODEFER);
    volatile int *bad = (int *)0x1000;
    if (sigsetjmp(segv_jump, 1) == 0) {
        *bad = 1;
        check("write to 0x1000 faulted", 0);
    } else {
        check("SIGSEGV handler ran, si_addr = 0x1000", segv_addr == 0x1000);
    }
    signal(SIGSEGV, SIG_DFL);
}

static void blocked(void) {
    sigset_t s, pend;
    set_handler(SIGUSR2, on_info, 0);
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, NULL);
    hits = 0;
    raise(SIGUSR2);
    sigpending(&pend);
    check("blocked signal stays pending", hits == 0 && sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    check("delivered when unblocked", hits == 1);
    signal(SIGUSR2, SIG_DFL);
}

static void suspend(void) {
    sigset_t block, empty, after;
    set_handler(SIGUSR1, on_info, 0);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        usleep(20000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    hits = 0;
    sigemptyset(&empty);
    int r = sigsuspend(&empty);
    check("sigsuspend returns EINTR after the handler", r == -1 && errno == EINTR && hits == 1);
    sigprocmask(SIG_SETMASK, NULL, &after);
    check("sigsuspend restores the mask", sigismember(&after, SIGUSR1));
    waitpid(c, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static void stop_continue(void) {
    pid_t c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    int st = 0;
    kill(c, SIGSTOP);
    check("waitpid(WUNTRACED) sees SIGSTOP",
          waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(c, SIGCONT);
    check("waitpid(WCONTINUED) sees SIGCONT",
          waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
    kill(c, SIGKILL);
    check("then SIGKILL", waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void sigchld_ignored(void) {
    signal(SIGCHLD, SIG_IGN);
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    int st;
    check("SIGCHLD ignored: no zombie, wait gives ECHILD",
          waitpid(-1, &st, 0) == -1 && errno == ECHILD);
    signal(SIGCHLD, SIG_DFL);
}

static void futex_timeout(void) {
    static int word = 7;
    struct timespec t0, t1, to = {0, 30 * 1000000};
    check("FUTEX_WAIT on a changed word is EAGAIN",
          syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 6, &to, NULL, 0) == -1 && errno == EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 7, &to, NULL, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    check("FUTEX_WAIT times out after 30 ms", r == -1 && errno == ETIMEDOUT && ms >= 30);
    check("FUTEX_WAKE with no waiter wakes 0",
          syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0);
    /* A shared futex in MAP_SHARED memory: another process wakes us. */
    int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *shared = 0;
    pid_t c = fork();
    if (c == 0) {
        usleep(20000);
        __atomic_store_n(shared, 1, __ATOMIC_SEQ_CST);
        syscall(SYS_futex, shared, FUTEX_WAKE, 1, NULL, NULL, 0);
        _exit(0);
    }
    struct timespec two = {2, 0};
    long w;
    do {
        w = syscall(SYS_futex, shared, FUTEX_WAIT, 0, &two, NULL, 0);
    } while (w == -1 && errno == EINTR);
    check("shared futex woken by another process",
          (w == 0 || (w == -1 && errno == EAGAIN)) && *shared == 1);
    waitpid(c, NULL, 0);
    munmap(shared, 4096);
}

static void proc_self(void) {
    char buf[512], want[64];
    int fd = open("/proc/self/stat", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%d (", getpid());
    check("/proc/self/stat starts with the pid", strncmp(buf, want, strlen(want)) == 0);
    close(fd);
    fd = open("/proc/self/status", O_RDONLY);
    n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "\nPPid:\t%d\n", getppid());
    check("/proc/self/status has PPid", strstr(buf, want) != NULL);
    close(fd);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    handlers();
    fpu();
    alt_stack();
    segv_handler();
    blocked();
    suspend();
    stop_continue();
    sigchld_ignored();
    futex_timeout();
    proc_self();
    printf("signals: %d failed\n", failures);
    return failures != 0;
}

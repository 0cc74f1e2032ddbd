/* A seeded random-syscall fuzzer: forked workers make random system calls
 * (every number 0..460 but a few that change the machine for everyone)
 * with hostile arguments: kernel-half, unmapped and last-page pointers,
 * huge lengths, bad fds and flags, odd clone flags. The kernel must
 * survive all of it: no panic, no hang (a worker that does not end after
 * SIGKILL is a kernel hang; one blocked in a legitimate sleep is killed
 * by the watchdog), and every frame back once the workers are gone.
 *
 * Usage: fuzz [--seed N] [--calls N] [--per-worker N] [--exact]
 * (seed, calls, per-worker from FUZZ_SEED / FUZZ_CALLS too). A failure
 * prints the seed and the call that hung, so `--seed` replays it.
 * --exact (our kernel): MemFree after == before, less the growth of the
 * kernel's caches (Slab, KernelPageTables), which keep their high-water mark. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "meminfo.h"

static uint64_t rng;

static int arg_flag(int argc, char **argv, const char *name) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static uint64_t next(void) { /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

/* What a worker is doing, for the parent to print when it hangs. */
struct shared {
    volatile long nr, args[6];
    volatile unsigned long done;
};

static char scratch[65536] __attribute__((aligned(4096)));
/* Paths stay inside /tmp/fuzz (no ".", "..", "/": a chmod or rename there
 * would change the tree the other tests use). */
static const char *const paths[] = {
    "a", "b", "d/e", "d", "/tmp/fuzz", "/tmp/fuzz/a", "", "/nonexistent", "/proc/self/status",
};

static int denied(long nr) {
    switch (nr) {
    case SYS_reboot: case SYS_setsid: case SYS_setpgid: case SYS_settimeofday:
    case SYS_clock_settime: case SYS_adjtimex: case SYS_clock_adjtime:
    case SYS_mount: case SYS_umount2: case SYS_pivot_root: case SYS_chroot:
    case SYS_swapon: case SYS_swapoff: case SYS_kexec_load: case SYS_init_module:
    case SYS_delete_module: case SYS_sethostname: case SYS_setdomainname:
    case SYS_acct: case SYS_syslog: case SYS_ptrace: case SYS_process_vm_writev:
        return 1; /* they change the machine (or the tree) for everyone */
    }
    return 0;
}

static long pick_arg(void) {
    switch (next() % 16) {
    case 0: return 0;
    case 1: return -1;
    case 2: return (long)(next() % 64);
    case 3: return (long)(scratch + next() % sizeof scratch);
    case 4: return (long)scratch;
    case 5: return (long)paths[next() % (sizeof paths / sizeof *paths)];
    case 6: return (long)0xffffffff80000000ULL + (long)(next() % 0x100000);
    case 7: return (long)0xfffffffffffff000ULL + (long)(next() % 4096);
    case 8: return 0x1000;
    case 9: return (long)0x7ffffffff000ULL;
    case 10: return 1L << (next() % 63);
    case 11: return (long)(next() % 4096) * 4096;
    case 12: return (long)next();
    case 13: return -(long)(next() % 4096);
    case 14: return (long)(next() % 16); /* fds, small flags */
    default: return (long)(next() & 0xffffffff);
    }
}

/* A worker: its own process group (so the parent can kill everything it
 * made), fds 0-2 on /dev/null, cwd /tmp/fuzz; then `calls` calls. */
static void worker(struct shared *sh, long calls) {
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    for (int fd = 3; fd < 64; fd++)
        close(fd);
    mkdir("/tmp/fuzz", 0755);
    chdir("/tmp/fuzz");
    /* SIGALRM ends a worker blocked in a legitimate sleep (unless a call
     * changed its disposition: the parent's SIGKILL follows). */
    struct itimerval t = {{0, 0}, {0, 300000}};
    setitimer(ITIMER_REAL, &t, 0);
    for (long i = 0; i < calls; i++) {
        long nr = (long)(next() % 461), a[6];
        if (denied(nr))
            continue;
        for (int k = 0; k < 6; k++)
            a[k] = pick_arg();
        if (nr == SYS_kill || nr == SYS_tkill || nr == SYS_tgkill || nr == SYS_rt_sigqueueinfo ||
            nr == SYS_rt_tgsigqueueinfo || nr == SYS_pidfd_send_signal)
            a[0] = 0; /* only our own group */
        if (nr == SYS_prlimit64)
            a[0] = 0; /* our own limits, never the parent's */
        if (nr == SYS_tgkill || nr == SYS_rt_tgsigqueueinfo)
            a[0] = getpid(), a[1] = a[0];
        sh->nr = nr;
        for (int k = 0; k < 6; k++)
            sh->args[k] = a[k];
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        sh->done++;
    }
    _exit(0);
}

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&t, 0);
}

/* Waits until no process is left to die: the kernel stacks in use stay
 * the same over three readings 50 ms apart (at most 2 s). */
static void settle(void) {
    long last = -1;
    for (int same = 0, i = 0; same < 3 && i < 40; i++) {
        long now = meminfo("KernelStack");
        same = now == last ? same + 1 : 0;
        last = now;
        sleep_ms(50);
    }
}

/* Runs one worker under the watchdog; returns 0, or -1 on a hang. */
static int run_worker(struct shared *sh, long calls, unsigned long seed, long index) {
    sh->nr = -1;
    sh->done = 0;
    pid_t pid = fork();
    if (pid < 0)
        return 0; /* out of processes or memory: the next round tries again */
    if (pid == 0)
        worker(sh, calls);
    for (int tick = 0; tick < 100; tick++) { /* 1 s, then SIGKILL */
        if (waitpid(pid, 0, WNOHANG) == pid)
            goto reap;
        sleep_ms(10);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    for (int tick = 0; tick < 1000; tick++) { /* 10 s to die */
        if (waitpid(pid, 0, WNOHANG) == pid)
            goto reap;
        sleep_ms(10);
    }
    printf("fuzz: HANG: worker %ld (seed %lu) survives SIGKILL in syscall %ld(%#lx, %#lx, %#lx, "
           "%#lx, %#lx, %#lx) after %lu calls\n",
           index, seed, sh->nr, sh->args[0], sh->args[1], sh->args[2], sh->args[3], sh->args[4],
           sh->args[5], sh->done);
    return -1;
reap:
    kill(-pid, SIGKILL); /* what it forked */
    while (waitpid(-1, 0, WNOHANG) > 0)
        ;
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st, (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Everything the workers left under `dir` (they may nest directories,
 * rename, link and truncate files to megabytes), depth first. */
static void remove_tree(const char *dir) {
    chmod(dir, 0755);
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv) {
    const char *env_seed = getenv("FUZZ_SEED"), *env_calls = getenv("FUZZ_CALLS");
    unsigned long seed = arg_long(argc, argv, "--seed", env_seed ? atol(env_seed) : 1);
    long calls = arg_long(argc, argv, "--calls", env_calls ? atol(env_calls) : 2000);
    long per = arg_long(argc, argv, "--per-worker", 100);
    int exact = arg_flag(argc, argv, "--exact");
    struct shared *sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(sh != MAP_FAILED, "a shared page for the workers' progress");
    if (sh == MAP_FAILED)
        return finish("fuzz");
    signal(SIGPIPE, SIG_IGN);

    /* A warm-up round, so one-time growth (tables, caches) is not counted. */
    rng = seed ^ 0x9e3779b97f4a7c15ULL;
    run_worker(sh, per, seed, -1);
    remove_tree("/tmp/fuzz");
    settle(); /* the warm-up's orphans, killed, are reaped first */
    long free0 = meminfo("MemFree"), slab0 = meminfo("Slab") + meminfo("KernelPageTables");
    long stack0 = meminfo("KernelStack"), vm0 = meminfo("VmallocUsed");

    long workers = (calls + per - 1) / per, hangs = 0;
    for (long w = 0; w < workers && !hangs; w++) {
        rng = seed * 0x100000001b3ULL + (unsigned long)w + 1;
        hangs += run_worker(sh, per, seed, w) != 0;
    }
    remove_tree("/tmp/fuzz");
    CHECK(hangs == 0, "%ld workers of %ld calls each (seed %lu): no hang", workers, per, seed);
    settle(); /* orphans the kernel reaps */
    long free1 = meminfo("MemFree"), slab1 = meminfo("Slab") + meminfo("KernelPageTables");
    long stack1 = meminfo("KernelStack"), vm1 = meminfo("VmallocUsed");
    printf("  note KernelStack %ld -> %ld kB, VmallocUsed %ld -> %ld kB\n", stack0, stack1, vm0, vm1);
    if (exact)
        CHECK(free0 - free1 == slab1 - slab0,
              "MemFree %ld -> %ld kB, Slab + KernelPageTables %ld -> %ld kB: every other frame "
              "back (seed %lu)", free0,
              free1, slab0, slab1, seed);
    else
        printf("  note MemFree %ld -> %ld kB (not checked without --exact)\n", free0, free1);
    return finish("fuzz");
}

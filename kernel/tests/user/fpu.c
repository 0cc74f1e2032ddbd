/* Preemption and per-thread FPU state: several copies run at once (the
 * manifest says parallel=N); each keeps its own values in xmm0/xmm1 across
 * spins long enough to be preempted many times, and checks them after
 * every spin. Without the kernel saving and restoring SSE state per thread
 * the copies read each other's values. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    double seed = (double)getpid();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long rounds = 0;
    for (;;) {
        double x0, r = (double)rounds, x1;
        __asm__ volatile("movsd %2, %%xmm0\n\t"
                         "movsd %3, %%xmm1\n\t"
                         "mov $200000, %%ecx\n"
                         "1: dec %%ecx\n\t"
                         "jnz 1b\n\t"
                         "movsd %%xmm0, %0\n\t"
                         "movsd %%xmm1, %1\n\t"
                         : "=m"(x0), "=m"(x1)
                         : "m"(seed), "m"(r)
                         : "xmm0", "xmm1", "ecx");
        if (memcmp(&x0, &seed, sizeof x0) != 0 || memcmp(&x1, &r, sizeof r) != 0) {
            printf("fpu: pid %d: register state corrupted at round %ld\n", getpid(), rounds);
            return 1;
        }
        rounds++;
        clock_gettime(CLOCK_MONOTONIC, &b);
        long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
        if (ms >= 300)
            break;
    }
    printf("fpu: pid %d ok after %ld rounds (%ld.%03ld..%ld.%03ld s)\n", getpid(), rounds,
           (long)a.tv_sec, a.tv_nsec / 1000000, (long)b.tv_sec, b.tv_nsec / 1000000);
    return 0;
}

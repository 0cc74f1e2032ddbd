/* POSIX threads through the C library (clone with CLONE_THREAD,
 * CLONE_SETTLS, CLONE_CHILD_CLEARTID...; built with musl and glibc):
 * - T threads increment a pthread_mutex-protected counter N times each
 *   with a deliberately non-atomic read-modify-write; the total is exact
 *   only if the mutex (futex wait/wake underneath) excludes;
 * - each thread's __thread variable is its own, its tid distinct;
 * - pthread_join of a thread that sleeps 50 ms returns only after it
 *   exits (the C library waits on the tid word the kernel clears and
 *   wakes through CLONE_CHILD_CLEARTID) and hands back its value.
 *
 * Usage: threads [--threads T] [--increments N]   (defaults 4, 20000) */
#include "check.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_THREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static long increments;
static __thread long mine;
static long tids[MAX_THREADS + 1];

static void *worker(void *arg) {
    long id = (long)arg;
    mine = id + 1;
    tids[id] = syscall(SYS_gettid);
    for (long i = 0; i < increments; i++) {
        pthread_mutex_lock(&lock);
        long v = counter;
        counter = v + 1;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(mine == id + 1 ? 0L : 1L);
}

static void *sleeper(void *arg) {
    (void)arg;
    struct timespec ts = {0, 50 * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
    return (void *)0x5eedL;
}

int main(int argc, char **argv) {
    long n = arg_long(argc, argv, "--threads", 4);
    increments = arg_long(argc, argv, "--increments", 20000);
    if (n < 1 || n > MAX_THREADS) n = 4;
    pthread_t th[MAX_THREADS];
    long created = 0, joined = 0, tls_ok = 0;
    for (long i = 0; i < n; i++) created += pthread_create(&th[i], NULL, worker, (void *)i) == 0;
    CHECK(created == n, "pthread_create: %ld of %ld", created, n);
    for (long i = 0; i < created; i++) {
        void *ret = (void *)-1L;
        joined += pthread_join(th[i], &ret) == 0;
        tls_ok += ret == 0;
    }
    CHECK(joined == n, "pthread_join: %ld of %ld", joined, n);
    CHECK(counter == n * increments, "mutex-protected counter: %ld (want %ld)", counter,
          n * increments);
    CHECK(tls_ok == n, "threads that kept their own __thread value: %ld", tls_ok);
    CHECK(mine == 0, "main thread's __thread value untouched: %ld", mine);
    tids[n] = syscall(SYS_gettid);
    int distinct = 1;
    for (long i = 0; i <= n; i++)
        for (long j = 0; j < i; j++) distinct &= tids[i] != tids[j] && tids[i] > 0;
    CHECK(distinct, "distinct tids for the threads and main");

    pthread_t s;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    void *ret = NULL;
    int ok = pthread_create(&s, NULL, sleeper, NULL) == 0 && pthread_join(s, &ret) == 0;
    long long ms = (now_ns(CLOCK_MONOTONIC) - t0) / 1000000;
    CHECK(ok && ms >= 50, "join of a thread that exits after 50 ms woke after %lld ms", ms);
    CHECK(ret == (void *)0x5eedL, "join hands back the thread's value: %p", ret);
    return finish("threads");
}

/* Memory isolation across fork through the C library's own fork()
 * wrapper (built twice: musl-gcc for musl's, gcc -static for glibc's).
 * Each round the parent fills .data, .bss, __thread .tdata and .tbss, its
 * stack, a malloc block, a private anonymous and a private file mapping
 * with a fresh byte; the child checks it sees exactly that byte
 * everywhere, overwrites everything, reads its own writes back, and
 * stores the round in a MAP_SHARED page. The parent then checks nothing
 * of its own changed and the shared page did. Afterwards malloc and
 * printf must still work.
 *
 * Usage: fork_isolation [--rounds N]   (default 300) */
#include "check.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096
#define REGIONS 8

static unsigned char data_[2 * PAGE] = {1};  /* .data */
static unsigned char bss_[4 * PAGE];         /* .bss */
static __thread unsigned char tdata_[PAGE] = {7}; /* TLS .tdata */
static __thread unsigned char tbss_[2 * PAGE];    /* TLS .tbss */

static const char *names[REGIONS] = {
    ".data", ".bss", "TLS .tdata", "TLS .tbss",
    "stack", "heap (malloc)", "private anon mmap", "private file mmap",
};
static unsigned char *base[REGIONS];
static size_t len[REGIONS];

__attribute__((noinline)) static void fill(unsigned char b) {
    for (int i = 0; i < REGIONS; i++) memset(base[i], b, len[i]);
}

/* A bit per region whose bytes are not all `b`. */
__attribute__((noinline)) static int differs(unsigned char b) {
    int bad = 0;
    for (int i = 0; i < REGIONS; i++) {
        const volatile unsigned char *p = base[i];
        for (size_t j = 0; j < len[i]; j++)
            if (p[j] != b) {
                bad |= 1 << i;
                break;
            }
    }
    return bad;
}

int main(int argc, char **argv) {
    long rounds = arg_long(argc, argv, "--rounds", 300);
    unsigned char stack_[4 * PAGE];
    char path[64];
    snprintf(path, sizeof path, "/tmp/proc-c-fork-isolation-%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    unsigned char init[4 * PAGE];
    memset(init, 0xee, sizeof init);
    CHECK(fd >= 0 && write(fd, init, sizeof init) == (ssize_t)sizeof init,
          "create and write %s", path);
    unlink(path);

    unsigned char *regions[REGIONS] = {
        data_, bss_, tdata_, tbss_, stack_, malloc(16 * PAGE),
        mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
    };
    size_t sizes[REGIONS] = {sizeof data_, sizeof bss_, sizeof tdata_, sizeof tbss_,
                             sizeof stack_, 16 * PAGE, 16 * PAGE, 4 * PAGE};
    volatile long *shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(regions[5] && regions[6] != MAP_FAILED && regions[7] != MAP_FAILED &&
              shared != MAP_FAILED, "malloc and the three mappings");
    if (!checks_run || checks_failed) return finish("fork_isolation");
    memcpy(base, regions, sizeof base);
    memcpy(len, sizes, sizeof len);
    CHECK(memcmp(base[7], init, len[7]) == 0, "private file mapping starts with the file's bytes");

    long child_bad[REGIONS] = {0}, parent_bad[REGIONS] = {0};
    long forks = 0, exits_ok = 0, shared_ok = 0;
    for (long round = 0; round < rounds; round++) {
        unsigned char b = pattern(round, 3);
        fill(b);
        *shared = -1;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            int bad = differs(b);
            unsigned char mine = b == 255 ? 1 : b + 1;
            fill(mine);
            bad |= differs(mine);
            *shared = round;
            _exit(bad);
        }
        if (pid < 0) {
            CHECK(0, "fork in round %ld", round);
            break;
        }
        forks++;
        int status;
        char d[32];
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
            CHECK(0, "round %ld: child ended %s", round, describe(status, d, sizeof d));
            continue;
        }
        exits_ok += WEXITSTATUS(status) == 0;
        int pbad = differs(b);
        for (int i = 0; i < REGIONS; i++) {
            child_bad[i] += (WEXITSTATUS(status) >> i) & 1;
            parent_bad[i] += (pbad >> i) & 1;
        }
        shared_ok += *shared == round;
    }
    CHECK(forks == rounds, "forks that succeeded: %ld of %ld", forks, rounds);
    CHECK(exits_ok == rounds, "children that saw and wrote every region: %ld", exits_ok);
    for (int i = 0; i < REGIONS; i++)
        CHECK(child_bad[i] == 0 && parent_bad[i] == 0,
              "%s: child saw the parent's bytes %ld times, parent unchanged %ld times, of %ld",
              names[i], rounds - child_bad[i], rounds - parent_bad[i], rounds);
    CHECK(shared_ok == rounds, "MAP_SHARED writes seen by the parent: %ld", shared_ok);
    unsigned char disk[4 * PAGE];
    CHECK(pread(fd, disk, sizeof disk, 0) == (ssize_t)sizeof disk &&
              memcmp(disk, init, sizeof disk) == 0,
          "the mapped file itself is unchanged by private writes");

    /* libc after the forks: the allocator and formatted output. */
    char *strs[1000];
    size_t total = 0;
    for (int i = 0; i < 1000; i++) {
        strs[i] = malloc(16);
        total += strs[i] ? (size_t)snprintf(strs[i], 16, "item-%d", i) : 0;
    }
    CHECK(total == 7890 && strcmp(strs[999], "item-999") == 0,
          "malloc/snprintf of 1000 strings after the forks: %zu bytes", total);
    for (int i = 0; i < 1000; i++) free(strs[i]);
    return finish("fork_isolation");
}

/* Memory growth from C: the program break through syscall(SYS_brk), and
 * anonymous mmap / mprotect / munmap, each checked by writing a pattern
 * and reading it back. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static int pattern_ok(unsigned char *p, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i += 512) p[i] = (unsigned char)(seed + i / 512);
    for (size_t i = 0; i < len; i += 512)
        if (p[i] != (unsigned char)(seed + i / 512)) return 0;
    return 1;
}

static void brk_growth(void) {
    /* Nothing may allocate between reading and restoring the break: musl's
     * malloc moves it too. stdout's buffer exists after the first printf. */
    printf("memory: brk tests\n");
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(start != 0, "brk(0) = %#lx", (unsigned long)start);
    uintptr_t want = start + (8u << 20);
    CHECK((uintptr_t)syscall(SYS_brk, want) == want, "brk(+8 MiB)");
    unsigned char *p = (unsigned char *)start;
    int zero = 1;
    for (size_t i = 0; i < (8u << 20); i += 4096) zero &= p[i] == 0;
    CHECK(zero, "new heap pages read as zero");
    CHECK(pattern_ok(p, 8u << 20, 11), "new heap pages hold a pattern");
    CHECK((uintptr_t)syscall(SYS_brk, start + 4096) == start + 4096, "brk shrink");
    CHECK((uintptr_t)syscall(SYS_brk, start) == start, "brk back to start");
}

static void mmap_growth(void) {
    size_t len = 16u << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED, "mmap 16 MiB");
    if (p == MAP_FAILED) return;
    CHECK(((uintptr_t)p & 4095) == 0, "page aligned");
    CHECK(p[len - 1] == 0 && p[len / 2] == 0, "fresh mapping reads zero");
    CHECK(pattern_ok(p, len, 3), "pattern in 16 MiB");
    CHECK(mprotect(p, 4096, PROT_READ) == 0, "mprotect first page read-only");
    CHECK(p[0] == 3, "still readable");
    CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0, "writable again");
    p[0] = 9;
    CHECK(p[0] == 9, "written after mprotect");
    CHECK(munmap(p + 4096, 4096) == 0, "munmap one page in the middle");
    CHECK(pattern_ok(p + 8192, 4096, 5), "pages after the hole still work");
    CHECK(munmap(p, len) == 0, "munmap the rest");

    void *maps[32];
    int ok = 1;
    for (int i = 0; i < 32; i++) {
        maps[i] = mmap(NULL, 1u << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ok &= maps[i] != MAP_FAILED && pattern_ok(maps[i], 1u << 20, (unsigned)i);
    }
    CHECK(ok, "32 mappings of 1 MiB each hold their own pattern");
    for (int i = 0; i < 32; i++) ok &= pattern_ok(maps[i], 1u << 20, (unsigned)i) && munmap(maps[i], 1u << 20) == 0;
    CHECK(ok, "and unmap");
}

static void malloc_growth(void) {
    size_t n = 4u << 20;
    unsigned *v = malloc(n * sizeof *v);
    CHECK(v != NULL, "malloc 16 MiB");
    if (!v) return;
    unsigned long long sum = 0, want = 0;
    for (size_t i = 0; i < n; i++) v[i] = (unsigned)(i * 2654435761u);
    for (size_t i = 0; i < n; i++) sum += v[i], want += (unsigned)(i * 2654435761u);
    CHECK(sum == want, "checksum of 16 MiB malloc block");
    v = realloc(v, 2 * n * sizeof *v);
    CHECK(v != NULL && v[n - 1] == (unsigned)((n - 1) * 2654435761u), "realloc keeps contents");
    free(v);
}

int main(void) {
    brk_growth();
    mmap_growth();
    malloc_growth();
    return finish("memory");
}

/* Out of memory kills only the process that ran out: touch anonymous
 * memory until no frame is left. The kernel must deliver SIGSEGV (there is
 * no OOM killer yet) and run on; the next test proves it did. */
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
    size_t len = 256UL << 30; /* more than any test guest has */
    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        printf("oom: mmap failed\n");
        return 1;
    }
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    printf("oom: touched 256 GiB?\n");
    return 1;
}

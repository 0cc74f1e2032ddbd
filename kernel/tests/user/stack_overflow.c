/* Unbounded recursion runs off the 8 MiB stack area into unmapped memory:
 * SIGSEGV for the process, nothing for the kernel. */
static volatile int depth_limit = 1 << 30; /* opaque to the compiler */

static int down(int n) {
    volatile char frame[4096];
    frame[0] = (char)n;
    if (n >= depth_limit)
        return 0;
    return down(n + 1) + frame[0];
}

int main(void) {
    return down(0);
}

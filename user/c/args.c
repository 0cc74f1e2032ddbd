/* Checks argv and envp as the kernel's runner passes them: the manifest
 * line `exit=0 /bin/args alpha beta=2 --gamma` and the runner's fixed
 * environment (HOME=/, TERM=vt100, PATH containing /bin). Also walks the
 * auxiliary vector for the entries every static program needs. */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "check.h"

extern char **environ;

static int path_has_bin(const char *path) {
    for (const char *p = path; p && *p;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 4 && strncmp(p, "/bin", 4) == 0) return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int main(int argc, char **argv) {
    static const char *want[] = {"alpha", "beta=2", "--gamma"};
    for (int i = 0; i < argc; i++) printf("argv[%d] = \"%s\"\n", i, argv[i]);
    for (char **e = environ; *e; e++) printf("env %s\n", *e);

    size_t len0 = strlen(argv[0]);
    CHECK(len0 >= 4 && strcmp(argv[0] + len0 - 4, "args") == 0, "argv[0] names the program");
    CHECK(argc == 4, "argc = %d (want 4)", argc);
    for (int i = 1; i < argc && i < 4; i++)
        CHECK(strcmp(argv[i], want[i - 1]) == 0, "argv[%d] = %s", i, argv[i]);
    CHECK(argv[argc] == NULL, "argv is NULL-terminated");
    const char *home = getenv("HOME"), *term = getenv("TERM");
    CHECK(home && strcmp(home, "/") == 0, "HOME=%s", home ? home : "(unset)");
    CHECK(term && strcmp(term, "vt100") == 0, "TERM=%s", term ? term : "(unset)");
    CHECK(path_has_bin(getenv("PATH")), "PATH contains /bin");

    CHECK(getauxval(AT_PAGESZ) == 4096, "AT_PAGESZ = %lu", getauxval(AT_PAGESZ));
    CHECK(getauxval(AT_PHDR) != 0, "AT_PHDR is set");
    CHECK(getauxval(AT_ENTRY) != 0, "AT_ENTRY is set");
    CHECK(getauxval(AT_RANDOM) != 0, "AT_RANDOM is set");
    return finish("args");
}

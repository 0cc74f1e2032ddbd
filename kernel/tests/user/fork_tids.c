/* The tid stores of a fork by raw clone (SIGCHLD | CLONE_PARENT_SETTID |
 * CLONE_CHILD_SETTID, no CLONE_VM): the kernel writes the child's pid into
 * the parent's word only in the parent's memory, and into the child's
 * word only in the child's memory, so each side sees its own snapshot.
 * Under fork=hybrid the child's store goes through copy_to_user into a
 * page the child borrows (a path copy, never the parent's page) and the
 * parent's store waits until the window closes; glibc's fork wrapper
 * relies on the CLONE_CHILD_SETTID store. One check per line; exits 1 if
 * any check fails. Behaves the same on Linux. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
/* In .bss (the page the child's CLONE_CHILD_SETTID store hits) and on
 * the stack, as glibc's and musl's thread descriptors are. */
static volatile int child_word;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

static int one_fork(volatile int *parent_word, volatile int *child_word_p) {
    *parent_word = 0;
    *child_word_p = 0;
    unsigned long flags = SIGCHLD | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID;
    long pid = syscall(SYS_clone, flags, 0, parent_word, child_word_p, 0);
    if (pid == 0) {
        /* The child: its word holds its pid, the parent's word the
         * pre-fork 0 (the parent's store is not in the child's copy). */
        int bad = 0;
        if (*child_word_p != (int)syscall(SYS_getpid)) bad |= 1;
        if (*parent_word != 0) bad |= 2;
        syscall(SYS_exit_group, bad);
    }
    if (pid < 0) return -1;
    int status = 0;
    waitpid((pid_t)pid, &status, 0);
    char what[96];
    snprintf(what, sizeof what, "child saw its pid in its word, 0 in the parent's (status %#x)", status);
    check(what, WIFEXITED(status) && WEXITSTATUS(status) == 0);
    check("parent's word holds the child's pid", *parent_word == (int)pid);
    check("child's word in the parent's memory is untouched", *child_word_p == 0);
    return 0;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    volatile int parent_word = 0;
    volatile int stack_child_word = 0;
    check("raw clone with the tid words in .bss", one_fork(&parent_word, &child_word) == 0);
    check("raw clone with the tid words on the stack",
          one_fork(&parent_word, &stack_child_word) == 0);
    return failures ? 1 : 0;
}

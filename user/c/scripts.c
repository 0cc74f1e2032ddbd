/* `#!` scripts run as Linux's binfmt_script runs them: the interpreter
 * gets its one optional argument (inner spaces kept, outer blanks
 * dropped), then the script's path as given to execve, then the original
 * arguments after argv[0]; five scripts may chain before the final
 * program, a sixth is ELOOP; a line with no interpreter or a truncated
 * interpreter path is ENOEXEC, a missing interpreter ENOENT, a script
 * without execute permission EACCES. This program is also the
 * interpreter: with SCRIPT_ECHO=1 in its environment it prints its
 * arguments joined by '|'. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *self = "/bin/c-scripts";
static char dir[64];

static void put(const char *name, const char *text, int mode) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    write(fd, text, strlen(text));
    close(fd);
    chmod(path, mode);
}

/* Runs `path` with argv {path, a1, NULL} and SCRIPT_ECHO=1 from `dir`;
 * returns the child's output, or "errno N" when execve failed. */
static const char *run(const char *path, const char *a1) {
    static char out[1024];
    fflush(stdout); /* the child must not print the parent's buffer */
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        chdir(dir);
        char *argv[] = {(char *)path, (char *)a1, 0};
        char *envp[] = {"SCRIPT_ECHO=1", 0};
        execve(path, argv, envp);
        printf("errno %d", errno);
        fflush(stdout);
        _exit(0);
    }
    close(p[1]);
    ssize_t n, len = 0;
    while ((n = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += n;
    out[len] = 0;
    close(p[0]);
    waitpid(pid, 0, 0);
    return out;
}

/* Writes script `name` and runs it with one argument, "a". */
static const char *put_and_run(const char *name, const char *text, int mode) {
    char path[128];
    put(name, text, mode);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return run(path, "a");
}

int main(int argc, char **argv) {
    const char *echo = getenv("SCRIPT_ECHO");
    if (echo && !strcmp(echo, "1")) {
        for (int i = 0; i < argc; i++)
            printf("%s%s", i ? "|" : "", argv[i]);
        return 0;
    }
    strcpy(dir, "/tmp/scriptsXXXXXX");
    if (!mkdtemp(dir)) {
        printf("scripts: mkdtemp failed\n");
        return 1;
    }
    char want[512], path[128], line[600];
    const char *got;

    put("plain", "#!/bin/c-scripts\necho never\n", 0755);
    snprintf(path, sizeof path, "%s/plain", dir);
    snprintf(want, sizeof want, "%s|%s|x y", self, path);
    got = run(path, "x y");
    CHECK(!strcmp(got, want), "plain script: %s", got);

    put("arg", "#!  \t/bin/c-scripts   -a  b \t \nrest\n", 0755);
    snprintf(path, sizeof path, "%s/arg", dir);
    snprintf(want, sizeof want, "%s|-a  b|%s|z", self, path);
    got = run(path, "z");
    CHECK(!strcmp(got, want), "one argument, blanks trimmed: %s", got);

    snprintf(want, sizeof want, "%s|./plain|q", self);
    got = run("./plain", "q");
    CHECK(!strcmp(got, want), "the path as given: %s", got);

    got = put_and_run("empty", "#!\n", 0755);
    CHECK(!strcmp(got, "errno 8"), "no interpreter: %s (ENOEXEC is 8)", got);
    got = put_and_run("blank", "#!   \t\n", 0755);
    CHECK(!strcmp(got, "errno 8"), "blank interpreter line: %s", got);
    got = put_and_run("missing", "#!/nonexistent/interp\n", 0755);
    CHECK(!strcmp(got, "errno 2"), "missing interpreter: %s (ENOENT is 2)", got);
    got = put_and_run("noexec", "#!/bin/c-scripts\n", 0644);
    CHECK(!strcmp(got, "errno 13"), "not executable: %s (EACCES is 13)", got);

    /* A path that does not end within the first 256 bytes. */
    memset(line, 'p', sizeof line);
    memcpy(line, "#!/", 3);
    line[sizeof line - 1] = 0;
    got = put_and_run("long", line, 0755);
    CHECK(!strcmp(got, "errno 8"), "truncated interpreter path: %s", got);

    /* Chains: s1 -> s2 -> ... -> sN -> this program. */
    for (int n = 5; n <= 6; n++) {
        for (int i = 1; i <= n; i++) {
            char name[16], text[128];
            snprintf(name, sizeof name, "c%d_%d", n, i);
            if (i < n)
                snprintf(text, sizeof text, "#!%s/c%d_%d\n", dir, n, i + 1);
            else
                snprintf(text, sizeof text, "#!/bin/c-scripts\n");
            put(name, text, 0755);
        }
        snprintf(path, sizeof path, "%s/c%d_1", dir, n);
        got = run(path, "end");
        if (n == 5)
            CHECK(!strncmp(got, self, strlen(self)) && strstr(got, "|end"),
                  "five scripts in a chain run: %s", got);
        else
            CHECK(!strcmp(got, "errno 40"), "six scripts in a chain: %s (ELOOP is 40)", got);
    }
    return finish("scripts");
}

/* File ownership and filesystem information as Linux gives them to root
 * (issue 11): chown/fchown/lchown/fchownat (-1 leaves an id unchanged,
 * stat reports the new owner, a non-directory loses its set-user-ID bit),
 * EPERM for a non-root caller giving a file away, creat, and
 * statfs/fstatfs (a tmpfs-like answer for /tmp is not assumed: the host's
 * /tmp may be any filesystem, so only /proc's magic and the invariants
 * are checked, plus TMPFS_MAGIC where the kernel says /tmp is tmpfs). */
#define _GNU_SOURCE
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045

static void owner(const char *path, uid_t *u, gid_t *g) {
    struct stat st;
    *u = *g = (unsigned)-2;
    if (lstat(path, &st) == 0) {
        *u = st.st_uid;
        *g = st.st_gid;
    }
}

static void chown_family(const char *dir) {
    char f[256], l[256];
    snprintf(f, sizeof f, "%s/file", dir);
    snprintf(l, sizeof l, "%s/link", dir);
    int fd = open(f, O_CREAT | O_WRONLY | O_EXCL, 0644);
    CHECK(fd >= 0, "open %s", f);
    CHECK(symlink("file", l) == 0, "symlink");
    uid_t u;
    gid_t g;

    CHECK(chown(f, 1000, 2000) == 0, "chown(f, 1000, 2000)");
    owner(f, &u, &g);
    CHECK(u == 1000 && g == 2000, "stat after chown: %u:%u (want 1000:2000)", u, g);
    CHECK(chown(f, -1, 3000) == 0, "chown(f, -1, 3000)");
    owner(f, &u, &g);
    CHECK(u == 1000 && g == 3000, "uid unchanged by -1: %u:%u (want 1000:3000)", u, g);
    CHECK(fchown(fd, 4000, -1) == 0, "fchown(fd, 4000, -1)");
    owner(f, &u, &g);
    CHECK(u == 4000 && g == 3000, "fchown: %u:%u (want 4000:3000)", u, g);

    /* chown follows the link, lchown changes the link itself. */
    CHECK(chown(l, 5, 6) == 0, "chown(link, 5, 6)");
    owner(f, &u, &g);
    CHECK(u == 5 && g == 6, "chown through a link changed the file: %u:%u", u, g);
    CHECK(lchown(l, 7, 8) == 0, "lchown(link, 7, 8)");
    owner(l, &u, &g);
    CHECK(u == 7 && g == 8, "lchown changed the link: %u:%u", u, g);
    owner(f, &u, &g);
    CHECK(u == 5 && g == 6, "lchown left the file: %u:%u", u, g);

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(fchownat(dfd, "file", 9, 10, 0) == 0, "fchownat(dirfd, file)");
    owner(f, &u, &g);
    CHECK(u == 9 && g == 10, "fchownat: %u:%u", u, g);
    CHECK(fchownat(dfd, "link", 11, 12, AT_SYMLINK_NOFOLLOW) == 0, "fchownat NOFOLLOW");
    owner(l, &u, &g);
    CHECK(u == 11 && g == 12, "fchownat NOFOLLOW changed the link: %u:%u", u, g);
    CHECK(fchownat(fd, "", 13, 14, AT_EMPTY_PATH) == 0, "fchownat(fd, \"\", AT_EMPTY_PATH)");
    owner(f, &u, &g);
    CHECK(u == 13 && g == 14, "AT_EMPTY_PATH: %u:%u", u, g);
    CHECK_ERRNO(fchownat(dfd, "file", 0, 0, 0x4), EINVAL);
    CHECK_ERRNO(chown("/no/such/file", 0, 0), ENOENT);
    CHECK_ERRNO(fchown(-1, 0, 0), EBADF);
    CHECK_ERRNO(fchown(9999, 0, 0), EBADF);
    CHECK_ERRNO(syscall(SYS_chown, NULL, 0, 0), EFAULT);

    /* A chown drops the set-user-ID bit of a regular file, and the
     * set-group-ID bit when group execute is set. */
    CHECK(fchmod(fd, 06755) == 0, "fchmod 06755");
    CHECK(fchown(fd, 0, 0) == 0, "fchown(fd, 0, 0)");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0755,
          "mode after chown: %o (want 755)", st.st_mode & 07777);

    /* A non-root caller may not give a file away. */
    CHECK(chown(f, 1000, 1000) == 0, "chown to 1000:1000 for the child");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000)) _exit(10);
        if (chown(f, 0, -1) != -1 || errno != EPERM) _exit(11);
        if (chown(f, -1, 0) != -1 || errno != EPERM) _exit(12);
        if (chown(f, 1000, 1000) != 0) _exit(13); /* no change: allowed */
        if (chown(dir, 1000, -1) != -1 || errno != EPERM) _exit(14);
        _exit(0);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(status == 0, "non-root child: EPERM for giving away (wait status %#x)", status);

    close(fd);
    close(dfd);
    unlink(l);
    unlink(f);
}

static void creat_call(const char *dir) {
    char f[256];
    snprintf(f, sizeof f, "%s/created", dir);
    int fd = creat(f, 0640);
    CHECK(fd >= 0, "creat %s", f);
    CHECK(write(fd, "abc", 3) == 3, "write to a creat fd");
    char c;
    CHECK_ERRNO(read(fd, &c, 1), EBADF);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY, "creat opens write-only");
    close(fd);
    fd = creat(f, 0600);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "creat truncates an existing file");
    CHECK((st.st_mode & 0777) == 0640, "creat keeps an existing file's mode: %o", st.st_mode & 0777);
    close(fd);
    unlink(f);
}

static void statfs_calls(const char *dir) {
    struct statfs s;
    CHECK(statfs("/proc", &s) == 0 && s.f_type == PROC_SUPER_MAGIC,
          "statfs(/proc) f_type %#lx (want %#x)", (long)s.f_type, PROC_SUPER_MAGIC);
    CHECK(statfs(dir, &s) == 0, "statfs(%s)", dir);
    CHECK(s.f_bsize > 0 && s.f_namelen >= 255 && s.f_bfree <= s.f_blocks && s.f_bavail <= s.f_blocks,
          "statfs sizes: bsize %ld namelen %ld blocks %lu free %lu", (long)s.f_bsize,
          (long)s.f_namelen, (unsigned long)s.f_blocks, (unsigned long)s.f_bfree);
    unsigned long tmp_type = s.f_type;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    struct statfs fs;
    CHECK(fstatfs(fd, &fs) == 0 && (unsigned long)fs.f_type == tmp_type, "fstatfs(dir) agrees with statfs");
    close(fd);
    if (tmp_type == TMPFS_MAGIC)
        CHECK(s.f_bsize == 4096, "tmpfs block size 4096: %ld", (long)s.f_bsize);
    int p[2];
    CHECK(pipe(p) == 0 && fstatfs(p[0], &fs) == 0 && fs.f_type == PIPEFS_MAGIC,
          "fstatfs(pipe) f_type %#lx (want pipefs)", (long)fs.f_type);
    close(p[0]);
    close(p[1]);
    CHECK_ERRNO(statfs("/no/such/dir", &s), ENOENT);
    CHECK_ERRNO(syscall(SYS_statfs, "/proc", NULL), EFAULT);
    CHECK_ERRNO(fstatfs(-1, &s), EBADF);
}

int main(void) {
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/compat_fs.%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
    chown_family(dir);
    creat_call(dir);
    statfs_calls(dir);
    CHECK(rmdir(dir) == 0, "rmdir %s", dir);
    return finish("compat_fs");
}

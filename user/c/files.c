/* File system calls from C through musl: open/creat, write, read, lseek,
 * fstat/stat, getdents64 (through readdir), mkdir, rename, unlink, rmdir,
 * getcwd, chdir. Usage: files FIXTURE (the initramfs's
 * /etc/user-tests/fixture.txt, whose exact contents are below). */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static const char fixture_text[] = "user-tests fixture: 0123456789\n";

static void fixture(const char *path) {
    char buf[128] = {0};
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0, "open fixture %s", path);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n == (ssize_t)strlen(fixture_text) && strcmp(buf, fixture_text) == 0, "fixture contents (%zd bytes)", n);
    CHECK(read(fd, buf, sizeof buf) == 0, "read at end of file returns 0");
    close(fd);
}

static void data_file(void) {
    int fd = open("data", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK(fd >= 0, "create data");
    CHECK_ERRNO(open("data", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
    CHECK(write(fd, "hello world", 11) == 11, "write 11 bytes");
    CHECK(lseek(fd, 0, SEEK_CUR) == 11, "offset after write");
    CHECK(lseek(fd, 6, SEEK_SET) == 6, "lseek to 6");
    char buf[32] = {0};
    CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0, "read 'world'");
    CHECK(pwrite(fd, "J", 1, 100) == 1, "pwrite at 100 (a hole)");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 101, "size 101 after hole");
    CHECK(S_ISREG(st.st_mode) && st.st_nlink == 1, "regular file, nlink 1");
    CHECK(pread(fd, buf, 4, 50) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0, "hole reads zeros");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate to 5");
    CHECK(lseek(fd, 0, SEEK_END) == 5, "SEEK_END");
    close(fd);
    fd = open("data", O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties");
    close(fd);
    CHECK(stat("data", &st) == 0 && st.st_size == 0, "stat by name");
}

static void directories(const char *dir) {
    char cwd[256];
    CHECK(mkdir("sub", 0755) == 0, "mkdir sub");
    CHECK_ERRNO(mkdir("sub", 0755), EEXIST);
    CHECK(close(open("sub/inner", O_CREAT | O_WRONLY, 0644)) == 0, "create sub/inner");
    CHECK_ERRNO(rmdir("sub"), ENOTEMPTY);
    CHECK_ERRNO(unlink("sub"), EISDIR);
    CHECK_ERRNO(open("data/x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("missing", O_RDONLY), ENOENT);

    int seen_dot = 0, seen_data = 0, seen_sub = 0, other = 0;
    DIR *d = opendir(".");
    CHECK(d != NULL, "opendir .");
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) seen_dot++;
        else if (!strcmp(e->d_name, "data")) seen_data = e->d_type == DT_REG;
        else if (!strcmp(e->d_name, "sub")) seen_sub = e->d_type == DT_DIR;
        else other++;
    }
    if (d) closedir(d);
    CHECK(seen_dot == 2 && seen_data && seen_sub && !other, "readdir: . .. data(reg) sub(dir) and nothing else");

    CHECK(chdir("sub") == 0, "chdir sub");
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(dir), "/sub") == 0, "getcwd = %s", cwd);
    CHECK(rename("inner", "../moved") == 0, "rename to parent");
    CHECK(chdir("..") == 0, "chdir ..");
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0, "getcwd back = %s", cwd);
    CHECK(access("moved", F_OK) == 0, "moved exists");
    CHECK(rmdir("sub") == 0, "rmdir sub");
    CHECK(unlink("moved") == 0 && unlink("data") == 0, "unlink files");
}

int main(int argc, char **argv) {
    char dir[64], start[256];
    fixture(argc > 1 ? argv[1] : "/etc/user-tests/fixture.txt");
    snprintf(dir, sizeof dir, "/tmp/c-files-%d", (int)getpid());
    CHECK(getcwd(start, sizeof start) != NULL, "getcwd at start = %s", start);
    CHECK(mkdir(dir, 0700) == 0, "mkdir %s", dir);
    CHECK(chdir(dir) == 0, "chdir %s", dir);
    data_file();
    directories(dir);
    CHECK(chdir(start) == 0, "chdir back");
    CHECK(rmdir(dir) == 0, "rmdir %s", dir);
    CHECK_ERRNO(chdir(dir), ENOENT);
    return finish("files");
}

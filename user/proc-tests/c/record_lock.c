/* fcntl record locks as one process sees them: F_GETLK with nothing in
 * the way answers F_UNLCK; F_SETLK of a write lock and its release
 * succeed; a bad type or whence is EINVAL, F_GETLK of F_UNLCK too; a read
 * lock on a file not open for reading (or a write lock on one not open
 * for writing) is EBADF; a bad pointer EFAULT. (Conflicts between
 * processes are not checked here: this kernel keeps no lock table yet.) */
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

static struct flock lock(short type, short whence) {
    struct flock l;
    memset(&l, 0, sizeof l);
    l.l_type = type;
    l.l_whence = whence;
    l.l_start = 0;
    l.l_len = 100;
    return l;
}

int main(void) {
    int fd = open("/tmp/record-lock", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK(fd >= 0, "a file open for reading and writing");
    struct flock l = lock(F_WRLCK, SEEK_SET);
    CHECK(fcntl(fd, F_GETLK, &l) == 0 && l.l_type == F_UNLCK, "F_GETLK: nothing in the way (l_type %d)",
          l.l_type);
    l = lock(F_WRLCK, SEEK_SET);
    CHECK(fcntl(fd, F_SETLK, &l) == 0, "F_SETLK of a write lock");
    l = lock(F_UNLCK, SEEK_SET);
    CHECK(fcntl(fd, F_SETLKW, &l) == 0, "F_SETLKW releases it");
    l = lock(7, SEEK_SET);
    CHECK_ERRNO(fcntl(fd, F_SETLK, &l), EINVAL);
    l = lock(F_RDLCK, 5);
    CHECK_ERRNO(fcntl(fd, F_SETLK, &l), EINVAL);
    l = lock(F_UNLCK, SEEK_SET);
    CHECK_ERRNO(fcntl(fd, F_GETLK, &l), EINVAL);
    CHECK_ERRNO(fcntl(fd, F_SETLK, (struct flock *)8), EFAULT);
    int ro = open("/tmp/record-lock", O_RDONLY), wo = open("/tmp/record-lock", O_WRONLY);
    l = lock(F_WRLCK, SEEK_SET);
    CHECK_ERRNO(fcntl(ro, F_SETLK, &l), EBADF);
    l = lock(F_RDLCK, SEEK_SET);
    CHECK_ERRNO(fcntl(wo, F_SETLK, &l), EBADF);
    l = lock(F_RDLCK, SEEK_SET);
    CHECK(fcntl(ro, F_SETLK, &l) == 0, "a read lock on a file open for reading");
    unlink("/tmp/record-lock");
    return finish("record_lock");
}

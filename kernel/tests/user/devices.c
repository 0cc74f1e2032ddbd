/* /dev/null, /dev/zero and /dev/console behave as on Linux. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

static int failures;

static void check(const char *what, int ok) {
    printf("%s %s\n", ok ? "  ok  " : "  FAIL", what);
    failures += !ok;
}

int main(void) {
    char buf[64];
    int null = open("/dev/null", O_RDWR);
    check("open /dev/null", null >= 0);
    check("write /dev/null takes everything", write(null, "abc", 3) == 3);
    check("read /dev/null is end of file", read(null, buf, sizeof buf) == 0);
    struct stat st;
    check("fstat /dev/null", fstat(null, &st) == 0);
    check("/dev/null is char device 1,3",
          S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
    check("/dev/null is not a tty", !isatty(null));

    int zero = open("/dev/zero", O_RDONLY);
    memset(buf, 0x55, sizeof buf);
    check("read /dev/zero fills the buffer", read(zero, buf, sizeof buf) == sizeof buf);
    int all_zero = 1;
    for (size_t i = 0; i < sizeof buf; i++)
        all_zero &= buf[i] == 0;
    check("with zeros", all_zero);

    int con = open("/dev/console", O_WRONLY);
    check("open /dev/console", con >= 0);
    check("console is a tty", isatty(con) && isatty(1));
    struct termios t;
    check("tcgetattr", tcgetattr(1, &t) == 0);
    check("canonical mode with echo", (t.c_lflag & ICANON) && (t.c_lflag & ECHO));
    check("tcsetattr", tcsetattr(1, TCSANOW, &t) == 0);
    struct winsize ws;
    check("TIOCGWINSZ", ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0);
    check("write to the console", write(con, "devices: console write\n", 23) == 23);
    printf("devices: %d failures\n", failures);
    return failures != 0;
}

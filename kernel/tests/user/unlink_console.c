/* Removing /dev/console's name must not take the console away from the
 * programs started after this one (run last: it changes /dev). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    if (unlink("/dev/console") != 0) {
        perror("unlink /dev/console");
        return 1;
    }
    printf("unlink_console: /dev/console unlinked\n");
    return 0;
}

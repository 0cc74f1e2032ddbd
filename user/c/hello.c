/* The smallest C program: one line through stdio, exit 0. */
#include <stdio.h>

int main(void) {
    printf("hello from c\n");
    return 0;
}

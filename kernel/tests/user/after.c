/* Runs after each deliberate death: the kernel is still serving. */
#include <stdio.h>

int main(void) {
    printf("after: the kernel runs on\n");
    return 0;
}

/* Integer division by zero (#DE) is SIGFPE for the process. */
static volatile int zero = 0;

int main(void) {
    return 10 / zero;
}

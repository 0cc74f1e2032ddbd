/* An undefined instruction (ud2) is SIGILL for the process. */
int main(void) {
    __asm__ volatile("ud2");
    return 0;
}

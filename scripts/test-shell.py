#!/usr/bin/env python3
"""Drives the BusyBox shell that `just qemu` boots (init=/bin/sh) through
QEMU's serial port, as a person at the console would: a prompt appears,
a pipeline runs, Ctrl-C stops a sleeping command and a spinning one (the
shell survives and reports 128+SIGINT) and drops a half-typed line,
Ctrl-Z stops a job that `fg` resumes, `ps` lists a background job, and `exit 7` ends init (QEMU exits
with init's code). Every step has a deadline and the whole run a
hard timeout.

Usage: scripts/test-shell.py KERNEL INITRD   (exit 0 when every step passed)
"""
import os
import re
import select
import subprocess
import sys
import time

TOTAL_TIMEOUT = 240  # seconds, whole run (TCG is slow)


class Console:
    def __init__(self, kernel, initrd):
        args = [
            "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512M",
            "-display", "none", "-no-reboot", "-monitor", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", "stdio", "-kernel", kernel, "-initrd", initrd,
            "-append", "loglevel=4 init=/bin/sh",
        ]
        # QEMU_EXTRA_ARGS (split at whitespace) goes on every boot.
        args += os.environ.get("QEMU_EXTRA_ARGS", "").split()
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = b""
        self.start = time.monotonic()

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def expect(self, pattern, timeout):
        """Waits for `pattern` (a regex) in the output after the last match."""
        deadline = min(time.monotonic() + timeout, self.start + TOTAL_TIMEOUT)
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk:
                    return rx.search(self.buf)
                sys.stdout.write(chunk.decode(errors="replace").replace("\r", ""))
                sys.stdout.flush()
                self.buf += chunk

    def interrupt(self, line, key="\x03", settle=3):
        """Types `line`, lets it run `settle` seconds, then types `key`
        (Ctrl-C by default; Ctrl-Z stops instead)."""
        self.send(line)
        time.sleep(settle)
        self.send(key)

    def close(self):
        try:
            return self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None


def main():
    kernel, initrd = sys.argv[1], sys.argv[2]
    c = Console(kernel, initrd)
    results = []

    def step(name, ok):
        results.append((name, bool(ok)))

    # The shell is up when it prints its prompt; then a fixed prompt.
    step("shell starts", c.expect(r"# ", 120))
    c.send("PS1='RDY> '\n")
    step("shell prompt", c.expect(r"RDY> ", 60))
    c.send("echo c b a | tr ' ' '\\n' | sort | uniq -c | wc -l; echo sum=$((40+2))\n")
    step("pipeline runs", c.expect(r"\n\s*3\s*\r?\n", 60) and c.expect(r"sum=42", 30))
    c.expect(r"RDY> ", 30)
    c.interrupt("sleep 60\n")
    step("Ctrl-C stops sleep", c.expect(r"RDY> ", 30))
    c.send("echo st=$?\n")
    step("status 130 after Ctrl-C", c.expect(r"st=130", 30))
    c.expect(r"RDY> ", 30)
    c.interrupt("while :; do :; done\n")
    step("Ctrl-C stops a busy loop", c.expect(r"RDY> ", 30))
    # ps lists processes from /proc (a background job's command line).
    c.send("sleep 37 & ps; kill $!; wait; echo ps-done\n")
    step("ps shows a background job", c.expect(r"sleep 37\s*\r?\n", 30) and c.expect(r"ps-done", 30))
    c.expect(r"RDY> ", 30)
    # Ctrl-C while editing a line: the line is dropped, a new prompt.
    c.interrupt("echo never-run-$((1+1))", settle=1)
    c.send("echo after=$((2+3))\n")
    m = c.expect(r"after=5", 30)
    step("Ctrl-C at the prompt drops the line", m and b"never-run-2" not in c.buf)
    c.expect(r"RDY> ", 30)
    # Ctrl-Z stops the foreground job; fg resumes it; Ctrl-C ends it.
    c.interrupt("sleep 60\n", "\x1a")
    step("Ctrl-Z stops sleep", c.expect(r"Stopped", 30) and c.expect(r"RDY> ", 30))
    c.interrupt("fg\n")
    c.expect(r"RDY> ", 30)
    c.send("echo st=$?; jobs; echo jobs-done\n")
    step("fg then Ctrl-C ends the job", c.expect(r"st=130", 30) and c.expect(r"jobs-done", 30))
    c.expect(r"RDY> ", 30)
    c.send("exit 7\n")
    step("exit ends init", c.expect(r"init /bin/sh ended: exit 7", 60))
    rc = c.close()
    step("QEMU exits with init's code", rc is not None and rc == (7 << 1) | 1)
    print()
    failed = 0
    for name, ok in results:
        print(("ok " if ok else "FAIL ") + "shell: " + name)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Refuses, before anything is built or booted, a program `just run` cannot
boot as init: a missing file, something that is not an x86_64 ELF
executable, or a dynamically linked one (a PT_INTERP program header names
its loader; this kernel loads static ELF and static-pie only).

Usage: scripts/check-static.py BINARY   (exit 0 if it can run, else 1 with
a message on stderr)
"""
import struct
import sys

PT_INTERP = 3
EM_X86_64 = 62
ET_EXEC, ET_DYN = 2, 3


def problem(path):
    """Why `path` cannot run as init, or None if it can."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return f"{path}: no such file"
    except IsADirectoryError:
        return f"{path}: is a directory"
    except OSError as e:
        return f"{path}: {e.strerror}"
    if data[:2] == b"#!":
        return (f"{path} is a script; init must be an ELF binary (for a shell "
                "command, boot BusyBox: just run build/busybox/busybox sh -c '...')")
    if len(data) < 64 or data[:4] != b"\x7fELF":
        return f"{path} is not an ELF executable"
    if data[4] != 2 or data[5] != 1:
        return f"{path} is not a 64-bit little-endian ELF file"
    e_type, e_machine = struct.unpack_from("<HH", data, 16)
    if e_machine != EM_X86_64:
        return f"{path} is not an x86_64 program (ELF machine {e_machine})"
    if e_type not in (ET_EXEC, ET_DYN):
        return f"{path} is not an executable (ELF type {e_type})"
    e_phoff, = struct.unpack_from("<Q", data, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 54)
    for i in range(e_phnum):
        off = e_phoff + i * e_phentsize
        if off + 56 > len(data):
            return f"{path}: truncated program headers"
        p_type, = struct.unpack_from("<I", data, off)
        if p_type == PT_INTERP:
            p_offset, = struct.unpack_from("<Q", data, off + 8)
            p_filesz, = struct.unpack_from("<Q", data, off + 32)
            interp = data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode(errors="replace")
            return (f"{path} is dynamically linked (it needs the loader {interp}); "
                    "only static binaries run until this kernel loads dynamic ones. "
                    "Link it statically (musl-gcc -static, gcc -static, or Rust's "
                    "x86_64-unknown-linux-musl target).")
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    why = problem(sys.argv[1])
    if why:
        print(f"run: {why}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

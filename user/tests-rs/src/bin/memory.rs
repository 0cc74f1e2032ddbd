//! Memory growth: the program break (raw `brk`), anonymous `mmap`,
//! `mprotect`, `munmap`, and a large heap `Vec`, each checked by writing and
//! reading back a pattern.

use user_tests::{syscall, Checker};

const PAGE: usize = 4096;

fn fill_and_check(addr: usize, len: usize, seed: u8) -> bool {
    // SAFETY: callers pass a range they just mapped read-write.
    let bytes = unsafe { std::slice::from_raw_parts_mut(addr as *mut u8, len) };
    for (i, b) in bytes.iter_mut().enumerate().step_by(64) {
        *b = seed.wrapping_add(i as u8);
    }
    bytes
        .iter()
        .enumerate()
        .step_by(64)
        .all(|(i, &b)| b == seed.wrapping_add(i as u8))
}

fn main() {
    let mut c = Checker::new();
    brk(&mut c);
    mmap(&mut c);
    mprotect(&mut c);
    big_vec(&mut c);
    c.finish("memory")
}

fn brk(c: &mut Checker) {
    // musl's malloc also moves the break. Make it allocate stdout's buffer
    // now, so that nothing allocates between reading the break and putting
    // it back (printing a check then needs no allocation).
    println!("memory: brk tests");
    let start = syscall(libc::SYS_brk, &[0]).unwrap_or(0) as usize;
    c.check(format_args!("brk(0) = {start:#x}"), start != 0);
    let grown = start + 4 * 1024 * 1024;
    c.equal(
        "brk(+4 MiB)",
        syscall(libc::SYS_brk, &[grown as u64]).ok(),
        Some(grown as i64),
    );
    // Fresh heap pages read as zero, then hold what we write.
    // SAFETY: [start, grown) was just added to the heap.
    let zero = unsafe { std::slice::from_raw_parts(start as *const u8, grown - start) }
        .iter()
        .all(|&b| b == 0);
    c.check("new brk memory is zero", zero);
    c.check(
        "new brk memory is writable",
        fill_and_check(start, grown - start, 7),
    );
    let shrunk = start + PAGE;
    c.equal(
        "brk(shrink)",
        syscall(libc::SYS_brk, &[shrunk as u64]).ok(),
        Some(shrunk as i64),
    );
    // A failed brk returns the current break, not an error.
    c.equal(
        "brk(kernel address) fails",
        syscall(libc::SYS_brk, &[0xffff_8000_0000_0000]).ok(),
        Some(shrunk as i64),
    );
    c.equal(
        "brk(back to start)",
        syscall(libc::SYS_brk, &[start as u64]).ok(),
        Some(start as i64),
    );
}

fn map(len: usize, prot: i32) -> usize {
    // SAFETY: an anonymous private mapping at an address the kernel picks
    // affects no existing memory.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        0
    } else {
        p as usize
    }
}

fn mmap(c: &mut Checker) {
    let len = 32 * 1024 * 1024;
    let addr = map(len, libc::PROT_READ | libc::PROT_WRITE);
    c.check(
        format_args!("mmap 32 MiB = {addr:#x}"),
        addr != 0 && addr.is_multiple_of(PAGE),
    );
    if addr == 0 {
        return;
    }
    c.check("mmap memory holds a pattern", fill_and_check(addr, len, 42));
    // Unmap the middle, then map a smaller region: both must work.
    c.success(
        "munmap middle 1 MiB",
        syscall(libc::SYS_munmap, &[(addr + len / 2) as u64, 1 << 20]),
    );
    c.check("head still intact", fill_and_check(addr, PAGE, 1));
    c.success(
        "munmap rest (with a hole)",
        syscall(libc::SYS_munmap, &[addr as u64, len as u64]),
    );
    let many: Vec<usize> = (0..64)
        .map(|_| map(64 * 1024, libc::PROT_READ | libc::PROT_WRITE))
        .collect();
    c.check("64 more mappings", many.iter().all(|&a| a != 0));
    c.check(
        "each writable",
        many.iter()
            .enumerate()
            .all(|(i, &a)| fill_and_check(a, 64 * 1024, i as u8)),
    );
    let distinct: std::collections::BTreeSet<_> = many.iter().collect();
    c.equal("distinct addresses", distinct.len(), 64);
    for a in many {
        syscall(libc::SYS_munmap, &[a as u64, 64 * 1024]).expect("munmap");
    }
}

fn mprotect(c: &mut Checker) {
    let addr = map(4 * PAGE, libc::PROT_READ | libc::PROT_WRITE);
    c.check("mmap 4 pages", addr != 0);
    c.check("write them", fill_and_check(addr, 4 * PAGE, 3));
    c.success(
        "mprotect read-only",
        syscall(
            libc::SYS_mprotect,
            &[addr as u64, (4 * PAGE) as u64, libc::PROT_READ as u64],
        ),
    );
    // SAFETY: the pages are mapped and still readable.
    let first = unsafe { std::ptr::read_volatile(addr as *const u8) };
    c.equal("still readable", first, 3);
    c.success(
        "mprotect read-write again",
        syscall(
            libc::SYS_mprotect,
            &[
                addr as u64,
                (4 * PAGE) as u64,
                (libc::PROT_READ | libc::PROT_WRITE) as u64,
            ],
        ),
    );
    c.check("writable again", fill_and_check(addr, 4 * PAGE, 9));
    let none = map(PAGE, libc::PROT_NONE);
    c.check("mmap PROT_NONE", none != 0);
    c.success(
        "mprotect PROT_NONE -> RW",
        syscall(libc::SYS_mprotect, &[none as u64, PAGE as u64, 3]),
    );
    c.check("then writable", fill_and_check(none, PAGE, 5));
    c.success(
        "madvise DONTNEED",
        syscall(
            libc::SYS_madvise,
            &[addr as u64, (4 * PAGE) as u64, libc::MADV_DONTNEED as u64],
        ),
    );
    // SAFETY: mapped and readable; DONTNEED on private anonymous memory
    // makes it read as zero again.
    let after = unsafe { std::ptr::read_volatile(addr as *const u8) };
    c.equal("zero after MADV_DONTNEED", after, 0);
}

fn big_vec(c: &mut Checker) {
    let n = 4 * 1024 * 1024; // 32 MiB of u64
    let v: Vec<u64> = (0..n as u64)
        .map(|i| i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .collect();
    let sum = v.iter().fold(0u64, |a, &x| a.wrapping_add(x));
    let want = (0..n as u64).fold(0u64, |a, i| {
        a.wrapping_add(i.wrapping_mul(0x9e37_79b9_7f4a_7c15))
    });
    c.equal("32 MiB Vec checksum", sum, want);
    let mut grown: Vec<u8> = Vec::new();
    for i in 0..(1 << 20) {
        grown.push(i as u8);
    }
    c.check(
        "Vec grown by push to 1 MiB",
        grown.len() == 1 << 20 && grown[12345] == (12345 % 256) as u8,
    );
}

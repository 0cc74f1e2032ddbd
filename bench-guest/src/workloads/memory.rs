//! Address-space system calls, and the touched heap the fork workloads'
//! parent holds.
use crate::sys::{check, errno, Res};
use crate::timer::time;

const PAGE: usize = 4096;

/// Pages the `mmap_fault` workload touches per iteration.
pub const FAULT_PAGES: usize = 64;

/// An anonymous private mapping, unmapped on drop.
#[derive(Debug)]
pub struct Mapping {
    ptr: *mut u8,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes read-write (not yet touched).
    pub fn new(len: usize) -> Res<Self> {
        // SAFETY: a fresh anonymous mapping at an address the kernel picks.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(format!("mmap {len} bytes: {}", errno()));
        }
        Ok(Mapping { ptr: p.cast(), len })
    }

    /// Writes one byte per page (`tag` plus the page index) so every page
    /// is resident and private; returns the number of pages written.
    pub fn touch(&mut self, tag: u8) -> usize {
        let pages = self.len / PAGE;
        for i in 0..pages {
            // SAFETY: the offset is inside the mapping, which is writable.
            unsafe {
                self.ptr
                    .add(i * PAGE)
                    .write_volatile(tag.wrapping_add(i as u8))
            };
        }
        pages
    }

    /// Checks that every page still holds what `touch(tag)` wrote.
    pub fn verify(&self, tag: u8) -> Res {
        for i in 0..self.len / PAGE {
            // SAFETY: the offset is inside the mapping, which is readable.
            let b = unsafe { self.ptr.add(i * PAGE).read_volatile() };
            if b != tag.wrapping_add(i as u8) {
                return Err(format!("heap page {i} changed to {b}"));
            }
        }
        Ok(())
    }

    /// Asks for 4 KiB pages (Linux's transparent huge pages would turn the
    /// per-page work the fork workloads measure into per-2-MiB work).
    /// A kernel without the advice is fine: errors are ignored.
    pub fn no_huge_pages(&self) {
        // SAFETY: advice on this mapping only; it does not change contents.
        unsafe { libc::madvise(self.ptr.cast(), self.len, libc::MADV_NOHUGEPAGE) };
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what `new` mapped; no reference into it
        // outlives `self`.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

/// A parent heap of `mib` MiB, every page touched, for the fork workloads.
pub fn touched_heap(mib: usize) -> Res<Mapping> {
    let mut m = Mapping::new(mib << 20)?;
    m.no_huge_pages();
    m.touch(0x5a);
    Ok(m)
}

pub fn mmap_munmap(n: u64) -> Res<u64> {
    time(n, || Mapping::new(16 * PAGE).map(drop))
}

pub fn mmap_fault(n: u64) -> Res<u64> {
    time(n, || {
        let mut m = Mapping::new(FAULT_PAGES * PAGE)?;
        m.no_huge_pages();
        let pages = m.touch(3);
        m.verify(3)?;
        if pages == FAULT_PAGES {
            Ok(())
        } else {
            Err(format!("{pages} pages touched"))
        }
    })
}

pub fn mprotect(n: u64) -> Res<u64> {
    let mut m = Mapping::new(PAGE)?;
    m.touch(9);
    let r = time(n, || {
        // SAFETY: changing the protection of our own page; nothing reads
        // or writes it until it is read-write again.
        let a = unsafe { libc::mprotect(m.ptr.cast(), PAGE, libc::PROT_READ) };
        check(a as i64, "mprotect(PROT_READ)")?;
        // SAFETY: as above.
        let b = unsafe { libc::mprotect(m.ptr.cast(), PAGE, libc::PROT_READ | libc::PROT_WRITE) };
        check(b as i64, "mprotect(PROT_READ|PROT_WRITE)").map(drop)
    });
    m.verify(9)?;
    r
}

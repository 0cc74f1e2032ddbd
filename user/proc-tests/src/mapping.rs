//! Memory mappings owned by a value: mapped by the constructor, unmapped
//! on drop, so holding a `Mapping` proves the range may be touched.

use crate::sys::errno;

/// An anonymous or file mapping that is unmapped when dropped.
#[derive(Debug)]
pub struct Mapping {
    ptr: *mut u8,
    len: usize,
}

impl Mapping {
    /// mmap(NULL, len, PROT_READ|PROT_WRITE, flags, fd, 0).
    pub fn new(len: usize, flags: i32, fd: i32) -> Result<Self, i32> {
        Self::new_near(0, len, flags, fd)
    }

    /// A private anonymous mapping placed at `hint` if that range is free
    /// (no MAP_FIXED: elsewhere otherwise, as the kernel picks).
    pub fn anon_near(hint: usize, len: usize) -> Result<Self, i32> {
        Self::new_near(hint, len, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1)
    }

    fn new_near(hint: usize, len: usize, flags: i32, fd: i32) -> Result<Self, i32> {
        // SAFETY: without MAP_FIXED the kernel never maps over existing
        // mappings, so the new one cannot alias any Rust object.
        let ptr = unsafe {
            libc::mmap(
                hint as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                flags,
                fd,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(errno());
        }
        Ok(Mapping {
            ptr: ptr.cast(),
            len,
        })
    }

    /// A private anonymous mapping.
    pub fn anon(len: usize) -> Result<Self, i32> {
        Self::new(len, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1)
    }

    /// A shared anonymous mapping (shared with forked children).
    pub fn shared(len: usize) -> Result<Self, i32> {
        Self::new(len, libc::MAP_SHARED | libc::MAP_ANONYMOUS, -1)
    }

    pub fn as_slice(&self) -> &[u8] {
        // SAFETY: the mapping is `len` readable bytes for as long as self
        // lives. Another process may write a MAP_SHARED one concurrently;
        // callers that need that read through `atomic_u64` instead.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: as in as_slice, and `&mut self` makes this the only
        // reference within this process.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// Unmaps now and says whether munmap succeeded (dropping unmaps too,
    /// but cannot report it).
    pub fn unmap(self) -> bool {
        let this = std::mem::ManuallyDrop::new(self);
        // SAFETY: the range is exactly the mapping this value owns; `this`
        // is never dropped, so it is unmapped once, and no borrow of it
        // outlives the call (`self` was taken by value).
        unsafe { libc::munmap(this.ptr.cast(), this.len) == 0 }
    }

    /// The `i`th 8-byte word as an atomic, for memory another process
    /// (MAP_SHARED) or thread writes concurrently.
    pub fn atomic_u64(&self, i: usize) -> &std::sync::atomic::AtomicU64 {
        assert!((i + 1) * 8 <= self.len, "word {i} outside the mapping");
        // SAFETY: the word is inside the mapping, 8-byte aligned (mappings
        // are page aligned) and lives as long as `self`; all accesses to
        // shared words go through atomics.
        unsafe { &*self.ptr.add(i * 8).cast::<std::sync::atomic::AtomicU64>() }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the range is exactly the mapping this value owns, and no
        // borrow of it outlives `self`.
        unsafe { libc::munmap(self.ptr.cast(), self.len) };
    }
}

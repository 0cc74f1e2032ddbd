//! What can go wrong, in three types because the callers differ:
//! [`PageFault`] is the MMU's answer to one access (no state changed),
//! [`Fault`] the outcome of a fault the crate could not resolve (what the
//! kernel does next: a signal, its out-of-memory policy), and [`VmError`]
//! the error of an operation on areas, forks and spaces (a syscall's
//! errno). Each converts into the next where a caller needs that.

use core::fmt;

use crate::access::PageFault;
use crate::Access;

/// Why a user access cannot be satisfied (`si_code` of the SIGSEGV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegvCause {
    /// No area maps the address (`SEGV_MAPERR`).
    NotMapped,
    /// The area forbids the access (`SEGV_ACCERR`).
    Protection,
}

/// The outcome of a fault that could not be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Deliver SIGSEGV.
    Segv {
        /// The faulting address.
        addr: u64,
        /// Mapping or protection error.
        cause: SegvCause,
    },
    /// No frame was free (the kernel's OOM policy decides).
    OutOfMemory,
    /// The space lends its tables to a hybrid child and must not change
    /// (a kernel bug: the parent should be asleep).
    Lent,
    /// The allocator returned a frame at or above the context's
    /// `phys_limit` (see [`crate::Mm::new`]): a setup bug, refused before
    /// the frame was used. The frame went back to the allocator.
    FrameBeyondLimit {
        /// The frame's physical address.
        frame: u64,
    },
}

/// Errors of the area and fork operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VmError {
    /// No frame was free; nothing changed.
    OutOfMemory,
    /// The new area overlaps an existing one.
    Overlap,
    /// An address or length is not page aligned.
    Unaligned,
    /// The range is empty or leaves the user half.
    OutOfRange,
    /// Part of the range is not mapped.
    NotMapped,
    /// The space is a borrowing hybrid child: promote it first.
    Borrowing,
    /// The space lends its tables to a hybrid child and is frozen.
    Lent,
    /// Promotion of a space that does not borrow from that parent.
    NotBorrowing,
    /// The allocator returned a frame at or above the context's
    /// `phys_limit`; nothing changed (see [`Fault::FrameBeyondLimit`]).
    FrameBeyondLimit {
        /// The frame's physical address.
        frame: u64,
    },
}

impl Fault {
    /// The operation error for a fault met while populating or mapping.
    pub(crate) fn into_vm_error(self) -> VmError {
        match self {
            Fault::Segv { .. } => VmError::NotMapped,
            Fault::OutOfMemory => VmError::OutOfMemory,
            Fault::Lent => VmError::Lent,
            Fault::FrameBeyondLimit { frame } => VmError::FrameBeyondLimit { frame },
        }
    }
}

impl From<PageFault> for Fault {
    fn from(f: PageFault) -> Fault {
        let cause = if f.present {
            SegvCause::Protection
        } else {
            SegvCause::NotMapped
        };
        Fault::Segv {
            addr: f.addr,
            cause,
        }
    }
}

/// For frame reservations inside fault handling, where only running out
/// and a frame beyond the limit can happen; anything else would be a bug
/// and is reported as out of memory rather than as a signal.
impl From<VmError> for Fault {
    fn from(e: VmError) -> Fault {
        match e {
            VmError::FrameBeyondLimit { frame } => Fault::FrameBeyondLimit { frame },
            VmError::Lent => Fault::Lent,
            _ => Fault::OutOfMemory,
        }
    }
}

impl fmt::Display for PageFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.access {
            Access::Read => "read",
            Access::Write => "write",
            Access::Execute => "instruction fetch",
        };
        let why = if self.present {
            "the page's protection forbids it"
        } else {
            "no page is mapped there"
        };
        write!(f, "user {what} at {:#x}: {why}", self.addr)
    }
}

impl fmt::Display for SegvCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SegvCause::NotMapped => "no area maps the address",
            SegvCause::Protection => "the area's protection forbids the access",
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Segv { addr, cause } => write!(f, "segmentation fault at {addr:#x}: {cause}"),
            Fault::OutOfMemory => f.write_str("out of memory: no frame to resolve the fault"),
            Fault::Lent => f.write_str(
                "the space lends its tables to a hybrid child and must not change until the child releases them or is promoted",
            ),
            Fault::FrameBeyondLimit { frame } => write!(
                f,
                "the frame allocator returned frame {frame:#x}, beyond the context's phys_limit"
            ),
        }
    }
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::OutOfMemory => f.write_str("out of memory: no frame was free (nothing changed)"),
            VmError::Overlap => f.write_str("the new area overlaps an existing one"),
            VmError::Unaligned => f.write_str("address or length not page aligned"),
            VmError::OutOfRange => f.write_str("the range is empty or leaves the user half"),
            VmError::NotMapped => f.write_str("part of the range is not mapped"),
            VmError::Borrowing => f.write_str(
                "the space is a hybrid child borrowing its parent's tables: promote it first",
            ),
            VmError::Lent => f.write_str(
                "the space lends its tables to a hybrid child and must not change",
            ),
            VmError::NotBorrowing => {
                f.write_str("the space does not borrow from that parent: nothing to promote")
            }
            VmError::FrameBeyondLimit { frame } => write!(
                f,
                "the frame allocator returned frame {frame:#x}, beyond the context's phys_limit (nothing changed)"
            ),
        }
    }
}

impl core::error::Error for PageFault {}
impl core::error::Error for Fault {}
impl core::error::Error for VmError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_say_what_happened() {
        let pf = PageFault {
            addr: 0x1000,
            access: Access::Write,
            present: true,
        };
        assert_eq!(
            pf.to_string(),
            "user write at 0x1000: the page's protection forbids it"
        );
        assert_eq!(
            Fault::from(pf).to_string(),
            "segmentation fault at 0x1000: the area's protection forbids the access"
        );
        assert!(VmError::Borrowing.to_string().contains("promote it first"));
        let e = VmError::FrameBeyondLimit { frame: 0x2000 };
        assert_eq!(Fault::from(e), Fault::FrameBeyondLimit { frame: 0x2000 });
        assert_eq!(Fault::from(e).into_vm_error(), e);
    }
}

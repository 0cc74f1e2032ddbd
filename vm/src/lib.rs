//! # vm: x86_64 address spaces with four fork strategies
//!
//! A kernel-independent crate (`no_std` + `alloc`) that builds and edits
//! x86_64 four-level page tables for user address spaces, and forks them in
//! one of four ways:
//!
//! ```text
//!  Classic           OnDemand            Hybrid                 Vfork
//!  P root  C root    P root  C root      P root    C root       P root
//!   |  copy  |        | copy   |          |   (RO,borrowed) |     |
//!  L3      L3'       L3      L3'         L3 <------------- +     (child
//!   |       |         |       |           |                      runs here)
//!  L2      L2'       L2(ro)  L2'(ro)     L2
//!   |       |          \     /            |
//!  PT      PT'          PT (refcnt 2)    PT      + eager copies of the
//!   \     /             |                 |        stack/TLS pages and
//!   page (COW)         pages             pages     their table paths
//! ```
//!
//! - **Classic**: copies every user table; private leaves become
//!   read-only + copy-on-write in both spaces. Cost grows with mapped size.
//! - **OnDemand** (ODF): copies the upper levels and shares last-level
//!   tables, write-protected at level 2, with a reference count; the first
//!   write below one copies that table, then the page.
//! - **Hybrid**: the child's new root borrows the parent's tree read-only;
//!   the pages libc's fork wrapper writes (stack, thread descriptor) are
//!   copied at once, every other child write copies its path of tables and
//!   page into the child alone. The parent's tables never change while
//!   borrowed, and the parent waits until the child releases them (exec,
//!   exit) or is promoted ([`PromoteTarget`]: into an on-demand child,
//!   whose cost is an on-demand fork's, or a classic one). Cost: O(1) +
//!   pages touched.
//! - **Vfork**: the child runs in the parent's space.
//!
//! ## Embedding
//!
//! A kernel provides physical memory access ([`PhysMem`]: a physical frame
//! to a pointer, e.g. through its direct map) and a frame allocator (the
//! `x86_64` crate's `FrameAllocator` + `FrameDeallocator`), keeps one
//! [`Mm`] and executes the [`TlbFlush`] tokens every change returns:
//!
//! ```
//! # #[cfg(feature = "host")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use vm::host::{BitmapFrames, SimRam};
//! use vm::{Access, AddressSpace, Config, Mm, Prot, Strategy, Vma, VmaKind};
//!
//! let ram = SimRam::new(256); // 256 frames of simulated RAM
//! let frames = BitmapFrames::new(&ram);
//! let limit = ram.phys_limit();
//! let mut mm = Mm::new(ram, frames, limit, Config::default());
//!
//! let mut parent = AddressSpace::new(&mut mm)?;
//! parent.map(&mut mm, Vma::new(0x40_0000..0x40_4000, Prot::RW, VmaKind::Heap))?.ignore();
//! parent.copy_to_user(&mut mm, 0x40_0000, b"hello")?.ignore();
//!
//! let forked = parent.fork(&mut mm, Strategy::Classic)?;
//! forked.parent_flush.execute(|_page| { /* invlpg */ }, || { /* reload CR3 */ });
//! let vm::Child::Space(mut child) = forked.child else { unreachable!() };
//!
//! // The child's write faults, copies the page, and leaves the parent alone.
//! child.copy_to_user(&mut mm, 0x40_0000, b"HELLO")?.ignore();
//! let mut buf = [0u8; 5];
//! parent.read_user(&mm, 0x40_0000, &mut buf).unwrap();
//! assert_eq!(&buf, b"hello");
//! assert!(child.write_user(&mm, 0x40_0000, b"x").is_ok());
//! assert!(parent.translate(&mm, 0x40_0000, Access::Write).is_err()); // COW
//!
//! child.destroy(&mut mm)?;
//! parent.destroy(&mut mm)?;
//! assert_eq!(mm.frames_in_use(), 0);
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "host"))]
//! # fn main() {} // the simulated RAM needs the `host` feature
//! ```
//!
//! The repository's `vm/examples/embed` does the same in a real kernel
//! (`no_std`, target `x86_64-unknown-none`): a direct-map [`PhysMem`], a
//! frame allocator, and an x86 page-fault error code turned into an
//! [`Access`] ([`Access::from_page_fault_error`]).
//!
//! ## Features and the `x86_64` crate
//!
//! - no features (what a kernel uses): `no_std` + `alloc`.
//! - `std`: a space dropped without [`AddressSpace::destroy`] or
//!   [`AddressSpace::release`] panics in debug builds (unless the thread is
//!   already unwinding); without `std` it is only counted
//!   ([`leaked_spaces`]).
//! - `host`: `std` plus the `host` module, simulated RAM and a bitmap frame
//!   allocator for tests, benches and trying the crate out.
//!
//! The API speaks the `x86_64` crate's types (`PhysFrame`, the allocator
//! traits), version 0.15, re-exported as [`vm::x86_64`](crate::x86_64) so
//! that a kernel names exactly the version the crate was built with. The
//! crate depends on it with `default-features = false`; a kernel that
//! needs its instructions (`invlpg`, CR3) on stable Rust enables only
//! `features = ["instructions"]` on its own dependency: its default
//! features include `nightly` (`abi_x86_interrupt`, `step_trait`, ...),
//! which does not build on stable.
//!
//! ## Invariants (each checked by the tests)
//! 1. Isolation: after any sequence of map / write / fork / exit / exec
//!    under any strategy, every space reads what a reference model says.
//! 2. A hybrid parent's tables are bit-for-bit unchanged by anything its
//!    child does before release or promotion.
//! 3. No leak: when every space is gone, every frame is free again.
//! 4. Promotion yields a child equal to a classic fork taken at that point,
//!    with the child's private writes kept.
//! 5. Out of memory at any point returns an error and changes nothing.
//!
//! Huge pages are not used: every leaf is a 4 KiB page.

#![cfg_attr(not(any(test, feature = "std")), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

extern crate alloc;

pub use x86_64;

mod access;
pub mod entry;
mod error;
mod fault;
mod flush;
mod fork;
mod frame_cache;
mod frame_refs;
#[cfg(feature = "host")]
pub mod host;
mod mm;
mod phys;
mod pool;
mod space;
mod stats;
mod teardown;
mod vma;

pub use access::PageFault;
pub use error::{Fault, SegvCause, VmError};
pub use flush::TlbFlush;
pub use fork::{Child, EagerPages, Forked, PromoteFlush, PromoteTarget, Strategy, StrategyKind};
pub use frame_cache::FRAME_CACHE_CAPACITY;
pub use mm::{Config, Mm};
pub use phys::{FrameAlloc, PhysMem};
pub use space::AddressSpace;
pub use stats::{Stats, StrategyStats};
pub use vma::{Prot, Vma, VmaKind, VmaList};

/// A user access, as the MMU reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// A load.
    Read,
    /// A store.
    Write,
    /// An instruction fetch.
    Execute,
}

impl Access {
    /// The access an x86 page-fault error code describes (the word the CPU
    /// pushes with vector 14): bit 4 set is an instruction fetch, else
    /// bit 1 set a write, else a read. The other bits (present, user,
    /// reserved bit) do not change what was attempted.
    pub const fn from_page_fault_error(code: u64) -> Access {
        if code & (1 << 4) != 0 {
            Access::Execute
        } else if code & (1 << 1) != 0 {
            Access::Write
        } else {
            Access::Read
        }
    }
}

/// Address spaces dropped while they still held their tables (neither
/// destroyed nor released), since the program started: each leaked its
/// frames. A kernel can check it stays 0 (see [`AddressSpace`]'s `Drop`).
pub fn leaked_spaces() -> usize {
    space::LEAKED_SPACES.load(core::sync::atomic::Ordering::Relaxed)
}

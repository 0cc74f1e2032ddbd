//! `fork(strategy)`: the four ways a child gets its address space.
//!
//! | strategy | at fork | child writes | parent meanwhile |
//! |---|---|---|---|
//! | Classic | copy every user table; private leaves read-only + COW in both | fault, copy page | runs |
//! | OnDemand | copy the upper levels; share last-level tables write-protected | fault, copy table then page | runs, faults the same way |
//! | Hybrid | new root borrowing the parent's tree read-only; copy the eager pages | fault, copy the path then the page, child only | frozen until exec/exit/promotion |
//! | Vfork | nothing: the child runs in the parent's space | shared | frozen |

mod classic;
mod hybrid;
pub use hybrid::{PromoteFlush, PromoteTarget};
mod on_demand;

use arrayvec::ArrayVec;

use crate::entry::{PAGE_SIZE, USER_END};
use x86_64::structures::paging::PhysFrame;

use crate::mm::{Mm, Pool};
use crate::phys::{FrameAlloc, PhysMem};
use crate::space::{AddressSpace, Role};
use crate::{TlbFlush, VmError};

/// The strategies, as a plain tag (for statistics and command lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StrategyKind {
    /// Eager table copy + copy-on-write.
    Classic = 0,
    /// Shared last-level tables (ODF).
    OnDemand = 1,
    /// Borrowed tables, eager stack/TLS, promotion.
    Hybrid = 2,
    /// Shared address space.
    Vfork = 3,
}

impl StrategyKind {
    /// Every strategy, in `as usize` order.
    pub const ALL: [StrategyKind; 4] = [
        StrategyKind::Classic,
        StrategyKind::OnDemand,
        StrategyKind::Hybrid,
        StrategyKind::Vfork,
    ];
    /// Lower-case name (`classic`, `ondemand`, `hybrid`, `vfork`).
    pub fn name(self) -> &'static str {
        match self {
            StrategyKind::Classic => "classic",
            StrategyKind::OnDemand => "ondemand",
            StrategyKind::Hybrid => "hybrid",
            StrategyKind::Vfork => "vfork",
        }
    }
}

/// Pages a hybrid child is certain to write right after fork (libc's fork
/// wrapper writes its stack frame and thread descriptor): copying them at
/// fork saves a fault each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EagerPages(ArrayVec<u64, 8>);

impl EagerPages {
    /// No eager pages.
    pub fn none() -> EagerPages {
        EagerPages::default()
    }
    /// What musl's and glibc's fork wrappers write in the child: the stack
    /// just around the saved user stack pointer (the 128-byte red zone
    /// below it, the wrapper's and its caller's frames above it) and the
    /// start of the thread descriptor at the FS base, where both libcs keep
    /// the fields the child rewrites (`self->tid`, the robust list head:
    /// within 0x300 bytes of the FS base in musl 1.2 and glibc 2.36).
    pub fn for_libc_fork(stack_pointer: u64, fs_base: u64) -> EagerPages {
        let mut pages = EagerPages::none();
        pages.add_range(
            stack_pointer.saturating_sub(128),
            stack_pointer.saturating_add(256),
        );
        if fs_base != 0 {
            pages.add_range(fs_base, fs_base.saturating_add(0x300));
        }
        pages
    }
    /// Adds the pages overlapping `[start, end)`, clipped to user space:
    /// the bounds come from user registers (a clone stack or TLS pointer
    /// may be any value), so nothing here may overflow or run past the
    /// list's capacity.
    pub fn add_range(&mut self, start: u64, end: u64) {
        let end = end.min(USER_END);
        let mut page = start & !(PAGE_SIZE - 1);
        while page < end && !self.0.is_full() {
            self.add(page);
            page += PAGE_SIZE; // page < end <= USER_END: no overflow
        }
    }
    /// Adds the page containing `va` (ignored when full or present).
    pub fn add(&mut self, va: u64) {
        let page = va & !(PAGE_SIZE - 1);
        if !self.0.contains(&page) {
            let _ = self.0.try_push(page);
        }
    }
    /// The page addresses.
    pub fn pages(&self) -> &[u64] {
        &self.0
    }
}

/// How to fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// Eager table copy + copy-on-write.
    Classic,
    /// Shared last-level tables.
    OnDemand,
    /// Borrowed tables with these pages copied at once.
    Hybrid(EagerPages),
    /// The child shares the parent's space.
    Vfork,
}

impl Strategy {
    /// The tag of this strategy.
    pub fn kind(&self) -> StrategyKind {
        match self {
            Strategy::Classic => StrategyKind::Classic,
            Strategy::OnDemand => StrategyKind::OnDemand,
            Strategy::Hybrid(_) => StrategyKind::Hybrid,
            Strategy::Vfork => StrategyKind::Vfork,
        }
    }
}

/// The child's address space.
#[derive(Debug)]
pub enum Child {
    /// A space of its own (for Hybrid: borrowing until promoted/released).
    Space(AddressSpace),
    /// Vfork: the child runs in the parent's space.
    SharesParent,
}

/// What fork produced.
#[derive(Debug)]
#[must_use = "the parent's TLB must be flushed and the child's space kept"]
pub struct Forked {
    /// The child's space.
    pub child: Child,
    /// What the parent must flush (its writable pages may be read-only now).
    pub parent_flush: TlbFlush,
}

impl AddressSpace {
    /// The eager-copy forks (classic, on-demand): reserve `tables` frames,
    /// build the child's root with `copy` (which may change the parent's
    /// entries), and hand back an owning child; the parent's TLB must go.
    fn fork_by_copy<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        kind: StrategyKind,
        tables: usize,
        copy: impl FnOnce(&mut Mm<P, A>, PhysFrame, PhysFrame, &mut Pool),
    ) -> Result<Forked, VmError> {
        let root = self.root();
        let mut pool = mm.reserve(tables)?;
        let child_root = mm.new_root(&mut pool);
        copy(mm, root, child_root, &mut pool);
        mm.unreserve(pool);
        let child = AddressSpace::from_root(child_root, self.vmas.clone(), Role::Owner, Some(kind));
        Ok(Forked {
            child: Child::Space(child),
            parent_flush: TlbFlush::all(),
        })
    }

    /// Forks this space. Out of memory leaves it unchanged and leaks
    /// nothing. A borrowing hybrid child must be promoted before it forks,
    /// and a lent parent cannot fork until its child is gone.
    pub fn fork<P: PhysMem, A: FrameAlloc>(
        &mut self,
        mm: &mut Mm<P, A>,
        strategy: Strategy,
    ) -> Result<Forked, VmError> {
        self.check_owner_unlent()?;
        let kind = strategy.kind();
        let forked = match strategy {
            Strategy::Classic => self.fork_classic(mm)?,
            Strategy::OnDemand => self.fork_on_demand(mm)?,
            Strategy::Hybrid(eager) => self.fork_hybrid(mm, &eager)?,
            Strategy::Vfork => Forked {
                child: Child::SharesParent,
                parent_flush: TlbFlush::none(),
            },
        };
        mm.stats.of_mut(kind).forks += 1;
        Ok(forked)
    }
}

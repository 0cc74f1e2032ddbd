//! The simulated parent process the `vm` benchmarks fork: a heap area with
//! every page touched (the "touched memory"), a stack and a thread
//! descriptor (TLS) area like a libc process has, all on the `vm` crate's
//! host [`SimRam`](vm::host::SimRam). Its children are torn down the way a
//! kernel would at exec or exit: `release` for a hybrid child, `destroy`
//! otherwise.

use std::error::Error;

mod verify;
pub use verify::{verify, Work};

use vm::host::HostMm;
use vm::{
    AddressSpace, Child, EagerPages, Fault, Prot, Strategy, StrategyKind, VmError, Vma, VmaKind,
};

/// The heap: `touched` bytes from here, every page written once.
pub const HEAP: u64 = 0x1000_0000;
/// The thread descriptor area (in the mmap region, as glibc and musl put
/// a thread's TLS block), two pages, both touched.
pub const TLS: u64 = 0x7f00_0000_0000;
/// FS base: the thread descriptor straddles the two TLS pages.
pub const FS_BASE: u64 = TLS + 0xf80;
/// One past the stack's top.
pub const STACK_TOP: u64 = 0x7fff_ffff_0000;
/// The stack area (64 KiB, the top 32 KiB touched).
pub const STACK_LEN: u64 = 0x1_0000;
const STACK_TOUCHED: u64 = 0x8000;
/// The user stack pointer at fork, inside the touched part.
pub const SP: u64 = STACK_TOP - 0x3000 + 0x40;
/// The most children a benchmark keeps alive at once (it forks a batch,
/// times it, then tears the batch down). See [`batch`].
pub const BATCH: usize = 16;
const PAGE: u64 = 4096;

/// The strategy `kind` as a libc process's fork would ask for it: the
/// hybrid child's eager pages are the stack around [`SP`] and the thread
/// descriptor at [`FS_BASE`].
pub fn strategy(kind: StrategyKind) -> Strategy {
    match kind {
        StrategyKind::Classic => Strategy::Classic,
        StrategyKind::OnDemand => Strategy::OnDemand,
        StrategyKind::Hybrid => Strategy::Hybrid(EagerPages::for_libc_fork(SP, FS_BASE)),
        StrategyKind::Vfork => Strategy::Vfork,
    }
}

/// How many children of `kind` one parent can have at once in a
/// benchmark: [`BATCH`], but one for hybrid, whose parent is frozen (it
/// cannot fork again) until its borrowing child is released.
pub fn batch(kind: StrategyKind) -> usize {
    match kind {
        StrategyKind::Hybrid => 1,
        _ => BATCH,
    }
}

/// Frames of simulated RAM for a parent with `touched` bytes and
/// [`BATCH`] classic children at once. Twice what is needed: the host
/// bitmap allocator scans bit by bit from a rotating cursor, so a nearly
/// full arena would make every allocation a long scan and the benchmarks
/// would measure the allocator instead of fork.
pub fn ram_frames(touched: u64) -> usize {
    let pages = touched.div_ceil(PAGE) + (STACK_LEN + 2 * PAGE) / PAGE;
    let tables = pages / 512 + 16;
    let children = (BATCH as u64 + 2) * (tables + 32);
    (2 * (pages + tables + children) + 1024) as usize
}

/// The child of one fork.
#[derive(Debug)]
pub enum SimChild {
    /// A space of its own (borrowing, for hybrid).
    Space(AddressSpace),
    /// Vfork: it runs in the parent's space.
    SharesParent,
}

/// The simulated parent process.
#[derive(Debug)]
pub struct SimProcess {
    space: AddressSpace,
    touched: u64,
}

impl SimProcess {
    /// Maps heap, stack and TLS and writes every heap page (its own address
    /// as the first 8 bytes), the top of the stack and the TLS pages.
    pub fn build(mm: &mut HostMm, touched: u64) -> Result<SimProcess, Box<dyn Error>> {
        let mut space = AddressSpace::new(mm)?;
        let areas = [
            (HEAP, touched, VmaKind::Heap),
            (TLS, 2 * PAGE, VmaKind::Tls),
            (STACK_TOP - STACK_LEN, STACK_LEN, VmaKind::Stack),
        ];
        for (start, len, kind) in areas {
            space
                .map(mm, Vma::new(start..start + len, Prot::RW, kind))?
                .ignore();
        }
        let pages = (HEAP..HEAP + touched)
            .chain(TLS..TLS + 2 * PAGE)
            .chain(STACK_TOP - STACK_TOUCHED..STACK_TOP)
            .step_by(PAGE as usize);
        for va in pages {
            space.copy_to_user(mm, va, &va.to_le_bytes())?.ignore();
        }
        Ok(SimProcess { space, touched })
    }

    /// Touched heap bytes.
    pub fn touched(&self) -> u64 {
        self.touched
    }

    /// The parent's space.
    pub fn space(&self) -> &AddressSpace {
        &self.space
    }

    /// The heap page the child's first write lands on (mid-heap, touched).
    pub fn write_target(&self) -> u64 {
        HEAP + ((self.touched / 2) & !(PAGE - 1))
    }

    /// Forks with `kind`. There is no CPU, so the parent's TLB flush token
    /// is dropped (a real kernel pays for it on classic and on-demand).
    pub fn fork(&mut self, mm: &mut HostMm, kind: StrategyKind) -> Result<SimChild, VmError> {
        let forked = self.space.fork(mm, strategy(kind))?;
        forked.parent_flush.ignore();
        Ok(match forked.child {
            Child::Space(space) => SimChild::Space(space),
            Child::SharesParent => SimChild::SharesParent,
        })
    }

    /// The child writes 8 bytes at [`SimProcess::write_target`] as a user
    /// store would: the simulated MMU refuses it, the fault is resolved,
    /// the store is retried (`copy_to_user`). A vfork child writes the
    /// parent's page in place.
    pub fn child_write(&mut self, mm: &mut HostMm, child: &mut SimChild) -> Result<(), Fault> {
        let va = self.write_target();
        let value = !va;
        let space = match child {
            SimChild::Space(space) => space,
            SimChild::SharesParent => &mut self.space,
        };
        space.copy_to_user(mm, va, &value.to_le_bytes())?.ignore();
        Ok(())
    }

    /// Writes the write target's original contents back (after a vfork
    /// child wrote the parent's page).
    pub fn restore_write_target(&mut self, mm: &mut HostMm) {
        let va = self.write_target();
        self.space
            .copy_to_user(mm, va, &va.to_le_bytes())
            .expect("parent's page is writable")
            .ignore();
    }

    /// Tears a child down as exec or exit would: release (hybrid), destroy
    /// (classic, on-demand), nothing (vfork: the space is the parent's).
    pub fn end_child(&mut self, mm: &mut HostMm, child: SimChild) {
        match child {
            SimChild::Space(space) if space.is_borrowing() => space.release(mm),
            SimChild::Space(space) => space.destroy(mm).expect("child owns its space"),
            SimChild::SharesParent => {}
        }
    }

    /// Frees the parent's frames.
    pub fn destroy(self, mm: &mut HostMm) {
        self.space
            .destroy(mm)
            .expect("parent outlives its children");
    }
}

#[cfg(test)]
mod tests;

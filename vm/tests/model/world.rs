//! The processes under test, their real address spaces and their
//! models, and the checks run after every step.

use std::cell::RefCell;
use std::rc::Rc;

use vm::host::{host_mm, FailureTrigger, HostMm};
use vm::{Access, AddressSpace, Fault, PromoteTarget, Prot, VmError, Vma, VmaKind};

use super::reference::ModelSpace;
use super::{page_va, FRAMES, MAX_PROCS, PAGES, SLOTS};

pub(crate) enum Slot {
    Own(Option<AddressSpace>),
    /// A vfork child runs in this process's space.
    VforkOf(usize),
}

pub(crate) struct Proc {
    pub(crate) slot: Slot,
    pub(crate) model: Rc<RefCell<ModelSpace>>,
    /// Hybrid or vfork children this process waits for.
    pub(crate) waiting_for: Vec<usize>,
    /// The hybrid parent this process borrows from.
    pub(crate) borrows_from: Option<usize>,
    /// Table snapshot taken when the first hybrid child started borrowing.
    pub(crate) frozen_tables: Option<Vec<(u64, [u64; 512])>>,
    pub(crate) alive: bool,
}

impl Proc {
    pub(crate) fn new(space: AddressSpace, model: ModelSpace) -> Proc {
        Proc {
            slot: Slot::Own(Some(space)),
            model: Rc::new(RefCell::new(model)),
            waiting_for: vec![],
            borrows_from: None,
            frozen_tables: None,
            alive: true,
        }
    }
    pub(crate) fn frozen(&self) -> bool {
        !self.waiting_for.is_empty()
    }
}

pub(crate) struct World {
    pub(crate) mm: HostMm,
    pub(crate) trigger: FailureTrigger,
    pub(crate) procs: Vec<Proc>,
}

impl World {
    pub(crate) fn new() -> World {
        let mut mm = host_mm(FRAMES);
        let trigger = mm.allocator().failure_trigger();
        let space = AddressSpace::new(&mut mm).unwrap();
        World {
            mm,
            trigger,
            procs: vec![Proc::new(space, ModelSpace::default())],
        }
    }

    /// The process `sel` picks among the living ones: half of the
    /// selectors mean the newest, so that children act right after fork.
    pub(crate) fn pick(&self, sel: usize) -> usize {
        let alive: Vec<usize> = (0..self.procs.len())
            .filter(|&i| self.procs[i].alive)
            .collect();
        if sel >= MAX_PROCS {
            return *alive.last().unwrap();
        }
        alive[sel % alive.len()]
    }

    /// The process owning the space `p` runs in.
    pub(crate) fn owner(&self, p: usize) -> usize {
        match self.procs[p].slot {
            Slot::VforkOf(parent) => self.owner(parent),
            Slot::Own(_) => p,
        }
    }

    pub(crate) fn space(&self, p: usize) -> &AddressSpace {
        match &self.procs[self.owner(p)].slot {
            Slot::Own(s) => s.as_ref().unwrap(),
            Slot::VforkOf(_) => unreachable!(),
        }
    }

    /// Runs an area operation the way the kernel would: a borrowing child
    /// is promoted first; a frozen process must be refused with `Lent`.
    /// `None` when the operation was (correctly) refused or could not run.
    pub(crate) fn area_op<T>(
        &mut self,
        p: usize,
        f: impl FnOnce(&mut AddressSpace, &mut HostMm) -> Result<T, VmError>,
    ) -> Option<Result<T, VmError>> {
        let o = self.owner(p);
        if self.procs[o].frozen() || self.procs[p].frozen() {
            // The space is lent (hybrid) or its owner waits on a vfork
            // child; only a lent space must refuse by itself.
            if self.space(p).is_lent() {
                let before = self.space(p).table_snapshot(&self.mm);
                let World { mm, procs, .. } = self;
                let Slot::Own(Some(space)) = &mut procs[o].slot else {
                    unreachable!()
                };
                let r = f(space, mm);
                assert!(
                    matches!(r, Err(VmError::Lent)),
                    "lent space accepted a change"
                );
                assert_eq!(before, self.space(p).table_snapshot(&self.mm));
            }
            return None;
        }
        if let Some(parent) = self.procs[p].borrows_from {
            let borrowing_err = {
                let World { mm, procs, .. } = self;
                let Slot::Own(Some(space)) = &mut procs[p].slot else {
                    unreachable!()
                };
                let before = space.table_snapshot(mm);
                let r = f_probe(space, mm);
                assert_eq!(before, space.table_snapshot(mm));
                r
            };
            assert!(borrowing_err);
            // The kernel's default target when a syscall promotes.
            if !self.promote(p, parent, PromoteTarget::OnDemand) {
                return None;
            }
        }
        let World { mm, procs, .. } = self;
        let o = match procs[p].slot {
            Slot::VforkOf(_) => o,
            Slot::Own(_) => p,
        };
        let Slot::Own(Some(space)) = &mut procs[o].slot else {
            unreachable!()
        };
        Some(f(space, mm))
    }

    /// Promotes borrowing child `p` of `parent` into `target` form; false
    /// on out of memory.
    pub(crate) fn promote(&mut self, p: usize, parent: usize, target: PromoteTarget) -> bool {
        let Slot::Own(child) = &mut self.procs[p].slot else {
            unreachable!()
        };
        let mut child_space = child.take().unwrap();
        let Slot::Own(par) = &mut self.procs[parent].slot else {
            unreachable!()
        };
        let mut parent_space = par.take().unwrap();
        let before_parent = parent_space.table_snapshot(&self.mm);
        let before_child = child_space.table_snapshot(&self.mm);
        let res = child_space.promote(&mut self.mm, &mut parent_space, target);
        let ok = match res {
            Ok(flush) => {
                flush.parent.ignore();
                flush.child.ignore();
                true
            }
            Err(VmError::OutOfMemory) => {
                assert_eq!(before_parent, parent_space.table_snapshot(&self.mm));
                assert_eq!(before_child, child_space.table_snapshot(&self.mm));
                false
            }
            Err(e) => panic!("promote: {e:?}"),
        };
        let Slot::Own(child) = &mut self.procs[p].slot else {
            unreachable!()
        };
        *child = Some(child_space);
        let Slot::Own(par) = &mut self.procs[parent].slot else {
            unreachable!()
        };
        *par = Some(parent_space);
        if ok {
            self.procs[p].borrows_from = None;
            self.unfreeze(parent, p);
        }
        ok
    }

    pub(crate) fn unfreeze(&mut self, parent: usize, child: usize) {
        let waiting = &mut self.procs[parent].waiting_for;
        waiting.retain(|&c| c != child);
        let o = self.owner(parent);
        if !self.space(o).is_lent() {
            self.procs[o].frozen_tables = None;
        }
    }

    /// The end of `p`'s use of its space (exit or exec).
    pub(crate) fn end_space(&mut self, p: usize) {
        let slot = std::mem::replace(&mut self.procs[p].slot, Slot::Own(None));
        match slot {
            Slot::VforkOf(parent) => self.unfreeze(parent, p),
            Slot::Own(space) => {
                let space = space.unwrap();
                let borrowed = self.procs[p].borrows_from.take();
                space.release(&mut self.mm);
                if let Some(parent) = borrowed {
                    let waiter = self
                        .procs
                        .iter()
                        .position(|q| q.waiting_for.contains(&p))
                        .unwrap_or(parent);
                    self.unfreeze(waiter, p);
                }
            }
        }
    }

    /// The tables of a snapshot that no other space shares: a table
    /// shared by on-demand fork may be changed by its other holders (their
    /// copy-on-write marks), which is not the hybrid child's doing.
    pub(crate) fn private(&self, snap: Vec<(u64, [u64; 512])>) -> Vec<(u64, [u64; 512])> {
        snap.into_iter()
            .filter(|(pa, _)| {
                let frame = x86_64::structures::paging::PhysFrame::containing_address(
                    x86_64::PhysAddr::new(*pa),
                );
                self.mm.share_count(frame) == 1
            })
            .collect()
    }

    pub(crate) fn snapshot_if_frozen(&self, p: usize) -> Option<Vec<(u64, [u64; 512])>> {
        self.space(p)
            .is_lent()
            .then(|| self.space(p).table_snapshot(&self.mm))
    }

    pub(crate) fn check_unchanged(&self, p: usize, before: Option<Vec<(u64, [u64; 512])>>) {
        if let Some(before) = before {
            assert_eq!(before, self.space(p).table_snapshot(&self.mm));
        }
    }

    /// Every living process reads what the model says; lent parents'
    /// tables are unchanged; the frame accounting adds up.
    pub(crate) fn check(&self) {
        for (i, proc) in self.procs.iter().enumerate() {
            if !proc.alive {
                continue;
            }
            let space = self.space(i);
            let model = proc.model.borrow();
            for page in 0..PAGES {
                match model.read(page) {
                    Some((prot, slots)) if prot != Prot::NONE => {
                        for (s, off) in SLOTS.iter().enumerate() {
                            let got = user_read(space, &self.mm, page_va(page) + off);
                            assert_eq!(got, slots[s], "proc {i} page {page} slot {s}");
                        }
                    }
                    _ => {
                        let r = space.translate(&self.mm, page_va(page), Access::Read);
                        assert!(r.is_err(), "proc {i} reads unmapped/PROT_NONE page {page}");
                    }
                }
            }
            if let Some(snap) = &proc.frozen_tables {
                let now = space.table_snapshot(&self.mm);
                let now: Vec<_> = now
                    .into_iter()
                    .filter(|(pa, _)| snap.iter().any(|(s, _)| s == pa))
                    .collect();
                assert_eq!(snap, &now, "lent parent {i} changed");
            }
        }
    }

    /// Ends every process (children first) and checks nothing leaked.
    pub(crate) fn finish(mut self) {
        loop {
            let next = (0..self.procs.len())
                .rev()
                .find(|&i| self.procs[i].alive && !self.procs[i].frozen());
            let Some(p) = next else { break };
            self.end_space(p);
            self.procs[p].alive = false;
        }
        assert!(
            self.procs.iter().all(|p| !p.alive),
            "a frozen process outlived its children"
        );
        assert_eq!(self.mm.frames_in_use(), 0, "frames leaked");
        // Every frame is free again, in the allocator or in the context's
        // cache; once the cache is drained, in the allocator alone.
        let cached = self.mm.cached_frames();
        assert_eq!(self.mm.allocator().free_frames() + cached, FRAMES);
        self.mm.drain_frame_cache();
        assert_eq!(self.mm.cached_frames(), 0);
        assert_eq!(self.mm.allocator().free_frames(), FRAMES);
    }
}

pub(crate) fn f_probe(space: &mut AddressSpace, mm: &mut HostMm) -> bool {
    let vma = Vma::new(0x1000..0x2000, Prot::RW, VmaKind::Anonymous);
    matches!(space.map(mm, vma), Err(VmError::Borrowing))
}

/// A user store of `val` at `va`: try as the MMU would, fault, retry.
pub(crate) fn user_write(
    space: &mut AddressSpace,
    mm: &mut HostMm,
    va: u64,
    val: u64,
) -> Result<(), Fault> {
    let bytes = val.to_le_bytes();
    if space.write_user(mm, va, &bytes).is_ok() {
        return Ok(());
    }
    space.handle_fault(mm, va, Access::Write)?.ignore();
    space
        .write_user(mm, va, &bytes)
        .expect("write after a resolved fault");
    Ok(())
}

/// A user load at `va`; a page never touched reads as zero.
pub(crate) fn user_read(space: &AddressSpace, mm: &HostMm, va: u64) -> u64 {
    let mut buf = [0u8; 8];
    match space.read_user(mm, va, &mut buf) {
        Ok(()) => u64::from_le_bytes(buf),
        Err(f) if !f.present => 0,
        Err(f) => panic!("read fault on a readable page: {f:?}"),
    }
}

//! Property test: random sequences of map, unmap, protect, write, fork
//! (every strategy), promote, exit and exec over several processes, checked
//! after every step against a reference model (page contents per process),
//! with allocation failure injected at random points.
//!
//! Cases: 10,000 by default (CI); set `VM_MODEL_CASES` to run more.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use proptest::prelude::*;
use vm::host::{host_mm, FailureTrigger, HostMm};
use vm::{
    Access, AddressSpace, Child, EagerPages, Fault, Prot, Strategy as ForkStrategy, TlbFlush,
    VmError, Vma, VmaKind,
};

/// Two-page regions placed so that they use different last-level tables,
/// level-2 tables, level-3 tables and root entries.
const REGIONS: [u64; 6] = [
    0x40_0000,
    0x40_2000,
    0x60_0000,
    0x4000_0000,
    0x80_0000_0000,
    0x7fff_ffff_c000,
];
const PAGES: usize = REGIONS.len() * 2;
/// Offsets in each page the test writes and checks.
const SLOTS: [u64; 3] = [0, 2048, 4088];
const MAX_PROCS: usize = 6;
/// Simulated RAM per case: far more than six small processes need.
const FRAMES: usize = 1024;

fn page_va(page: usize) -> u64 {
    REGIONS[page / 2] + (page % 2) as u64 * 4096
}

type Slots = [u64; 3];

#[derive(Clone, Debug)]
enum Content {
    Private(Slots),
    Shared(Rc<RefCell<Slots>>),
}

#[derive(Clone, Debug)]
struct ModelPage {
    prot: Prot,
    content: Content,
}

/// What one address space should contain.
#[derive(Clone, Debug, Default)]
struct ModelSpace {
    pages: BTreeMap<usize, ModelPage>,
}

impl ModelSpace {
    /// Contents after fork: private pages copied, shared pages shared.
    fn forked(&self) -> ModelSpace {
        self.clone()
    }
    fn read(&self, page: usize) -> Option<(Prot, Slots)> {
        self.pages.get(&page).map(|p| {
            let slots = match &p.content {
                Content::Private(s) => *s,
                Content::Shared(s) => *s.borrow(),
            };
            (p.prot, slots)
        })
    }
    fn write(&mut self, page: usize, slot: usize, val: u64) {
        match &mut self.pages.get_mut(&page).unwrap().content {
            Content::Private(s) => s[slot] = val,
            Content::Shared(s) => s.borrow_mut()[slot] = val,
        }
    }
}

enum Slot {
    Own(Option<AddressSpace>),
    /// A vfork child runs in this process's space.
    VforkOf(usize),
}

struct Proc {
    slot: Slot,
    model: Rc<RefCell<ModelSpace>>,
    /// Hybrid or vfork children this process waits for.
    waiting_for: Vec<usize>,
    /// The hybrid parent this process borrows from.
    borrows_from: Option<usize>,
    /// Table snapshot taken when the first hybrid child started borrowing.
    frozen_tables: Option<Vec<(u64, [u64; 512])>>,
    alive: bool,
}

impl Proc {
    fn new(space: AddressSpace, model: ModelSpace) -> Proc {
        Proc {
            slot: Slot::Own(Some(space)),
            model: Rc::new(RefCell::new(model)),
            waiting_for: vec![],
            borrows_from: None,
            frozen_tables: None,
            alive: true,
        }
    }
    fn frozen(&self) -> bool {
        !self.waiting_for.is_empty()
    }
}

#[derive(Debug, Clone)]
enum Op {
    Map {
        p: usize,
        region: usize,
        writable: bool,
        shared: bool,
    },
    Unmap {
        p: usize,
        region: usize,
        one_page: bool,
    },
    Protect {
        p: usize,
        region: usize,
        prot: u8,
    },
    Write {
        p: usize,
        page: usize,
        slot: usize,
        val: u64,
    },
    Fork {
        p: usize,
        strategy: u8,
        stack: usize,
        tls: usize,
    },
    Promote {
        p: usize,
    },
    Exit {
        p: usize,
    },
    Exec {
        p: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let p = 0..2 * MAX_PROCS;
    prop_oneof![
        3 => (p.clone(), 0..REGIONS.len(), any::<bool>(), prop::bool::weighted(0.2))
            .prop_map(|(p, region, writable, shared)| Op::Map { p, region, writable, shared }),
        1 => (p.clone(), 0..REGIONS.len(), any::<bool>())
            .prop_map(|(p, region, one_page)| Op::Unmap { p, region, one_page }),
        1 => (p.clone(), 0..REGIONS.len(), 0..3u8)
            .prop_map(|(p, region, prot)| Op::Protect { p, region, prot }),
        8 => (p.clone(), 0..PAGES, 0..SLOTS.len(), 1..u64::MAX)
            .prop_map(|(p, page, slot, val)| Op::Write { p, page, slot, val }),
        3 => (p.clone(), 0..4u8, 0..PAGES, 0..PAGES)
            .prop_map(|(p, strategy, stack, tls)| Op::Fork { p, strategy, stack, tls }),
        1 => p.clone().prop_map(|p| Op::Promote { p }),
        1 => p.clone().prop_map(|p| Op::Exit { p }),
        1 => p.prop_map(|p| Op::Exec { p }),
    ]
}

struct World {
    mm: HostMm,
    trigger: FailureTrigger,
    procs: Vec<Proc>,
}

impl World {
    fn new() -> World {
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
    fn pick(&self, sel: usize) -> usize {
        let alive: Vec<usize> = (0..self.procs.len())
            .filter(|&i| self.procs[i].alive)
            .collect();
        if sel >= MAX_PROCS {
            return *alive.last().unwrap();
        }
        alive[sel % alive.len()]
    }

    /// The process owning the space `p` runs in.
    fn owner(&self, p: usize) -> usize {
        match self.procs[p].slot {
            Slot::VforkOf(parent) => self.owner(parent),
            Slot::Own(_) => p,
        }
    }

    fn space(&self, p: usize) -> &AddressSpace {
        match &self.procs[self.owner(p)].slot {
            Slot::Own(s) => s.as_ref().unwrap(),
            Slot::VforkOf(_) => unreachable!(),
        }
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Map {
                p,
                region,
                writable,
                shared,
            } => {
                let p = self.pick(p);
                let prot = if writable { Prot::RW } else { Prot::R };
                let mut vma = Vma::new(
                    REGIONS[region]..REGIONS[region] + 8192,
                    prot,
                    VmaKind::Anonymous,
                );
                vma.shared = shared;
                let res = self.area_op(p, |s, mm| s.map(mm, vma).map(TlbFlush::ignore));
                let taken = self.procs[p]
                    .model
                    .borrow()
                    .pages
                    .contains_key(&(region * 2))
                    || self.procs[p]
                        .model
                        .borrow()
                        .pages
                        .contains_key(&(region * 2 + 1));
                match res {
                    Some(Ok(())) => {
                        assert!(!taken, "map over an existing area succeeded");
                        let mut m = self.procs[p].model.borrow_mut();
                        for page in [region * 2, region * 2 + 1] {
                            let content = if shared {
                                Content::Shared(Rc::new(RefCell::new([0; 3])))
                            } else {
                                Content::Private([0; 3])
                            };
                            m.pages.insert(page, ModelPage { prot, content });
                        }
                    }
                    Some(Err(VmError::Overlap)) => assert!(taken),
                    Some(Err(VmError::OutOfMemory)) => {}
                    None => {}
                    Some(Err(e)) => panic!("map: {e:?}"),
                }
            }
            Op::Unmap {
                p,
                region,
                one_page,
            } => {
                let p = self.pick(p);
                let end = REGIONS[region] + if one_page { 4096 } else { 8192 };
                match self.area_op(p, |s, mm| {
                    s.unmap(mm, REGIONS[region]..end).map(TlbFlush::ignore)
                }) {
                    Some(Ok(())) => {
                        let mut m = self.procs[p].model.borrow_mut();
                        m.pages.remove(&(region * 2));
                        if !one_page {
                            m.pages.remove(&(region * 2 + 1));
                        }
                    }
                    Some(Err(VmError::OutOfMemory)) | None => {}
                    Some(Err(e)) => panic!("unmap: {e:?}"),
                }
            }
            Op::Protect { p, region, prot } => {
                let p = self.pick(p);
                let prot = [Prot::NONE, Prot::R, Prot::RW][prot as usize];
                let range = REGIONS[region]..REGIONS[region] + 8192;
                let mapped = {
                    let m = self.procs[p].model.borrow();
                    m.pages.contains_key(&(region * 2)) && m.pages.contains_key(&(region * 2 + 1))
                };
                match self.area_op(p, |s, mm| s.protect(mm, range, prot).map(TlbFlush::ignore)) {
                    Some(Ok(())) => {
                        assert!(mapped);
                        let mut m = self.procs[p].model.borrow_mut();
                        for page in [region * 2, region * 2 + 1] {
                            m.pages.get_mut(&page).unwrap().prot = prot;
                        }
                    }
                    Some(Err(VmError::NotMapped)) => assert!(!mapped),
                    Some(Err(VmError::OutOfMemory)) | None => {}
                    Some(Err(e)) => panic!("protect: {e:?}"),
                }
            }
            Op::Write { p, page, slot, val } => {
                let p = self.pick(p);
                if self.procs[p].frozen() {
                    return; // asleep by contract
                }
                let va = page_va(page) + SLOTS[slot];
                let expect = self.procs[p]
                    .model
                    .borrow()
                    .read(page)
                    .map(|(prot, _)| prot);
                let o = self.owner(p);
                let World { mm, procs, .. } = self;
                let Slot::Own(Some(space)) = &mut procs[o].slot else {
                    unreachable!()
                };
                let result = user_write(space, mm, va, val);
                match (expect, result) {
                    (Some(prot), Ok(())) => {
                        assert!(prot.write, "write to a read-only page succeeded");
                        self.procs[p].model.borrow_mut().write(page, slot, val);
                    }
                    (Some(prot), Err(Fault::Segv { .. })) => assert!(!prot.write),
                    (None, Err(Fault::Segv { .. })) => {}
                    (_, Err(Fault::OutOfMemory)) => {}
                    (e, r) => panic!("write: model {e:?}, got {r:?}"),
                }
            }
            Op::Fork {
                p,
                strategy,
                stack,
                tls,
            } => {
                let p = self.pick(p);
                let alive = self.procs.iter().filter(|q| q.alive).count();
                if alive >= MAX_PROCS {
                    return;
                }
                let strategy = match strategy {
                    0 => ForkStrategy::Classic,
                    1 => ForkStrategy::OnDemand,
                    2 => ForkStrategy::Hybrid(EagerPages::for_libc_fork(
                        page_va(stack) + 64,
                        page_va(tls),
                    )),
                    _ => ForkStrategy::Vfork,
                };
                let hybrid = matches!(strategy, ForkStrategy::Hybrid(_));
                let before = self.snapshot_if_frozen(p);
                let res = self.area_op(p, |s, mm| {
                    let forked = s.fork(mm, strategy.clone())?;
                    forked.parent_flush.ignore();
                    Ok(forked.child)
                });
                self.check_unchanged(p, before);
                let child = match res {
                    Some(Ok(c)) => c,
                    Some(Err(VmError::OutOfMemory)) | None => return,
                    Some(Err(e)) => panic!("fork: {e:?}"),
                };
                let o = self.owner(p);
                let model = self.procs[p].model.borrow().forked();
                let new = match child {
                    Child::Space(space) => {
                        let mut c = Proc::new(space, model);
                        if hybrid {
                            c.borrows_from = Some(o);
                        }
                        c
                    }
                    Child::SharesParent => Proc {
                        slot: Slot::VforkOf(p),
                        model: self.procs[p].model.clone(),
                        waiting_for: vec![],
                        borrows_from: None,
                        frozen_tables: None,
                        alive: true,
                    },
                };
                self.procs.push(new);
                let id = self.procs.len() - 1;
                if hybrid || matches!(self.procs[id].slot, Slot::VforkOf(_)) {
                    if hybrid && self.procs[o].frozen_tables.is_none() {
                        let snap = self.private(self.space(o).table_snapshot(&self.mm));
                        self.procs[o].frozen_tables = Some(snap);
                    }
                    self.procs[p].waiting_for.push(id);
                }
            }
            Op::Promote { p } => {
                let p = self.pick(p);
                if let Some(parent) = self.procs[p].borrows_from {
                    self.promote(p, parent);
                }
            }
            Op::Exit { p } => {
                let p = self.pick(p);
                if self.procs[p].frozen() || self.procs.iter().filter(|q| q.alive).count() == 1 {
                    return;
                }
                self.end_space(p);
                self.procs[p].alive = false;
            }
            Op::Exec { p } => {
                let p = self.pick(p);
                if self.procs[p].frozen() {
                    return;
                }
                let Ok(fresh) = AddressSpace::new(&mut self.mm) else {
                    return;
                };
                self.end_space(p);
                self.procs[p].slot = Slot::Own(Some(fresh));
                self.procs[p].model = Rc::new(RefCell::new(ModelSpace::default()));
            }
        }
    }

    /// Runs an area operation the way the kernel would: a borrowing child
    /// is promoted first; a frozen process must be refused with `Lent`.
    /// `None` when the operation was (correctly) refused or could not run.
    fn area_op<T>(
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
            if !self.promote(p, parent) {
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

    /// Promotes borrowing child `p` of `parent`; false on out of memory.
    fn promote(&mut self, p: usize, parent: usize) -> bool {
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
        let res = child_space.promote(&mut self.mm, &mut parent_space);
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

    fn unfreeze(&mut self, parent: usize, child: usize) {
        let waiting = &mut self.procs[parent].waiting_for;
        waiting.retain(|&c| c != child);
        let o = self.owner(parent);
        if !self.space(o).is_lent() {
            self.procs[o].frozen_tables = None;
        }
    }

    /// The end of `p`'s use of its space (exit or exec).
    fn end_space(&mut self, p: usize) {
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
    fn private(&self, snap: Vec<(u64, [u64; 512])>) -> Vec<(u64, [u64; 512])> {
        snap.into_iter()
            .filter(|(pa, _)| {
                let frame = x86_64::structures::paging::PhysFrame::containing_address(
                    x86_64::PhysAddr::new(*pa),
                );
                self.mm.share_count(frame) == 1
            })
            .collect()
    }

    fn snapshot_if_frozen(&self, p: usize) -> Option<Vec<(u64, [u64; 512])>> {
        self.space(p)
            .is_lent()
            .then(|| self.space(p).table_snapshot(&self.mm))
    }

    fn check_unchanged(&self, p: usize, before: Option<Vec<(u64, [u64; 512])>>) {
        if let Some(before) = before {
            assert_eq!(before, self.space(p).table_snapshot(&self.mm));
        }
    }

    /// Every living process reads what the model says; lent parents'
    /// tables are unchanged; the frame accounting adds up.
    fn check(&self) {
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
    fn finish(mut self) {
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
        assert_eq!(self.mm.allocator().free_frames(), FRAMES);
    }
}

fn f_probe(space: &mut AddressSpace, mm: &mut HostMm) -> bool {
    let vma = Vma::new(0x1000..0x2000, Prot::RW, VmaKind::Anonymous);
    matches!(space.map(mm, vma), Err(VmError::Borrowing))
}

/// A user store of `val` at `va`: try as the MMU would, fault, retry.
fn user_write(space: &mut AddressSpace, mm: &mut HostMm, va: u64, val: u64) -> Result<(), Fault> {
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
fn user_read(space: &AddressSpace, mm: &HostMm, va: u64) -> u64 {
    let mut buf = [0u8; 8];
    match space.read_user(mm, va, &mut buf) {
        Ok(()) => u64::from_le_bytes(buf),
        Err(f) if !f.present => 0,
        Err(f) => panic!("read fault on a readable page: {f:?}"),
    }
}

fn cases() -> u32 {
    std::env::var("VM_MODEL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// A populated first process, so that the random steps start from the
/// interesting state (present pages in every kind of table) at once.
fn prelude() -> Vec<Op> {
    let mut ops = vec![];
    for region in 0..REGIONS.len() - 1 {
        ops.push(Op::Map {
            p: 0,
            region,
            writable: true,
            shared: region == 3,
        });
    }
    for page in 0..PAGES {
        ops.push(Op::Write {
            p: 0,
            page,
            slot: page % SLOTS.len(),
            val: 1000 + page as u64,
        });
    }
    ops
}

fn run(ops: &[(Op, Option<u8>)]) {
    let mut world = World::new();
    for op in prelude() {
        world.apply(&op);
        world.check();
    }
    for (op, fail_after) in ops {
        if let Some(n) = fail_after {
            world.trigger.fail_after(*n as usize);
        }
        world.apply(op);
        world.trigger.disarm();
        world.check();
    }
    world.finish();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_strategy_matches_the_model(
        ops in prop::collection::vec((op(), prop::option::weighted(0.1, 0..6u8)), 1..48)
    ) {
        run(&ops);
    }
}

//! One random step applied to the world and to the model.

use std::cell::RefCell;
use std::rc::Rc;

use vm::{
    AddressSpace, Child, EagerPages, Fault, Prot, Strategy as ForkStrategy, TlbFlush, VmError, Vma,
    VmaKind,
};

use super::reference::{Content, ModelPage, ModelSpace};
use super::world::{user_write, Proc, Slot, World};
use super::{page_va, Op, MAX_PROCS, REGIONS, SLOTS};

impl World {
    pub(crate) fn apply(&mut self, op: &Op) {
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
            Op::Promote { p, on_demand } => {
                let p = self.pick(p);
                let target = if on_demand {
                    vm::PromoteTarget::OnDemand
                } else {
                    vm::PromoteTarget::Classic
                };
                if let Some(parent) = self.procs[p].borrows_from {
                    self.promote(p, parent, target);
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
}

//! The reference model: what each address space should contain.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use vm::Prot;

pub(crate) type Slots = [u64; 3];

#[derive(Clone, Debug)]
pub(crate) enum Content {
    Private(Slots),
    Shared(Rc<RefCell<Slots>>),
}

#[derive(Clone, Debug)]
pub(crate) struct ModelPage {
    pub(crate) prot: Prot,
    pub(crate) content: Content,
}

/// What one address space should contain.
#[derive(Clone, Debug, Default)]
pub(crate) struct ModelSpace {
    pub(crate) pages: BTreeMap<usize, ModelPage>,
}

impl ModelSpace {
    /// Contents after fork: private pages copied, shared pages shared.
    pub(crate) fn forked(&self) -> ModelSpace {
        self.clone()
    }
    pub(crate) fn read(&self, page: usize) -> Option<(Prot, Slots)> {
        self.pages.get(&page).map(|p| {
            let slots = match &p.content {
                Content::Private(s) => *s,
                Content::Shared(s) => *s.borrow(),
            };
            (p.prot, slots)
        })
    }
    pub(crate) fn write(&mut self, page: usize, slot: usize, val: u64) {
        match &mut self.pages.get_mut(&page).unwrap().content {
            Content::Private(s) => s[slot] = val,
            Content::Shared(s) => s.borrow_mut()[slot] = val,
        }
    }
}

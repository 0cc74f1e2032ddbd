//! Property test: random sequences of map, unmap, protect, write, fork
//! (every strategy), promote, exit and exec over several processes, checked
//! after every step against a reference model (page contents per process),
//! with allocation failure injected at random points.
//!
//! Failure injection and the context's free-frame cache: frames the cache
//! holds are handed out without asking the allocator, so the allocator's
//! injected failure does not reach them (it models the allocator running
//! dry, not the context's own spare frames). Each injected step therefore
//! also picks how many frames the cache may hold during it: none (every
//! frame comes from the allocator and fails exactly at the trigger), a
//! few (a reservation is served partly from the cache, partly by the
//! failing allocator) or the default (the failure hits only once the
//! cache runs dry, as in a kernel).
//!
//! Cases: 10,000 by default (CI); set `VM_MODEL_CASES` to run more.

mod apply;
mod reference;
mod world;

use proptest::prelude::*;
use vm::FRAME_CACHE_CAPACITY;
use world::World;

/// Cache limits an injected step runs with (see the module comment).
const CACHE_LIMITS: [usize; 3] = [0, 2, FRAME_CACHE_CAPACITY];

/// Two-page regions placed so that they use different last-level tables,
/// level-2 tables, level-3 tables and root entries.
pub(crate) const REGIONS: [u64; 6] = [
    0x40_0000,
    0x40_2000,
    0x60_0000,
    0x4000_0000,
    0x80_0000_0000,
    0x7fff_ffff_c000,
];
pub(crate) const PAGES: usize = REGIONS.len() * 2;
/// Offsets in each page the test writes and checks.
pub(crate) const SLOTS: [u64; 3] = [0, 2048, 4088];
pub(crate) const MAX_PROCS: usize = 6;
/// Simulated RAM per case: far more than six small processes need.
pub(crate) const FRAMES: usize = 1024;

pub(crate) fn page_va(page: usize) -> u64 {
    REGIONS[page / 2] + (page % 2) as u64 * 4096
}

#[derive(Debug, Clone)]
pub(crate) enum Op {
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
        /// Into on-demand form (else classic).
        on_demand: bool,
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
        1 => (p.clone(), any::<bool>()).prop_map(|(p, on_demand)| Op::Promote { p, on_demand }),
        1 => p.clone().prop_map(|p| Op::Exit { p }),
        1 => p.prop_map(|p| Op::Exec { p }),
    ]
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

/// An injected failure: after how many allocator successes, and an index
/// into [`CACHE_LIMITS`].
type Failure = (u8, usize);

fn run(ops: &[(Op, Option<Failure>)]) {
    let mut world = World::new();
    for op in prelude() {
        world.apply(&op);
        world.check();
    }
    for (op, failure) in ops {
        if let Some((n, limit)) = failure {
            world.mm.set_frame_cache_limit(CACHE_LIMITS[*limit]);
            world.trigger.fail_after(*n as usize);
        }
        world.apply(op);
        world.trigger.disarm();
        world.mm.set_frame_cache_limit(FRAME_CACHE_CAPACITY);
        world.check();
    }
    world.finish();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_strategy_matches_the_model(
        ops in prop::collection::vec((op(), prop::option::weighted(0.1, (0..6u8, 0..CACHE_LIMITS.len()))), 1..48)
    ) {
        run(&ops);
    }
}

use super::*;
use vm::host::host_mm;

const TOUCHED: u64 = 3 << 20; // two last-level tables' worth and more

#[test]
fn every_strategy_does_its_work_and_leaks_nothing() {
    let mut mm = host_mm(ram_frames(TOUCHED));
    for kind in StrategyKind::ALL {
        let mut parent = SimProcess::build(&mut mm, TOUCHED).unwrap();
        let built = mm.frames_in_use();
        // Twice: the first fork moves classic/on-demand parents to their
        // steady state, the second is what the benchmarks measure.
        let first = verify(&mut mm, &mut parent, kind).unwrap();
        let steady = verify(&mut mm, &mut parent, kind).unwrap();
        assert_eq!(mm.frames_in_use(), built, "{}", kind.name());
        match kind {
            StrategyKind::Classic => assert!(steady.fork_tables_copied >= 2),
            StrategyKind::OnDemand => assert!(steady.fork_tables_shared >= 2),
            StrategyKind::Hybrid => {
                assert_eq!(first, steady, "hybrid never changes the parent");
                // Both eager ranges straddle a page boundary: 2 + 2 pages.
                assert_eq!(steady.fork_eager_pages, 4);
            }
            StrategyKind::Vfork => assert_eq!(steady.write_pages_copied, 0),
        }
        parent.destroy(&mut mm);
    }
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn batches_of_children_fit_the_simulated_ram() {
    let mut mm = host_mm(ram_frames(TOUCHED));
    let mut parent = SimProcess::build(&mut mm, TOUCHED).unwrap();
    for kind in StrategyKind::ALL {
        let mut children: Vec<_> = (0..batch(kind))
            .map(|_| parent.fork(&mut mm, kind).unwrap())
            .collect();
        for child in &mut children {
            parent.child_write(&mut mm, child).unwrap();
        }
        for child in children {
            parent.end_child(&mut mm, child);
        }
        if kind == StrategyKind::Vfork {
            parent.restore_write_target(&mut mm);
        }
    }
    assert!(
        mm.frames_in_use() * 2 < ram_frames(TOUCHED),
        "room to spare"
    );
    parent.destroy(&mut mm);
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn the_write_target_is_a_touched_heap_page() {
    let mut mm = host_mm(ram_frames(TOUCHED));
    let parent = SimProcess::build(&mut mm, TOUCHED).unwrap();
    let va = parent.write_target();
    assert!((HEAP..HEAP + TOUCHED).contains(&va) && va.is_multiple_of(PAGE));
    let mut buf = [0u8; 8];
    parent.space().read_user(&mm, va, &mut buf).unwrap();
    assert_eq!(u64::from_le_bytes(buf), va);
    parent.destroy(&mut mm);
}

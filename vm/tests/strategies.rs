//! Unit tests: each operation and each fork strategy, by example.

use vm::host::{host_mm, HostMm};
use vm::{
    Access, AddressSpace, Child, EagerPages, Fault, PromoteTarget, Prot, SegvCause, Strategy,
    StrategyKind, VmError, Vma, VmaKind,
};

const TARGETS: [PromoteTarget; 2] = [PromoteTarget::Classic, PromoteTarget::OnDemand];

const HEAP: u64 = 0x40_0000;
const STACK: u64 = 0x7fff_0000_0000;

fn setup() -> (HostMm, AddressSpace) {
    let mut mm = host_mm(2048);
    let mut space = AddressSpace::new(&mut mm).unwrap();
    let heap = Vma::new(HEAP..HEAP + 0x40_0000, Prot::RW, VmaKind::Heap);
    space.map(&mut mm, heap).unwrap().ignore();
    let stack = Vma::new(STACK - 0x8000..STACK, Prot::RW, VmaKind::Stack);
    space.map(&mut mm, stack).unwrap().ignore();
    (mm, space)
}

fn write(space: &mut AddressSpace, mm: &mut HostMm, va: u64, val: u64) {
    space
        .copy_to_user(mm, va, &val.to_le_bytes())
        .unwrap()
        .ignore();
}

fn read(space: &AddressSpace, mm: &HostMm, va: u64) -> u64 {
    let mut b = [0u8; 8];
    space.read_user(mm, va, &mut b).unwrap();
    u64::from_le_bytes(b)
}

fn own(child: Child) -> AddressSpace {
    match child {
        Child::Space(s) => s,
        Child::SharesParent => panic!("expected a space of its own"),
    }
}

#[test]
fn map_translate_and_protection_faults() {
    let (mut mm, mut s) = setup();
    assert!(
        s.translate(&mm, HEAP, Access::Read).is_err(),
        "untouched page is not present"
    );
    write(&mut s, &mut mm, HEAP + 8, 42);
    assert_eq!(read(&s, &mm, HEAP + 8), 42);
    assert_eq!(
        s.handle_fault(&mut mm, 0x1000, Access::Read),
        Err(Fault::Segv {
            addr: 0x1000,
            cause: SegvCause::NotMapped
        })
    );
    s.protect(&mut mm, HEAP..HEAP + 0x1000, Prot::R)
        .unwrap()
        .ignore();
    assert!(
        s.write_user(&mm, HEAP, &[1]).is_err(),
        "MMU refuses a read-only write"
    );
    assert_eq!(
        s.handle_fault(&mut mm, HEAP, Access::Write),
        Err(Fault::Segv {
            addr: HEAP,
            cause: SegvCause::Protection
        })
    );
    assert_eq!(read(&s, &mm, HEAP + 8), 42);
    s.protect(&mut mm, HEAP..HEAP + 0x1000, Prot::NONE)
        .unwrap()
        .ignore();
    assert!(
        s.translate(&mm, HEAP, Access::Read).is_err(),
        "PROT_NONE hides the page"
    );
    s.protect(&mut mm, HEAP..HEAP + 0x1000, Prot::RW)
        .unwrap()
        .ignore();
    assert_eq!(read(&s, &mm, HEAP + 8), 42, "contents survive PROT_NONE");
    assert_eq!(
        s.map(
            &mut mm,
            Vma::new(HEAP..HEAP + 0x1000, Prot::RW, VmaKind::Anonymous)
        )
        .err(),
        Some(VmError::Overlap)
    );
    s.unmap(&mut mm, HEAP..HEAP + 0x1000).unwrap().ignore();
    assert!(s.translate(&mm, HEAP, Access::Read).is_err());
    s.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn unmap_clears_exactly_its_pages_across_table_edges() {
    let mut mm = host_mm(2048);
    let mut s = AddressSpace::new(&mut mm).unwrap();
    // Areas across 2 MiB (last-level table) edges and the 512 GiB edge
    // between two root entries.
    let areas = [0x1f_e000..0x60_2000, 0x7f_ffff_e000..0x80_0000_2000];
    for a in &areas {
        let vma = Vma::new(a.clone(), Prot::RW, VmaKind::Anonymous);
        s.map(&mut mm, vma).unwrap().ignore();
    }
    let pages = [
        0x1f_e000,
        0x1f_f000,
        0x20_0000,
        0x20_1000,
        0x3f_f000,
        0x40_0000,
        0x5f_f000,
        0x60_0000,
        0x60_1000,
        0x7f_ffff_e000,
        0x7f_ffff_f000,
        0x80_0000_0000,
        0x80_0000_1000,
    ];
    for (i, &va) in pages.iter().enumerate() {
        write(&mut s, &mut mm, va, i as u64 + 1);
    }
    // Ranges that start and end mid-table, one of them over a whole
    // last-level table, one over the root-entry edge.
    let unmaps = [
        0x1f_f000..0x20_1000,
        0x3f_f000..0x60_1000,
        0x7f_ffff_f000..0x80_0000_1000,
    ];
    let inside = |va: &u64| unmaps.iter().any(|r| r.contains(va));
    let before = mm.frames_in_use();
    for r in &unmaps {
        s.unmap(&mut mm, r.clone()).unwrap().ignore();
    }
    let gone = pages.iter().filter(|va| inside(va)).count();
    assert_eq!(
        mm.frames_in_use(),
        before - gone,
        "only the pages inside go"
    );
    // Mapped again, the area is empty inside the ranges and kept outside.
    for r in &unmaps {
        let vma = Vma::new(r.clone(), Prot::RW, VmaKind::Anonymous);
        s.map(&mut mm, vma).unwrap().ignore();
    }
    for (i, va) in pages.iter().enumerate() {
        if inside(va) {
            assert!(s.translate(&mm, *va, Access::Read).is_err(), "{va:#x}");
        } else {
            assert_eq!(read(&s, &mm, *va), i as u64 + 1, "{va:#x}");
        }
    }
    s.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn fault_returns_a_flush_for_the_page() {
    let (mut mm, mut s) = setup();
    let flush = s
        .handle_fault(&mut mm, HEAP + 0x123, Access::Write)
        .unwrap();
    assert_eq!(flush.pages().len(), 1);
    assert_eq!(flush.pages()[0].as_u64(), HEAP);
    flush.ignore();
    s.destroy(&mut mm).unwrap();
}

#[test]
fn classic_fork_isolates_both_ways_and_copies_on_write() {
    let (mut mm, mut p) = setup();
    write(&mut p, &mut mm, HEAP, 1);
    let forked = p.fork(&mut mm, Strategy::Classic).unwrap();
    assert!(forked.parent_flush.is_all());
    let mut c = own(forked.child);
    assert!(
        p.translate(&mm, HEAP, Access::Write).is_err(),
        "parent page is COW"
    );
    write(&mut c, &mut mm, HEAP, 2);
    write(&mut p, &mut mm, HEAP + 8, 3);
    assert_eq!((read(&p, &mm, HEAP), read(&c, &mm, HEAP)), (1, 2));
    assert_eq!((read(&p, &mm, HEAP + 8), read(&c, &mm, HEAP + 8)), (3, 0));
    assert_eq!(mm.stats.of(StrategyKind::Classic).pages_copied, 1);
    c.destroy(&mut mm).unwrap();
    p.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn forking_a_cow_page_again_keeps_it_cow() {
    let (mut mm, mut p) = setup();
    write(&mut p, &mut mm, HEAP, 7);
    let mut c1 = own(p.fork(&mut mm, Strategy::Classic).unwrap().child);
    let mut c2 = own(c1.fork(&mut mm, Strategy::Classic).unwrap().child);
    let frame = p.translate(&mm, HEAP, Access::Read).unwrap();
    assert_eq!(mm.share_count(frame), 3);
    for s in [&p, &c1, &c2] {
        assert!(s.translate(&mm, HEAP, Access::Write).is_err(), "still COW");
    }
    write(&mut c1, &mut mm, HEAP, 8);
    assert_eq!(mm.share_count(frame), 2);
    write(&mut c2, &mut mm, HEAP, 9);
    assert_eq!(mm.share_count(frame), 1);
    // The last holder writes in place: no copy.
    let copies = mm.stats.of(StrategyKind::Classic).pages_copied;
    write(&mut p, &mut mm, HEAP, 10);
    assert_eq!(mm.stats.of(StrategyKind::Classic).pages_copied, copies);
    assert_eq!(
        [
            read(&p, &mm, HEAP),
            read(&c1, &mm, HEAP),
            read(&c2, &mm, HEAP)
        ],
        [10, 8, 9]
    );
    for s in [c2, c1, p] {
        s.destroy(&mut mm).unwrap();
    }
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn on_demand_fork_shares_last_level_tables_until_written() {
    let (mut mm, mut p) = setup();
    for i in 0..8 {
        write(&mut p, &mut mm, HEAP + i * 4096, i);
    }
    let before = mm.frames_in_use();
    let mut c = own(p.fork(&mut mm, Strategy::OnDemand).unwrap().child);
    let tables_at_fork = mm.frames_in_use() - before;
    assert!(
        tables_at_fork <= 4,
        "only upper tables copied, got {tables_at_fork}"
    );
    // One last-level table (the eight heap pages) shared; two upper
    // tables (levels 3 and 2) copied.
    assert_eq!(mm.stats.of(StrategyKind::OnDemand).tables_shared, 1);
    assert_eq!(mm.stats.of(StrategyKind::OnDemand).tables_copied, 2);
    let frame = p.translate(&mm, HEAP, Access::Read).unwrap();
    assert_eq!(mm.share_count(frame), 1, "pages gain no owner at fork");
    write(&mut c, &mut mm, HEAP, 100);
    assert_eq!(mm.stats.of(StrategyKind::OnDemand).tables_copied, 3);
    // The parent is now the table's only holder: it takes it back.
    write(&mut p, &mut mm, HEAP + 4096, 200);
    assert_eq!(mm.stats.of(StrategyKind::OnDemand).tables_copied, 3);
    assert_eq!((read(&p, &mm, HEAP), read(&c, &mm, HEAP)), (0, 100));
    assert_eq!(
        (read(&p, &mm, HEAP + 4096), read(&c, &mm, HEAP + 4096)),
        (200, 1)
    );
    c.destroy(&mut mm).unwrap();
    p.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

fn hybrid_fixture() -> (HostMm, AddressSpace) {
    let (mut mm, mut p) = setup();
    for i in 0..16 {
        write(&mut p, &mut mm, HEAP + i * 4096, i + 1);
    }
    write(&mut p, &mut mm, STACK - 0x100, 0x5555);
    (mm, p)
}

#[test]
fn hybrid_child_writes_never_touch_the_parent() {
    let (mut mm, mut p) = hybrid_fixture();
    let snapshot = p.table_snapshot(&mm);
    let eager = EagerPages::for_libc_fork(STACK - 0x200, 0);
    let forked = p.fork(&mut mm, Strategy::Hybrid(eager)).unwrap();
    assert!(
        forked.parent_flush.is_empty(),
        "hybrid fork leaves the parent's TLB alone"
    );
    let mut c = own(forked.child);
    assert!(c.is_borrowing() && p.is_lent());
    assert!(
        c.translate(&mm, STACK - 0x100, Access::Write).is_ok(),
        "stack copied eagerly"
    );
    assert!(mm.stats.of(StrategyKind::Hybrid).eager_pages >= 1);
    // Two pages under one last-level table: the second must fault too.
    write(&mut c, &mut mm, HEAP, 1000);
    assert!(c.translate(&mm, HEAP + 4096, Access::Write).is_err());
    write(&mut c, &mut mm, HEAP + 4096, 2000);
    write(&mut c, &mut mm, STACK - 0x100, 0x6666);
    let stats = mm.stats.of(StrategyKind::Hybrid);
    assert_eq!(
        stats.child_write_faults, 2,
        "two heap faults; the stack was eager"
    );
    assert_eq!(stats.child_write_faults_by_kind[VmaKind::Heap.index()], 2);
    assert_eq!(stats.child_write_faults_by_kind[VmaKind::Stack.index()], 0);
    assert_eq!(
        read(&c, &mm, HEAP + 2 * 4096),
        3,
        "the child reads borrowed pages"
    );
    assert_eq!(p.table_snapshot(&mm), snapshot, "parent tables unchanged");
    assert_eq!((read(&p, &mm, HEAP), read(&p, &mm, HEAP + 4096)), (1, 2));
    assert_eq!(read(&p, &mm, STACK - 0x100), 0x5555);
    let before_release = mm.frames_in_use();
    c.release(&mut mm);
    assert!(!p.is_lent());
    assert!(mm.frames_in_use() < before_release);
    assert_eq!(p.table_snapshot(&mm), snapshot);
    p.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn eager_pages_from_hostile_registers_stay_in_user_space() {
    // A clone stack or TLS pointer is any value a program passes: at the
    // top of the 64-bit space the ranges used to wrap and never end.
    let top = 0xffff_ffff_ffff_f000;
    for (sp, fs) in [(top, 0), (0, top), (top, top), (u64::MAX, u64::MAX), (1, 0)] {
        let eager = EagerPages::for_libc_fork(sp, fs);
        assert!(eager.pages().iter().all(|&p| p < 0x0000_8000_0000_0000));
    }
    let mut near_end = EagerPages::none();
    near_end.add_range(0x7fff_ffff_f000, u64::MAX);
    assert_eq!(near_end.pages(), &[0x7fff_ffff_f000]);
    let (mut mm, mut p) = hybrid_fixture();
    let eager = EagerPages::for_libc_fork(top, top);
    let c = own(p.fork(&mut mm, Strategy::Hybrid(eager)).unwrap().child);
    c.release(&mut mm);
    p.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn hybrid_fork_cost_does_not_grow_with_mapped_size() {
    let (mut mm, mut p) = hybrid_fixture();
    let before = mm.frames_in_use();
    let c = own(p
        .fork(&mut mm, Strategy::Hybrid(EagerPages::none()))
        .unwrap()
        .child);
    assert_eq!(mm.frames_in_use() - before, 1, "only the new root");
    c.release(&mut mm);
    p.destroy(&mut mm).unwrap();
}

#[test]
fn lent_parent_and_borrowing_child_refuse_changes() {
    let (mut mm, mut p) = hybrid_fixture();
    let mut c = own(p
        .fork(&mut mm, Strategy::Hybrid(EagerPages::none()))
        .unwrap()
        .child);
    let vma = Vma::new(0x1000..0x2000, Prot::RW, VmaKind::Anonymous);
    assert_eq!(p.map(&mut mm, vma).err(), Some(VmError::Lent));
    assert_eq!(
        p.fork(&mut mm, Strategy::Classic).err().map(|_| ()),
        Some(())
    );
    assert_eq!(
        p.handle_fault(&mut mm, HEAP, Access::Write),
        Err(Fault::Lent)
    );
    assert_eq!(c.map(&mut mm, vma).err(), Some(VmError::Borrowing));
    assert_eq!(
        c.unmap(&mut mm, HEAP..HEAP + 4096).err(),
        Some(VmError::Borrowing)
    );
    assert!(matches!(
        c.fork(&mut mm, Strategy::Classic),
        Err(VmError::Borrowing)
    ));
    c.release(&mut mm);
    p.destroy(&mut mm).unwrap();
    assert_eq!(mm.frames_in_use(), 0);
}

#[test]
fn promotion_equals_a_fork_of_its_target_with_the_childs_writes_kept() {
    for target in TARGETS {
        let (mut mm, mut p) = hybrid_fixture();
        let mut c = own(p
            .fork(&mut mm, Strategy::Hybrid(EagerPages::none()))
            .unwrap()
            .child);
        write(&mut c, &mut mm, HEAP, 1000);
        let copied_before = mm.stats.of(StrategyKind::Hybrid).tables_copied;
        let flush = c.promote(&mut mm, &mut p, target).unwrap();
        flush.parent.ignore();
        flush.child.ignore();
        assert!(!c.is_borrowing() && !p.is_lent());
        let hybrid = mm.stats.of(StrategyKind::Hybrid);
        match target {
            // The heap's last-level table was never copied by the child's
            // write (it copied its own path): classic copies the rest.
            PromoteTarget::Classic => assert_eq!(hybrid.tables_shared, 0),
            // On-demand copies no last-level table: it shares the stack's.
            PromoteTarget::OnDemand => {
                assert!(hybrid.tables_shared >= 1, "{target:?}: {hybrid:?}");
                assert!(
                    hybrid.tables_copied - copied_before <= 3,
                    "{target:?}: {hybrid:?}"
                );
            }
        }
        // Now both run: neither may write a private page in place.
        assert!(p.translate(&mm, HEAP + 4096, Access::Write).is_err());
        assert!(p.translate(&mm, STACK - 0x100, Access::Write).is_err());
        write(&mut p, &mut mm, HEAP + 4096, 7);
        write(&mut c, &mut mm, HEAP + 2 * 4096, 8);
        write(&mut p, &mut mm, STACK - 0x100, 9);
        write(&mut c, &mut mm, STACK - 0x100, 10);
        assert_eq!(read(&c, &mm, HEAP), 1000, "{target:?}");
        assert_eq!(read(&p, &mm, HEAP), 1, "{target:?}");
        assert_eq!(
            (read(&p, &mm, HEAP + 4096), read(&c, &mm, HEAP + 4096)),
            (7, 2),
            "{target:?}"
        );
        assert_eq!(
            (
                read(&p, &mm, HEAP + 2 * 4096),
                read(&c, &mm, HEAP + 2 * 4096)
            ),
            (3, 8),
            "{target:?}"
        );
        assert_eq!(
            (read(&p, &mm, STACK - 0x100), read(&c, &mm, STACK - 0x100)),
            (9, 10),
            "{target:?}: each sees its own write to the same page"
        );
        // A promoted child may change its areas and fork.
        c.unmap(&mut mm, HEAP..HEAP + 4096).unwrap().ignore();
        let g = own(c.fork(&mut mm, Strategy::Classic).unwrap().child);
        for s in [g, c, p] {
            s.destroy(&mut mm).unwrap();
        }
        assert_eq!(mm.frames_in_use(), 0, "{target:?}");
        assert_eq!(mm.stats.of(StrategyKind::Hybrid).promotions, 1);
    }
}

#[test]
fn vfork_shares_the_space() {
    let (mut mm, mut p) = setup();
    let forked = p.fork(&mut mm, Strategy::Vfork).unwrap();
    assert!(matches!(forked.child, Child::SharesParent));
    assert!(forked.parent_flush.is_empty());
    assert_eq!(mm.stats.of(StrategyKind::Vfork).forks, 1);
    p.destroy(&mut mm).unwrap();
}

#[test]
fn shared_mappings_stay_shared_under_every_strategy() {
    for strategy in [
        Strategy::Classic,
        Strategy::OnDemand,
        Strategy::Hybrid(EagerPages::none()),
    ] {
        let (mut mm, mut p) = setup();
        let mut shm = Vma::new(0x1000_0000..0x1000_2000, Prot::RW, VmaKind::Anonymous);
        shm.shared = true;
        p.map(&mut mm, shm).unwrap().ignore();
        let hybrid = matches!(strategy, Strategy::Hybrid(_));
        let mut c = own(p.fork(&mut mm, strategy).unwrap().child);
        write(&mut c, &mut mm, 0x1000_0000, 77);
        assert_eq!(
            read(&p, &mm, 0x1000_0000),
            77,
            "child's write is the parent's"
        );
        if hybrid {
            c.promote(&mut mm, &mut p, PromoteTarget::OnDemand)
                .map(|f| (f.parent.ignore(), f.child.ignore()))
                .unwrap();
        }
        write(&mut p, &mut mm, 0x1000_1000, 88);
        assert_eq!(
            read(&c, &mm, 0x1000_1000),
            88,
            "parent's write is the child's"
        );
        c.destroy(&mut mm).unwrap();
        p.destroy(&mut mm).unwrap();
        assert_eq!(mm.frames_in_use(), 0);
    }
}

/// Cache limits the out-of-memory tests run with: frames in the context's
/// cache are handed out without asking the allocator, so the injected
/// failure reaches only what the cache cannot supply. 0 makes every frame
/// an allocator frame (failure at exactly the nth); 2 serves reservations
/// partly from the cache; the default is what a kernel runs with.
const CACHE_LIMITS: [usize; 3] = [0, 2, vm::FRAME_CACHE_CAPACITY];

#[test]
fn a_fork_that_runs_out_of_frames_half_way_leaks_nothing() {
    for (strategy, limit) in [
        Strategy::Classic,
        Strategy::OnDemand,
        Strategy::Hybrid(EagerPages::for_libc_fork(STACK - 0x200, HEAP + 0x100)),
    ]
    .into_iter()
    .flat_map(|s| CACHE_LIMITS.map(|l| (s.clone(), l)))
    {
        let (mut mm, mut p) = hybrid_fixture();
        mm.set_frame_cache_limit(limit);
        let trigger = mm.allocator().failure_trigger();
        let snapshot = p.table_snapshot(&mm);
        let in_use = mm.frames_in_use();
        let free = mm.allocator().free_frames() + mm.cached_frames();
        let mut failures = 0;
        for n in 0.. {
            trigger.fail_after(n);
            let result = p.fork(&mut mm, strategy.clone());
            trigger.disarm();
            match result {
                Err(VmError::OutOfMemory) => {
                    failures += 1;
                    let what = format!("{strategy:?}, cache limit {limit}, failing at {n}");
                    assert_eq!(mm.frames_in_use(), in_use, "{what}: leaked");
                    assert_eq!(
                        mm.allocator().free_frames() + mm.cached_frames(),
                        free,
                        "{what}: free frames lost"
                    );
                    assert_eq!(p.table_snapshot(&mm), snapshot, "{what}: changed parent");
                    assert!(!p.is_lent());
                }
                Ok(forked) => {
                    forked.parent_flush.ignore();
                    let c = own(forked.child);
                    c.release(&mut mm);
                    break;
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert!(failures >= 1, "{strategy:?}, cache limit {limit}");
        p.destroy(&mut mm).unwrap();
        assert_eq!(mm.frames_in_use(), 0);
        mm.drain_frame_cache();
        assert_eq!(mm.allocator().free_frames(), 2048);
    }
}

#[test]
fn promotion_out_of_memory_changes_nothing() {
    for (limit, target) in CACHE_LIMITS
        .into_iter()
        .flat_map(|l| TARGETS.map(|t| (l, t)))
    {
        let (mut mm, mut p) = hybrid_fixture();
        let mut c = own(p
            .fork(&mut mm, Strategy::Hybrid(EagerPages::none()))
            .unwrap()
            .child);
        write(&mut c, &mut mm, HEAP, 9);
        mm.set_frame_cache_limit(limit);
        let trigger = mm.allocator().failure_trigger();
        let (ps, cs) = (p.table_snapshot(&mm), c.table_snapshot(&mm));
        let in_use = mm.frames_in_use();
        trigger.fail_after(0);
        assert_eq!(
            c.promote(&mut mm, &mut p, target).err(),
            Some(VmError::OutOfMemory),
            "cache limit {limit}, {target:?}"
        );
        trigger.disarm();
        assert_eq!((p.table_snapshot(&mm), c.table_snapshot(&mm)), (ps, cs));
        assert_eq!(mm.frames_in_use(), in_use);
        assert!(c.is_borrowing() && p.is_lent());
        c.release(&mut mm);
        p.destroy(&mut mm).unwrap();
        assert_eq!(mm.frames_in_use(), 0);
    }
}

#[test]
fn populate_fills_whole_pages_and_zeroes_around_partial_ones() {
    let (mut mm, mut s) = setup();
    let image = Vma::new(0x1000_0000..0x1000_4000, Prot::R, VmaKind::Image);
    s.map(&mut mm, image).unwrap().ignore();
    // Leave garbage in frames the next pages may reuse: fill heap pages,
    // then unmap them (their frames go back to the allocator).
    for page in 0..4 {
        s.copy_to_user(&mut mm, HEAP + page * 0x1000, &[0xee; 0x1000])
            .unwrap()
            .ignore();
    }
    s.unmap(&mut mm, HEAP..HEAP + 0x4000).unwrap().ignore();
    // One whole page (filled without zeroing first), then 100 bytes in the
    // middle of the next: the rest of that page must read as zeros.
    let whole: Vec<u8> = (0..0x1000).map(|i| (i % 251) as u8).collect();
    s.populate(&mut mm, 0x1000_0000, &whole).unwrap().ignore();
    s.populate(&mut mm, 0x1000_1800, &[0x5a; 100])
        .unwrap()
        .ignore();
    let mut got = vec![0u8; 0x2000];
    s.read_user(&mm, 0x1000_0000, &mut got).unwrap();
    assert_eq!(&got[..0x1000], &whole[..]);
    let partial = &got[0x1000..];
    assert!(partial[..0x800].iter().all(|&b| b == 0));
    assert!(partial[0x800..0x800 + 100].iter().all(|&b| b == 0x5a));
    assert!(partial[0x800 + 100..].iter().all(|&b| b == 0));
    assert!(
        s.copy_to_user(&mut mm, 0x1000_0000, &[1]).is_err(),
        "populate writes with the kernel's rights, the user cannot"
    );
    s.destroy(&mut mm).unwrap();
}

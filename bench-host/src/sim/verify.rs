//! A check run before each strategy is measured: one fork and one child
//! write, with the results read back and the `vm` crate's counters
//! compared against the work the strategy must do. A benchmark whose
//! operation did nothing (or the wrong thing) panics instead of reporting.

use vm::host::HostMm;
use vm::{AddressSpace, StrategyKind, StrategyStats};

use super::{SimChild, SimProcess};

/// What one fork and the child's first write did, from the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Tables copied by the fork.
    pub fork_tables_copied: u64,
    /// Last-level tables shared by the fork.
    pub fork_tables_shared: u64,
    /// Pages copied eagerly by the fork.
    pub fork_eager_pages: u64,
    /// Tables copied by the child's first write.
    pub write_tables_copied: u64,
    /// Pages copied by the child's first write.
    pub write_pages_copied: u64,
}

fn delta(after: &StrategyStats, before: &StrategyStats) -> (u64, u64, u64, u64) {
    (
        after.tables_copied - before.tables_copied,
        after.tables_shared - before.tables_shared,
        after.eager_pages - before.eager_pages,
        after.pages_copied - before.pages_copied,
    )
}

fn read(mm: &HostMm, space: &AddressSpace, va: u64) -> Option<u64> {
    let mut buf = [0u8; 8];
    space.read_user(mm, va, &mut buf).ok()?;
    Some(u64::from_le_bytes(buf))
}

/// Forks `parent` with `kind`, lets the child write, checks what both
/// read and what the strategy did, tears the child down and checks that
/// no frame leaked. The parent is left as it was.
pub fn verify(
    mm: &mut HostMm,
    parent: &mut SimProcess,
    kind: StrategyKind,
) -> Result<Work, String> {
    let frames = mm.frames_in_use();
    let va = parent.write_target();
    let s0 = *mm.stats.of(kind);
    let mut child = parent.fork(mm, kind).map_err(|e| format!("fork: {e}"))?;
    let s1 = *mm.stats.of(kind);
    parent
        .child_write(mm, &mut child)
        .map_err(|e| format!("child write: {e}"))?;
    let s2 = *mm.stats.of(kind);
    let (fork_tables_copied, fork_tables_shared, fork_eager_pages, _) = delta(&s1, &s0);
    let (write_tables_copied, _, _, write_pages_copied) = delta(&s2, &s1);
    let work = Work {
        fork_tables_copied,
        fork_tables_shared,
        fork_eager_pages,
        write_tables_copied,
        write_pages_copied,
    };
    let child_space = match &child {
        SimChild::Space(space) => space,
        SimChild::SharesParent => parent.space(),
    };
    let seen = (read(mm, parent.space(), va), read(mm, child_space, va));
    let last = parent.write_target() * 2 - super::HEAP - 8;
    let untouched_ok = [super::HEAP, last]
        .into_iter()
        .filter(|&p| p & !0xfff != va & !0xfff)
        .all(|p| read(mm, child_space, p & !0xfff) == Some(p & !0xfff));
    let heap_tables = parent.touched().div_ceil(2 << 20);
    let ok = match kind {
        StrategyKind::Classic => {
            fork_tables_copied >= heap_tables && write_pages_copied == 1 && s1.forks == s0.forks + 1
        }
        StrategyKind::OnDemand => {
            fork_tables_shared >= heap_tables && write_tables_copied == 1 && write_pages_copied == 1
        }
        StrategyKind::Hybrid => {
            let eager = vm::EagerPages::for_libc_fork(super::SP, super::FS_BASE)
                .pages()
                .len();
            fork_eager_pages == eager as u64 && write_tables_copied >= 1 && write_pages_copied == 1
        }
        StrategyKind::Vfork => s1.forks == s0.forks + 1 && s2 == s1,
    };
    let expected = match kind {
        StrategyKind::Vfork => (Some(!va), Some(!va)),
        _ => (Some(va), Some(!va)),
    };
    parent.end_child(mm, child);
    if kind == StrategyKind::Vfork {
        parent.restore_write_target(mm); // undo the write the child shared
    }
    if !ok {
        return Err(format!("{} did not do its work: {work:?}", kind.name()));
    }
    if seen != expected || !untouched_ok {
        return Err(format!(
            "{}: parent/child read {seen:?}, expected {expected:?}",
            kind.name()
        ));
    }
    if mm.frames_in_use() != frames {
        return Err(format!(
            "{}: {} frames in use after the child ended, {frames} before",
            kind.name(),
            mm.frames_in_use()
        ));
    }
    Ok(work)
}

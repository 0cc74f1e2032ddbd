//! The snapshot pattern (Redis's BGSAVE, checkpointer-style children): a
//! parent holding a touched heap forks a child that reads all of it and
//! reports whether it saw the contents from before the fork, while the
//! parent writes every page at once. The figure is the parent's fork
//! stall, summed over the iterations: how long fork() kept the parent from
//! its work (a hybrid parent waits out its child's window; the adaptive
//! rule then forks later snapshots on demand). The parent's write pass
//! and the child's read are checked, not timed.
use super::memory::touched_heap;
use crate::sys::{close, exit_now, fork_run, pipe, read_exact, wait_exit, write_all, Res};
use crate::timer::now_ns;

const CHILD_CODE: i32 = 9;

fn snapshot(mib: usize, n: u64) -> Res<u64> {
    let mut heap = touched_heap(mib)?;
    let mut tag = 0x5a_u8;
    let mut stall = 0;
    for i in 0..n {
        let (r, w) = pipe()?;
        let start = now_ns();
        let pid = fork_run(|| {
            let saw = u8::from(heap.verify(tag).is_ok());
            if write_all(w, &[saw]).is_err() {
                exit_now(1);
            }
            exit_now(CHILD_CODE)
        })?;
        stall += now_ns() - start;
        close(w);
        heap.touch(tag.wrapping_add(1)); // the parent goes on writing
        let mut saw = [0u8; 1];
        let read = read_exact(r, &mut saw);
        close(r);
        read?;
        wait_exit(pid, CHILD_CODE)?;
        if saw[0] != 1 {
            return Err(format!(
                "snapshot {i}: the child did not see the pre-fork heap"
            ));
        }
        tag = tag.wrapping_add(1);
        heap.verify(tag)
            .map_err(|e| format!("snapshot {i}: the parent lost its writes: {e}"))?;
    }
    Ok(stall)
}

pub fn snapshot_64m(n: u64) -> Res<u64> {
    snapshot(64, n)
}

pub fn snapshot_512m(n: u64) -> Res<u64> {
    snapshot(512, n)
}

//! Pipes within one process and between two, and BusyBox's shell.
use crate::sys::{
    close, exit_now, fork_run, pipe, read_exact, read_to_end, wait_exit, write_all, ExecSpec, Res,
};
use crate::timer::time;

/// Bytes per pipe message.
const MSG: usize = 64;
/// BusyBox, run as `sh` through its `argv[0]`.
pub const BUSYBOX: &str = "/bin/busybox";
/// The pipeline workload's script and the output it must produce.
const PIPELINE: &str = "printf 'b\\na\\nc\\na\\nb\\n' | sort | uniq";
const PIPELINE_OUT: &[u8] = b"a\nb\nc\n";

/// Write a message into a pipe and read it back, one process.
pub fn pipe_small(n: u64) -> Res<u64> {
    let (r, w) = pipe()?;
    let msg = [0xa5u8; MSG];
    let mut back = [0u8; MSG];
    let res = time(n, || {
        write_all(w, &msg)?;
        read_exact(r, &mut back)?;
        if back == msg {
            Ok(())
        } else {
            Err("pipe returned other bytes".into())
        }
    });
    close(r);
    close(w);
    res
}

/// One message to a child and one back per iteration: two context switches.
pub fn pipe_pingpong(n: u64) -> Res<u64> {
    let (to_child_r, to_child_w) = pipe()?;
    let (to_parent_r, to_parent_w) = pipe()?;
    let pid = fork_run(|| {
        // The parent's ends, so that its close is our end of file.
        close(to_child_w);
        close(to_parent_r);
        let mut b = [0u8; MSG];
        // Echo until the parent closes its end (read fails at EOF).
        while read_exact(to_child_r, &mut b).is_ok() {
            if write_all(to_parent_w, &b).is_err() {
                exit_now(1);
            }
        }
        exit_now(0)
    })?;
    close(to_child_r);
    close(to_parent_w);
    let mut seq = 0u8;
    let res = time(n, || {
        seq = seq.wrapping_add(1);
        let msg = [seq; MSG];
        let mut back = [0u8; MSG];
        write_all(to_child_w, &msg)?;
        read_exact(to_parent_r, &mut back)?;
        if back == msg {
            Ok(())
        } else {
            Err("echo differs".into())
        }
    });
    close(to_child_w);
    close(to_parent_r);
    res.and_then(|ns| wait_exit(pid, 0).map(|_| ns))
}

/// Runs BusyBox `sh -c script` with stdout into a pipe; returns the output.
fn shell(script: &str) -> Res<Vec<u8>> {
    let (r, w) = pipe()?;
    let mut spec = ExecSpec::new(BUSYBOX, &["sh", "-c", script]);
    spec.stdout = Some(w);
    let pid = fork_run(|| {
        close(r);
        spec.exec_in_child()
    })?;
    close(w);
    let out = read_to_end(r);
    close(r);
    wait_exit(pid, 0)?;
    out
}

/// `sh -c :`: a shell's start-up and exit.
pub fn shell_noop(n: u64) -> Res<u64> {
    time(n, || {
        let out = shell(":")?;
        if out.is_empty() {
            Ok(())
        } else {
            Err(format!("sh -c : printed {} bytes", out.len()))
        }
    })
}

/// `printf ... | sort | uniq` in BusyBox sh: a shell forking a pipeline.
pub fn busybox_pipeline(n: u64) -> Res<u64> {
    time(n, || {
        let out = shell(PIPELINE)?;
        if out == PIPELINE_OUT {
            Ok(())
        } else {
            Err(format!(
                "pipeline printed {:?}",
                String::from_utf8_lossy(&out)
            ))
        }
    })
}

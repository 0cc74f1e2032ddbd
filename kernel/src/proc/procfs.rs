//! `/proc` contents, generated when a file or directory is opened:
//! `meminfo` (MemTotal and MemFree from the frame allocator, MemFree
//! counting the frames the `vm` context caches as free),
//! `forkstat` (the `vm` crate's per-strategy counters, child write faults
//! by area kind, hybrid promotions by reason), and per process
//! (`self` or the pid) `stat`, `status`, `cmdline`; listing `/proc` gives
//! every pid, as BusyBox `ps` expects.
use super::{current_process, find, Process};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use core::sync::atomic::Ordering;
use linux_abi::dirent::{DT_DIR, DT_REG};
use linux_abi::Errno;
use vm::{StrategyKind, VmaKind};

/// Whether `path` (absolute, normalised by the caller) is under /proc.
pub fn is_proc_path(path: &str) -> bool {
    path == "/proc" || path.starts_with("/proc/")
}

/// A /proc file's bytes or a directory's entries (name, `d_type`).
#[derive(Debug)]
pub enum Node {
    /// A file.
    File(Vec<u8>),
    /// A directory.
    Dir(Vec<(String, u8)>),
}

const PID_FILES: [&str; 5] = ["cmdline", "comm", "maps", "stat", "status"];

/// A directory node: `.`, `..`, then `names`.
pub(super) fn dir(names: impl IntoIterator<Item = (String, u8)>) -> Node {
    let mut v: Vec<(String, u8)> = [(".".into(), DT_DIR), ("..".into(), DT_DIR)].into();
    v.extend(names);
    Node::Dir(v)
}

/// The /proc file or directory at `path`; ENOENT for an unknown one.
pub fn read(path: &str) -> Result<Node, Errno> {
    let rest = path
        .strip_prefix("/proc")
        .ok_or(Errno::ENOENT)?
        .trim_start_matches('/');
    let mut parts = rest.split('/').filter(|s| !s.is_empty());
    let Some(first) = parts.next() else {
        let mut names: Vec<(String, u8)> = [
            "cmdline", "meminfo", "forkstat", "uptime", "loadavg", "mounts",
        ]
        .iter()
        .map(|n| (String::from(*n), DT_REG))
        .collect();
        names.push(("self".into(), DT_DIR));
        names.push(("sys".into(), DT_DIR));
        names.extend(super::all().iter().map(|p| (format!("{}", p.pid), DT_DIR)));
        return Ok(dir(names));
    };
    let text = match first {
        "meminfo" => meminfo(),
        "cmdline" => format!("{}\n", crate::cmdline().raw),
        "forkstat" => forkstat(),
        "uptime" => uptime(),
        "mounts" => super::procfs_sys::mounts(),
        "sys" => return super::procfs_sys::read(parts),
        "loadavg" => loadavg(),
        _ => {
            let pid = if first == "self" {
                current_process().ok_or(Errno::ENOENT)?.pid
            } else {
                first.parse::<u32>().map_err(|_| Errno::ENOENT)?
            };
            let p = find(pid).ok_or(Errno::ENOENT)?;
            match parts.next() {
                None => {
                    return Ok(dir(PID_FILES.iter().map(|n| (String::from(*n), DT_REG))));
                }
                Some("comm") => format!("{}\n", super::prctl::process_comm(&p)),
                Some("stat") => stat(&p),
                Some("maps") => super::maps::maps(&p),
                Some("status") => status(&p),
                Some("cmdline") => {
                    let c = p.cmdline.lock().clone();
                    return Ok(Node::File(c));
                }
                Some(_) => return Err(Errno::ENOENT),
            }
        }
    };
    if parts.next().is_some() {
        return Err(Errno::ENOTDIR);
    }
    Ok(Node::File(text.into_bytes()))
}

/// Linux's field names where one fits, so `free` and leak checks read
/// them: Slab is the small kernel heap's mapped frames (KernelHeap its
/// bytes in use), VmallocUsed the large kernel allocations (file contents
/// among them), which go back to MemFree when freed; KernelPageTables (not
/// Linux's) the kernel half's page tables (heap, vmalloc and kernel-stack
/// regions), which stay once grown. So Slab and KernelPageTables are the
/// kernel's caches: a leak check counts their growth as such.
fn meminfo() -> String {
    let kb = |frames: u64| frames * 4;
    let total = kb(crate::mm::frame::usable_count());
    let free = kb(crate::mm::user::free_frames());
    let (heap_used, heap_free) = crate::mm::heap::stats();
    let slab = kb(crate::mm::heap::small_frames());
    let stacks = crate::mm::kstack::live_bytes() >> 10;
    let vmalloc = crate::mm::vmalloc::used() >> 10;
    let kernel_tables = kb(crate::arch::paging::kernel_table_frames());
    format!(
        "MemTotal:       {total:8} kB\nMemFree:        {free:8} kB\nMemAvailable:   {free:8} kB\n\
         Buffers:        {:8} kB\nCached:         {:8} kB\nSwapTotal:      {:8} kB\n\
         SwapFree:       {:8} kB\nSlab:           {slab:8} kB\nSUnreclaim:     {slab:8} kB\n\
         KernelStack:    {stacks:8} kB\nVmallocUsed:    {vmalloc:8} kB\n\
         KernelPageTables: {kernel_tables:6} kB\n\
         KernelHeap:     {:8} kB\nKernelHeapFree: {:8} kB\n",
        0,
        0,
        0,
        0,
        heap_used / 1024,
        heap_free / 1024
    )
}

/// Seconds since boot and seconds idle (the idle thread's CPU time), in
/// hundredths as Linux prints them.
fn uptime() -> String {
    let up = crate::time::uptime_ns() / 10_000_000;
    let idle = super::sched::idle_ns() / 10_000_000;
    format!(
        "{}.{:02} {}.{:02}\n",
        up / 100,
        up % 100,
        idle / 100,
        idle % 100
    )
}

/// The three load averages, runnable/total threads, and the last pid.
fn loadavg() -> String {
    let [a, b, c] = super::loadavg::averages().map(super::loadavg::format);
    let procs = super::all();
    let threads: usize = procs.iter().map(|p| p.thread_count()).sum();
    let last = procs.iter().map(|p| p.pid).max().unwrap_or(0);
    format!(
        "{a} {b} {c} {}/{threads} {last}\n",
        super::sched::runnable()
    )
}

fn forkstat() -> String {
    let stats = crate::mm::user::with_mm(|mm| mm.stats);
    let mut s = String::new();
    let _ = writeln!(s, "fork_policy: {}", super::fork_policy::policy().name());
    let target = match super::hybrid::promote_target() {
        vm::PromoteTarget::OnDemand => "ondemand",
        vm::PromoteTarget::Classic => "classic",
    };
    let _ = writeln!(s, "promote_target: {target}");
    for kind in StrategyKind::ALL {
        let c = stats.of(kind);
        let _ = writeln!(
            s,
            "{}: forks={} tables_copied={} tables_shared={} pages_copied={} eager_pages={} \
             child_write_faults={} promotions={} releases={}",
            kind.name(),
            c.forks,
            c.tables_copied,
            c.tables_shared,
            c.pages_copied,
            c.eager_pages,
            c.child_write_faults,
            c.promotions,
            c.releases
        );
        // The child write faults by the kind of area they hit.
        let _ = write!(s, "{} write_faults:", kind.name());
        for area in VmaKind::ALL {
            let n = c.child_write_faults_by_kind[area.index()];
            let _ = write!(s, " {}={n}", area.name());
        }
        s.push('\n');
    }
    // The kernel's promotion reasons (sleep, budget, syscall.<name>, ...).
    let _ = write!(s, "hybrid promotions:");
    for (reason, n) in super::hybrid::promotion_counts() {
        let _ = write!(s, " {reason}={n}");
    }
    s.push('\n');
    let _ = writeln!(s, "hybrid exec_after: {}", super::window_time::summary());
    let (ondemand_forks, back) = super::fork_adapt::counts();
    let _ = writeln!(
        s,
        "hybrid adaptive: ondemand_forks={ondemand_forks} back_to_hybrid={back}"
    );
    let (exec, exit, killed, oom) = super::hybrid::window_ends();
    let _ = writeln!(
        s,
        "hybrid window_ends: exec={exec} exit={exit} killed={killed} oom_killed={oom}"
    );
    let _ = writeln!(
        s,
        "faults: zero_fills={} cow_copies={}",
        stats.zero_fills, stats.cow_copies
    );
    s
}

/// The process's state letter and name, as Linux gives them for the
/// thread-group leader (the first thread, or any live one once it has
/// gone): a blocked thread sleeps interruptibly (S) or not (D).
fn state(p: &Process) -> (char, &'static str) {
    use super::thread::State;
    if p.is_zombie() {
        return ('Z', "Z (zombie)");
    }
    if p.stopped.load(Ordering::Relaxed) {
        return ('T', "T (stopped)");
    }
    let leader = {
        let threads = p.threads.lock();
        threads
            .iter()
            .find(|t| t.tid == p.pid)
            .or_else(|| threads.first())
            .cloned()
    };
    match leader {
        Some(t) if t.state() == State::Blocked => {
            if t.interruptible.load(Ordering::Relaxed) {
                ('S', "S (sleeping)")
            } else {
                ('D', "D (disk sleep)")
            }
        }
        _ => ('R', "R (running)"),
    }
}

fn stat(p: &Process) -> String {
    let comm = super::prctl::process_comm(p);
    let ticks = p.cpu_ns() / 10_000_000; // USER_HZ = 100
    format!(
        "{} ({}) {} {} {} {} 0 {} 0 0 0 0 0 {} 0 0 0 20 0 {} 0 0 0 0\n",
        p.pid,
        comm,
        state(p).0,
        p.ppid.load(Ordering::Relaxed),
        p.pgid.load(Ordering::Relaxed),
        p.sid.load(Ordering::Relaxed),
        super::pgrp::foreground(),
        ticks,
        p.thread_count(),
    )
}

fn status(p: &Process) -> String {
    let comm = super::prctl::process_comm(p);
    let c = *p.cred.lock();
    format!(
        "Name:\t{}\nState:\t{}\nTgid:\t{}\nPid:\t{}\nPPid:\t{}\n\
         Uid:\t{}\t{}\t{}\t{}\nGid:\t{}\t{}\t{}\t{}\nThreads:\t{}\n",
        comm,
        state(p).1,
        p.pid,
        p.pid,
        p.ppid.load(Ordering::Relaxed),
        c.ruid,
        c.euid,
        c.suid,
        c.fsuid,
        c.rgid,
        c.egid,
        c.sgid,
        c.fsgid,
        p.thread_count()
    )
}

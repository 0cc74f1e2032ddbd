//! Memory isolation across fork with musl's fork wrapper, over hundreds of
//! forks. Each round the parent fills .data, .bss, TLS (.tdata and .tbss),
//! its stack, the heap, a private anonymous mapping and a private file
//! mapping with a fresh byte; the child checks that it sees exactly that
//! byte everywhere, overwrites everything and reads its own writes back,
//! and writes the round number into a MAP_SHARED page. The parent then
//! checks that nothing of its own changed and that the shared page did.
//! Afterwards malloc and println must still work.
//!
//! Usage: fork_isolation [--rounds N]   (default 300)
#![deny(unsafe_op_in_unsafe_fn)]

use proc_tests::sys::{self, Status};
use proc_tests::Mapping;
use proc_tests::{pattern, Args, Checker};
use std::cell::RefCell;
use std::hint::black_box;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

const PAGE: usize = 4096;
/// Initialised, so it lands in .data (two pages).
static DATA: [AtomicU64; 1024] = [const { AtomicU64::new(0x5a5a_5a5a) }; 1024];
/// Zero-initialised, so it lands in .bss (four pages).
static BSS: [AtomicU64; 2048] = [const { AtomicU64::new(0) }; 2048];

thread_local! {
    static TDATA: RefCell<[u64; 64]> = const { RefCell::new([7; 64]) };
    static TBSS: RefCell<[u64; 1024]> = const { RefCell::new([0; 1024]) };
}

const NAMES: [&str; 8] = [
    ".data",
    ".bss",
    "TLS .tdata",
    "TLS .tbss",
    "stack",
    "heap",
    "private anon mmap",
    "private file mmap",
];

struct Regions<'a> {
    stack: &'a mut [u64],
    heap: Vec<u64>,
    anon: Mapping,
    file: Mapping,
}

fn word(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

impl Regions<'_> {
    fn fill(&mut self, b: u8) {
        let w = word(b);
        DATA.iter()
            .chain(BSS.iter())
            .for_each(|a| a.store(w, Relaxed));
        TDATA.with(|t| t.borrow_mut().fill(w));
        TBSS.with(|t| t.borrow_mut().fill(w));
        self.stack.fill(w);
        self.heap.fill(w);
        self.anon.as_mut_slice().fill(b);
        self.file.as_mut_slice().fill(b);
    }

    /// A bit per region (in NAMES order) whose contents are not all `b`.
    fn differs(&self, b: u8) -> u8 {
        let w = word(b);
        let all = [
            DATA.iter().all(|a| a.load(Relaxed) == w),
            BSS.iter().all(|a| a.load(Relaxed) == w),
            TDATA.with(|t| t.borrow().iter().all(|&x| x == w)),
            TBSS.with(|t| t.borrow().iter().all(|&x| x == w)),
            black_box(&*self.stack).iter().all(|&x| x == w),
            self.heap.iter().all(|&x| x == w),
            self.anon.as_slice().iter().all(|&x| x == b),
            self.file.as_slice().iter().all(|&x| x == b),
        ];
        all.iter()
            .enumerate()
            .fold(0, |m, (i, &ok)| if ok { m } else { m | 1 << i })
    }
}

/// The child's side of one round; returns its exit code (0 = all good).
fn child(r: &mut Regions<'_>, round: usize, seen: u8, shared: &Mapping) -> i32 {
    let mut bad = r.differs(seen);
    let mine = if seen == 255 { 1 } else { seen + 1 };
    r.fill(mine);
    bad |= r.differs(mine);
    shared.atomic_u64(0).store(round as u64, Relaxed);
    i32::from(bad)
}

fn main() {
    let args = Args::from_env();
    let rounds: usize = args.value("--rounds", 300);
    let mut c = Checker::new("fork_isolation");

    let path = format!("/tmp/proc-fork-isolation-{}", sys::getpid());
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("create the file to map under /tmp");
    std::fs::write(&path, vec![0xeeu8; 4 * PAGE]).expect("write the file to map");
    let _ = std::fs::remove_file(&path);

    let mut stack = [0u64; 2048];
    let mut r = Regions {
        stack: &mut stack,
        heap: vec![0; 8 * PAGE / 8],
        anon: Mapping::anon(16 * PAGE).expect("mmap private anon"),
        file: Mapping::new(4 * PAGE, libc::MAP_PRIVATE, file.as_raw_fd())
            .expect("mmap private file"),
    };
    let shared = Mapping::shared(PAGE).expect("mmap shared anon");
    c.equal(
        "private file mapping starts with the file's bytes",
        r.differs(0xee) & 0x80,
        0,
    );

    let mut parent_bad = [0usize; 8];
    let mut child_bad = [0usize; 8];
    let (mut forks, mut exits_ok, mut shared_ok) = (0, 0, 0);
    for round in 0..rounds {
        let b = pattern(round, 3);
        r.fill(b);
        shared.atomic_u64(0).store(u64::MAX, Relaxed);
        let pid = match sys::fork() {
            Ok(sys::Fork::Child) => sys::exit_now(child(&mut r, round, b, &shared)),
            Ok(sys::Fork::Parent(pid)) => pid,
            Err(e) => {
                c.check(format_args!("fork in round {round}: errno {e}"), false);
                break;
            }
        };
        forks += 1;
        match sys::wait(pid) {
            Ok(Status::Exited(code)) => {
                if code == 0 {
                    exits_ok += 1;
                }
                for (i, n) in child_bad.iter_mut().enumerate() {
                    *n += usize::from(code & (1 << i) != 0);
                }
            }
            other => {
                c.check(format_args!("round {round}: child ended {other:?}"), false);
            }
        }
        let bad = r.differs(b);
        for (i, n) in parent_bad.iter_mut().enumerate() {
            *n += usize::from(bad & (1 << i) != 0);
        }
        shared_ok += usize::from(shared.atomic_u64(0).load(Relaxed) == round as u64);
    }

    c.equal("forks that succeeded", forks, rounds);
    c.equal("children that saw and wrote every region", exits_ok, rounds);
    for (i, name) in NAMES.iter().enumerate() {
        c.check(
            format_args!(
                "{name}: child saw the parent's bytes {} times, parent unchanged {} times, of {rounds}",
                rounds - child_bad[i],
                rounds - parent_bad[i]
            ),
            child_bad[i] == 0 && parent_bad[i] == 0,
        );
    }
    c.equal("MAP_SHARED writes seen by the parent", shared_ok, rounds);
    let mut on_disk = vec![0u8; 4 * PAGE];
    let n = std::os::unix::fs::FileExt::read_at(&file, &mut on_disk, 0).unwrap_or(0);
    c.check(
        "the mapped file itself is unchanged by private writes",
        n == on_disk.len() && on_disk.iter().all(|&x| x == 0xee),
    );

    // libc after all those forks: the allocator and formatted output.
    let strings: Vec<String> = (0..1000).map(|i| format!("item-{i}")).collect();
    let total: usize = strings.iter().map(String::len).sum();
    c.equal(
        "malloc/format of 1000 strings after the forks: bytes",
        total,
        7890,
    );
    let big = vec![0x42u8; 1 << 20];
    c.check(
        "a 1 MiB allocation after the forks reads back",
        big.iter().all(|&x| x == 0x42),
    );
    c.finish();
}

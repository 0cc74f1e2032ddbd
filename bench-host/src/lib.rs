//! # bench-host: the `vm` crate's fork strategies beside the host's own fork
//!
//! `cargo bench -p bench-host` runs one criterion suite that measures, on
//! simulated RAM, every fork strategy of the [`vm`] crate for a parent with
//! 1 MiB, 64 MiB and 1 GiB of touched memory (fork latency, the first
//! write fault after fork, fork then release), and in the same run the host
//! Linux's own fork, vfork and posix_spawn from a process with the same
//! amount of touched memory. `cargo run -p bench-host --release --bin
//! bench-report` then turns criterion's estimates into
//! `target/bench-host/results.json` and a Markdown table of medians and
//! ratios. `docs/benchmarks.md` says what is and is not comparable.
//!
//! The library holds what the benches and the report share:
//! - [`workload`]: the declared list of workloads and how criterion names
//!   them (the bench writes those names, the report parses them);
//! - [`sim`]: the simulated parent process and its children;
//! - [`linux`]: touched host memory and fork / vfork / posix_spawn through
//!   libc (the only unsafe code);
//! - [`results`] and [`report`]: reading criterion's output, the JSON
//!   records and the Markdown tables;
//! - [`machine`]: the line naming the machine and toolchain of a run.
//!
//! ```
//! use bench_host::sim::SimProcess;
//! use vm::host::host_mm;
//! use vm::StrategyKind;
//!
//! let touched = 64 * 1024;
//! let mut mm = host_mm(bench_host::sim::ram_frames(touched));
//! let mut parent = SimProcess::build(&mut mm, touched)?;
//! let mut child = parent.fork(&mut mm, StrategyKind::Hybrid)?;
//! parent.child_write(&mut mm, &mut child)?; // copies the page, in the child only
//! parent.end_child(&mut mm, child);
//! parent.destroy(&mut mm);
//! assert_eq!(mm.frames_in_use(), 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod linux;
pub mod machine;
pub mod report;
pub mod results;
pub mod sim;
pub mod workload;

//! Numbers and structs of the Linux x86_64 user ABI, shared by the kernel
//! (which implements the ABI) and tests (which check it).
//!
//! Constants are grouped by the header they come from; structs are
//! `#[repr(C)]` with their Linux size asserted at compile time and checked
//! field by field against the `libc` crate in `tests/libc_layout.rs`. Every
//! struct implements [`AbiBytes`], a safe conversion to and from its memory
//! image, so the kernel can copy it to user memory without `unsafe`:
//!
//! ```
//! use linux_abi::{AbiBytes, Errno, stat::Stat};
//!
//! let st = Stat { st_ino: 7, st_size: 4096, ..Stat::default() };
//! let mut user_buffer = [0u8; Stat::SIZE];
//! st.try_write_to(&mut user_buffer).unwrap();
//! assert_eq!(Stat::try_read_from(&user_buffer).unwrap(), st);
//! assert_eq!(Errno::ENOENT.as_syscall_return(), -2);
//! ```
#![no_std]
#![forbid(unsafe_code)]

mod bytes;
mod errno;
mod syscall_nr;

pub mod auxv;
pub mod dirent;
pub mod fcntl;
pub mod mman;
pub mod process;
pub mod resource;
pub mod script;
pub mod sigframe;
pub mod signal;
pub mod stat;
pub mod statfs;
pub mod sysinfo;
pub mod termios;
pub mod time;
pub mod uio;
pub mod utsname;

pub use bytes::{AbiBytes, TooShort};
pub use errno::{Errno, MAX_ERRNO};
pub use syscall_nr::{nr, syscall_name, SYSCALL_COUNT};

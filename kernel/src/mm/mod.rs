//! Memory management: physical frames, the kernel heap, the fixed layout,
//! and user address spaces through the `vm` crate.
pub mod frame;
pub mod heap;
pub mod kstack;
pub mod layout;
pub mod user;
pub mod vmalloc;

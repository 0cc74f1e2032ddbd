//! Scatter/gather vectors (`readv`/`writev`) and `poll`.

use crate::bytes::abi_struct;

abi_struct! {
    /// `struct iovec`, 16 bytes.
    pub struct Iovec (16) {
        pub iov_base: u64,
        pub iov_len: u64,
    }
}

/// Most iovecs one `readv`/`writev` accepts (`UIO_MAXIOV`).
pub const UIO_MAXIOV: usize = 1024;

abi_struct! {
    /// `struct pollfd`, 8 bytes.
    pub struct Pollfd (8) {
        pub fd: i32,
        pub events: i16,
        pub revents: i16,
    }
}

pub const POLLIN: i16 = 0x1;
pub const POLLPRI: i16 = 0x2;
pub const POLLOUT: i16 = 0x4;
pub const POLLERR: i16 = 0x8;
pub const POLLHUP: i16 = 0x10;
pub const POLLNVAL: i16 = 0x20;
pub const POLLRDNORM: i16 = 0x40;
pub const POLLRDBAND: i16 = 0x80;
pub const POLLWRNORM: i16 = 0x100;
pub const POLLWRBAND: i16 = 0x200;
pub const POLLRDHUP: i16 = 0x2000;

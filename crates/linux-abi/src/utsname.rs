//! `struct utsname` for `uname`.

use crate::bytes::abi_struct;

/// Length of each `utsname` field, NUL included.
pub const UTS_FIELD_LEN: usize = 65;

abi_struct! {
    /// `struct new_utsname`, six NUL-terminated 65-byte fields, 390 bytes.
    pub struct Utsname (390) {
        pub sysname: [u8; 65],
        pub nodename: [u8; 65],
        pub release: [u8; 65],
        pub version: [u8; 65],
        pub machine: [u8; 65],
        pub domainname: [u8; 65],
    }
}

impl Utsname {
    /// Fills the fields from strings, cutting each to 64 bytes so the NUL
    /// terminator always fits.
    pub fn new(sysname: &str, nodename: &str, release: &str, version: &str, machine: &str) -> Self {
        Utsname {
            sysname: field(sysname),
            nodename: field(nodename),
            release: field(release),
            version: field(version),
            machine: field(machine),
            domainname: field("(none)"),
        }
    }
}

fn field(text: &str) -> [u8; UTS_FIELD_LEN] {
    let mut out = [0u8; UTS_FIELD_LEN];
    let len = text.len().min(UTS_FIELD_LEN - 1);
    out[..len].copy_from_slice(&text.as_bytes()[..len]);
    out
}

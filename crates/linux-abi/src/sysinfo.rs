//! `struct sysinfo` for `sysinfo(2)` (what `free` and `uptime` read).

use crate::bytes::abi_struct;

/// Load averages are fixed point with this many fraction bits.
pub const SI_LOAD_SHIFT: u32 = 16;

abi_struct! {
    /// `struct sysinfo`, 112 bytes on x86_64; the padding the C struct has
    /// after `pad` and at the end is spelled out.
    pub struct Sysinfo (112) {
        pub uptime: i64,
        pub loads: [u64; 3],
        pub totalram: u64,
        pub freeram: u64,
        pub sharedram: u64,
        pub bufferram: u64,
        pub totalswap: u64,
        pub freeswap: u64,
        pub procs: u16,
        pub pad: u16,
        pub pad2: u32,
        pub totalhigh: u64,
        pub freehigh: u64,
        pub mem_unit: u32,
        pub pad3: u32,
    }
}

//! Time structs and clock ids.

use crate::bytes::abi_struct;

abi_struct! {
    /// `struct timespec` (64-bit `time_t`), 16 bytes.
    pub struct Timespec (16) {
        pub tv_sec: i64,
        pub tv_nsec: i64,
    }
}

abi_struct! {
    /// `struct timeval`, 16 bytes.
    pub struct Timeval (16) {
        pub tv_sec: i64,
        pub tv_usec: i64,
    }
}

abi_struct! {
    /// `struct timezone` (`gettimeofday`'s obsolete second argument), 8 bytes.
    pub struct Timezone (8) {
        pub tz_minuteswest: i32,
        pub tz_dsttime: i32,
    }
}

impl Timespec {
    /// Valid as a `utimensat` time: `0 <= tv_nsec < 10^9` (any second,
    /// before 1970 included).
    pub const fn is_valid(&self) -> bool {
        self.tv_nsec >= 0 && self.tv_nsec < 1_000_000_000
    }

    /// Valid as a timeout or sleep (Linux's `timespec64_valid`): also
    /// `tv_sec >= 0`. Sleeps and waits must check this before anything
    /// else: a negative second count read as unsigned sleeps forever.
    pub const fn is_valid_timeout(&self) -> bool {
        self.tv_sec >= 0 && self.is_valid()
    }

    /// The duration in nanoseconds (saturating) of a valid timeout.
    pub const fn as_nanos_saturating(&self) -> u64 {
        (self.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(self.tv_nsec as u64)
    }

    /// From nanoseconds since an epoch.
    pub const fn from_nanos(nanos: u64) -> Self {
        Timespec {
            tv_sec: (nanos / 1_000_000_000) as i64,
            tv_nsec: (nanos % 1_000_000_000) as i64,
        }
    }
}

pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
pub const CLOCK_THREAD_CPUTIME_ID: u32 = 3;
pub const CLOCK_MONOTONIC_RAW: u32 = 4;
pub const CLOCK_REALTIME_COARSE: u32 = 5;
pub const CLOCK_MONOTONIC_COARSE: u32 = 6;
pub const CLOCK_BOOTTIME: u32 = 7;
/// `clock_nanosleep` flag: the time is absolute.
pub const TIMER_ABSTIME: u32 = 1;

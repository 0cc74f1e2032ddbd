//! Signals: numbers, names, default actions, and the kernel-side layouts of
//! `rt_sigaction`'s struct, the signal set, `siginfo_t` and `stack_t`.

use crate::bytes::abi_struct;

pub const SIGHUP: u32 = 1;
pub const SIGINT: u32 = 2;
pub const SIGQUIT: u32 = 3;
pub const SIGILL: u32 = 4;
pub const SIGTRAP: u32 = 5;
pub const SIGABRT: u32 = 6;
pub const SIGBUS: u32 = 7;
pub const SIGFPE: u32 = 8;
pub const SIGKILL: u32 = 9;
pub const SIGUSR1: u32 = 10;
pub const SIGSEGV: u32 = 11;
pub const SIGUSR2: u32 = 12;
pub const SIGPIPE: u32 = 13;
pub const SIGALRM: u32 = 14;
pub const SIGTERM: u32 = 15;
pub const SIGSTKFLT: u32 = 16;
pub const SIGCHLD: u32 = 17;
pub const SIGCONT: u32 = 18;
pub const SIGSTOP: u32 = 19;
pub const SIGTSTP: u32 = 20;
pub const SIGTTIN: u32 = 21;
pub const SIGTTOU: u32 = 22;
pub const SIGURG: u32 = 23;
pub const SIGXCPU: u32 = 24;
pub const SIGXFSZ: u32 = 25;
pub const SIGVTALRM: u32 = 26;
pub const SIGPROF: u32 = 27;
pub const SIGWINCH: u32 = 28;
pub const SIGIO: u32 = 29;
pub const SIGPWR: u32 = 30;
pub const SIGSYS: u32 = 31;
/// First real-time signal as the kernel numbers it (libcs reserve a few).
pub const SIGRTMIN: u32 = 32;
/// Highest signal number; valid signals are `1..=NSIG`.
pub const NSIG: u32 = 64;

static NAMES: [&str; 31] = [
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
];

/// `"SIGSEGV"` for 11; `None` for real-time and invalid numbers.
pub fn signal_name(sig: u32) -> Option<&'static str> {
    NAMES
        .get(usize::try_from(sig).ok()?.checked_sub(1)?)
        .copied()
}

/// The number of a classic signal by name (`"SIGSEGV"` -> 11).
pub fn signal_from_name(name: &str) -> Option<u32> {
    NAMES.iter().position(|n| *n == name).map(|i| i as u32 + 1)
}

/// What happens when a signal arrives with its handler at `SIG_DFL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAction {
    Terminate,
    /// Terminate and mark the wait status as having dumped core.
    CoreDump,
    Ignore,
    Stop,
    Continue,
}

/// `signal(7)`'s default action table; real-time signals terminate.
pub const fn default_action(sig: u32) -> DefaultAction {
    match sig {
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        SIGCONT => DefaultAction::Continue,
        SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU => DefaultAction::Stop,
        SIGQUIT | SIGILL | SIGTRAP | SIGABRT | SIGBUS | SIGFPE | SIGSEGV | SIGXCPU | SIGXFSZ
        | SIGSYS => DefaultAction::CoreDump,
        _ => DefaultAction::Terminate,
    }
}

/// `sa_handler` values that are not addresses.
pub const SIG_DFL: u64 = 0;
pub const SIG_IGN: u64 = 1;

pub const SA_NOCLDSTOP: u64 = 0x1;
pub const SA_NOCLDWAIT: u64 = 0x2;
pub const SA_SIGINFO: u64 = 0x4;
/// Set by libcs: `sa_restorer` holds the address of their `rt_sigreturn` stub.
pub const SA_RESTORER: u64 = 0x0400_0000;
pub const SA_ONSTACK: u64 = 0x0800_0000;
pub const SA_RESTART: u64 = 0x1000_0000;
pub const SA_NODEFER: u64 = 0x4000_0000;
pub const SA_RESETHAND: u64 = 0x8000_0000;

/// `rt_sigprocmask` `how` values.
pub const SIG_BLOCK: u32 = 0;
pub const SIG_UNBLOCK: u32 = 1;
pub const SIG_SETMASK: u32 = 2;

abi_struct! {
    /// The kernel's `struct sigaction` as `rt_sigaction` reads and writes
    /// it on x86_64 (not libc's, whose mask is 128 bytes), 32 bytes.
    pub struct KernelSigaction (32) {
        pub sa_handler: u64,
        pub sa_flags: u64,
        pub sa_restorer: u64,
        pub sa_mask: u64,
    }
}

/// Size of the kernel's signal set; `rt_sig*` calls reject any other
/// `sigsetsize` with `EINVAL`.
pub const SIGSET_SIZE: usize = 8;

/// A set of signals 1..=64, bit `sig - 1` for `sig`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SigSet(pub u64);

impl SigSet {
    pub const EMPTY: SigSet = SigSet(0);
    /// Signals no mask can block.
    pub const UNBLOCKABLE: SigSet = SigSet((1 << (SIGKILL - 1)) | (1 << (SIGSTOP - 1)));

    const fn bit(sig: u32) -> u64 {
        if sig >= 1 && sig <= NSIG {
            1 << (sig - 1)
        } else {
            0
        }
    }

    pub const fn contains(self, sig: u32) -> bool {
        self.0 & Self::bit(sig) != 0
    }

    pub const fn with(self, sig: u32) -> Self {
        SigSet(self.0 | Self::bit(sig))
    }

    pub const fn without(self, sig: u32) -> Self {
        SigSet(self.0 & !Self::bit(sig))
    }

    /// This set minus SIGKILL and SIGSTOP, as every mask update must do.
    pub const fn blockable(self) -> Self {
        SigSet(self.0 & !Self::UNBLOCKABLE.0)
    }

    /// The lowest-numbered signal in the set.
    pub const fn first(self) -> Option<u32> {
        if self.0 == 0 {
            None
        } else {
            Some(self.0.trailing_zeros() + 1)
        }
    }
}

abi_struct! {
    /// `siginfo_t`, 128 bytes: three ints, padding, then a union whose
    /// members [`SigInfo`]'s constructors lay out.
    pub struct SigInfo (128) {
        pub si_signo: i32,
        pub si_errno: i32,
        pub si_code: i32,
        pub pad: i32,
        /// The union, as 8-byte words (offset 16 onwards).
        pub fields: [u64; 14],
    }
}

impl SigInfo {
    fn with_code(signo: u32, code: i32) -> Self {
        SigInfo {
            si_signo: signo as i32,
            si_errno: 0,
            si_code: code,
            pad: 0,
            fields: [0; 14],
        }
    }

    /// A fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE): `si_addr` is the address.
    pub fn fault(signo: u32, code: i32, addr: u64) -> Self {
        let mut info = Self::with_code(signo, code);
        info.fields[0] = addr;
        info
    }

    /// Sent by `kill`/`tgkill` (`SI_USER`/`SI_TKILL`): sender pid and uid.
    pub fn sent(signo: u32, code: i32, pid: i32, uid: u32) -> Self {
        let mut info = Self::with_code(signo, code);
        info.fields[0] = u64::from(pid as u32) | (u64::from(uid) << 32);
        info
    }

    /// SIGCHLD: child pid, uid, status (exit code or signal), times in ticks.
    pub fn child(code: i32, pid: i32, uid: u32, status: i32, utime: i64, stime: i64) -> Self {
        let mut info = Self::with_code(SIGCHLD, code);
        info.fields[0] = u64::from(pid as u32) | (u64::from(uid) << 32);
        info.fields[1] = u64::from(status as u32);
        info.fields[2] = utime as u64;
        info.fields[3] = stime as u64;
        info
    }
}

/// `si_code` values.
pub mod si_code {
    pub const SI_USER: i32 = 0;
    pub const SI_KERNEL: i32 = 0x80;
    pub const SI_QUEUE: i32 = -1;
    pub const SI_TKILL: i32 = -6;
    pub const SEGV_MAPERR: i32 = 1;
    pub const SEGV_ACCERR: i32 = 2;
    pub const BUS_ADRALN: i32 = 1;
    pub const BUS_ADRERR: i32 = 2;
    pub const ILL_ILLOPC: i32 = 1;
    pub const ILL_PRVOPC: i32 = 5;
    pub const FPE_INTDIV: i32 = 1;
    pub const TRAP_BRKPT: i32 = 1;
    pub const CLD_EXITED: i32 = 1;
    pub const CLD_KILLED: i32 = 2;
    pub const CLD_DUMPED: i32 = 3;
    pub const CLD_STOPPED: i32 = 5;
    pub const CLD_CONTINUED: i32 = 6;
}

abi_struct! {
    /// `stack_t` for `sigaltstack`, 24 bytes.
    pub struct StackT (24) {
        pub ss_sp: u64,
        pub ss_flags: i32,
        pub pad: i32,
        pub ss_size: u64,
    }
}

pub const SS_ONSTACK: i32 = 1;
pub const SS_DISABLE: i32 = 2;
pub const MINSIGSTKSZ: usize = 2048;
pub const SIGSTKSZ: usize = 8192;

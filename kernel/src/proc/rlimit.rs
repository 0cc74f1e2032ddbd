//! Resource limits a process carries and its children inherit. Most are
//! kept and reported, not enforced (there is no swap, no accounting of
//! locked memory); RLIMIT_CORE decides whether a core-dumping signal's
//! wait status says a core was dumped (see [`Limits::dumps_core`]).
use linux_abi::resource::{
    Rlimit, RLIMIT_CORE, RLIMIT_MEMLOCK, RLIMIT_NOFILE, RLIMIT_STACK, RLIM_INFINITY, RLIM_NLIMITS,
};
use linux_abi::Errno;

/// Linux's `sysctl_nr_open` default: no RLIMIT_NOFILE may exceed it.
const NR_OPEN: u64 = 1 << 20;
/// Smallest core an ELF dump writes (Linux's `min_coredump`, one page):
/// a lower RLIMIT_CORE means no dump.
const MIN_COREDUMP: u64 = 4096;

/// One process's limits, indexed by `RLIMIT_*`.
#[derive(Debug, Clone, Copy)]
pub struct Limits([Rlimit; RLIM_NLIMITS as usize]);

impl Default for Limits {
    /// What Linux gives init: no core files (soft 0), an 8 MiB stack,
    /// the descriptor table's size, 8 MiB of locked memory, the rest
    /// unlimited.
    fn default() -> Self {
        let inf = Rlimit {
            rlim_cur: RLIM_INFINITY,
            rlim_max: RLIM_INFINITY,
        };
        let mut l = [inf; RLIM_NLIMITS as usize];
        l[RLIMIT_CORE as usize].rlim_cur = 0;
        l[RLIMIT_STACK as usize].rlim_cur = super::loader::STACK_SIZE;
        let fds = crate::fs::fdtable::MAX_FDS as u64;
        l[RLIMIT_NOFILE as usize] = Rlimit {
            rlim_cur: fds,
            rlim_max: fds,
        };
        l[RLIMIT_MEMLOCK as usize] = Rlimit {
            rlim_cur: 8 << 20,
            rlim_max: 8 << 20,
        };
        Limits(l)
    }
}

impl Limits {
    /// The limit of `resource`; EINVAL for an unknown one.
    pub fn get(&self, resource: u32) -> Result<Rlimit, Errno> {
        self.0.get(resource as usize).copied().ok_or(Errno::EINVAL)
    }

    /// `setrlimit`'s rules: soft at most hard; only a privileged process
    /// raises a hard limit; RLIMIT_NOFILE stays within the system's
    /// maximum.
    pub fn set(&mut self, resource: u32, new: Rlimit, privileged: bool) -> Result<(), Errno> {
        let old = self.get(resource)?;
        if new.rlim_cur > new.rlim_max {
            return Err(Errno::EINVAL);
        }
        if new.rlim_max > old.rlim_max && !privileged {
            return Err(Errno::EPERM);
        }
        if resource == RLIMIT_NOFILE && new.rlim_max > NR_OPEN {
            return Err(Errno::EPERM);
        }
        self.0[resource as usize] = new;
        Ok(())
    }

    /// Whether a core-dumping signal would dump a core: as on Linux with
    /// core_pattern `core`, when RLIMIT_CORE allows at least one page.
    /// No file is written (core files are not supported); only the wait
    /// status's core bit tells.
    pub fn dumps_core(&self) -> bool {
        self.0[RLIMIT_CORE as usize].rlim_cur >= MIN_COREDUMP
    }
}

//! `/proc/PID/maps`: one line per area, in Linux's format (`start-end
//! perms offset dev inode path`), so tools and libraries that parse it
//! (sanitizers, `pmap`, test suites looking for `[stack]`) read ours as
//! theirs. The program image areas carry the path it was exec'd by; areas
//! this kernel does not back with a file show offset, device and inode 0.
use super::Process;
use alloc::string::String;
use core::fmt::Write;
use vm::VmaKind;

/// The maps text of `p` (empty for a process without memory).
pub fn maps(p: &Process) -> String {
    let mut out = String::new();
    let program = p.name.lock().clone();
    let mem = p.mem();
    let guard = mem.lock();
    let Some(m) = guard.as_ref() else {
        return out;
    };
    for v in m.space.vmas().iter() {
        let flag = |on: bool, c: char| if on { c } else { '-' };
        let path = match v.kind {
            VmaKind::Stack => "[stack]",
            VmaKind::Heap => "[heap]",
            VmaKind::Image => program.as_str(),
            VmaKind::Tls | VmaKind::Anonymous => "",
        };
        let mut line = String::new();
        let _ = write!(
            line,
            "{:08x}-{:08x} {}{}{}{} 00000000 00:00 0",
            v.start,
            v.end,
            flag(v.prot.read, 'r'),
            flag(v.prot.write, 'w'),
            flag(v.prot.exec, 'x'),
            if v.shared { 's' } else { 'p' },
        );
        if !path.is_empty() {
            // Linux pads the path to column 74.
            let pad = 73usize.saturating_sub(line.len()).max(1);
            line.extend(core::iter::repeat_n(' ', pad));
            line.push_str(path);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

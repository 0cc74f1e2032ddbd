//! Terminal settings and the tty ioctls (`asm-generic/termbits.h`,
//! `asm-generic/ioctls.h`).

use crate::bytes::abi_struct;

/// Control characters in the kernel's termios (libcs' own is larger).
pub const NCCS: usize = 19;

abi_struct! {
    /// The kernel's `struct termios`, what `TCGETS`/`TCSETS*` copy, 36 bytes.
    /// libc's `struct termios` is a superset (32 control characters plus
    /// speeds); the kernel only reads and writes this prefix.
    pub struct Termios (36) {
        pub c_iflag: u32,
        pub c_oflag: u32,
        pub c_cflag: u32,
        pub c_lflag: u32,
        pub c_line: u8,
        pub c_cc: [u8; 19],
    }
}

abi_struct! {
    /// `struct winsize`, 8 bytes.
    pub struct Winsize (8) {
        pub ws_row: u16,
        pub ws_col: u16,
        pub ws_xpixel: u16,
        pub ws_ypixel: u16,
    }
}

impl Termios {
    /// Linux's `tty_std_termios`: cooked mode with echo and signals, 38400 8N1.
    pub const fn linux_default() -> Self {
        Termios {
            c_iflag: ICRNL | IXON,
            c_oflag: OPOST | ONLCR,
            c_cflag: B38400 | CS8 | CREAD | HUPCL,
            c_lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
            c_line: 0,
            // ^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, 0, ^Q ^S ^Z, 0, ^R ^O ^W ^V, 0
            c_cc: [
                3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0,
            ],
        }
    }
}

// c_cc indices
pub const VINTR: usize = 0;
pub const VQUIT: usize = 1;
pub const VERASE: usize = 2;
pub const VKILL: usize = 3;
pub const VEOF: usize = 4;
pub const VTIME: usize = 5;
pub const VMIN: usize = 6;
pub const VSTART: usize = 8;
pub const VSTOP: usize = 9;
pub const VSUSP: usize = 10;
pub const VEOL: usize = 11;
pub const VREPRINT: usize = 12;
pub const VWERASE: usize = 14;
pub const VLNEXT: usize = 15;

// c_iflag
pub const IGNBRK: u32 = 0o1;
pub const BRKINT: u32 = 0o2;
pub const IGNPAR: u32 = 0o4;
pub const INLCR: u32 = 0o100;
pub const IGNCR: u32 = 0o200;
pub const ICRNL: u32 = 0o400;
pub const IXON: u32 = 0o2000;
pub const IXOFF: u32 = 0o10000;
pub const IUTF8: u32 = 0o40000;

// c_oflag
pub const OPOST: u32 = 0o1;
pub const ONLCR: u32 = 0o4;

// c_cflag
pub const B38400: u32 = 0o17;
pub const CSIZE: u32 = 0o60;
pub const CS8: u32 = 0o60;
pub const CREAD: u32 = 0o200;
pub const HUPCL: u32 = 0o2000;
pub const CLOCAL: u32 = 0o4000;

// c_lflag
pub const ISIG: u32 = 0o1;
pub const ICANON: u32 = 0o2;
pub const ECHO: u32 = 0o10;
pub const ECHOE: u32 = 0o20;
pub const ECHOK: u32 = 0o40;
pub const ECHONL: u32 = 0o100;
pub const NOFLSH: u32 = 0o200;
pub const TOSTOP: u32 = 0o400;
pub const ECHOCTL: u32 = 0o1000;
pub const ECHOKE: u32 = 0o4000;
pub const IEXTEN: u32 = 0o100000;

/// ioctl request numbers (x86_64 uses the generic tty numbering).
pub mod ioctl {
    pub const TCGETS: u32 = 0x5401;
    pub const TCSETS: u32 = 0x5402;
    pub const TCSETSW: u32 = 0x5403;
    pub const TCSETSF: u32 = 0x5404;
    pub const TIOCSCTTY: u32 = 0x540E;
    pub const TIOCGPGRP: u32 = 0x540F;
    pub const TIOCSPGRP: u32 = 0x5410;
    pub const TIOCGWINSZ: u32 = 0x5413;
    pub const TIOCSWINSZ: u32 = 0x5414;
    pub const FIONREAD: u32 = 0x541B;
    pub const TIOCNOTTY: u32 = 0x5422;
    pub const FIONBIO: u32 = 0x5421;
    pub const TIOCGSID: u32 = 0x5429;
    pub const FIONCLEX: u32 = 0x5450;
    pub const FIOCLEX: u32 = 0x5451;
    pub const FIOASYNC: u32 = 0x5452;
}

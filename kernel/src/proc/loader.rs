//! Loads static ELF executables (ET_EXEC, and static-pie ET_DYN without
//! PT_INTERP) into a fresh address space and builds the System V initial
//! stack (argc, argv, envp, auxv).
use crate::mm::user::{with_mm, KernelMm};
use alloc::string::String;
use alloc::vec::Vec;
use linux_abi::auxv::*;
use linux_abi::Errno;
use vm::{AddressSpace, Prot, Vma, VmaKind};
use xmas_elf::header::{Machine, Type};
use xmas_elf::program::{ProgramHeader, Type as PType};
use xmas_elf::ElfFile;

/// Where a static-pie executable is placed (where Linux puts PIE
/// executables with randomisation off).
pub const PIE_BASE: u64 = 0x5555_5555_4000;
/// One past the initial stack's highest byte.
pub const STACK_TOP: u64 = 0x7fff_ffff_f000;
/// Size of the stack area.
pub const STACK_SIZE: u64 = 8 << 20;
/// Where anonymous mmaps start searching.
pub const MMAP_BASE: u64 = 0x7f00_0000_0000;
const PAGE: u64 = 4096;

/// The result of loading an executable.
#[derive(Debug)]
pub struct Loaded {
    /// The new address space.
    pub space: AddressSpace,
    /// Initial instruction pointer.
    pub entry: u64,
    /// Initial stack pointer (at argc).
    pub sp: u64,
    /// First address after the highest segment: the `brk` start.
    pub brk: u64,
}

/// Loads `image` with `argv` and `envp`. Nothing of the caller's changes.
pub fn load(image: &[u8], argv: &[String], envp: &[String], hwcap: u32) -> Result<Loaded, Errno> {
    check_phdr_table(image)?;
    let elf = ElfFile::new(image).map_err(|_| Errno::ENOEXEC)?;
    let h = &elf.header;
    if h.pt1.class() != xmas_elf::header::Class::SixtyFour
        || h.pt2.machine().as_machine() != Machine::X86_64
    {
        return Err(Errno::ENOEXEC);
    }
    let base = match h.pt2.type_().as_type() {
        Type::Executable => 0,
        Type::SharedObject => PIE_BASE,
        _ => return Err(Errno::ENOEXEC),
    };
    let phdrs: Vec<ProgramHeader<'_>> = elf.program_iter().collect();
    if phdrs
        .iter()
        .any(|p| matches!(p.get_type(), Ok(PType::Interp)))
    {
        return Err(Errno::ENOEXEC); // dynamic linking comes later
    }
    with_mm(|mm| {
        let mut space = AddressSpace::new(mm).map_err(|_| Errno::ENOMEM)?;
        match load_into(mm, &mut space, &elf, &phdrs, image, base, argv, envp, hwcap) {
            Ok((entry, sp, brk)) => Ok(Loaded {
                space,
                entry,
                sp,
                brk,
            }),
            Err(e) => {
                let _ = space.destroy(mm);
                Err(e)
            }
        }
    })
}

/// Checks, from the raw ELF64 header, that the program-header table lies
/// inside the image: xmas-elf's own check adds without overflow checks and
/// its iterator indexes the table unchecked, so a crafted file must be
/// refused before it gets there.
fn check_phdr_table(image: &[u8]) -> Result<(), Errno> {
    let field = |at: usize, len: usize| -> Result<u64, Errno> {
        let b = image.get(at..at + len).ok_or(Errno::ENOEXEC)?;
        let mut v = [0u8; 8];
        v[..len].copy_from_slice(b);
        Ok(u64::from_le_bytes(v))
    };
    let (ph_off, ph_size, ph_num) = (field(32, 8)?, field(54, 2)?, field(56, 2)?);
    let end = ph_off.checked_add(ph_size * ph_num).ok_or(Errno::ENOEXEC)?;
    if image.len() < 64 || ph_size != 56 || ph_num == 0 || end > image.len() as u64 {
        return Err(Errno::ENOEXEC);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn load_into(
    mm: &mut KernelMm,
    space: &mut AddressSpace,
    elf: &ElfFile<'_>,
    phdrs: &[ProgramHeader<'_>],
    image: &[u8],
    base: u64,
    argv: &[String],
    envp: &[String],
    hwcap: u32,
) -> Result<(u64, u64, u64), Errno> {
    let mut brk = 0;
    let mut phdr_addr = 0;
    let mut mapped_end = 0;
    for ph in phdrs {
        match ph.get_type() {
            Ok(PType::Phdr) => phdr_addr = base + ph.virtual_addr(),
            Ok(PType::Load) => {}
            _ => continue,
        }
        if ph.get_type() != Ok(PType::Load) || ph.mem_size() == 0 {
            continue;
        }
        let (va, filesz, memsz, off) = (
            base + ph.virtual_addr(),
            ph.file_size(),
            ph.mem_size(),
            ph.offset(),
        );
        if filesz > memsz
            || off
                .checked_add(filesz)
                .is_none_or(|e| e > image.len() as u64)
        {
            return Err(Errno::ENOEXEC);
        }
        let end = va.checked_add(memsz).ok_or(Errno::ENOEXEC)?;
        if end > crate::mm::layout::USER_END {
            return Err(Errno::ENOEXEC);
        }
        let f = ph.flags();
        let prot = Prot {
            read: f.is_read(),
            write: f.is_write(),
            exec: f.is_execute(),
        };
        // Segments that share a page (the end of one, the start of the next)
        // get the overlapping page once, with the rights of both.
        let mut start = va & !(PAGE - 1);
        let map_end = end.next_multiple_of(PAGE);
        if start < mapped_end {
            let shared = start..mapped_end.min(map_end);
            let old = space
                .vmas()
                .find(shared.start)
                .map(|v| v.prot)
                .unwrap_or(prot);
            let union = Prot {
                read: old.read | prot.read,
                write: old.write | prot.write,
                exec: old.exec | prot.exec,
            };
            let t = space
                .protect(mm, shared, union)
                .map_err(|_| Errno::ENOEXEC)?;
            t.ignore(); // not loaded on any CPU yet
            start = mapped_end;
        }
        if start < map_end {
            space
                .map(mm, Vma::new(start..map_end, prot, VmaKind::Image))
                .map_err(|_| Errno::ENOMEM)?
                .ignore();
        }
        let data = &image[off as usize..(off + filesz) as usize];
        space
            .populate(mm, va, data)
            .map_err(|_| Errno::ENOMEM)?
            .ignore();
        if phdr_addr == 0
            && off <= elf.header.pt2.ph_offset()
            && elf.header.pt2.ph_offset() < off + filesz
        {
            phdr_addr = va + (elf.header.pt2.ph_offset() - off);
        }
        mapped_end = mapped_end.max(map_end);
        brk = brk.max(map_end);
    }
    if brk == 0 {
        return Err(Errno::ENOEXEC);
    }
    let entry = base
        .checked_add(elf.header.pt2.entry_point())
        .filter(|&e| e < crate::mm::layout::USER_END)
        .ok_or(Errno::ENOEXEC)?;
    let stack = Vma::new(STACK_TOP - STACK_SIZE..STACK_TOP, Prot::RW, VmaKind::Stack);
    space.map(mm, stack).map_err(|_| Errno::ENOMEM)?.ignore();
    let aux = [
        (AT_PHDR, phdr_addr),
        (AT_PHENT, u64::from(elf.header.pt2.ph_entry_size())),
        (AT_PHNUM, phdrs.len() as u64),
        (AT_PAGESZ, PAGE),
        (AT_BASE, 0),
        (AT_FLAGS, 0),
        (AT_ENTRY, entry),
        (AT_UID, 0),
        (AT_EUID, 0),
        (AT_GID, 0),
        (AT_EGID, 0),
        (AT_HWCAP, u64::from(hwcap)),
        (AT_CLKTCK, 100),
        (AT_SECURE, 0),
    ];
    let sp = build_stack(mm, space, argv, envp, &aux)?;
    Ok((entry, sp, brk))
}

/// Writes strings, the random bytes, then auxv/envp/argv/argc below them,
/// returning the 16-aligned address of argc.
fn build_stack(
    mm: &mut KernelMm,
    space: &mut AddressSpace,
    argv: &[String],
    envp: &[String],
    aux: &[(u64, u64)],
) -> Result<u64, Errno> {
    let mut sp = STACK_TOP;
    let put = |mm: &mut KernelMm, space: &mut AddressSpace, sp: &mut u64, bytes: &[u8]| {
        *sp -= bytes.len() as u64;
        space
            .copy_to_user(mm, *sp, bytes)
            .map(|t| t.ignore())
            .map_err(|_| Errno::E2BIG)
    };
    let strings = |list: &[String], mm: &mut KernelMm, space: &mut AddressSpace, sp: &mut u64| {
        let mut ptrs = Vec::with_capacity(list.len());
        for s in list {
            put(mm, space, sp, &[0])?;
            put(mm, space, sp, s.as_bytes())?;
            ptrs.push(*sp);
        }
        Ok::<_, Errno>(ptrs)
    };
    let total: usize = argv.iter().chain(envp).map(|s| s.len() + 1).sum();
    if total > 128 * 1024 {
        return Err(Errno::E2BIG);
    }
    let argv_ptrs = strings(argv, mm, space, &mut sp)?;
    let envp_ptrs = strings(envp, mm, space, &mut sp)?;
    let mut platform = [0u8; 7];
    platform[..6].copy_from_slice(b"x86_64");
    put(mm, space, &mut sp, &platform)?;
    let platform_ptr = sp;
    let mut random = [0u8; 16];
    crate::random::fill(&mut random);
    put(mm, space, &mut sp, &random)?;
    let random_ptr = sp;

    let mut words: Vec<u64> = Vec::new();
    words.push(argv.len() as u64);
    words.extend(&argv_ptrs);
    words.push(0);
    words.extend(&envp_ptrs);
    words.push(0);
    for &(k, v) in aux {
        words.extend([k, v]);
    }
    words.extend([AT_RANDOM, random_ptr, AT_PLATFORM, platform_ptr, AT_NULL, 0]);
    sp &= !15;
    sp -= (words.len() as u64) * 8;
    sp &= !15;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    space
        .copy_to_user(mm, sp, &bytes)
        .map_err(|_| Errno::E2BIG)?
        .ignore();
    Ok(sp)
}

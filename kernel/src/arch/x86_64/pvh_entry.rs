//! The PVH entry: QEMU (`-kernel`), Firecracker and cloud-hypervisor start
//! the kernel in 32-bit protected mode with paging off at the physical
//! address named by the Xen ELF note, `ebx` holding the physical address of
//! `hvm_start_info`. The trampoline below builds boot page tables
//! (identity map, direct map at `BOOT_HHDM` and the kernel's higher-half
//! window, each covering the first GiB with 2 MiB pages), enters long mode
//! and calls `pvh_main` on the boot stack.
//!
//! Everything the 32-bit code names by absolute address is written as
//! `symbol - KERNEL_VMA`: the image is linked in the higher half but runs
//! from its physical load address until paging is on.

use core::arch::global_asm;

/// Size of the stack the boot processor runs on until the scheduler gives
/// the boot thread its own kernel stack.
pub const BOOT_STACK_SIZE: usize = 128 * 1024;

global_asm!(
    r#"
    .set KERNEL_VMA, 0xffffffff80000000

    .section .note.pvh, "a", @note
    .balign 4
    .long 4
    .long 4
    .long 18
    .asciz "Xen"
    .balign 4
    .long pvh_start32 - KERNEL_VMA
    .balign 4

    .section .bss.boot, "aw", @nobits
    .balign 4096
    boot_tables:
    .skip 4096 * 4
    .global boot_stack_bottom
    boot_stack_bottom:
    .skip {stack_size}
    boot_stack_top:

    .section .rodata.boot, "a"
    .balign 16
    boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    boot_gdt_end:
    .balign 16
    boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt - KERNEL_VMA

    .section .text.boot, "ax"
    .code32
    .global pvh_start32
    pvh_start32:
    cli
    cld
    mov ebp, ebx
    mov edi, offset boot_tables - KERNEL_VMA
    mov esi, edi
    xor eax, eax
    mov ecx, 4096
    rep stosd

    lea eax, [esi + 4096 + 3]
    mov [esi], eax
    mov [esi + 256 * 8], eax
    lea eax, [esi + 8192 + 3]
    mov [esi + 511 * 8], eax
    lea eax, [esi + 12288 + 3]
    mov [esi + 4096], eax
    mov [esi + 8192 + 510 * 8], eax

    xor ecx, ecx
    mov eax, 0x83
2:
    mov [esi + 12288 + ecx * 8], eax
    add eax, 0x200000
    inc ecx
    cmp ecx, 512
    jne 2b

    mov cr3, esi
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov ecx, 0xc0000080
    rdmsr
    or eax, (1 << 8) | (1 << 11)
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | (1 << 16) | 1
    mov cr0, eax

    mov eax, offset boot_gdt_ptr - KERNEL_VMA
    lgdt [eax]
    push 0x08
    mov eax, offset pvh_start64 - KERNEL_VMA
    push eax
    retf

    .code64
    pvh_start64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    movabs rax, offset pvh_high
    jmp rax
    pvh_high:
    movabs rsp, offset boot_stack_top
    mov edi, ebp
    xor ebp, ebp
    call {pvh_main}
3:
    hlt
    jmp 3b
    "#,
    stack_size = const BOOT_STACK_SIZE,
    pvh_main = sym crate::boot::pvh::pvh_main,
);

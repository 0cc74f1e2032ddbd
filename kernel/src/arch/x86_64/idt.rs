//! The IDT: every vector 0..48 goes through a stub in `stubs.rs`.
use super::gdt::{DOUBLE_FAULT_IST, NMI_IST};
use super::stubs::STUBS;
use spin::Once;
use x86_64::structures::idt::InterruptDescriptorTable;
use x86_64::{PrivilegeLevel, VirtAddr};

static IDT: Once<InterruptDescriptorTable> = Once::new();

/// Builds and loads the IDT.
pub fn init() {
    let idt = IDT.call_once(|| {
        let mut idt = InterruptDescriptorTable::new();
        for (vector, stub) in STUBS.iter().enumerate() {
            let addr = VirtAddr::new(*stub as *const () as u64);
            // SAFETY: each stub is a valid interrupt entry that saves a full
            // frame and returns with iretq, matching the CPU's frame for
            // its vector (stubs push a zero where the CPU pushes no error
            // code); the double fault runs on its own IST stack.
            unsafe {
                let opts = match vector {
                    8 => idt.double_fault.set_handler_addr(addr),
                    14 => idt.page_fault.set_handler_addr(addr),
                    0..=31 => match vector {
                        0 => idt.divide_error.set_handler_addr(addr),
                        1 => idt.debug.set_handler_addr(addr),
                        2 => idt.non_maskable_interrupt.set_handler_addr(addr),
                        3 => idt.breakpoint.set_handler_addr(addr),
                        4 => idt.overflow.set_handler_addr(addr),
                        5 => idt.bound_range_exceeded.set_handler_addr(addr),
                        6 => idt.invalid_opcode.set_handler_addr(addr),
                        7 => idt.device_not_available.set_handler_addr(addr),
                        10 => idt.invalid_tss.set_handler_addr(addr),
                        11 => idt.segment_not_present.set_handler_addr(addr),
                        12 => idt.stack_segment_fault.set_handler_addr(addr),
                        13 => idt.general_protection_fault.set_handler_addr(addr),
                        16 => idt.x87_floating_point.set_handler_addr(addr),
                        17 => idt.alignment_check.set_handler_addr(addr),
                        18 => idt.machine_check.set_handler_addr(addr),
                        19 => idt.simd_floating_point.set_handler_addr(addr),
                        20 => idt.virtualization.set_handler_addr(addr),
                        21 => idt.cp_protection_exception.set_handler_addr(addr),
                        28 => idt.hv_injection_exception.set_handler_addr(addr),
                        29 => idt.vmm_communication_exception.set_handler_addr(addr),
                        30 => idt.security_exception.set_handler_addr(addr),
                        _ => continue, // reserved vectors stay absent
                    },
                    n => idt[n as u8].set_handler_addr(addr),
                };
                if vector == 8 {
                    opts.set_stack_index(DOUBLE_FAULT_IST);
                }
                if vector == 2 || vector == 18 {
                    opts.set_stack_index(NMI_IST);
                }
                if vector == 3 {
                    opts.set_privilege_level(PrivilegeLevel::Ring3);
                }
            }
        }
        idt
    });
    idt.load();
}

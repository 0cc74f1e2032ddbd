//! The GDT and TSS. Selector order is fixed by SYSCALL/SYSRET: kernel code,
//! kernel data, then user data and user code.
use spin::Once;
use x86_64::instructions::segmentation::{Segment, CS, DS, ES, SS};
use x86_64::instructions::tables::load_tss;
use x86_64::structures::gdt::{Descriptor, GlobalDescriptorTable, SegmentSelector};
use x86_64::structures::tss::TaskStateSegment;
use x86_64::{PrivilegeLevel, VirtAddr};

/// Kernel code selector.
pub const KERNEL_CS: u16 = 0x08;
/// Kernel data selector.
pub const KERNEL_DS: u16 = 0x10;
/// User data selector (RPL 3).
pub const USER_DS: u16 = 0x18 | 3;
/// User code selector (RPL 3).
pub const USER_CS: u16 = 0x20 | 3;

/// IST slot used by the double-fault handler.
pub const DOUBLE_FAULT_IST: u16 = 0;
/// IST slot for NMIs and machine checks, which can arrive on the first
/// instruction of the SYSCALL entry, while RSP still holds the user stack.
pub const NMI_IST: u16 = 1;

const IST_STACK_SIZE: usize = 16 * 1024;

#[repr(align(16))]
struct Stack(#[allow(dead_code)] [u8; IST_STACK_SIZE]);

static mut DOUBLE_FAULT_STACK: Stack = Stack([0; IST_STACK_SIZE]);
static mut NMI_STACK: Stack = Stack([0; IST_STACK_SIZE]);

/// The TSS lives in a static so its address is stable; only `set_kernel_stack`
/// mutates it after load, through a raw pointer, with interrupts off.
static mut TSS: TaskStateSegment = TaskStateSegment::new();
static GDT: Once<GlobalDescriptorTable> = Once::new();

/// Builds and loads the GDT and TSS.
pub fn init() {
    let tss_ptr = &raw mut TSS;
    // SAFETY: runs once on the boot CPU before interrupts are enabled; no
    // other reference to TSS or the IST stacks exists yet.
    unsafe {
        let df_top = (&raw const DOUBLE_FAULT_STACK as u64) + IST_STACK_SIZE as u64;
        let nmi_top = (&raw const NMI_STACK as u64) + IST_STACK_SIZE as u64;
        (*tss_ptr).interrupt_stack_table[DOUBLE_FAULT_IST as usize] = VirtAddr::new(df_top);
        (*tss_ptr).interrupt_stack_table[NMI_IST as usize] = VirtAddr::new(nmi_top);
    }
    let gdt = GDT.call_once(|| {
        let mut gdt = GlobalDescriptorTable::new();
        gdt.append(Descriptor::kernel_code_segment());
        gdt.append(Descriptor::kernel_data_segment());
        gdt.append(Descriptor::user_data_segment());
        gdt.append(Descriptor::user_code_segment());
        // SAFETY: TSS is a static that lives forever and is never moved.
        gdt.append(Descriptor::tss_segment(unsafe { &*tss_ptr }));
        gdt
    });
    gdt.load();
    // SAFETY: the selectors name the descriptors appended above, in order.
    unsafe {
        CS::set_reg(SegmentSelector::new(1, PrivilegeLevel::Ring0));
        SS::set_reg(SegmentSelector::new(2, PrivilegeLevel::Ring0));
        DS::set_reg(SegmentSelector::new(2, PrivilegeLevel::Ring0));
        ES::set_reg(SegmentSelector::new(2, PrivilegeLevel::Ring0));
        load_tss(SegmentSelector::new(5, PrivilegeLevel::Ring0));
    }
}

/// Sets the stack the CPU switches to on an interrupt from user mode.
pub fn set_kernel_stack(top: u64) {
    let tss_ptr = &raw mut TSS;
    // SAFETY: a single CPU with interrupts disabled (all kernel code runs so)
    // is the only writer; the CPU reads RSP0 only on a privilege change,
    // which cannot happen during this store.
    unsafe { (*tss_ptr).privilege_stack_table[0] = VirtAddr::new(top) };
}

//! The Limine boot protocol entry (base revision 2). Limine loads the ELF
//! in the higher half and jumps to its ELF entry point, `limine_entry`.
use super::{BootInfo, MemRegion};
use limine::request::{
    ExecutableAddressRequest, ExecutableCmdlineRequest, HhdmRequest, MemoryMapRequest,
    ModuleRequest, RequestsEndMarker, RequestsStartMarker, RsdpRequest,
};
use limine::BaseRevision;

#[used]
#[unsafe(link_section = ".limine_requests_start")]
static START: RequestsStartMarker = RequestsStartMarker::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static BASE_REVISION: BaseRevision = BaseRevision::with_revision(2);
#[used]
#[unsafe(link_section = ".limine_requests")]
static HHDM: HhdmRequest = HhdmRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static MEMMAP: MemoryMapRequest = MemoryMapRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static MODULES: ModuleRequest = ModuleRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static CMDLINE: ExecutableCmdlineRequest = ExecutableCmdlineRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static KADDR: ExecutableAddressRequest = ExecutableAddressRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests")]
static RSDP: RsdpRequest = RsdpRequest::new();
#[used]
#[unsafe(link_section = ".limine_requests_end")]
static END: RequestsEndMarker = RequestsEndMarker::new();

/// Limine's entry: long mode, Limine's page tables, a Limine stack.
#[unsafe(no_mangle)]
pub extern "C" fn limine_entry() -> ! {
    crate::arch::early_init();
    if !BASE_REVISION.is_supported() {
        crate::kpanic_early("Limine: base revision 2 not supported");
    }
    let mut info = BootInfo::empty("limine");
    let Some(hhdm) = HHDM.get_response() else {
        crate::kpanic_early("Limine: no HHDM response");
    };
    info.hhdm_offset = hhdm.offset();
    let Some(kaddr) = KADDR.get_response() else {
        crate::kpanic_early("Limine: no executable address response");
    };
    info.kernel_phys_base = kaddr.physical_base();
    if let Some(mm) = MEMMAP.get_response() {
        for e in mm.entries() {
            // Bootloader-reclaimable memory holds Limine's page tables and
            // the structures read here: it stays reserved.
            let usable = e.entry_type == limine::memory_map::EntryType::USABLE;
            let region = MemRegion {
                start: e.base,
                len: e.length,
                usable,
            };
            if info.memory.try_push(region).is_err() {
                break;
            }
        }
    }
    if let Some(c) = CMDLINE.get_response() {
        info.set_cmdline(c.cmdline().to_bytes());
    }
    if let Some(m) = MODULES.get_response() {
        if let Some(f) = m.modules().first() {
            let phys = f.addr() as u64 - info.hhdm_offset;
            info.initramfs = Some((phys, f.size()));
        }
    }
    if let Some(r) = RSDP.get_response() {
        // Base revision 2 reports the RSDP through the HHDM.
        let a = r.address() as u64;
        info.rsdp = Some(a.checked_sub(info.hhdm_offset).unwrap_or(a));
    }
    crate::kernel_main(info)
}

//! Micro-benchmarks of single operations: map, translate, fault.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vm::host::host_mm;
use vm::{Access, AddressSpace, Prot, Vma, VmaKind};

const BASE: u64 = 0x1000_0000;

fn bench(c: &mut Criterion) {
    let mut mm = host_mm(1 << 14);
    let mut space = AddressSpace::new(&mut mm).unwrap();
    space
        .map(
            &mut mm,
            Vma::new(BASE..BASE + (1 << 26), Prot::RW, VmaKind::Anonymous),
        )
        .unwrap()
        .ignore();
    space.copy_to_user(&mut mm, BASE, &[1]).unwrap().ignore();

    c.bench_function("translate", |b| {
        b.iter(|| space.translate(&mm, black_box(BASE), Access::Read).unwrap())
    });

    let mut next = 0u64;
    c.bench_function("map_unmap_64k", |b| {
        b.iter(|| {
            let start = BASE + (1 << 27) + (next % 64) * 0x10000;
            next += 1;
            let vma = Vma::new(start..start + 0x10000, Prot::RW, VmaKind::Anonymous);
            space.map(&mut mm, vma).unwrap().ignore();
            space.unmap(&mut mm, vma.range()).unwrap().ignore();
        })
    });

    c.bench_function("demand_zero_fault", |b| {
        let mut page = 1u64;
        b.iter(|| {
            let va = BASE + (page % 8000) * 4096;
            if page % 8000 == 0 {
                space
                    .unmap(&mut mm, BASE + 4096..BASE + (1 << 26))
                    .unwrap()
                    .ignore();
                let vma = Vma::new(BASE + 4096..BASE + (1 << 26), Prot::RW, VmaKind::Anonymous);
                space.map(&mut mm, vma).unwrap().ignore();
            }
            page += 1;
            let _ = space
                .handle_fault(&mut mm, va, Access::Write)
                .map(|f| f.ignore());
        })
    });
    space.destroy(&mut mm).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);

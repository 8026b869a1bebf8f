//! The crosswalk: building it from the shipped tables, every link of every ISMAP item of a
//! real-size criteria version (1,356 IDs) into every framework by every route, single
//! look-ups, and a FedRAMP Moderate gap analysis.
//! Run: `cargo bench -p ismap-bench --bench crosswalk`.

use criterion::{Criterion, criterion_group, criterion_main};
use ismap_bench::{DETAILED, catalog};
use ismap_core::crosswalk::{FedrampBaseline, Framework};
use ismap_formats::criteria::builtin_catalog;
use ismap_formats::crosswalk::{build_builtin, held_fedramp};
use std::hint::black_box;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn crosswalk(c: &mut Criterion) {
    let mut group = c.benchmark_group("crosswalk");
    group.bench_function("parse the shipped tables and build the graph", |b| {
        b.iter(|| black_box(build_builtin().expect("tables")))
    });
    let cw = build_builtin().expect("tables");
    let synthetic = catalog(DETAILED);
    let every_link = || -> usize {
        synthetic
            .criteria()
            .iter()
            .map(|c| {
                cw.lookup(&synthetic, Framework::Ismap, c.id.as_str(), None)
                    .targets
                    .iter()
                    .map(|t| t.links.len())
                    .sum::<usize>()
            })
            .sum()
    };
    group.bench_function(
        format!(
            "{} links of {} ISMAP IDs into every framework, both routes",
            every_link(),
            synthetic.len()
        ),
        |b| b.iter(|| black_box(every_link())),
    );
    let builtin = builtin_catalog().expect("criteria");
    group.bench_function("look-up 9.2.3 → every framework", |b| {
        b.iter(|| black_box(cw.lookup(&builtin, Framework::Ismap, "9.2.3", None)))
    });
    group.bench_function("look-up ac-2 → ISMAP", |b| {
        b.iter(|| black_box(cw.lookup(&builtin, Framework::Nist, "ac-2", Some(Framework::Ismap))))
    });
    let held = held_fedramp(&cw, FedrampBaseline::Moderate);
    let all: Vec<_> = synthetic.keys().collect();
    group.bench_function(
        format!("gap: FedRAMP Moderate against {} ISMAP IDs", all.len()),
        |b| b.iter(|| black_box(cw.gap(&synthetic, &all, &held).counts())),
    );
    group.finish();
}

criterion_group!(benches, crosswalk);
criterion_main!(benches);

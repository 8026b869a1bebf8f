//! The check engine on 10,000 synthetic registrations against a profile of 300 required
//! controls and 20 features (file parsing excluded), and, for reference, the registry parse.
//! Run: `cargo bench -p ismap-bench --bench check`.

use criterion::{Criterion, criterion_group, criterion_main};
use ismap_bench::{DETAILED, catalog, profile, registry};
use ismap_core::check::Engine;
use ismap_core::validity::ExpiryRule;
use ismap_formats::registry_json::{parse_registry, write_registry};
use std::hint::black_box;

// The allocator of the `ismap` binary, so that the figures are those of the product.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn check(c: &mut Criterion) {
    let catalog = catalog(DETAILED);
    let profile = profile(&catalog, 300, 20, 1);
    let mut group = c.benchmark_group("check");
    group.sample_size(20);
    for statements in [40, 300] {
        let registry = registry(&catalog, 10_000, statements, 1);
        let date = profile.evaluation_date.unwrap_or_default();
        group.bench_function(
            format!("10000 registrations x {statements} statements, 300 controls, 20 features"),
            |b| {
                b.iter(|| {
                    let engine =
                        Engine::new(&catalog, &registry, &profile, date, ExpiryRule::Civil)
                            .expect("known controls");
                    let results = engine.evaluate(&engine.default_candidates());
                    black_box(results.len())
                })
            },
        );
    }
    let registry = registry(&catalog, 10_000, 40, 1);
    let json = write_registry(&registry, &catalog);
    group.bench_function(
        format!(
            "parse registry JSON ({} MB, 40 statements each)",
            json.len() / 1_000_000
        ),
        |b| {
            b.iter(|| {
                parse_registry("bench.json", black_box(json.as_bytes()), &catalog)
                    .map(|r| r.registry.len())
            })
        },
    );
    group.finish();
}

criterion_group!(benches, check);
criterion_main!(benches);

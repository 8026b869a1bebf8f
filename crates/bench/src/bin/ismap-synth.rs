//! Writes a synthetic criteria directory, registry and profile for command-line benchmarks:
//! `ismap-synth --out DIR [--registrations N] [--statements S] [--required R] [--features F]`.

use anyhow::{Context, Result};
use clap::Parser;
use ismap_bench::{catalog, ids_csv, profile, registry};
use ismap_formats::profile_toml::write_profile;
use ismap_formats::registry_json::write_registry;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 10_000)]
    registrations: usize,
    /// Control statements per registration
    #[arg(long, default_value_t = 40)]
    statements: usize,
    #[arg(long, default_value_t = 300)]
    required: usize,
    #[arg(long, default_value_t = 20)]
    features: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Refer to the built-in 2022-04-01 criteria (261 IDs), so that the registry can be
    /// imported into a database, instead of the synthetic 1,200-control criteria
    #[arg(long)]
    builtin_criteria: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let catalog = if args.builtin_criteria {
        ismap_formats::criteria::builtin_catalog()?
    } else {
        catalog()
    };
    let criteria_dir = args.out.join(catalog.version());
    std::fs::create_dir_all(&criteria_dir)
        .with_context(|| format!("cannot create {}", criteria_dir.display()))?;
    std::fs::write(criteria_dir.join("ids.csv"), ids_csv(&catalog))?;
    let registry = registry(&catalog, args.registrations, args.statements, args.seed);
    std::fs::write(
        args.out.join("registry.json"),
        write_registry(&registry, &catalog),
    )?;
    let profile = profile(&catalog, args.required, args.features, args.seed);
    std::fs::write(args.out.join("profile.toml"), write_profile(&profile))?;
    println!(
        "{}: {} criteria, {} registrations × {} statements, profile of {} controls and {} features",
        args.out.display(),
        catalog.len(),
        registry.len(),
        args.statements,
        profile.controls.required.len(),
        profile.features.len()
    );
    Ok(())
}

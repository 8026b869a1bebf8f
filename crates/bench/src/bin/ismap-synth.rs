//! Writes a synthetic criteria directory, registry and profile for command-line benchmarks:
//! `ismap-synth --out DIR [--registrations N] [--statements S | --full-statements]
//! [--controls C | --builtin-criteria] [--required R] [--features F]`.

use anyhow::{Context, Result};
use clap::Parser;
use ismap_bench::{DETAILED, catalog, ids_csv, profile, registry};
use ismap_formats::profile_toml::write_profile;
use ismap_formats::registry_json::write_registry;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value_t = 10_000)]
    registrations: usize,
    /// Control statements per registration, drawn at random
    #[arg(long, default_value_t = 40, conflicts_with = "full_statements")]
    statements: usize,
    /// Every registration states every ID of the criteria, in order, as a full statement does
    #[arg(long)]
    full_statements: bool,
    /// Detailed controls of the synthetic criteria (the real 2022 criteria have about 1,160)
    #[arg(long, default_value_t = DETAILED, conflicts_with = "builtin_criteria")]
    controls: usize,
    #[arg(long, default_value_t = 300)]
    required: usize,
    #[arg(long, default_value_t = 20)]
    features: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Refer to the built-in 2022-04-01 criteria (261 IDs), so that the registry can be
    /// imported into a database, instead of the synthetic criteria
    #[arg(long)]
    builtin_criteria: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let catalog = if args.builtin_criteria {
        ismap_formats::criteria::builtin_catalog()?
    } else {
        catalog(args.controls)
    };
    let criteria_dir = args.out.join(catalog.version());
    std::fs::create_dir_all(&criteria_dir)
        .with_context(|| format!("cannot create {}", criteria_dir.display()))?;
    std::fs::write(criteria_dir.join("ids.csv"), ids_csv(&catalog))?;
    let statements = if args.full_statements {
        catalog.len()
    } else {
        args.statements
    };
    let registry = registry(&catalog, args.registrations, statements, args.seed);
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
        statements,
        profile.controls.required.len(),
        profile.features.len()
    );
    Ok(())
}

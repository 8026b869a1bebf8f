//! Where a command reads the registry from: a file, the built-in demo, or the database.

use crate::BadInput;
use crate::context::{Context, date_arg, read_file};
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use ismap_core::criteria::Catalog;
use ismap_core::registry::Registry;
use ismap_formats::criteria::parse_catalog;
use ismap_formats::demo;
use ismap_formats::read_registry;
use ismap_formats::registry_json::{canonical_sha256, parse_registry};
use ismap_report::{Origin, RegistryInfo};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RegistrySource {
    /// Read the registry from this file (.json, .csv or .xlsx) instead of the database
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    registry: Option<PathBuf>,
    /// Use the built-in fictional demo registry instead of the database
    #[arg(long)]
    demo: bool,
    /// With --registry or --demo: read the criteria structure from this directory (ids.csv,
    /// optional sections.csv and titles.csv; the directory's name is the version) instead of
    /// the built-in 2022-04-01 structure. Repeat for a list that mixes versions: the first is
    /// the one profiles and reports use, and each entry is read under its own
    /// `criteria_version`
    #[arg(long, value_name = "DIR")]
    criteria: Vec<PathBuf>,
    /// The list as it was on this date (YYYY-MM-DD), from the database's history
    #[arg(long, value_name = "DATE", value_parser = date_arg, conflicts_with_all = ["registry", "demo"])]
    as_of: Option<NaiveDate>,
}

pub struct Loaded {
    pub registry: Registry,
    pub catalog: Catalog,
    pub info: RegistryInfo,
}

impl RegistrySource {
    /// The database's current list.
    pub fn database() -> RegistrySource {
        RegistrySource {
            registry: None,
            demo: false,
            criteria: Vec::new(),
            as_of: None,
        }
    }

    fn file_catalog(&self, ctx: &Context) -> Result<Catalog> {
        let Some((first, others)) = self.criteria.split_first() else {
            return ctx.builtin_catalog();
        };
        let mut catalog = read_catalog_dir(first)?;
        for dir in others {
            catalog = catalog
                .merge(&read_catalog_dir(dir)?)
                .map_err(|e| BadInput(format!("--criteria {}: {e}", dir.display())))?;
        }
        Ok(catalog)
    }

    /// Whether the registry comes from the database (neither --registry nor --demo).
    pub fn is_database(&self) -> bool {
        self.registry.is_none() && !self.demo
    }

    pub async fn load(&self, ctx: &Context) -> Result<Loaded> {
        if self.registry.is_some() || self.demo {
            let catalog = self.file_catalog(ctx)?;
            let (loaded, origin) = match &self.registry {
                Some(path) => {
                    let bytes = read_file(path)?;
                    let name = path.display().to_string();
                    (read_registry(&name, &bytes, &catalog)?, Origin::file(path))
                }
                None => {
                    let demo = demo::REGISTRY_JSON.as_bytes();
                    (parse_registry("demo", demo, &catalog)?, Origin::Demo)
                }
            };
            return Ok(Loaded {
                info: RegistryInfo::new(&loaded.registry, loaded.sha256, origin),
                registry: loaded.registry,
                catalog,
            });
        }
        if !self.criteria.is_empty() {
            return Err(BadInput(
                "--criteria: only with --registry or --demo (the database holds its own criteria)"
                    .into(),
            )
            .into());
        }
        let store = ctx.store().await?;
        let catalog = store
            .load_criteria(ismap_core::criteria::BUILTIN_VERSION)
            .await?;
        let registry = match self.as_of {
            Some(date) => store.registry_as_of(date, &catalog).await?,
            None => store.load_registry(&catalog).await?,
        };
        if registry.is_empty() && self.as_of.is_none() {
            return Err(BadInput(ctx.lang.pick(
                "データベースにISMAPクラウドサービスリストがありません。`ismap import registry FILE` か `ismap demo` で取り込むか、--registry FILE を指定してください",
                "the database holds no registry: run `ismap import registry FILE` or `ismap demo`, or pass --registry FILE",
            ).to_owned())
            .into());
        }
        let origin = Origin::Database {
            revision: Some(store.list_revision().await?),
            as_of: self.as_of,
        };
        let info = RegistryInfo::new(&registry, canonical_sha256(&registry, &catalog), origin);
        Ok(Loaded {
            registry,
            catalog,
            info,
        })
    }
}

/// A criteria structure from a directory of CSV files named as in `data/criteria/<version>/`.
fn read_catalog_dir(dir: &Path) -> Result<Catalog> {
    let version = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        BadInput(format!(
            "--criteria: {} has no usable name to serve as the version",
            dir.display()
        ))
    })?;
    let read = |name: &str, required: bool, header: &str| -> Result<(String, String)> {
        let path = dir.join(name);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| BadInput(format!("{}: not UTF-8 text", path.display())))?,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => header.to_owned(),
            Err(e) => return Err(BadInput(format!("{}: cannot read: {e}", path.display())).into()),
        };
        Ok((path.display().to_string(), text))
    };
    let ids = read("ids.csv", true, "")?;
    let sections = read("sections.csv", false, "id,kind,title_en,title_ja\n")?;
    let titles = read("titles.csv", false, "id,title_ja,title_en\n")?;
    Ok(parse_catalog(
        version,
        (&ids.0, &ids.1),
        (&sections.0, &sections.1),
        (&titles.0, &titles.1),
    )?)
}

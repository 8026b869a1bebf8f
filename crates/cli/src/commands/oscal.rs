use crate::BadInput;
use crate::context::{Context, read_file};
use crate::output;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use ismap_core::criteria::BUILTIN_VERSION;
use ismap_core::crosswalk::Framework;
use ismap_formats::oscal::{self, OscalError};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum OscalCmd {
    /// Write the ISMAP criteria as an OSCAL catalog, the basic baseline as a profile, or the
    /// crosswalk as an OSCAL 1.2 mapping collection
    Convert(ConvertCmd),
    /// Resolve an OSCAL profile into a catalog (imports are read next to the profile)
    Resolve(ResolveCmd),
    /// Check an OSCAL catalog, profile or mapping collection: readable, ids unique, a
    /// profile's imports resolve, a mapping follows the OSCAL 1.2 mapping rules
    Validate(ValidateCmd),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum What {
    Catalog,
    Profile,
    /// A registration's statement as a component-definition (needs --service)
    Component,
    /// The crosswalk from --from to --to as an OSCAL 1.2 mapping-collection
    Mapping,
}

#[derive(Debug, Args)]
pub struct ConvertCmd {
    what: What,
    #[arg(long, default_value = BUILTIN_VERSION)]
    criteria_version: String,
    /// For a profile or component: the href of the ISMAP catalog
    #[arg(long, default_value = "ismap-catalog.json")]
    catalog_href: String,
    /// For a component: the registration number
    #[arg(long, value_name = "NO")]
    service: Option<String>,
    /// For a mapping: the source framework
    #[arg(long, default_value = "ismap")]
    from: Framework,
    /// For a mapping: the target framework
    #[arg(long, default_value = "nist-800-53r5")]
    to: Framework,
    #[command(flatten)]
    source: super::source::RegistrySource,
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResolveCmd {
    profile: PathBuf,
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    imports: ImportArgs,
}

#[derive(Debug, Args)]
pub struct ValidateCmd {
    file: PathBuf,
    #[command(flatten)]
    imports: ImportArgs,
}

/// Where a profile's imports may be read from.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A directory imports may also be read from (repeat for several); by default only the
    /// profile's own directory and those below it
    #[arg(long = "allow-path", value_name = "DIR")]
    allow: Vec<PathBuf>,
}

/// The most files one resolution reads (profiles importing profiles and catalogs).
const MAX_IMPORTS: usize = 64;
/// The largest file an import may be (NIST's full catalog is about 10 MB).
const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// A profile or catalog, its controls read as skeletons ([`oscal::lazy`]); a NUL anywhere is
/// refused, so nothing in it can pass for one.
fn read_json(path: &Path) -> Result<Value> {
    oscal::lazy::read(&read_file(path)?)
        .map_err(|e| BadInput(format!("{}: {e}", path.display())).into())
}

/// Finds an import: a path next to the profile (NIST's `.xml` hrefs are read as the `.json`
/// beside them), or `#uuid` naming a back-matter resource of the profile.
/// Only local files, inside the profile's directory or a `--allow-path` directory, at most
/// [`MAX_IMPORTS`] of them: a profile is outside input, and its hrefs must not make ismap read
/// arbitrary files or fan out without end.
fn loader<'a>(
    profile_path: &'a Path,
    profile: &'a Value,
    imports: &'a ImportArgs,
) -> impl FnMut(&str) -> Result<Value, OscalError> + 'a {
    let dir = profile_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let roots: Vec<PathBuf> = std::iter::once(dir.clone())
        .chain(imports.allow.iter().cloned())
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    let mut loaded = 0usize;
    move |href: &str| {
        loaded += 1;
        if loaded > MAX_IMPORTS {
            return Err(OscalError::Load {
                href: href.to_owned(),
                message: format!("more than {MAX_IMPORTS} imports in one resolution"),
            });
        }
        let target = match href.strip_prefix('#') {
            Some(uuid) => profile["profile"]["back-matter"]["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["uuid"] == uuid)
                .and_then(|r| {
                    r["rlinks"]
                        .as_array()?
                        .iter()
                        .find_map(|l| l["href"].as_str())
                })
                .map(str::to_owned)
                .ok_or_else(|| OscalError::Load {
                    href: href.to_owned(),
                    message: "no back-matter resource with a link".into(),
                })?,
            None => href.to_owned(),
        };
        if target.contains("://") {
            return Err(OscalError::Load {
                href: href.to_owned(),
                message: format!(
                    "{target}: remote imports are not fetched; download the file and import it by path"
                ),
            });
        }
        let mut path = dir.join(&target);
        if !path.exists() && path.extension().is_some_and(|e| e == "xml") {
            path.set_extension("json");
        }
        let unreadable = |e: std::io::Error| OscalError::Load {
            href: href.to_owned(),
            message: format!("{}: {e}", path.display()),
        };
        let real = path.canonicalize().map_err(unreadable)?;
        if !roots.iter().any(|root| real.starts_with(root)) {
            return Err(OscalError::Load {
                href: href.to_owned(),
                message: format!(
                    "{}: outside the profile's directory; allow it with --allow-path DIR",
                    path.display()
                ),
            });
        }
        let size = std::fs::metadata(&real).map_err(unreadable)?.len();
        if size > MAX_IMPORT_BYTES {
            return Err(OscalError::Load {
                href: href.to_owned(),
                message: format!(
                    "{}: {size} bytes, more than {MAX_IMPORT_BYTES}",
                    path.display()
                ),
            });
        }
        let bytes = std::fs::read(&real).map_err(unreadable)?;
        // Controls as skeletons: resolution only moves them (see `oscal::lazy`).
        oscal::lazy::read(&bytes).map_err(|e| OscalError::Load {
            href: href.to_owned(),
            message: e.to_string(),
        })
    }
}

fn pretty(v: &Value) -> String {
    let mut text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.push('\n');
    text
}

impl OscalCmd {
    pub async fn run(self, ctx: &Context) -> Result<()> {
        match self {
            OscalCmd::Convert(c) => {
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
                let doc = match c.what {
                    What::Component => {
                        let Some(no) = &c.service else {
                            return Err(BadInput(
                                "convert component: name the registration with --service NO".into(),
                            )
                            .into());
                        };
                        let loaded = c.source.load(ctx).await?;
                        let number = ismap_core::ids::RegistrationNumber::parse(no)
                            .map_err(|e| BadInput(format!("--service: {e}")))?;
                        let r = loaded.registry.get(&number).ok_or_else(|| {
                            BadInput(format!("--service: no registration {number}"))
                        })?;
                        oscal::component_definition(r, &loaded.catalog, &c.catalog_href, &now)
                    }
                    What::Mapping => {
                        if c.from == c.to {
                            return Err(BadInput(format!(
                                "convert mapping: --from and --to are both {}",
                                c.from
                            ))
                            .into());
                        }
                        oscal::mapping_collection(
                            ismap_formats::crosswalk::builtin_crosswalk(),
                            &ctx.builtin_catalog()?,
                            c.from,
                            c.to,
                            &c.catalog_href,
                            &now,
                        )
                    }
                    What::Catalog | What::Profile => {
                        let catalog = ctx.store().await?.load_catalog(&c.criteria_version).await?;
                        match c.what {
                            What::Catalog => oscal::catalog(&catalog, ctx.lang, &now),
                            _ => oscal::basic_profile(&catalog, &c.catalog_href, &now),
                        }
                    }
                };
                output::write(&pretty(&doc), c.output.as_deref())
            }
            OscalCmd::Resolve(c) => {
                let profile = read_json(&c.profile)?;
                let resolved =
                    oscal::resolve(&profile, &mut loader(&c.profile, &profile, &c.imports))
                        .map_err(|e| BadInput(format!("{}: {e}", c.profile.display())))?;
                let mut text = oscal::lazy::to_pretty(&resolved)
                    .map_err(|e| BadInput(format!("{}: {e}", c.profile.display())))?;
                text.push(b'\n');
                // The document is left to the operating system at exit, like a registry.
                std::mem::forget(resolved);
                output::emit(c.output.as_deref(), |w| w.write_all(&text))
            }
            OscalCmd::Validate(c) => {
                let name = c.file.display().to_string();
                let bytes = read_file(&c.file)?;
                // A catalog is checked on a typed reading, without building the document.
                if let Ok(summary) = oscal::validate_catalog(&bytes) {
                    let line = format!(
                        "{name}: catalog {}, {} controls, {} parameters\n",
                        ctx.lang.pick("（妥当）", "(valid)"),
                        summary.controls,
                        summary.params
                    );
                    return output::write(&line, None);
                }
                let doc: Value =
                    serde_json::from_slice(&bytes).map_err(|e| BadInput(format!("{name}: {e}")))?;
                if oscal::model_of(&doc) == Some("catalog") {
                    let reason = oscal::validate_catalog(&bytes).err().unwrap_or_default();
                    return Err(BadInput(format!("{name}: {reason}")).into());
                }
                if oscal::model_of(&doc) == Some("mapping-collection") {
                    let problems = oscal::validate_mapping(&doc);
                    if !problems.is_empty() {
                        return Err(BadInput(format!("{name}: {}", problems.join("; "))).into());
                    }
                    let maps: usize = doc["mapping-collection"]["mappings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|m| m["maps"].as_array().map_or(0, Vec::len))
                        .sum();
                    return output::write(
                        &format!(
                            "{name}: mapping-collection {}, {maps} maps\n",
                            ctx.lang.pick("（妥当）", "(valid)")
                        ),
                        None,
                    );
                }
                let catalog = match oscal::model_of(&doc) {
                    Some("catalog") => doc.clone(),
                    Some("profile") => oscal::resolve(&doc, &mut loader(&c.file, &doc, &c.imports))
                        .map_err(|e| BadInput(format!("{name}: {e}")))?,
                    other => {
                        return Err(BadInput(format!(
                            "{name}: expected an OSCAL catalog, profile or mapping-collection, found {other:?}"
                        ))
                        .into());
                    }
                };
                let ids = oscal::control_ids(&catalog);
                let mut seen = std::collections::HashSet::new();
                if let Some(dup) = ids.iter().find(|i| !seen.insert(*i)) {
                    return Err(BadInput(format!("{name}: control id {dup} appears twice")).into());
                }
                if let Some(empty) = ids.iter().position(String::is_empty) {
                    return Err(BadInput(format!("{name}: control {} has no id", empty + 1)).into());
                }
                output::write(
                    &format!(
                        "{name}: {} {}, {} controls\n",
                        oscal::model_of(&doc).unwrap_or(""),
                        ctx.lang.pick("（妥当）", "(valid)"),
                        ids.len()
                    ),
                    None,
                )
            }
        }
    }
}

//! The crosswalk: ISMAP ↔ ISO/IEC 27001:2013 ↔ ISO/IEC 27001:2022 ↔ NIST SP 800-53r5, and
//! FedRAMP's rev5 baselines as sets of NIST IDs (docs/crosswalk.md).
//!
//! Published pairs are kept as edges between IDs, each with its relationship and source. A
//! look-up follows fixed routes (for example ISMAP → ISO 2013 → NIST through NIST's 2013
//! tables, or ISMAP → ISO 2013 → ISO 2022 → NIST through OLIR #155) and reports every path
//! it finds with each step's source. A derived link is never stronger than its weakest step
//! ([`Relationship::then`]); two routes that disagree are both shown. A link suggests where
//! evidence may be reused; it does not prove conformity.

mod expand;
mod framework;
mod gap;
mod ismap_join;

pub use expand::{Expansion, MappedControl, MappedRequirement, Requirement};
pub use framework::{FedrampBaseline, Framework, Relationship};
pub use gap::{Coverage, Gap, GapRow, Held, HeldStatus};
pub use ismap_join::NoLink;

use crate::criteria::{Catalog, ControlKey};
use crate::lang::Lang;
use std::collections::HashMap;

/// A published pair, as a data file gives it (`from` and `to` in the file's column order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub from: (Framework, String),
    pub to: (Framework, String),
    pub relationship: Relationship,
    /// NIST's asterisk: the ISO control does not fully satisfy the NIST control's intent.
    pub partial: bool,
    pub source: String,
}

/// A NIST SP 800-53r5 ID, withdrawn or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NistId {
    pub id: String,
    /// For a withdrawn control: where its content went (empty if it went nowhere).
    pub withdrawn_into: Option<Vec<String>>,
}

/// An ID in one framework.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Node {
    #[serde(serialize_with = "framework_code")]
    pub framework: Framework,
    pub id: String,
}

fn framework_code<S: serde::Serializer>(f: &Framework, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(f.code())
}

impl Node {
    pub fn new(framework: Framework, id: impl Into<String>) -> Node {
        Node {
            framework,
            id: id.into(),
        }
    }
}

/// One step of a derived link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    pub to: Node,
    pub relationship: Relationship,
    pub partial: bool,
    pub source: String,
}

/// The frameworks a look-up passes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Route(&'static [Framework]);

impl Route {
    pub fn frameworks(self) -> &'static [Framework] {
        self.0
    }

    /// `ismap→iso27001-2013→nist-800-53r5`.
    pub fn code(self) -> String {
        self.0
            .iter()
            .map(|f| f.code())
            .collect::<Vec<_>>()
            .join("→")
    }

    /// `ISMAP → ISO 2013 → NIST`, for people.
    pub fn label(self) -> String {
        self.0
            .iter()
            .map(|f| f.short_label())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

impl serde::Serialize for Route {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// Every route, written from ISMAP outwards; each is also walked backwards.
const ROUTES: &[&[Framework]] = {
    use Framework::*;
    &[
        &[Ismap, Iso2013],
        &[Ismap, Iso2013, Iso2022],
        &[Ismap, Iso2013, Nist],
        &[Ismap, Iso2013, Iso2022, Nist],
        &[Iso2013, Iso2022],
        &[Iso2013, Nist],
        &[Iso2013, Iso2022, Nist],
        &[Iso2022, Nist],
        &[Iso2022, Iso2013, Nist],
    ]
};
const REVERSED: &[&[Framework]] = {
    use Framework::*;
    &[
        &[Iso2013, Ismap],
        &[Iso2022, Iso2013, Ismap],
        &[Nist, Iso2013, Ismap],
        &[Nist, Iso2022, Iso2013, Ismap],
        &[Iso2022, Iso2013],
        &[Nist, Iso2013],
        &[Nist, Iso2022, Iso2013],
        &[Nist, Iso2022],
        &[Nist, Iso2013, Iso2022],
    ]
};

/// The routes from one framework to another.
pub fn routes(from: Framework, to: Framework) -> Vec<Route> {
    ROUTES
        .iter()
        .chain(REVERSED)
        .filter(|r| r.first() == Some(&from) && r.last() == Some(&to))
        .map(|r| Route(r))
        .collect()
}

/// A path from the looked-up ID to a target, with its combined relationship.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    pub route: Route,
    pub relationship: Relationship,
    /// Some step carries NIST's "does not fully satisfy" asterisk.
    pub partial: bool,
    pub steps: Vec<Step>,
}

impl Link {
    fn new(route: Route, steps: Vec<Step>) -> Link {
        Link {
            route,
            relationship: steps
                .iter()
                .fold(Relationship::Equal, |r, s| r.then(s.relationship)),
            partial: steps.iter().any(|s| s.partial),
            steps,
        }
    }

    pub fn target(&self) -> &Node {
        &self.steps.last().expect("a link has at least one step").to
    }

    /// `ac-2 →〔関連／NIST … 表1・表2〕A.9.2.1 →〔同等／本ツールの番号対応 …〕9.2.1`: each
    /// step with its relationship and source.
    pub fn describe(&self, from: &str, lang: Lang) -> String {
        let mut out = from.to_owned();
        for s in &self.steps {
            let relationship = s.relationship.label(lang);
            let source = source_label(&s.source, lang);
            let partial = if s.partial {
                lang.pick(
                    "、NIST 注: 意図を完全には満たさない",
                    "; NIST: does not fully meet the intent",
                )
            } else {
                ""
            };
            match lang {
                Lang::Ja => out.push_str(&format!(
                    " →〔{relationship}／{source}{partial}〕{}",
                    s.to.id
                )),
                Lang::En => out.push_str(&format!(
                    " → [{relationship}; {source}{partial}] {}",
                    s.to.id
                )),
            }
        }
        out
    }
}

/// Every link to one target, and the routes that do not reach it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Target {
    pub node: Node,
    pub links: Vec<Link>,
    /// Routes tried that do not reach this target: the routes disagree.
    pub missing_routes: Vec<Route>,
}

impl Target {
    pub fn strongest(&self) -> Relationship {
        self.links
            .iter()
            .map(|l| l.relationship)
            .max_by_key(|r| r.strength())
            .unwrap_or(Relationship::Related)
    }
}

/// The answer to "what is X linked to".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Lookup {
    pub source: Node,
    /// Why there is nothing to show, when there is nothing.
    pub no_link: Option<NoLink>,
    /// For a withdrawn NIST control: the controls its content went to.
    pub withdrawn_into: Option<Vec<String>>,
    pub targets: Vec<Target>,
}

/// A look-up that cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("{value:?} is not {expected}")]
    BadId { value: String, expected: String },
    #[error("{id} is not a known {framework} ID")]
    UnknownId { framework: Framework, id: String },
}

impl LookupError {
    /// What was wrong, without the value (bad-input errors name the value separately).
    pub fn reason(&self) -> String {
        match self {
            LookupError::BadId { expected, .. } => format!("expected {expected}"),
            LookupError::UnknownId { framework, .. } => {
                format!("not a known {} ID", framework.label(Lang::En))
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    to: u32,
    relationship: Relationship,
    partial: bool,
    source: u16,
}

/// The published pairs as a graph, built once; look-ups are a few hash probes.
#[derive(Debug, Default)]
pub struct Crosswalk {
    nodes: Vec<Node>,
    index: HashMap<(Framework, String), u32>,
    edges: Vec<Vec<Edge>>,
    sources: Vec<String>,
    fedramp: HashMap<FedrampBaseline, Vec<String>>,
    withdrawn: HashMap<String, Vec<String>>,
}

impl Crosswalk {
    pub fn new(
        pairs: Vec<Pair>,
        nist_ids: Vec<NistId>,
        fedramp: Vec<(FedrampBaseline, String)>,
    ) -> Crosswalk {
        let mut cw = Crosswalk::default();
        for n in nist_ids {
            cw.node(Framework::Nist, &n.id);
            if let Some(into) = n.withdrawn_into {
                cw.withdrawn.insert(n.id, into);
            }
        }
        for p in pairs {
            let from = cw.node(p.from.0, &p.from.1);
            let to = cw.node(p.to.0, &p.to.1);
            let source = match cw.sources.iter().position(|s| *s == p.source) {
                Some(i) => i,
                None => {
                    cw.sources.push(p.source);
                    cw.sources.len() - 1
                }
            } as u16;
            let edge = |to, relationship| Edge {
                to,
                relationship,
                partial: p.partial,
                source,
            };
            cw.edges[from as usize].push(edge(to, p.relationship));
            cw.edges[to as usize].push(edge(from, p.relationship.reversed()));
        }
        for (baseline, id) in fedramp {
            cw.fedramp.entry(baseline).or_default().push(id);
        }
        cw
    }

    fn node(&mut self, framework: Framework, id: &str) -> u32 {
        let key = (framework, id.to_owned());
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.nodes.len() as u32;
        self.nodes.push(Node::new(framework, id));
        self.edges.push(Vec::new());
        self.index.insert(key, i);
        i
    }

    /// The NIST IDs of a FedRAMP baseline, in FedRAMP's order.
    pub fn fedramp(&self, baseline: FedrampBaseline) -> &[String] {
        self.fedramp.get(&baseline).map_or(&[], Vec::as_slice)
    }

    /// Every ID the tables know in a framework other than ISMAP, in table order.
    pub fn ids(&self, framework: Framework) -> impl Iterator<Item = &str> {
        self.nodes
            .iter()
            .filter(move |n| n.framework == framework)
            .map(|n| n.id.as_str())
    }

    /// `raw` in the framework's ID form, if the framework (or the catalog, for ISMAP) has it.
    pub fn resolve_id(
        &self,
        catalog: &Catalog,
        framework: Framework,
        raw: &str,
    ) -> Result<String, LookupError> {
        let id = framework
            .normalise_id(raw)
            .map_err(|expected| LookupError::BadId {
                value: raw.to_owned(),
                expected,
            })?;
        let known = match framework {
            Framework::Ismap => catalog.key_of(&id).is_some(),
            _ => self.index.contains_key(&(framework, id.clone())),
        };
        if known {
            Ok(id)
        } else {
            Err(LookupError::UnknownId { framework, id })
        }
    }

    /// Everything `id` (already resolved) is linked to, in `to` or in every other framework.
    pub fn lookup(
        &self,
        catalog: &Catalog,
        from: Framework,
        id: &str,
        to: Option<Framework>,
    ) -> Lookup {
        let source = Node::new(from, id);
        let mut no_link = None;
        if from == Framework::Ismap
            && let Some(key) = catalog.key_of(id)
            && let Err(why) = ismap_join::to_iso2013(catalog, key)
        {
            no_link = Some(why);
        }
        let mut targets: Vec<Target> = Vec::new();
        for target in Framework::ALL {
            if target == from || to.is_some_and(|t| t != target) {
                continue;
            }
            let tried = routes(from, target);
            let start = targets.len();
            for &route in &tried {
                let mut found = Vec::new();
                self.walk(catalog, route, &source, &mut Vec::new(), &mut found);
                for link in found {
                    match targets[start..]
                        .iter_mut()
                        .find(|t| t.node == *link.target())
                    {
                        Some(t) => t.links.push(link),
                        None => targets.push(Target {
                            node: link.target().clone(),
                            links: vec![link],
                            missing_routes: Vec::new(),
                        }),
                    }
                }
            }
            for t in &mut targets[start..] {
                t.missing_routes = tried
                    .iter()
                    .filter(|r| !t.links.iter().any(|l| l.route == **r))
                    .copied()
                    .collect();
            }
            targets[start..].sort_by_key(|t| natural(&t.node.id));
        }
        if targets.is_empty() && no_link.is_none() {
            no_link = Some(NoLink::NotMapped);
        }
        Lookup {
            withdrawn_into: (from == Framework::Nist)
                .then(|| self.withdrawn.get(id).cloned())
                .flatten(),
            source,
            no_link,
            targets,
        }
    }

    fn walk(
        &self,
        catalog: &Catalog,
        route: Route,
        at: &Node,
        path: &mut Vec<Step>,
        out: &mut Vec<Link>,
    ) {
        let Some(&next) = route.0.get(path.len() + 1) else {
            if !path.is_empty() {
                out.push(Link::new(route, path.clone()));
            }
            return;
        };
        for step in self.neighbours(catalog, at, next) {
            let to = step.to.clone();
            path.push(step);
            self.walk(catalog, route, &to, path, out);
            path.pop();
        }
    }

    fn neighbours(&self, catalog: &Catalog, at: &Node, next: Framework) -> Vec<Step> {
        let step = |framework, id: &str, relationship, partial, source: &str| Step {
            to: Node::new(framework, id),
            relationship,
            partial,
            source: source.to_owned(),
        };
        match (at.framework, next) {
            (Framework::Ismap, Framework::Iso2013) => catalog
                .key_of(&at.id)
                .and_then(|key| ismap_join::to_iso2013(catalog, key).ok())
                .filter(|(iso, _, _)| self.index.contains_key(&(Framework::Iso2013, iso.clone())))
                .map(|(iso, rel, source)| step(Framework::Iso2013, &iso, rel, false, source))
                .into_iter()
                .collect(),
            (Framework::Iso2013, Framework::Ismap) => ismap_join::from_iso2013(catalog, &at.id)
                .into_iter()
                .map(|(key, rel, source)| {
                    step(
                        Framework::Ismap,
                        catalog.get(key).id.as_str(),
                        rel,
                        false,
                        source,
                    )
                })
                .collect(),
            _ => self
                .index
                .get(&(at.framework, at.id.clone()))
                .map(|&i| self.edges[i as usize].as_slice())
                .unwrap_or_default()
                .iter()
                .filter(|e| self.nodes[e.to as usize].framework == next)
                .map(|e| {
                    let n = &self.nodes[e.to as usize];
                    step(
                        n.framework,
                        &n.id,
                        e.relationship,
                        e.partial,
                        &self.sources[e.source as usize],
                    )
                })
                .collect(),
        }
    }

    /// Every ISMAP item of the catalog with its links into `to`, in catalog order.
    pub fn ismap_links(&self, catalog: &Catalog, to: Framework) -> Vec<(ControlKey, Lookup)> {
        catalog
            .keys()
            .map(|key| {
                let id = catalog.get(key).id.as_str();
                (key, self.lookup(catalog, Framework::Ismap, id, Some(to)))
            })
            .collect()
    }
}

/// Sort key that orders `A.9.2.10` after `A.9.2.9` and `ac-10` after `ac-9`.
fn natural(id: &str) -> Vec<(String, u32)> {
    id.split(['.', '-'])
        .map(|part| match part.parse::<u32>() {
            Ok(n) => (String::new(), n),
            Err(_) => (part.to_owned(), 0),
        })
        .collect()
}

/// The source of the step from a NIST enhancement (`ac-2.1`) to its base control (`ac-2`).
pub const SOURCE_ENHANCEMENT: &str = "ismap-enhancement-base-control";

/// Every source the ISMAP join and the shipped tables name (`data/crosswalk/README.md`).
pub const SOURCES: [&str; 11] = [
    ismap_join::SOURCE_OBJECTIVE,
    ismap_join::SOURCE_DETAILED,
    ismap_join::SOURCE_CLOUD_ADDITION,
    SOURCE_ENHANCEMENT,
    "nist-olir-155",
    "nist-sp800-53r5-iso27001-mapping:T1",
    "nist-sp800-53r5-iso27001-mapping:T2",
    "nist-sp800-53r5-iso27001-mapping:T1+T2",
    "iso27002-2022-annexB+ciso-assistant",
    "iso27002-2022-annexB",
    "ciso-assistant",
];

/// What a source code in the data (or the ISMAP join) means, for people: whose analysis
/// each step rests on, ismap's own included.
pub fn source_label(code: &str, lang: Lang) -> String {
    let label = match code {
        ismap_join::SOURCE_OBJECTIVE => lang.pick(
            "本ツールの番号対応（統制目標 X.Y.Z ＝ 附属書A A.X.Y.Z）",
            "ismap's join by number (objective X.Y.Z = Annex A A.X.Y.Z)",
        ),
        ismap_join::SOURCE_DETAILED => lang.pick(
            "本ツールによる対応（詳細管理策は統制目標の対応を引き継ぐ）",
            "ismap's join (a detailed control takes its control objective's link)",
        ),
        ismap_join::SOURCE_CLOUD_ADDITION => lang.pick(
            "本ツールによる対応（ISO/IEC 27017 由来のクラウド固有の詳細管理策。統制目標の対応を引き継ぐが、附属書Aを超える要求のため「関連」）",
            "ismap's join (cloud-specific detailed control from ISO/IEC 27017: takes its objective's link as 'related', since it asks for more than Annex A)",
        ),
        SOURCE_ENHANCEMENT => lang.pick(
            "本ツールによる対応（拡張管理策は公開対応表にほとんど含まれないため、基本管理策の対応を「関連」として参照）",
            "ismap's join (enhancements are rarely in the published mappings: the base control's links, as 'related')",
        ),
        "nist-olir-155" => lang.pick(
            "NIST OLIR #155（SP 800-53 Rev.5–ISO/IEC 27001:2022 対応表）",
            "NIST OLIR #155 (SP 800-53 Rev. 5 to ISO/IEC 27001:2022)",
        ),
        "nist-sp800-53r5-iso27001-mapping:T1" => lang.pick(
            "NIST SP 800-53 Rev.5–ISO/IEC 27001:2013 対応表 表1",
            "NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2013 mapping, Table 1",
        ),
        "nist-sp800-53r5-iso27001-mapping:T2" => lang.pick(
            "NIST SP 800-53 Rev.5–ISO/IEC 27001:2013 対応表 表2",
            "NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2013 mapping, Table 2",
        ),
        "nist-sp800-53r5-iso27001-mapping:T1+T2" => lang.pick(
            "NIST SP 800-53 Rev.5–ISO/IEC 27001:2013 対応表 表1・表2",
            "NIST SP 800-53 Rev. 5 to ISO/IEC 27001:2013 mapping, Tables 1–2",
        ),
        "iso27002-2022-annexB+ciso-assistant" => lang.pick(
            "ISO/IEC 27002:2022 附属書B（新旧対照）。関係の種類は CISO Assistant（intuitem 社）による",
            "ISO/IEC 27002:2022 Annex B correspondence; relationship type from CISO Assistant (intuitem)",
        ),
        "iso27002-2022-annexB" => lang.pick(
            "ISO/IEC 27002:2022 附属書B（新旧対照）。関係の種類は本ツールが推定",
            "ISO/IEC 27002:2022 Annex B correspondence; relationship type inferred by ismap",
        ),
        "ciso-assistant" => lang.pick(
            "CISO Assistant（intuitem 社）の対応付け",
            "CISO Assistant (intuitem) mapping",
        ),
        other => other,
    };
    label.to_owned()
}

/// Said wherever a link is shown: what a mapping is good for, and what it is not.
pub fn disclaimer(lang: Lang) -> &'static str {
    lang.pick(
        "この対応表は、ある基準の証跡を別の基準でも使える可能性がある箇所を示す参考情報であり、適合や認証の代わりにはなりません。関係の種類（同等・対応先に包含される・対応先を包含する・一部重複・関連）は各段の出典または本ツールの判断によるもので、「関連」は範囲の関係が示されていない対応です。複数の対応表をたどった対応の関係は、途中のどの段よりも強くなりません。",
        "This mapping is for reference: it shows where evidence for one framework may be reused for another, and is no substitute for conformity or certification. Relationship types (equivalent, contained in target, contains target, overlaps, related) come from each step's source or from ismap's own join; 'related' means no scope relationship was stated. A link derived through several tables is never stronger than its weakest step.",
    )
}

#[cfg(test)]
mod tests;

//! Gap analysis for providers: given what is implemented in any framework, which ISMAP
//! controls may reuse that evidence, partly or fully, and which are left to evidence anew.

use super::{Crosswalk, Framework, Link, NoLink, Node, Relationship};
use crate::criteria::{Catalog, ControlKey};
use crate::lang::Lang;
use std::collections::HashMap;

/// How far a held control is implemented, as the provider's file says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HeldStatus {
    Implemented,
    Partial,
}

/// A control the provider already implements, in some framework.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub node: Node,
    pub status: HeldStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    NotCovered,
    /// Only related or overlapping links, or a partly implemented control.
    Partly,
    /// A held, implemented control whose requirements include the ISMAP control's.
    Covered,
}

impl Coverage {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Coverage::Covered => lang.pick("対応あり", "covered"),
            Coverage::Partly => lang.pick("一部対応", "partly covered"),
            Coverage::NotCovered => lang.pick("対応なし", "not covered"),
        }
    }

    /// What the provider still has to do for the control.
    pub fn action(self, lang: Lang) -> &'static str {
        match self {
            Coverage::Covered => lang.pick(
                "既存の証跡を再利用できる可能性があります。ISMAP の要求事項と照らして確認してください。",
                "Existing evidence may be reused; confirm it against the ISMAP requirement.",
            ),
            Coverage::Partly => lang.pick(
                "関連する既存の証跡はありますが、不足分を ISMAP 向けに用意してください。",
                "Related evidence exists; prepare what it lacks for ISMAP.",
            ),
            Coverage::NotCovered => lang.pick(
                "ISMAP 向けに新たに証跡を用意してください。",
                "Prepare evidence for ISMAP from scratch.",
            ),
        }
    }
}

/// One ISMAP control of the baseline, with the held control that covers it best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    pub key: ControlKey,
    pub coverage: Coverage,
    /// The held control and the path to it (none for a control held directly as ISMAP).
    pub via: Option<(Node, Option<Link>)>,
    /// Why the control has no link to the frameworks held, when that is known.
    pub no_link: Option<NoLink>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub rows: Vec<GapRow>,
}

impl Gap {
    /// (covered, partly, not covered).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0), |(c, p, n), r| match r.coverage {
                Coverage::Covered => (c + 1, p, n),
                Coverage::Partly => (c, p + 1, n),
                Coverage::NotCovered => (c, p, n + 1),
            })
    }
}

impl Crosswalk {
    /// For each control in `controls`, the best coverage any held control gives it.
    pub fn gap(&self, catalog: &Catalog, controls: &[ControlKey], held: &[Held]) -> Gap {
        let status: HashMap<&Node, HeldStatus> = held.iter().map(|h| (&h.node, h.status)).collect();
        let mut frameworks: Vec<Framework> = held.iter().map(|h| h.node.framework).collect();
        frameworks.sort_unstable();
        frameworks.dedup();
        let rows = controls
            .iter()
            .map(|&key| {
                let id = catalog.get(key).id.as_str();
                let mut best = GapRow {
                    key,
                    coverage: Coverage::NotCovered,
                    via: None,
                    no_link: None,
                };
                let direct = Node::new(Framework::Ismap, id);
                if let Some(&s) = status.get(&direct) {
                    best.coverage = coverage(Relationship::Equal, s);
                    best.via = Some((direct, None));
                }
                for &f in frameworks.iter().filter(|f| **f != Framework::Ismap) {
                    let lookup = self.lookup(catalog, Framework::Ismap, id, Some(f));
                    best.no_link = best.no_link.or(lookup.no_link);
                    for t in lookup.targets {
                        let Some(&s) = status.get(&t.node) else {
                            continue;
                        };
                        let Some(link) = t.links.into_iter().min_by_key(|l| {
                            (std::cmp::Reverse(l.relationship.strength()), l.steps.len())
                        }) else {
                            continue;
                        };
                        let c = coverage(link.relationship, s);
                        if c > best.coverage {
                            best.coverage = c;
                            best.via = Some((t.node, Some(link)));
                        }
                    }
                }
                if best.via.is_some() {
                    best.no_link = None;
                }
                best
            })
            .collect();
        Gap { rows }
    }
}

/// The ISMAP control is covered only when the held control's requirements include it
/// (equal or subset, read from the ISMAP side) and the held control is fully implemented.
fn coverage(relationship: Relationship, status: HeldStatus) -> Coverage {
    match (relationship, status) {
        (Relationship::Equal | Relationship::Subset, HeldStatus::Implemented) => Coverage::Covered,
        _ => Coverage::Partly,
    }
}

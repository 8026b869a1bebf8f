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

/// Whether evidence held for another framework may be reused for an ISMAP control: never
/// "covered" or "conformant", only where to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Coverage {
    #[serde(rename = "nothing_to_reuse")]
    NotCovered,
    /// Only related or overlapping links, or a partly implemented control.
    #[serde(rename = "partial_or_related")]
    Partly,
    /// A held, implemented control whose requirements include the ISMAP control's.
    #[serde(rename = "reuse_candidate")]
    Covered,
}

impl Coverage {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Coverage::Covered => lang.pick("再利用候補", "reuse candidate"),
            Coverage::Partly => lang.pick("一部・関連のみ", "partial or related only"),
            Coverage::NotCovered => lang.pick("再利用元なし", "nothing to reuse"),
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
                "関連する管理策を実装済みです。その証跡が ISMAP の要求をどこまで満たすかを確認し、不足分を用意してください。",
                "A related control is implemented. Check how far its evidence meets the ISMAP requirement and prepare what is missing.",
            ),
            Coverage::NotCovered => lang.pick(
                "保有する管理策からの対応付けはありません。ISMAP の要求に沿って証跡を用意してください（既存の文書が使えるかは個別に確認）。",
                "No held control is linked. Prepare evidence against the ISMAP requirement (existing documents may still serve; check case by case).",
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
    /// Controls it is linked to that are not held (the first few), when nothing held is.
    pub unheld: Vec<Node>,
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

/// How many linked-but-not-held controls a row names.
const UNHELD_SHOWN: usize = 5;

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
                    unheld: Vec::new(),
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
                            if best.unheld.len() < UNHELD_SHOWN {
                                best.unheld.push(t.node);
                            }
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
                    best.unheld.clear();
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

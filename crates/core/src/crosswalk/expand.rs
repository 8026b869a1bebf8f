//! Requirements written in an agency's own terms (NIST, ISO/IEC 27001, a FedRAMP baseline),
//! expanded to ISMAP controls, each remembering the path it came by.

use super::{Crosswalk, FedrampBaseline, Framework, Link, Node};
use crate::criteria::Catalog;
use crate::ids::ControlId;
use crate::lang::Lang;
use std::collections::HashMap;

/// One requirement as the profile wrote it (a FedRAMP baseline is one per NIST ID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub node: Node,
    pub fedramp: Option<FedrampBaseline>,
}

impl Requirement {
    /// `NIST SP 800-53 rev5 ac-2` or `FedRAMP Moderate: ac-2`.
    pub fn describe(&self, lang: Lang) -> String {
        match self.fedramp {
            Some(b) => format!("{}: {}", b.label(), self.node.id),
            None => format!("{} {}", self.node.framework.label(lang), self.node.id),
        }
    }
}

/// An ISMAP control a requirement maps to, by its strongest (then shortest) link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedControl {
    pub id: ControlId,
    pub link: Link,
    /// Further paths to the same control (other routes or other intermediate IDs).
    pub other_links: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedRequirement {
    pub requirement: Requirement,
    /// Empty when nothing is linked: the requirement is reported, not dropped.
    pub controls: Vec<MappedControl>,
}

/// Every requirement with the ISMAP controls it maps to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    pub requirements: Vec<MappedRequirement>,
}

impl Expansion {
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Every ISMAP control some requirement maps to (repeats included).
    pub fn control_ids(&self) -> impl Iterator<Item = &ControlId> {
        self.requirements
            .iter()
            .flat_map(|r| r.controls.iter().map(|c| &c.id))
    }

    /// Requirements no ISMAP control is linked to, with their positions.
    pub fn unmapped(&self) -> impl Iterator<Item = (usize, &MappedRequirement)> {
        self.requirements
            .iter()
            .enumerate()
            .filter(|(_, r)| r.controls.is_empty())
    }

    /// For each ISMAP control some requirement maps to: the first requirement naming it,
    /// the position of the control in that requirement, and how many requirements name it.
    pub fn origins(&self) -> HashMap<&str, (usize, usize, usize)> {
        let mut origins: HashMap<&str, (usize, usize, usize)> = HashMap::new();
        for (r, req) in self.requirements.iter().enumerate() {
            for (c, control) in req.controls.iter().enumerate() {
                origins
                    .entry(control.id.as_str())
                    .and_modify(|o| o.2 += 1)
                    .or_insert((r, c, 1));
            }
        }
        origins
    }

    /// `NIST SP 800-53 Rev.5 ac-2 →〔関連／…〕A.9.2.1 →〔同等／…〕9.2.1（総合: 関連）`, and
    /// how many more requirements name the control, for an entry of [`Expansion::origins`].
    pub fn origin_text(&self, (r, c, count): (usize, usize, usize), lang: Lang) -> String {
        let req = &self.requirements[r];
        let link = &req.controls[c].link;
        let mut text = link.describe(&req.requirement.describe(lang), lang);
        text.push_str(&match lang {
            Lang::Ja => format!("（総合: {}）", link.relationship.label(lang)),
            Lang::En => format!(" (overall: {})", link.relationship.label(lang)),
        });
        let more = count - 1;
        if more > 0 {
            text.push_str(&match lang {
                Lang::Ja => format!("。ほか {more} 件の要件からも対応付けられています"),
                Lang::En => format!("; also linked from {more} other requirements"),
            });
        }
        text
    }
}

impl Crosswalk {
    /// The links of `node` into ISMAP; for a NIST enhancement without any, its base control's
    /// links with a first step saying so.
    fn lookup_or_base(&self, catalog: &Catalog, node: &Node) -> super::Lookup {
        let found = self.lookup(catalog, node.framework, &node.id, Some(Framework::Ismap));
        let base = node.id.split_once('.').map(|(base, _)| base);
        match base {
            Some(base) if found.targets.is_empty() && node.framework == Framework::Nist => {
                let mut via = self.lookup(catalog, Framework::Nist, base, Some(Framework::Ismap));
                let first = super::Step {
                    to: Node::new(Framework::Nist, base),
                    relationship: super::Relationship::Related,
                    partial: false,
                    source: super::SOURCE_ENHANCEMENT.to_owned(),
                };
                for t in &mut via.targets {
                    for l in &mut t.links {
                        l.steps.insert(0, first.clone());
                        l.relationship = super::Relationship::Related;
                    }
                }
                super::Lookup {
                    source: node.clone(),
                    ..via
                }
            }
            _ => found,
        }
    }

    /// The ISMAP controls each requirement maps to, through every route. A requirement named
    /// twice (also through a FedRAMP baseline) counts once. A NIST enhancement no table names
    /// takes its base control's links, as related.
    pub fn expand(&self, catalog: &Catalog, requirements: Vec<Requirement>) -> Expansion {
        let mut seen = std::collections::HashSet::new();
        let requirements = requirements
            .into_iter()
            .filter(|r| seen.insert(r.node.clone()))
            .map(|requirement| {
                let lookup = self.lookup_or_base(catalog, &requirement.node);
                let mut controls: Vec<MappedControl> = lookup
                    .targets
                    .into_iter()
                    .filter_map(|t| {
                        let other_links = t.links.len().saturating_sub(1);
                        let link = t.links.into_iter().min_by_key(|l| {
                            (std::cmp::Reverse(l.relationship.strength()), l.steps.len())
                        })?;
                        let id = ControlId::parse(&t.node.id).ok()?;
                        Some(MappedControl {
                            id,
                            link,
                            other_links,
                        })
                    })
                    .collect();
                controls.sort_by(|a, b| a.id.natural_cmp(&b.id));
                MappedRequirement {
                    requirement,
                    controls,
                }
            })
            .collect();
        Expansion { requirements }
    }
}

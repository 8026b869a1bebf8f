//! The control criteria (ISMAP管理基準), one catalog per criteria version.
//!
//! docs/domain.md, "Control criteria and their IDs": three parts (governance 3.x, management
//! 4.x, controls 5–18); `X.X.X` is a control objective, `X.X.X.X` a detailed control; suffix
//! P/B/PB. Mandatory in principle: every governance and management item, every control
//! objective and every B/PB detailed control; the other detailed controls are chosen by risk.

use crate::ids::{ControlId, Suffix};
use rustc_hash::FxHashMap;
use std::fmt;
use std::str::FromStr;

/// The criteria version shipped with the product (the public structure of 2022-04-01).
pub const BUILTIN_VERSION: &str = "2022-04-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    Governance,
    Management,
    Controls,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Governance, Part::Management, Part::Controls];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Governance => "governance",
            Part::Management => "management",
            Part::Controls => "controls",
        }
    }
}

impl FromStr for Part {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "governance" => Ok(Part::Governance),
            "management" => Ok(Part::Management),
            "controls" => Ok(Part::Controls),
            other => Err(format!(
                "unknown part {other:?}: expected governance, management or controls"
            )),
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `X.X.X` control objective (統制目標; governance and management call it an item) or
/// `X.X.X.X` detailed control (詳細管理策).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Objective,
    Detailed,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Objective => "objective",
            Level::Detailed => "detailed",
        }
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "objective" | "item" => Ok(Level::Objective),
            "detailed" => Ok(Level::Detailed),
            other => Err(format!(
                "unknown level {other:?}: expected objective, item or detailed"
            )),
        }
    }
}

/// Text in both languages; either may be missing (the official text is not redistributable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bilingual {
    pub ja: Option<String>,
    pub en: Option<String>,
}

impl Bilingual {
    pub fn new(ja: &str, en: &str) -> Self {
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Bilingual {
            ja: some(ja),
            en: some(en),
        }
    }

    /// The text in `lang`, falling back to the other language.
    pub fn get(&self, lang: crate::lang::Lang) -> Option<&str> {
        let (first, second) = match lang {
            crate::lang::Lang::Ja => (&self.ja, &self.en),
            crate::lang::Lang::En => (&self.en, &self.ja),
        };
        first.as_deref().or(second.as_deref())
    }
}

/// One ID of the criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub id: ControlId,
    pub part: Part,
    pub level: Level,
    /// The objective of a detailed control, or the section (`5.1`) of an objective.
    pub parent: String,
    pub domain: String,
    pub category: String,
    pub source_standard: Option<String>,
    pub title: Bilingual,
    pub text: Bilingual,
}

impl Criterion {
    pub fn suffix(&self) -> Suffix {
        self.id.suffix()
    }

    /// docs/domain.md, "Control criteria and their IDs": all governance and management items,
    /// every control objective and every B/PB detailed control are mandatory.
    pub fn is_mandatory(&self) -> bool {
        match (self.part, self.level) {
            (Part::Governance | Part::Management, _) => true,
            (Part::Controls, Level::Objective) => true,
            (Part::Controls, Level::Detailed) => self.suffix().is_basic(),
        }
    }
}

/// A part, section, domain or category label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    pub kind: String,
    pub title: Bilingual,
}

/// Position of a criterion in its catalog: cheap to compare, used by the check engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ControlKey(u32);

impl ControlKey {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    pub(crate) fn raw(self) -> u32 {
        self.0
    }

    pub(crate) fn from_raw(raw: u32) -> Self {
        ControlKey(raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("criteria ID {0} appears more than once")]
    Duplicate(String),
    #[error(
        "detailed control {id} names parent {parent}, which is not a control objective of this catalog"
    )]
    MissingParent { id: String, parent: String },
    #[error("criteria ID {id} is at level {level} but has {numbers} numeric components")]
    LevelMismatch {
        id: String,
        level: &'static str,
        numbers: usize,
    },
    #[error("the catalog is empty")]
    Empty,
    #[error("the catalog has more than 4,000,000,000 entries")]
    TooLarge,
}

/// A versioned criteria catalog, in natural ID order. It may also know other versions
/// ([`Catalog::merge`]): the list mixes registrations audited under different revisions, and
/// IDs are not stable across them, so each key records the versions that have it.
#[derive(Debug, Clone)]
pub struct Catalog {
    version: String,
    criteria: Vec<Criterion>,
    parents: Vec<Option<ControlKey>>,
    sections: Vec<Section>,
    /// A fast hash: looked up for every statement of a registry (millions), and filled only
    /// from the criteria, never from user input.
    index: FxHashMap<ControlId, ControlKey>,
    /// Each known version (this one first) and, per key, whether that version has it.
    members: Vec<(String, Vec<bool>)>,
}

impl Catalog {
    pub fn new(
        version: &str,
        mut criteria: Vec<Criterion>,
        sections: Vec<Section>,
    ) -> Result<Catalog, CatalogError> {
        if criteria.is_empty() {
            return Err(CatalogError::Empty);
        }
        if u32::try_from(criteria.len()).is_err() {
            return Err(CatalogError::TooLarge);
        }
        criteria.sort_by(|a, b| a.id.natural_cmp(&b.id));
        let mut index = FxHashMap::with_capacity_and_hasher(criteria.len(), Default::default());
        for (i, c) in criteria.iter().enumerate() {
            let numbers = c.id.numbers().len();
            let expected = match c.level {
                Level::Objective => 3,
                Level::Detailed => 4,
            };
            // IDs may nest one level deeper than the scheme's minimum (e.g. 8.1.5.4.P).
            if numbers != expected && !(c.level == Level::Detailed && numbers == 5) {
                return Err(CatalogError::LevelMismatch {
                    id: c.id.to_string(),
                    level: c.level.as_str(),
                    numbers,
                });
            }
            if index.insert(c.id.clone(), ControlKey(i as u32)).is_some() {
                return Err(CatalogError::Duplicate(c.id.to_string()));
            }
        }
        let mut parents = Vec::with_capacity(criteria.len());
        for c in &criteria {
            let parent = match c.level {
                Level::Objective => None,
                Level::Detailed => {
                    let key = ControlId::parse(&c.parent)
                        .ok()
                        .and_then(|p| index.get(&p).copied())
                        .filter(|k| criteria[k.index()].level == Level::Objective);
                    match key {
                        Some(k) => Some(k),
                        None => {
                            return Err(CatalogError::MissingParent {
                                id: c.id.to_string(),
                                parent: c.parent.clone(),
                            });
                        }
                    }
                }
            };
            parents.push(parent);
        }
        let members = vec![(version.to_owned(), vec![true; criteria.len()])];
        Ok(Catalog {
            version: version.to_owned(),
            criteria,
            parents,
            sections,
            index,
            members,
        })
    }

    /// This catalog with the versions of `other` added: IDs are matched as written; IDs only
    /// `other` has are added; titles and sections of this catalog win. The primary version
    /// (profiles, reports, the basic baseline) stays this one.
    pub fn merge(&self, other: &Catalog) -> Result<Catalog, CatalogError> {
        let mut criteria = self.criteria.clone();
        criteria.extend(
            other
                .criteria
                .iter()
                .filter(|c| !self.index.contains_key(&c.id))
                .cloned(),
        );
        let mut merged = Catalog::new(&self.version, criteria, self.sections.clone())?;
        let membership = |from: &Catalog, has: &[bool]| -> Vec<bool> {
            merged
                .criteria
                .iter()
                .map(|c| from.key(&c.id).is_some_and(|k| has[k.index()]))
                .collect()
        };
        let mut members = Vec::new();
        for (from, list) in [(self, &self.members), (other, &other.members)] {
            for (version, has) in list {
                if !members.iter().any(|(v, _)| v == version) {
                    members.push((version.clone(), membership(from, has)));
                }
            }
        }
        merged.members = members;
        Ok(merged)
    }

    /// The versions this catalog knows, the primary one first.
    pub fn versions(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(v, _)| v.as_str())
    }

    /// Whether `version` has the criterion `key`; `None` when the version is not loaded.
    pub fn in_version(&self, version: &str, key: ControlKey) -> Option<bool> {
        self.members_of(version).map(|has| has[key.index()])
    }

    /// Per key, whether `version` has it (for loops over many keys); `None` when the version
    /// is not loaded.
    pub fn members_of(&self, version: &str) -> Option<&[bool]> {
        self.members
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, has)| has.as_slice())
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn len(&self) -> usize {
        self.criteria.len()
    }

    pub fn is_empty(&self) -> bool {
        self.criteria.is_empty()
    }

    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn key(&self, id: &ControlId) -> Option<ControlKey> {
        self.index.get(id).copied()
    }

    /// Looks an ID up as written (after trimming), without parsing it first.
    pub fn key_of(&self, id: &str) -> Option<ControlKey> {
        self.index.get(id.trim()).copied()
    }

    pub fn get(&self, key: ControlKey) -> &Criterion {
        &self.criteria[key.index()]
    }

    pub fn find(&self, id: &ControlId) -> Option<&Criterion> {
        self.key(id).map(|k| self.get(k))
    }

    /// The control objective a detailed control belongs to.
    pub fn parent(&self, key: ControlKey) -> Option<ControlKey> {
        self.parents[key.index()]
    }

    pub fn keys(&self) -> impl Iterator<Item = ControlKey> + '_ {
        (0..self.criteria.len() as u32).map(ControlKey)
    }

    /// The "basic" baseline: every mandatory criterion of the primary version, in catalog
    /// order.
    pub fn basic_baseline(&self) -> Vec<ControlKey> {
        let primary = &self.members[0].1;
        self.keys()
            .filter(|k| primary[k.index()] && self.get(*k).is_mandatory())
            .collect()
    }

    /// The same criteria under another version name.
    pub fn renamed(&self, version: &str) -> Catalog {
        let mut renamed = self.clone();
        renamed.version = version.to_owned();
        renamed.members[0].0 = version.to_owned();
        renamed
    }

    /// Detailed controls of an objective.
    pub fn children(&self, objective: ControlKey) -> impl Iterator<Item = ControlKey> + '_ {
        self.keys()
            .filter(move |k| self.parents[k.index()] == Some(objective))
    }
}

/// What changed between two versions of the criteria, by ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogDiff {
    pub added: Vec<ControlId>,
    pub removed: Vec<ControlId>,
    /// Same ID, different part, level, parent, title or text.
    pub changed: Vec<ControlId>,
}

/// IDs added, removed and changed from `old` to `new`. IDs are not stable across revisions
/// (docs/domain.md, "Control criteria and their IDs"), so this is a comparison of IDs, not a
/// mapping between them.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let mut d = CatalogDiff::default();
    for c in new.criteria() {
        match old.find(&c.id) {
            None => d.added.push(c.id.clone()),
            Some(o) if o != c => d.changed.push(c.id.clone()),
            Some(_) => {}
        }
    }
    d.removed = old
        .criteria()
        .iter()
        .filter(|c| new.find(&c.id).is_none())
        .map(|c| c.id.clone())
        .collect();
    d
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small catalog for unit tests: one objective per part, children with each suffix.
    pub(crate) fn small_catalog() -> Catalog {
        let rows = [
            ("3.1.2", Part::Governance, Level::Objective, "3.1"),
            ("3.1.2.1", Part::Governance, Level::Detailed, "3.1.2"),
            ("4.4.1", Part::Management, Level::Objective, "4.4"),
            ("4.4.1.1", Part::Management, Level::Detailed, "4.4.1"),
            ("9.2.3", Part::Controls, Level::Objective, "9.2"),
            ("9.2.3.1", Part::Controls, Level::Detailed, "9.2.3"),
            ("9.2.3.2.B", Part::Controls, Level::Detailed, "9.2.3"),
            ("9.2.3.3.P", Part::Controls, Level::Detailed, "9.2.3"),
            ("9.2.3.4.PB", Part::Controls, Level::Detailed, "9.2.3"),
            ("12.4.5.P", Part::Controls, Level::Objective, "12.4"),
            ("12.4.5.1", Part::Controls, Level::Detailed, "12.4.5.P"),
        ];
        let criteria = rows
            .iter()
            .map(|(id, part, level, parent)| Criterion {
                id: ControlId::parse(id).expect("valid"),
                part: *part,
                level: *level,
                parent: (*parent).to_owned(),
                domain: id.split('.').next().unwrap_or_default().to_owned(),
                category: String::new(),
                source_standard: None,
                title: Bilingual::new(&format!("管理策 {id}"), &format!("Control {id}")),
                text: Bilingual::default(),
            })
            .collect();
        Catalog::new("test", criteria, Vec::new()).expect("valid catalog")
    }

    fn id(s: &str) -> ControlId {
        ControlId::parse(s).expect("valid")
    }

    /// `small_catalog` as version "v2": without 9.2.3.1, with a new 9.2.3.5.B.
    pub(crate) fn second_version() -> Catalog {
        let base = small_catalog();
        let mut criteria: Vec<Criterion> = base
            .criteria()
            .iter()
            .filter(|c| c.id.as_str() != "9.2.3.1")
            .cloned()
            .collect();
        let mut added = base.find(&id("9.2.3.2.B")).expect("present").clone();
        added.id = id("9.2.3.5.B");
        criteria.push(added);
        Catalog::new("v2", criteria, Vec::new()).expect("valid catalog")
    }

    #[test]
    fn versions_merge_by_id() {
        let merged = small_catalog().merge(&second_version()).expect("merged");
        assert_eq!(merged.version(), "test");
        assert_eq!(merged.versions().collect::<Vec<_>>(), ["test", "v2"]);
        let key = |s: &str| merged.key(&id(s)).expect("in the union");
        // (ID, in "test", in "v2")
        let cases = [
            ("9.2.3.1", true, false),
            ("9.2.3.2.B", true, true),
            ("9.2.3.5.B", false, true),
        ];
        for (control, test, v2) in cases {
            assert_eq!(
                merged.in_version("test", key(control)),
                Some(test),
                "{control}"
            );
            assert_eq!(merged.in_version("v2", key(control)), Some(v2), "{control}");
        }
        assert_eq!(merged.in_version("2099-01", key("9.2.3.1")), None);
        // the basic baseline is the primary version's
        let baseline: Vec<&str> = merged
            .basic_baseline()
            .into_iter()
            .map(|k| merged.get(k).id.as_str())
            .collect();
        assert!(!baseline.contains(&"9.2.3.5.B"), "{baseline:?}");
        assert_eq!(baseline.len(), small_catalog().basic_baseline().len());
        // merging again adds nothing; renaming renames the primary version
        let again = merged.merge(&second_version()).expect("merged");
        assert_eq!(again.len(), merged.len());
        assert_eq!(
            again.renamed("r").versions().collect::<Vec<_>>(),
            ["r", "v2"]
        );
    }

    #[test]
    fn mandatory_rule() {
        let catalog = small_catalog();
        let cases = [
            ("3.1.2", true),
            ("3.1.2.1", true),
            ("4.4.1", true),
            ("4.4.1.1", true),
            ("9.2.3", true),
            ("9.2.3.1", false),
            ("9.2.3.2.B", true),
            ("9.2.3.3.P", false),
            ("9.2.3.4.PB", true),
            ("12.4.5.P", true),
            ("12.4.5.1", false),
        ];
        for (c, mandatory) in cases {
            assert_eq!(
                catalog.find(&id(c)).map(Criterion::is_mandatory),
                Some(mandatory),
                "{c}"
            );
        }
        let basic: Vec<&str> = catalog
            .basic_baseline()
            .iter()
            .map(|k| catalog.get(*k).id.as_str())
            .collect();
        assert_eq!(
            basic,
            [
                "3.1.2",
                "3.1.2.1",
                "4.4.1",
                "4.4.1.1",
                "9.2.3",
                "9.2.3.2.B",
                "9.2.3.4.PB",
                "12.4.5.P"
            ]
        );
    }

    #[test]
    fn parents_and_children() {
        let catalog = small_catalog();
        let objective = catalog.key(&id("9.2.3")).expect("present");
        let child = catalog.key(&id("9.2.3.4.PB")).expect("present");
        assert_eq!(catalog.parent(child), Some(objective));
        assert_eq!(catalog.parent(objective), None);
        assert_eq!(catalog.children(objective).count(), 4);
        let p_objective = catalog.key(&id("12.4.5.P")).expect("present");
        assert_eq!(catalog.children(p_objective).count(), 1);
    }

    #[test]
    fn diffs() {
        let old = small_catalog();
        let mut criteria = old.criteria().to_vec();
        criteria.retain(|c| c.id.as_str() != "9.2.3.3.P");
        criteria[0].title = Bilingual::new("新しい名称", "New title");
        let mut added = criteria[1].clone();
        added.id = id("3.1.2.9");
        criteria.push(added);
        let new = Catalog::new("new", criteria, vec![]).expect("valid");
        let d = diff(&old, &new);
        let ids = |v: &[ControlId]| v.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&d.added), ["3.1.2.9"]);
        assert_eq!(ids(&d.removed), ["9.2.3.3.P"]);
        assert_eq!(ids(&d.changed), ["3.1.2"]);
        assert_eq!(diff(&old, &old), CatalogDiff::default());
    }

    #[test]
    fn invalid_catalogs() {
        let base = small_catalog().criteria().to_vec();
        let mut dup = base.clone();
        dup.push(base[0].clone());
        assert!(matches!(
            Catalog::new("x", dup, vec![]),
            Err(CatalogError::Duplicate(_))
        ));
        let mut orphan = base.clone();
        orphan[1].parent = "3.1.9".into();
        assert!(matches!(
            Catalog::new("x", orphan, vec![]),
            Err(CatalogError::MissingParent { .. })
        ));
        let mut wrong_level = base;
        wrong_level[0].level = Level::Detailed;
        assert!(Catalog::new("x", wrong_level, vec![]).is_err());
        assert!(matches!(
            Catalog::new("x", vec![], vec![]),
            Err(CatalogError::Empty)
        ));
    }
}

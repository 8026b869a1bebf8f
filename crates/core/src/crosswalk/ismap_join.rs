//! How ISMAP criteria IDs meet ISO/IEC 27001:2013 Annex A (docs/crosswalk.md, "Joining ISMAP").
//!
//! The criteria's control chapters 5–18 follow ISO/IEC 27002:2013 numbering, so objective
//! `X.Y.Z` is Annex A `A.X.Y.Z`; its detailed items inherit that link. The cloud-only
//! objectives taken from ISO/IEC 27017 (suffix `.P`) and the governance and management
//! parts have no Annex A counterpart, and say so rather than guess.

use super::Relationship;
use crate::criteria::{Catalog, ControlKey, Level, Part};
use crate::lang::Lang;

/// Why an ISMAP item has no ISO/IEC 27001 Annex A link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoLink {
    /// A cloud-only objective from ISO/IEC 27017 (or one of its detailed items).
    CloudOnly,
    /// Governance and management criteria are not numbered like ISO/IEC 27001.
    GovernanceOrManagement,
    /// A controls-part ID outside Annex A's numbering (not seen in the 2022-04-01 criteria).
    NotInAnnexA,
    /// A known ID that no published pair names.
    NotMapped,
}

impl NoLink {
    pub fn code(self) -> &'static str {
        match self {
            NoLink::CloudOnly => "cloud_only",
            NoLink::GovernanceOrManagement => "governance_or_management",
            NoLink::NotInAnnexA => "not_in_annex_a",
            NoLink::NotMapped => "not_mapped",
        }
    }

    pub fn explain(self, lang: Lang) -> &'static str {
        match self {
            NoLink::CloudOnly => lang.pick(
                "ISO/IEC 27017 が追加したクラウド固有の管理策（CLD）に由来する統制目標またはその詳細管理策で、ISO/IEC 27001 附属書A・NIST SP 800-53 との公開対応表はありません。ISO/IEC 27017 の認証（ISMS クラウドセキュリティ認証）をお持ちの場合、その証跡が使えることがあります。",
                "A control objective (or its detailed control) from the cloud-specific controls ISO/IEC 27017 adds (CLD): no published mapping to ISO/IEC 27001 Annex A or NIST SP 800-53. ISO/IEC 27017 certification evidence may serve.",
            ),
            NoLink::GovernanceOrManagement => lang.pick(
                "ガバナンス基準（ISO/IEC 27014 由来）・マネジメント基準（ISO/IEC 27001 本文 箇条4〜10 由来）は附属書Aの管理策ではないため、本ツールは対応付けていません。ISMS 認証をお持ちの場合、リスクアセスメント・内部監査・マネジメントレビュー等の記録が使えることがあります。",
                "Governance criteria (from ISO/IEC 27014) and management criteria (from ISO/IEC 27001 clauses 4–10) are not Annex A controls, so ismap does not link them. An ISMS certificate holder's risk assessment, internal audit and management review records may still serve.",
            ),
            NoLink::NotInAnnexA => lang.pick(
                "この番号に対応する ISO/IEC 27001:2013 附属書A の管理策はありません。",
                "ISO/IEC 27001:2013 Annex A has no control with this number.",
            ),
            NoLink::NotMapped => lang.pick(
                "公開されている対応表のどれにも、この ID の対応はありません。",
                "None of the published mapping tables pairs this ID with another.",
            ),
        }
    }
}

/// Sources of the join's own links (shown like the data files' `source` column).
pub const SOURCE_OBJECTIVE: &str = "ismap-numbering";
pub const SOURCE_DETAILED: &str = "ismap-detailed-inherits-objective";
pub const SOURCE_CLOUD_ADDITION: &str = "ismap-cloud-addition-inherits-objective";

/// The Annex A control an ISMAP item is linked to, how, and on what basis.
pub fn to_iso2013(
    catalog: &Catalog,
    key: ControlKey,
) -> Result<(String, Relationship, &'static str), NoLink> {
    let c = catalog.get(key);
    if c.part != Part::Controls {
        return Err(NoLink::GovernanceOrManagement);
    }
    let objective = match c.level {
        Level::Objective => key,
        Level::Detailed => catalog.parent(key).ok_or(NoLink::NotInAnnexA)?,
    };
    let o = catalog.get(objective);
    if o.suffix().is_cloud_specific() {
        return Err(NoLink::CloudOnly);
    }
    if !(5..=18).contains(o.id.numbers().first().unwrap_or(&0)) || o.id.numbers().len() != 3 {
        return Err(NoLink::NotInAnnexA);
    }
    // A cloud-specific addition (suffix P/PB, or a detailed item taken from ISO/IEC 27017
    // such as some .B items) goes beyond what Annex A asks: related only.
    let from_27017 = c.suffix().is_cloud_specific()
        || c.source_standard
            .as_deref()
            .is_some_and(|s| s.starts_with("27017"));
    let (relationship, source) = match c.level {
        Level::Objective => (Relationship::Equal, SOURCE_OBJECTIVE),
        Level::Detailed if from_27017 => (Relationship::Related, SOURCE_CLOUD_ADDITION),
        Level::Detailed => (Relationship::Subset, SOURCE_DETAILED),
    };
    Ok((format!("A.{}", o.id), relationship, source))
}

/// The ISMAP items linked to Annex A control `iso` (`A.X.Y.Z`): the objective and its
/// detailed items, each with the relationship read from the Annex A side.
pub fn from_iso2013(catalog: &Catalog, iso: &str) -> Vec<(ControlKey, Relationship, &'static str)> {
    let Some(objective) = iso.strip_prefix("A.").and_then(|id| catalog.key_of(id)) else {
        return Vec::new();
    };
    std::iter::once(objective)
        .chain(catalog.children(objective))
        .filter_map(|key| {
            to_iso2013(catalog, key)
                .ok()
                .map(|(_, rel, source)| (key, rel.reversed(), source))
        })
        .collect()
}

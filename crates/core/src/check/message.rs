//! Reasons and actions for every [`Finding`], in Japanese and English.

use super::{Finding, Subject};
use crate::criteria::Catalog;
use crate::lang::Lang;
use crate::profile::Profile;
use crate::registration::{ControlStatement, Registration, StatementStatus};

/// What a message may refer to besides the finding itself.
pub(super) struct Context<'a> {
    pub catalog: &'a Catalog,
    pub profile: &'a Profile,
    pub registration: Option<&'a Registration>,
    pub subject: Subject,
}

impl Context<'_> {
    fn statement(&self) -> Option<&ControlStatement> {
        match self.subject {
            Subject::Control(key) => self.registration.and_then(|r| r.statement(key)),
            _ => None,
        }
    }

    /// The provider's own reason for a statement, in brackets, or nothing.
    fn provider_reason(&self, lang: Lang) -> String {
        match self.statement().and_then(|s| s.reason.as_deref()) {
            Some(reason) => format!(
                "{}{reason}{}",
                lang.pick("（事業者の理由: ", " (provider's reason: "),
                lang.pick("）", ")")
            ),
            None => String::new(),
        }
    }

    fn inherited_from(&self) -> String {
        self.statement()
            .and_then(|s| s.inherited_from.as_ref())
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// 実施 / 一部実施 as stated, for a message about an inherited control.
    fn stated(&self, lang: Lang) -> &'static str {
        self.statement()
            .map_or(StatementStatus::Implemented, |s| s.status)
            .label(lang)
    }

    /// 「（X から継承）」 for a partial statement inherited from a source in force.
    fn inherited_note(&self, lang: Lang) -> String {
        match self.statement().and_then(|s| s.inherited_from.as_ref()) {
            Some(from) => format!(
                "{}{from}{}",
                lang.pick("（", " (inherited from "),
                lang.pick(" から継承）", ")")
            ),
            None => String::new(),
        }
    }

    /// Who judged the use low impact and on what basis, when the profile records it.
    fn low_impact_basis(&self, lang: Lang) -> String {
        self.profile
            .low_impact_basis
            .as_ref()
            .map_or_else(String::new, |b| b.describe(lang))
    }
}

pub(super) fn reason(finding: Finding, ctx: &Context, lang: Lang) -> String {
    use Finding::*;
    let ja = lang == Lang::Ja;
    match finding {
        Listed { expires } if ja => format!("評価日時点でISMAPクラウドサービスリストに掲載されています（有効期限 {expires}）。"),
        Listed { expires } => format!("On the ISMAP cloud service list on the evaluation date (expires {expires})."),
        RenewalPending { expired, filed } if ja => format!(
            "有効期限 {expired} を過ぎていますが、有効期限まで（{filed}）に更新申請されているため、運営委員会の決定までは有効として扱われます。"
        ),
        RenewalPending { expired, filed } => format!(
            "Expired on {expired}, but renewal was filed on {filed}, before expiry: it stays in force until the Steering Committee decides."
        ),
        Expired { on } if ja => format!("有効期限 {on} を過ぎ、有効期限切れ（失効）です（有効期限までの更新申請の記載はありません）。"),
        Expired { on } => format!("Expired on {on} (the list shows no renewal filed by that date)."),
        Revoked { on } if ja => format!("{on} に登録が取り消されています。"),
        Revoked { on } => format!("The registration was revoked on {on}."),
        NotYetValid { from } if ja => format!("評価日時点では未登録です（初回登録日 {from}）。"),
        NotYetValid { from } => format!("The evaluation date is before the first registration date {from}."),
        NotListed => lang.pick("ISMAPクラウドサービスリストに掲載されていません。", "Not on the ISMAP cloud service list.").into(),
        ExpiryDiffers { published, computed } if ja => format!(
            "リストに記載の有効期限 {published} は、監査対象期間の末日の翌日から1年4か月として算定した日 {computed} と異なります。状態はリストの有効期限で判定しています。"
        ),
        ExpiryDiffers { published, computed } => format!(
            "The list publishes expiry {published}, which differs from {computed}, 1 year 4 months from the day after the audit period ends; the status follows the published date."
        ),
        ProgramAccepted { program: crate::registration::Program::Ismap } => {
            lang.pick("ISMAP に登録されています。", "Registered under ISMAP.").into()
        }
        ProgramAccepted { program: crate::registration::Program::IsmapLiu } => format!(
            "{}{}",
            lang.pick(
                "ISMAP-LIU に登録されており、業務・情報を低影響と判断済みです。",
                "Registered under ISMAP-LIU, and the business and information were judged low impact.",
            ),
            ctx.low_impact_basis(lang)
        ),
        LiuConfidentiality => lang
            .pick(
                "ISMAP-LIU は低影響利用のための制度です。機密性3の情報を扱う業務は低影響と判断できません。",
                "ISMAP-LIU is for low-impact use; work that handles confidentiality 3 information cannot be judged low impact.",
            )
            .into(),
        LiuWithoutLowImpact => lang
            .pick(
                "ISMAP-LIU の登録サービスですが、業務・情報を低影響と判断した記録がありません（要件の「低影響利用と判断済み」）。",
                "Registered under ISMAP-LIU, but the profile has no low-impact judgment (low_impact).",
            )
            .into(),
        ConfidentialityBeyondIsmap => lang
            .pick(
                "機密性3の情報は ISMAP の管理基準が想定する範囲（機密性2）を超えます。",
                "Confidentiality 3 information is beyond what the ISMAP criteria target (confidentiality 2).",
            )
            .into(),
        NoContract => lang
            .pick("契約期間が入力されていないため、この項目は確認していません（未確認）。", "No contract period given: expiry not compared (not checked).")
            .into(),
        CoversContract { expires, contract_end } if ja => {
            format!("有効期限 {expires} は契約終了日 {contract_end} 以降です。")
        }
        CoversContract { expires, contract_end } => {
            format!("Expiry {expires} is on or after the contract end {contract_end}.")
        }
        ExpiresBeforeContractEnd { expires, contract_end } if ja => {
            format!("有効期限 {expires} が契約終了日 {contract_end} より前のため、契約期間中に更新の可否が決まります。")
        }
        ExpiresBeforeContractEnd { expires, contract_end } => {
            format!("Expiry {expires} falls before the contract end {contract_end}: the registration may not be renewed.")
        }
        NoFeaturesRequired => lang
            .pick("利用する機能が入力されていないため、言明対象範囲は確認していません（未確認）。", "No features given: the statement scope was not checked.")
            .into(),
        FeatureIncluded => lang.pick("言明対象範囲に含まれています。", "Inside the statement scope.").into(),
        FeatureExcluded => lang
            .pick("言明対象範囲に含まないものとして記載されています。", "Listed as outside the statement scope.")
            .into(),
        FeatureNotStated => lang
            .pick("言明対象範囲に含むもの・含まないもののいずれにも記載がありません。", "Not named in the statement scope (neither included nor excluded).")
            .into(),
        NoControlsRequired => lang
            .pick("必須とする管理策が入力されていないため、管理策は確認していません（未確認）。", "No controls required: controls were not checked.")
            .into(),
        Implemented => format!("{}{}", lang.pick("実施", "Implemented"), ctx.provider_reason(lang)),
        ImplementedInherited { status } if ja => {
            format!("実施（{} から継承、同登録は{}）", ctx.inherited_from(), status.label(lang))
        }
        ImplementedInherited { status } => format!(
            "Implemented (inherited from {}, which is {})",
            ctx.inherited_from(),
            status.label(lang)
        ),
        InheritedFromNotValid { status } if ja => format!(
            "{}とされていますが、継承元 {} は評価日に有効ではありません（{}）。",
            ctx.stated(lang),
            ctx.inherited_from(),
            status.label(lang)
        ),
        InheritedFromNotValid { status } => format!(
            "Stated as {}, but inherited from {}, which is not in force on the evaluation date ({}).",
            ctx.stated(lang),
            ctx.inherited_from(),
            status.label(lang)
        ),
        Partial => format!(
            "{}{}{}",
            lang.pick("一部実施", "Partially implemented"),
            ctx.inherited_note(lang),
            ctx.provider_reason(lang)
        ),
        NotApplicable => format!("{}{}", lang.pick("非該当", "Not applicable"), ctx.provider_reason(lang)),
        ObjectiveExcluded { objective } if ja => {
            format!("統制目標 {} が非該当とされているため、本管理策も非該当として扱われます。", ctx.catalog.get(objective).id)
        }
        ObjectiveExcluded { objective } => format!(
            "Control objective {} is stated not applicable, which exempts this control too.",
            ctx.catalog.get(objective).id
        ),
        NotStated => lang.pick("言明書に記載がありません。", "Not stated in the provider's statement.").into(),
        ControlNotInVersion if ja => format!(
            "この登録が準拠する管理基準 {} には、この管理策がありません。",
            ctx.registration.map_or("", |r| r.criteria_version.as_str())
        ),
        ControlNotInVersion => format!(
            "The criteria version this registration follows ({}) has no such control.",
            ctx.registration.map_or("", |r| r.criteria_version.as_str())
        ),
        RequirementUnmapped => lang
            .pick(
                "本ツールの対応表には、これらの要件に対応付けられた ISMAP 管理策がありません。ISMAP の登録情報だけでは、これらの要件を満たすかを判断できません。",
                "ismap's crosswalk links no ISMAP control to these requirements, so the ISMAP registration alone does not show whether they are met.",
            )
            .into(),
        MappedNotApplicable => lang
            .pick(
                "言明書では非該当（または統制目標が非該当）です。この管理策は他の基準の要件から対応表で導いたもののため、不適合とはせず確認を求めます。",
                "Stated not applicable (or its objective is). The control was derived from another framework's requirement through the crosswalk, so it is a point to confirm, not a fail.",
            )
            .into(),
        NoRegionsDeclared => lang.pick("リージョンが記載されていません。", "No regions declared.").into(),
        RegionAllowed => lang.pick("要件を満たすリージョンです（国内）。", "A region that meets the requirements (in Japan).").into(),
        RegionOverseas => lang
            .pick(
                "要件を満たすリージョンですが、国外にあります。準拠法・裁判管轄・外国法令によるアクセスの確認が必要です。",
                "A region that meets the requirements, but outside Japan: governing law, jurisdiction and foreign-law access need a look.",
            )
            .into(),
        RegionSelectable => lang
            .pick("要件を満たさないリージョンですが、利用者が利用しないよう選択できます（選択可）。利用しないことを設定と契約で担保すれば、要件を満たすリージョンに限って利用できます。", "Does not meet the requirements, but the customer can choose not to use it: secured in the configuration and the contract, use stays within the regions that do.")
            .into(),
        RegionNotSelectable => lang
            .pick("要件を満たさないリージョンで、利用者が除外できません。", "Does not meet the requirements, and the customer cannot opt out of it.")
            .into(),
        NoAllowedRegion => lang
            .pick("要件を満たさないリージョンです。要件を満たすリージョンが一つもありません。", "Does not meet the requirements; the service has no region that does.")
            .into(),
        RegionRequiredOffered => lang
            .pick("システムが利用するリージョンとして、サービスが提供しています。", "A region the system will use; the service offers it.")
            .into(),
        RegionRequiredSelectable => lang
            .pick("システムが利用するリージョンで、利用者の選択により提供されます（選択可）。", "A region the system will use; the service offers it as a customer choice.")
            .into(),
        RegionMissing => lang
            .pick("システムが利用するリージョンを、サービスが提供していません。", "A region the system will use, which the service does not offer.")
            .into(),
        NoUnderlying => lang.pick("基盤サービスの記載はありません。", "No underlying services declared.").into(),
        UnderlyingValid => lang.pick("基盤サービスは評価日に有効な登録です。", "The underlying service is validly registered on the evaluation date.").into(),
        UnderlyingRenewalPending => lang
            .pick("基盤サービスは更新審査中（運営委員会の決定まで有効）です。", "The underlying service's renewal is pending (in force until the Steering Committee decides).")
            .into(),
        UnderlyingNotValid { status } if ja => {
            format!("基盤サービスの登録が評価日に有効ではありません（{}）。", status.label(lang))
        }
        UnderlyingNotValid { status } => {
            format!("The underlying service's registration is not valid on the evaluation date ({}).", status.label(lang))
        }
        UnderlyingNotListed => lang
            .pick(
                "基盤サービスが ISMAPクラウドサービスリストに掲載されていません。言明対象範囲外の基盤サービスは、それ自体がリストに掲載されている必要があります。",
                "The underlying service is not on the ISMAP cloud service list; an underlying service outside the statement scope must itself be on the list.",
            )
            .into(),
    }
}

pub(super) fn action(finding: Finding, lang: Lang) -> Option<&'static str> {
    use Finding::*;
    let text = match finding {
        RenewalPending { .. } => lang.pick(
            "ISMAPポータルで更新の決定状況を確認し、調達記録に残す。",
            "Check the renewal decision on the ISMAP portal and record it in the procurement file.",
        ),
        Expired { .. } | Revoked { .. } | NotListed => lang.pick(
            "ISMAPクラウドサービスリストに掲載され、評価日に有効なサービスを選ぶ。",
            "Choose a service validly registered on the ISMAP cloud service list.",
        ),
        NotYetValid { .. } => lang.pick(
            "評価日を見直すか、登録後に改めて評価する。",
            "Check the evaluation date, or evaluate again once the service is registered.",
        ),
        ExpiryDiffers { .. } => lang.pick(
            "ISMAPポータルで有効期限を確認し、どちらの日付で判断したかを調達記録に残す。",
            "Check the expiry on the ISMAP portal and record in the procurement file which date the decision used.",
        ),
        LiuConfidentiality => lang.pick(
            "ISMAP 登録サービスを選び、機密性3について調達府省庁等が独自に追加の評価・対策を行う。",
            "Choose an ISMAP-registered service, and carry out the agency's own additional assessment and measures for confidentiality 3.",
        ),
        LiuWithoutLowImpact => lang.pick(
            "業務・情報が低影響であることを判断・記録するか、ISMAP 登録サービスを選ぶ。",
            "Judge and record that the business and information are low impact, or choose an ISMAP-registered service.",
        ),
        ConfidentialityBeyondIsmap => lang.pick(
            "機密性3の情報を扱う場合は、調達府省庁等が独自に追加の評価・対策を行う。",
            "For confidentiality 3 information, carry out the agency's own additional assessment and measures.",
        ),
        ExpiresBeforeContractEnd { .. } => lang.pick(
            "更新されない場合の取扱い（契約解除、移行、データ返却）を契約に定める。",
            "Put the non-renewal case into the contract (termination, migration, return of data).",
        ),
        FeatureExcluded => lang.pick(
            "この機能を使わない設計にするか、他のサービスを選ぶ。",
            "Design without this feature, or choose another service.",
        ),
        FeatureNotStated => lang.pick(
            "この機能が言明対象範囲に含まれるかを、言明書とISMAPポータルの公開情報で確認する。含まれない場合は、当該機能のセキュリティ対策を事業者に確認する。",
            "Check in the statement and on the ISMAP portal whether this feature is inside the statement scope; if it is not, ask the provider how the feature is secured.",
        ),
        InheritedFromNotValid { .. } => lang.pick(
            "継承元サービスの登録状況を確認し、必要に応じて事業者に代替策を求める。",
            "Check the registration of the service the control is inherited from; ask for alternatives if needed.",
        ),
        Partial => lang.pick(
            "一部実施の内容が要件を満たすか確認し、不足分は代替策・追加策を講じる。",
            "Check whether the partial implementation meets the requirement; cover the gap with alternative or additional measures.",
        ),
        NotApplicable | ObjectiveExcluded { .. } => lang.pick(
            "代替策・追加策を講じるか、他のサービスを選ぶ。",
            "Put alternative or additional measures in place, or choose another service.",
        ),
        NotStated => lang.pick(
            "この管理策の実施状況を事業者に確認する。",
            "Ask the provider how this control is implemented.",
        ),
        ControlNotInVersion => lang.pick(
            "登録の管理基準のバージョンで、この要件に当たる管理策とその実施状況を事業者に確認する。",
            "Ask the provider which control of the registration's criteria version meets this requirement, and how it is implemented.",
        ),
        RequirementUnmapped => lang.pick(
            "これらの要件を満たす方法と証跡を事業者に直接確認し、確認結果を調達記録に残す。",
            "Ask the provider directly how these requirements are met and with what evidence, and record the answer.",
        ),
        MappedNotApplicable => lang.pick(
            "元の要件（要件の由来を参照）が非該当で差し支えないか、代替策があるかを事業者に確認し、結果を調達記録に残す。",
            "Confirm with the provider whether the original requirement (see where it came from) may be not applicable, or what replaces it, and record the answer.",
        ),
        NoRegionsDeclared => lang.pick(
            "データの保存・処理場所（リージョン）を事業者に確認する。",
            "Ask the provider where data is stored and processed.",
        ),
        RegionOverseas => lang.pick(
            "準拠法・裁判管轄・外国法令によるアクセス（外国政府による開示要求等）を確認し、法務確認の結果を調達記録に残す。",
            "Confirm the governing law, jurisdiction and foreign-law access (e.g. disclosure demands by foreign governments), and record the legal review in the procurement file.",
        ),
        RegionSelectable => lang.pick(
            "利用するリージョンを要件を満たす範囲に限定し、設定と契約で担保する。",
            "Restrict use to the regions that meet the requirements, and secure it in the configuration and the contract.",
        ),
        RegionRequiredSelectable => lang.pick(
            "このリージョンを選択して利用することを契約（仕様書）に定める。",
            "State in the contract (specification) that this region is selected and used.",
        ),
        RegionMissing => lang.pick(
            "このリージョンを提供する他のサービスを選ぶか、システムの要件を見直す。",
            "Choose another service that offers this region, or revisit the system's requirements.",
        ),
        RegionNotSelectable | NoAllowedRegion => lang.pick(
            "データ所在の要件を満たす他のサービスを選ぶ。",
            "Choose another service that meets the data-location requirement.",
        ),
        UnderlyingRenewalPending => lang.pick(
            "基盤サービスの更新の決定状況を確認する。",
            "Check the renewal decision for the underlying service.",
        ),
        UnderlyingNotValid { .. } => lang.pick(
            "基盤サービスの登録状況を事業者に確認し、有効な登録のない基盤上のサービスは避ける。",
            "Ask the provider about the underlying service; avoid services built on an underlying service without a valid registration.",
        ),
        UnderlyingNotListed => lang.pick(
            "基盤サービスの登録状況を事業者に確認し、リストに掲載されていない基盤上のサービスは避ける。",
            "Ask the provider about the underlying service; avoid services built on an underlying service that is not on the list.",
        ),
        Listed { .. }
        | ProgramAccepted { .. }
        | NoContract
        | CoversContract { .. }
        | NoFeaturesRequired
        | FeatureIncluded
        | NoControlsRequired
        | Implemented
        | ImplementedInherited { .. }
        | RegionAllowed
        | RegionRequiredOffered
        | NoUnderlying
        | UnderlyingValid => return None,
    };
    Some(text)
}

/// Stable machine-readable name of a finding.
pub(super) fn code(finding: Finding) -> &'static str {
    use Finding::*;
    match finding {
        Listed { .. } => "listed",
        RenewalPending { .. } => "renewal_pending",
        Expired { .. } => "expired",
        Revoked { .. } => "revoked",
        NotYetValid { .. } => "not_yet_valid",
        NotListed => "not_listed",
        ExpiryDiffers { .. } => "expiry_differs",
        ProgramAccepted { .. } => "program_accepted",
        LiuWithoutLowImpact => "liu_without_low_impact",
        LiuConfidentiality => "liu_confidentiality",
        ConfidentialityBeyondIsmap => "confidentiality_beyond_ismap",
        NoContract => "no_contract",
        CoversContract { .. } => "covers_contract",
        ExpiresBeforeContractEnd { .. } => "expires_before_contract_end",
        NoFeaturesRequired => "no_features_required",
        FeatureIncluded => "feature_included",
        FeatureExcluded => "feature_excluded",
        FeatureNotStated => "feature_not_stated",
        NoControlsRequired => "no_controls_required",
        Implemented => "implemented",
        ImplementedInherited { .. } => "implemented_inherited",
        InheritedFromNotValid { .. } => "inherited_from_not_valid",
        Partial => "partial",
        NotApplicable => "not_applicable",
        ObjectiveExcluded { .. } => "objective_excluded",
        NotStated => "not_stated",
        ControlNotInVersion => "control_not_in_version",
        RequirementUnmapped => "requirement_unmapped",
        MappedNotApplicable => "mapped_not_applicable",
        NoRegionsDeclared => "no_regions_declared",
        RegionAllowed => "region_allowed",
        RegionOverseas => "region_overseas",
        RegionSelectable => "region_selectable",
        RegionNotSelectable => "region_not_selectable",
        NoAllowedRegion => "no_allowed_region",
        RegionRequiredOffered => "region_required_offered",
        RegionRequiredSelectable => "region_required_selectable",
        RegionMissing => "region_missing",
        NoUnderlying => "no_underlying",
        UnderlyingValid => "underlying_valid",
        UnderlyingRenewalPending => "underlying_renewal_pending",
        UnderlyingNotValid { .. } => "underlying_not_valid",
        UnderlyingNotListed => "underlying_not_listed",
    }
}

//! Reasons and actions for every [`Finding`], in Japanese and English.

use super::{Finding, Subject};
use crate::criteria::Catalog;
use crate::lang::Lang;
use crate::registration::{ControlStatement, Registration};

/// What a message may refer to besides the finding itself.
pub(super) struct Context<'a> {
    pub catalog: &'a Catalog,
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
}

pub(super) fn reason(finding: Finding, ctx: &Context, lang: Lang) -> String {
    use Finding::*;
    let ja = lang == Lang::Ja;
    match finding {
        Listed { expires } if ja => format!("ISMAPクラウドサービスリストに掲載されており、{expires} まで有効です。"),
        Listed { expires } => format!("On the ISMAP cloud service list and valid until {expires}."),
        RenewalPending { expired, filed } if ja => format!(
            "有効期限 {expired} を過ぎていますが、期限前の {filed} に更新申請されているため、運営委員会の決定までは有効として扱われます。"
        ),
        RenewalPending { expired, filed } => format!(
            "Expired on {expired}, but renewal was filed on {filed}, before expiry: it stays in force until the Steering Committee decides."
        ),
        Expired { on } if ja => format!("有効期限 {on} を過ぎており、期限までの更新申請の記録がありません。"),
        Expired { on } => format!("Expired on {on}, with no renewal filed by that date."),
        Revoked { on } if ja => format!("{on} に登録が取り消されています。"),
        Revoked { on } => format!("The registration was revoked on {on}."),
        NotYetValid { from } if ja => format!("評価日は登録日 {from} より前です。"),
        NotYetValid { from } => format!("The evaluation date is before the registration date {from}."),
        NotListed => lang.pick("ISMAPクラウドサービスリストに掲載されていません。", "Not on the ISMAP cloud service list.").into(),
        ProgramAccepted { program: crate::registration::Program::Ismap } => {
            lang.pick("ISMAP に登録されています。", "Registered under ISMAP.").into()
        }
        ProgramAccepted { program: crate::registration::Program::IsmapLiu } => lang
            .pick(
                "ISMAP-LIU に登録されており、業務・情報を低影響と判断済みです。",
                "Registered under ISMAP-LIU, and the business and information were judged low impact.",
            )
            .into(),
        LiuWithoutLowImpact => lang
            .pick(
                "ISMAP-LIU の登録サービスですが、低影響利用（low_impact）の判断がありません。",
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
            .pick("契約期間が指定されていないため、有効期限と比較していません。", "No contract period given: expiry not compared.")
            .into(),
        CoversContract { expires, contract_end } if ja => {
            format!("有効期限 {expires} は契約終了日 {contract_end} 以降です。")
        }
        CoversContract { expires, contract_end } => {
            format!("Expiry {expires} is on or after the contract end {contract_end}.")
        }
        ExpiresBeforeContractEnd { expires, contract_end } if ja => {
            format!("有効期限 {expires} が契約終了日 {contract_end} より前です。更新されない可能性があります。")
        }
        ExpiresBeforeContractEnd { expires, contract_end } => {
            format!("Expiry {expires} falls before the contract end {contract_end}: the registration may not be renewed.")
        }
        NoFeaturesRequired => lang.pick("利用する機能が指定されていません。", "No features required.").into(),
        FeatureIncluded => lang.pick("言明対象範囲に含まれています。", "Inside the statement scope.").into(),
        FeatureExcluded => lang.pick("言明対象範囲から除外されています。", "Explicitly excluded from the statement scope.").into(),
        FeatureNotStated => lang
            .pick("言明対象範囲に記載がありません。", "Not named in the statement scope (neither included nor excluded).")
            .into(),
        NoControlsRequired => lang.pick("必須とする管理策が指定されていません。", "No controls required.").into(),
        Implemented => format!("{}{}", lang.pick("実施", "Implemented"), ctx.provider_reason(lang)),
        ImplementedInherited if ja => format!("実施（{} から継承、同登録は有効）", ctx.inherited_from()),
        ImplementedInherited => format!("Implemented (inherited from {}, which is valid)", ctx.inherited_from()),
        InheritedFromNotValid { status } if ja => format!(
            "実施とされていますが、継承元 {} は評価日に有効ではありません（{}）。",
            ctx.inherited_from(),
            status.label(lang)
        ),
        InheritedFromNotValid { status } => format!(
            "Stated as implemented, but inherited from {}, which is not valid on the evaluation date ({}).",
            ctx.inherited_from(),
            status.label(lang)
        ),
        Partial => format!("{}{}", lang.pick("一部実施", "Partially implemented"), ctx.provider_reason(lang)),
        NotApplicable => format!("{}{}", lang.pick("非該当", "Not applicable"), ctx.provider_reason(lang)),
        ObjectiveExcluded { objective } if ja => {
            format!("統制目標 {} が非該当とされているため、本管理策も対象外です。", ctx.catalog.get(objective).id)
        }
        ObjectiveExcluded { objective } => format!(
            "Control objective {} is stated not applicable, which exempts this control too.",
            ctx.catalog.get(objective).id
        ),
        NotStated => lang.pick("言明書に記載がありません。", "Not stated in the provider's statement.").into(),
        NoRegionsDeclared => lang.pick("リージョンが申告されていません。", "No regions declared.").into(),
        RegionAllowed { overseas: false } => lang.pick("許可されたリージョンです。", "An allowed region.").into(),
        RegionAllowed { overseas: true } => {
            lang.pick("許可されたリージョンです（国外）。", "An allowed region (outside Japan).").into()
        }
        RegionSelectable => lang
            .pick("許可されていないリージョンですが、利用者が選択しないことができます。", "Not allowed, but the customer can choose not to use it.")
            .into(),
        RegionNotSelectable => lang
            .pick("許可されていないリージョンで、利用者が除外できません。", "Not allowed, and the customer cannot opt out of it.")
            .into(),
        NoAllowedRegion => lang
            .pick("許可されていないリージョンです。許可されたリージョンが一つもありません。", "Not allowed; the service has no allowed region at all.")
            .into(),
        NoUnderlying => lang.pick("基盤サービスの申告はありません。", "No underlying services declared.").into(),
        UnderlyingValid => lang.pick("基盤サービスは評価日に有効な登録です。", "The underlying service is validly registered on the evaluation date.").into(),
        UnderlyingRenewalPending => lang
            .pick("基盤サービスは更新審査中です（運営委員会の決定まで有効）。", "The underlying service's renewal is pending (in force until decided).")
            .into(),
        UnderlyingNotValid { status } if ja => {
            format!("基盤サービスの登録が評価日に有効ではありません（{}）。", status.label(lang))
        }
        UnderlyingNotValid { status } => {
            format!("The underlying service's registration is not valid on the evaluation date ({}).", status.label(lang))
        }
        UnderlyingAbsent => lang
            .pick("基盤サービスが登録簿にありません。", "The underlying service is not in the registry.")
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
            "ISMAPクラウドサービスリストに有効に登録されたサービスを選ぶ。",
            "Choose a service validly registered on the ISMAP cloud service list.",
        ),
        NotYetValid { .. } => lang.pick(
            "評価日を見直すか、登録後に改めて評価する。",
            "Check the evaluation date, or evaluate again once the service is registered.",
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
            "この機能が言明対象範囲に含まれることを事業者に書面で確認する。",
            "Get the vendor's written confirmation that this feature is inside the statement scope.",
        ),
        InheritedFromNotValid { .. } => lang.pick(
            "継承元サービスの登録状況を確認し、必要なら代替策を求める。",
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
        NoRegionsDeclared => lang.pick(
            "データの保存・処理場所（リージョン）を事業者に確認する。",
            "Ask the provider where data is stored and processed.",
        ),
        RegionAllowed { overseas: true } => lang.pick(
            "国外リージョンについて、準拠法・管轄等の法的・ガバナンス上の検討を記録する。",
            "Record a legal and governance review (governing law, jurisdiction) for the overseas region.",
        ),
        RegionSelectable => lang.pick(
            "利用するリージョンを許可された範囲に限定し、設定と契約で担保する。",
            "Restrict use to the allowed regions, and secure it in the configuration and the contract.",
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
        UnderlyingAbsent => lang.pick(
            "基盤サービスが言明対象範囲に含まれるか、ISMAP に登録されているかを確認する。",
            "Check that the underlying service is inside the statement scope or registered under ISMAP.",
        ),
        Listed { .. }
        | ProgramAccepted { .. }
        | NoContract
        | CoversContract { .. }
        | NoFeaturesRequired
        | FeatureIncluded
        | NoControlsRequired
        | Implemented
        | ImplementedInherited
        | RegionAllowed { overseas: false }
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
        ProgramAccepted { .. } => "program_accepted",
        LiuWithoutLowImpact => "liu_without_low_impact",
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
        ImplementedInherited => "implemented_inherited",
        InheritedFromNotValid { .. } => "inherited_from_not_valid",
        Partial => "partial",
        NotApplicable => "not_applicable",
        ObjectiveExcluded { .. } => "objective_excluded",
        NotStated => "not_stated",
        NoRegionsDeclared => "no_regions_declared",
        RegionAllowed { overseas: false } => "region_allowed",
        RegionAllowed { overseas: true } => "region_allowed_overseas",
        RegionSelectable => "region_selectable",
        RegionNotSelectable => "region_not_selectable",
        NoAllowedRegion => "no_allowed_region",
        NoUnderlying => "no_underlying",
        UnderlyingValid => "underlying_valid",
        UnderlyingRenewalPending => "underlying_renewal_pending",
        UnderlyingNotValid { .. } => "underlying_not_valid",
        UnderlyingAbsent => "underlying_absent",
    }
}

//! The customer's own share of the work (責任分界), listed with every result as information,
//! not as a verdict. docs/domain.md, "What a procuring agency checks", item 6: IAM, logs,
//! configuration mistakes (IaaS); TLS, access control, log retention (CDN); WAF operation and
//! evidence. ISMAP asks how these are run and evidenced, not only whether a product is
//! installed.
//!
//! The duties follow what the agency uses: the scope items its features match (the whole
//! scope only when it names no features). CDN, WAF and IdP offerings are recognised by the
//! words of `data/offerings.csv`, a table anyone can extend.

use crate::lang::Lang;
use crate::registration::{Registration, ServiceModel};
use crate::text::match_key;
use serde::Serialize;
use std::sync::OnceLock;

/// The heading every output gives the list: information, outside the verdict.
pub fn heading(lang: Lang) -> &'static str {
    lang.pick(
        "利用者側の責任（責任分界。参考情報で、判定には含まれません）",
        "Customer responsibilities (for information; not part of the verdict)",
    )
}

/// The kinds of offering that bring duties of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Offering {
    Cdn,
    Waf,
    Idp,
}

const OFFERINGS_CSV: &str = include_str!("../../../data/offerings.csv");

/// `(kind, match key of the word)`, read once from the shipped table. A row that names an
/// unknown kind is a mistake in the table and is caught by the test below.
fn offering_words() -> &'static [(Offering, String)] {
    static WORDS: OnceLock<Vec<(Offering, String)>> = OnceLock::new();
    WORDS.get_or_init(|| {
        OFFERINGS_CSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1) // header
            .filter_map(|l| {
                let (kind, word) = l.split_once(',')?;
                let kind = match kind.trim() {
                    "cdn" => Offering::Cdn,
                    "waf" => Offering::Waf,
                    "idp" => Offering::Idp,
                    _ => return None,
                };
                Some((kind, match_key(word)))
            })
            .collect()
    })
}

/// Every duty, in the order the rules list them.
pub const RESPONSIBILITIES: [Responsibility; 12] = {
    use Responsibility::*;
    [
        Iam,
        Logging,
        Configuration,
        AccountManagement,
        DataHandling,
        Tls,
        AccessControl,
        LogRetention,
        CdnAvailability,
        WafOperation,
        IdpOperation,
        Evidence,
    ]
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    Iam,
    Logging,
    Configuration,
    AccountManagement,
    DataHandling,
    Tls,
    AccessControl,
    LogRetention,
    CdnAvailability,
    WafOperation,
    IdpOperation,
    Evidence,
}

impl Responsibility {
    pub fn code(self) -> &'static str {
        match self {
            Responsibility::Iam => "iam",
            Responsibility::Logging => "logging",
            Responsibility::Configuration => "configuration",
            Responsibility::AccountManagement => "account_management",
            Responsibility::DataHandling => "data_handling",
            Responsibility::Tls => "tls",
            Responsibility::AccessControl => "access_control",
            Responsibility::LogRetention => "log_retention",
            Responsibility::CdnAvailability => "cdn_availability",
            Responsibility::WafOperation => "waf_operation",
            Responsibility::IdpOperation => "idp_operation",
            Responsibility::Evidence => "evidence",
        }
    }

    /// A short name for the duty, for a register's row heading.
    pub fn title(self, lang: Lang) -> &'static str {
        use Responsibility::*;
        match self {
            Iam => lang.pick("IAM（ID・権限管理）", "Identity and access management"),
            Logging => lang.pick("ログの取得・監視", "Logging and monitoring"),
            Configuration => lang.pick("設定管理", "Configuration management"),
            AccountManagement => lang.pick("アカウント管理・認証", "Accounts and authentication"),
            DataHandling => lang.pick("情報の格付・データの範囲", "Data classification and scope"),
            Tls => lang.pick("TLS（証明書・暗号設定）", "TLS (certificates, ciphers)"),
            AccessControl => lang.pick("アクセス制御", "Access control"),
            LogRetention => lang.pick("ログの保管", "Log retention"),
            CdnAvailability => lang.pick("CDN の可用性", "CDN availability"),
            WafOperation => lang.pick("WAF の運用", "WAF operation"),
            IdpOperation => lang.pick("IdP の運用", "Identity provider operation"),
            Evidence => lang.pick("運用の証跡", "Evidence of operation"),
        }
    }

    pub fn text(self, lang: Lang) -> &'static str {
        use Responsibility::*;
        match (self, lang) {
            (Iam, Lang::Ja) => {
                "IAM（利用者・権限・特権アカウント）の設計と定期的な棚卸しは利用者側の責任です。"
            }
            (Iam, Lang::En) => {
                "Identity and access management (users, permissions, privileged accounts) and its periodic review are the customer's job."
            }
            (Logging, Lang::Ja) => {
                "ログの取得設定・監視・保管は利用者側で行い、運用の記録を残します。"
            }
            (Logging, Lang::En) => {
                "Enabling, monitoring and keeping logs is the customer's job, with records of how it is done."
            }
            (Configuration, Lang::Ja) => {
                "設定の誤り（公開設定、ネットワーク、暗号化）を防ぐ設定管理とレビューは利用者側の責任です。"
            }
            (Configuration, Lang::En) => {
                "Preventing configuration mistakes (public exposure, network, encryption) through configuration management and review is the customer's job."
            }
            (AccountManagement, Lang::Ja) => {
                "アカウントの発行・削除、認証方式（多要素認証等）の設定は利用者側の責任です。"
            }
            (AccountManagement, Lang::En) => {
                "Issuing and removing accounts and configuring authentication (e.g. multi-factor) is the customer's job."
            }
            (DataHandling, Lang::Ja) => {
                "取り扱う情報の格付と、サービスに置くデータの範囲の管理は利用者側の責任です。"
            }
            (DataHandling, Lang::En) => {
                "Classifying the information and controlling which data is put into the service is the customer's job."
            }
            (Tls, Lang::Ja) => "TLS の設定（証明書、暗号スイート、更新）は利用者側で管理します。",
            (Tls, Lang::En) => {
                "TLS settings (certificates, cipher suites, renewal) are managed by the customer."
            }
            (AccessControl, Lang::Ja) => {
                "配信元・管理画面へのアクセス制御は利用者側で設定・確認します。"
            }
            (AccessControl, Lang::En) => {
                "Access control to origins and management consoles is set and verified by the customer."
            }
            (LogRetention, Lang::Ja) => {
                "アクセスログの保存期間と保管先は利用者側で定め、要件を満たすことを確認します。"
            }
            (LogRetention, Lang::En) => {
                "The customer sets where and how long access logs are kept and checks that this meets its requirements."
            }
            (CdnAvailability, Lang::Ja) => {
                "利用者側で、オリジン障害時の切替（フェイルオーバー）とキャッシュの削除（パージ）の手順を定め、訓練し、記録します。"
            }
            (CdnAvailability, Lang::En) => {
                "The customer sets, rehearses and records the procedures for origin failover and for purging the cache."
            }
            (IdpOperation, Lang::Ja) => {
                "ID連携（IdP）の設定、多要素認証の適用、利用者IDの登録・削除と定期的な棚卸しは利用者側の責任です。"
            }
            (IdpOperation, Lang::En) => {
                "Configuring identity federation (IdP), enforcing multi-factor authentication, and registering, removing and periodically reviewing user IDs are the customer's job."
            }
            (WafOperation, Lang::Ja) => {
                "WAF のルール運用（チューニング、誤検知対応、更新）は利用者側の責任です。"
            }
            (WafOperation, Lang::En) => {
                "Operating the WAF rules (tuning, false positives, updates) is the customer's job."
            }
            (Evidence, Lang::Ja) => {
                "上記をどのように運用しているかの証跡（記録・レビュー結果）を残してください。製品の導入だけでは足りません。"
            }
            (Evidence, Lang::En) => {
                "Keep evidence of how the above are run (records, review results); installing a product is not enough."
            }
        }
    }
}

/// Whether `word` occurs in `text` as a word: a Latin word must not run on into Latin letters
/// or digits ("iam" is not in "diameter", "sso" not in "processor"); Japanese has no spaces,
/// so a Japanese word may sit anywhere.
fn contains_word(text: &str, word: &str) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric();
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let edge = |outside: Option<char>, inside: Option<char>| {
            !(outside.is_some_and(latin) && inside.is_some_and(latin))
        };
        edge(before, word.chars().next()) && edge(after, word.chars().next_back())
    })
}

/// The customer's responsibilities for using `registration`, given the match keys
/// ([`match_key`]) of the features it will use: what those features match in the scope (and
/// the features themselves), or the service and its whole scope when it names none.
pub fn responsibilities(
    registration: &Registration,
    feature_keys: &[String],
) -> Vec<Responsibility> {
    use Responsibility::*;
    let mut items = match registration.service_model {
        Some(ServiceModel::SaaS) => vec![AccountManagement, DataHandling, Logging, Configuration],
        Some(ServiceModel::IaaS | ServiceModel::PaaS) | None => vec![Iam, Logging, Configuration],
    };
    let name = match_key(&registration.service_name);
    let used: Vec<&str> = if feature_keys.is_empty() {
        std::iter::once(name.as_str())
            .chain(registration.scope.included.iter().map(|s| s.key()))
            .collect()
    } else {
        registration
            .scope
            .included
            .iter()
            .map(|s| s.key())
            .filter(|k| feature_keys.iter().any(|f| f == k))
            .chain(feature_keys.iter().map(String::as_str))
            .collect()
    };
    let uses = |kind: Offering| {
        offering_words()
            .iter()
            .filter(|(k, _)| *k == kind)
            .any(|(_, word)| used.iter().any(|u| contains_word(u, word)))
    };
    if uses(Offering::Cdn) {
        items.extend([Tls, AccessControl, LogRetention, CdnAvailability]);
    }
    if uses(Offering::Waf) {
        items.push(WafOperation);
    }
    if uses(Offering::Idp) {
        items.push(IdpOperation);
    }
    items.push(Evidence);
    items
}

impl std::str::FromStr for Responsibility {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RESPONSIBILITIES
            .into_iter()
            .find(|r| r.code() == s.trim())
            .ok_or_else(|| format!("unknown duty {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registration::ScopeItem;
    use crate::registration::tests::registration;
    use Responsibility::*;

    #[test]
    fn by_model_and_use() {
        let mut iaas = registration("C24-0001-1");
        iaas.service_model = Some(ServiceModel::IaaS);
        assert_eq!(
            responsibilities(&iaas, &[]),
            [Iam, Logging, Configuration, Evidence]
        );

        let mut saas = registration("C24-0002-1");
        saas.service_model = Some(ServiceModel::SaaS);
        assert_eq!(
            responsibilities(&saas, &[]),
            [
                AccountManagement,
                DataHandling,
                Logging,
                Configuration,
                Evidence
            ]
        );

        let mut cdn = registration("C24-0003-1");
        cdn.scope.included.push(ScopeItem::new("ＣＤＮ配信"));
        assert_eq!(
            responsibilities(&cdn, &[match_key("cdn配信"), match_key("WAF")]),
            [
                Iam,
                Logging,
                Configuration,
                Tls,
                AccessControl,
                LogRetention,
                CdnAvailability,
                WafOperation,
                Evidence
            ]
        );
        for r in [Iam, Tls, CdnAvailability, IdpOperation, Evidence] {
            assert!(!r.text(Lang::Ja).is_empty() && !r.text(Lang::En).is_empty());
        }
    }

    #[test]
    fn duties_follow_what_is_used() {
        let mut r = registration("C24-0004-1");
        r.service_model = Some(ServiceModel::SaaS);
        r.scope.included = [
            "文書管理",
            "Amazon CloudFront",
            "Microsoft Entra ID",
            "AWS WAF",
        ]
        .map(ScopeItem::new)
        .to_vec();
        let extra = |features: &[&str]| {
            let keys: Vec<String> = features.iter().map(|f| match_key(f)).collect();
            let base = [AccountManagement, DataHandling, Logging, Configuration];
            responsibilities(&r, &keys)
                .into_iter()
                .filter(|d| !base.contains(d) && *d != Evidence)
                .collect::<Vec<_>>()
        };
        // (features used, duties beyond the model's own)
        let cases: [(&[&str], Vec<Responsibility>); 5] = [
            // no features: the whole scope, product words recognised
            (
                &[],
                vec![
                    Tls,
                    AccessControl,
                    LogRetention,
                    CdnAvailability,
                    WafOperation,
                    IdpOperation,
                ],
            ),
            // only what the features match
            (&["文書管理"], vec![]),
            (
                &["ａｍａｚｏｎ cloudfront"],
                vec![Tls, AccessControl, LogRetention, CdnAvailability],
            ),
            (&["Microsoft Entra ID", "文書管理"], vec![IdpOperation]),
            // a feature the agency uses counts even when the scope does not name it
            (&["Okta 連携"], vec![IdpOperation]),
        ];
        for (features, expected) in cases {
            assert_eq!(extra(features), expected, "{features:?}");
        }
    }

    #[test]
    fn product_words_match_as_words() {
        let cases = [
            ("aws iam", "iam", true),
            ("iam", "iam", true),
            ("diameter", "iam", false),
            ("processor", "sso", false),
            ("sso連携", "sso", true),
            ("azure cdnエンドポイント", "cdn", true),
            ("コンテンツ配信ネットワーク", "コンテンツ配信", true),
            ("front door", "front door", true),
        ];
        for (text, word, expected) in cases {
            assert_eq!(contains_word(text, word), expected, "{word} in {text}");
        }
    }

    #[test]
    fn the_offerings_table_is_well_formed() {
        let rows = OFFERINGS_CSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .count();
        assert_eq!(offering_words().len(), rows, "a row with an unknown kind");
        assert!(offering_words().iter().all(|(_, w)| !w.is_empty()));
    }
}

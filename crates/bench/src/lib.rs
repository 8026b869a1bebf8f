//! Deterministic synthetic data for benchmarks: a criteria catalog of about 1,260 controls,
//! registries of any size and a requirement profile. The same seed gives the same data.

use chrono::{Days, NaiveDate};
use ismap_core::criteria::{Bilingual, Catalog, Criterion, Level, Part};
use ismap_core::ids::{ControlId, CountryCode, RegistrationNumber};
use ismap_core::profile::{
    Confidentiality, ContractPeriod, ControlRequirements, Profile, RegionPolicy,
};
use ismap_core::registration::{
    ControlStatement, Program, Region, Registration, ScopeItem, ServiceModel, StatementStatus,
};
use ismap_core::registry::Registry;
use ismap_core::validity::AuditPeriod;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

pub const VERSION: &str = "synthetic";

/// Features a synthetic scope draws from (Japanese, as real scopes are).
const FEATURES: [&str; 40] = [
    "仮想マシン",
    "ブロックストレージ",
    "オブジェクトストレージ",
    "ファイルストレージ",
    "仮想ネットワーク",
    "ロードバランサ",
    "DNS",
    "CDN",
    "WAF",
    "管理コンソール",
    "API",
    "監査ログ",
    "鍵管理",
    "ID管理",
    "コンテナ実行環境",
    "Kubernetes",
    "サーバレス関数",
    "リレーショナルデータベース",
    "NoSQLデータベース",
    "データウェアハウス",
    "メッセージキュー",
    "バックアップ",
    "災害対策",
    "監視",
    "メール",
    "文書作成",
    "表計算",
    "オンライン会議",
    "チャット",
    "ファイル共有",
    "ワークフロー",
    "電子決裁",
    "人事給与",
    "会計",
    "CRM",
    "機械学習",
    "データ分析",
    "IoT",
    "VDI",
    "専用線接続",
];

const REGIONS: [(&str, &str); 6] = [
    ("東京", "JP"),
    ("大阪", "JP"),
    ("バージニア北部", "US"),
    ("シンガポール", "SG"),
    ("フランクフルト", "DE"),
    ("シドニー", "AU"),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Detailed controls of the default synthetic criteria.
pub const DETAILED: usize = 1_206;

/// Rows of the synthetic criteria with `detailed` detailed controls at most (1,206 with every
/// domain full): (id, part, level, parent).
pub fn criteria_rows(detailed: usize) -> Vec<(String, Part, Level, String)> {
    let mut rows = Vec::new();
    let mut left = detailed;
    let mut push_part =
        |part: Part, domain: u32, categories: u32, objectives: u32, per_objective: usize| {
            for c in 1..=categories {
                for o in 1..=objectives {
                    if left == 0 {
                        return;
                    }
                    let objective = format!("{domain}.{c}.{o}");
                    rows.push((
                        objective.clone(),
                        part,
                        Level::Objective,
                        format!("{domain}.{c}"),
                    ));
                    for d in 1..=per_objective.min(left) {
                        left -= 1;
                        // every 10th is a basic statement requirement, every 7th cloud-specific
                        let suffix = match (d % 10 == 0, d % 7 == 0) {
                            (true, true) => ".PB",
                            (true, false) => ".B",
                            (false, true) => ".P",
                            (false, false) => "",
                        };
                        rows.push((
                            format!("{objective}.{d}{suffix}"),
                            part,
                            Level::Detailed,
                            objective.clone(),
                        ));
                    }
                }
            }
        };
    push_part(Part::Governance, 3, 1, 6, 3);
    push_part(Part::Management, 4, 6, 3, 3);
    for domain in 5..=18 {
        push_part(Part::Controls, domain, 3, 3, 9);
    }
    rows
}

/// The synthetic criteria with `detailed` detailed controls (see [`criteria_rows`]).
pub fn catalog(detailed: usize) -> Catalog {
    let criteria = criteria_rows(detailed)
        .into_iter()
        .filter_map(|(id, part, level, parent)| {
            let id = ControlId::parse(&id).ok()?;
            Some(Criterion {
                title: Bilingual::new(&format!("管理策 {id}"), &format!("Control {id}")),
                domain: id
                    .numbers()
                    .first()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                category: String::new(),
                id,
                part,
                level,
                parent,
                source_standard: None,
                text: Bilingual::default(),
            })
        })
        .collect();
    Catalog::new(VERSION, criteria, Vec::new()).unwrap_or_else(|e| panic!("synthetic catalog: {e}"))
}

/// A registry of `n` registrations with `statements` control statements each (every ID of
/// the catalog when `statements` is at least its size).
pub fn registry(catalog: &Catalog, n: usize, statements: usize, seed: u64) -> Registry {
    let mut rng = StdRng::seed_from_u64(seed);
    let keys: Vec<_> = catalog.keys().collect();
    let numbers: Vec<RegistrationNumber> = (0..n)
        .filter_map(|i| {
            RegistrationNumber::parse(&format!(
                "C{:02}-{:04}-{}",
                20 + i % 7,
                i / 7 % 10_000,
                1 + i / 70_000
            ))
            .ok()
        })
        .collect();
    let mut registrations = Vec::with_capacity(n);
    for (i, no) in numbers.iter().enumerate() {
        let audit_end = date(2024, 1, 31) + Days::new(rng.random_range(0..900));
        let audit_start = audit_end - Days::new(rng.random_range(90..364));
        let Ok(period) = AuditPeriod::new(audit_start, audit_end) else {
            continue;
        };
        let program = if rng.random_bool(0.1) {
            Program::IsmapLiu
        } else {
            Program::Ismap
        };
        let mut r = Registration::new(
            no.clone(),
            program,
            format!("合成サービス {i}"),
            format!("合成事業者 {}", i % 300),
            audit_end + Days::new(rng.random_range(30..120)),
            period,
            catalog.version().to_owned(),
        );
        r.service_model = [ServiceModel::IaaS, ServiceModel::PaaS, ServiceModel::SaaS]
            .choose(&mut rng)
            .copied();
        if rng.random_bool(0.1) {
            r.renewal_filed_on = Some(audit_end + Days::new(400));
        }
        if rng.random_bool(0.01) {
            r.revoked_on = Some(audit_end + Days::new(200));
        }
        let mut features = FEATURES.to_vec();
        features.shuffle(&mut rng);
        r.scope.included = features[..12].iter().map(|f| ScopeItem::new(f)).collect();
        r.scope.excluded = features[12..14].iter().map(|f| ScopeItem::new(f)).collect();
        let region_count = rng.random_range(1..=3);
        r.regions = REGIONS
            .choose_multiple(&mut rng, region_count)
            .filter_map(|(name, country)| {
                Some(Region {
                    name: (*name).to_owned(),
                    country: CountryCode::parse(country).ok()?,
                    selectable: rng.random_bool(0.7),
                })
            })
            .collect();
        if i > 0 && rng.random_bool(0.3) {
            r.underlying.push(numbers[rng.random_range(0..i)].clone());
        }
        // A full statement states every ID in the criteria's order, as the real forms do.
        let stated: Vec<_> = if statements >= keys.len() {
            keys.clone()
        } else {
            keys.choose_multiple(&mut rng, statements)
                .copied()
                .collect()
        };
        let controls = stated
            .into_iter()
            .map(|key| {
                let roll: f64 = rng.random();
                let (status, reason) = match roll {
                    x if x < 0.85 => (StatementStatus::Implemented, None),
                    x if x < 0.93 => (StatementStatus::Partial, Some("一部の機能のみ".to_owned())),
                    _ => (
                        StatementStatus::NotApplicable,
                        Some("該当する業務がない".to_owned()),
                    ),
                };
                // Inherited only from the underlying service, as the list's rules require.
                let inherited_from = r
                    .underlying
                    .first()
                    .filter(|_| status == StatementStatus::Implemented && rng.random_bool(0.03))
                    .cloned();
                ControlStatement {
                    key,
                    status,
                    reason,
                    inherited_from,
                }
            })
            .collect();
        // keys were sampled without repetition, so there is no duplicate
        let _ = r.set_controls(controls);
        registrations.push(r);
    }
    Registry::new(registrations).unwrap_or_else(|e| panic!("synthetic registry: {e}"))
}

/// A profile requiring `required` controls and `features` features, Japan only, with a contract.
pub fn profile(catalog: &Catalog, required: usize, features: usize, seed: u64) -> Profile {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let ids: Vec<ControlId> = catalog.criteria().iter().map(|c| c.id.clone()).collect();
    Profile {
        name: format!("合成プロファイル（管理策 {required}、機能 {features}）"),
        agency: Some("合成省".into()),
        evaluation_date: Some(date(2026, 6, 1)),
        confidentiality: Confidentiality::new(2).unwrap_or_else(|| unreachable!()),
        low_impact: false,
        low_impact_basis: None,
        features: FEATURES
            .choose_multiple(&mut rng, features.min(FEATURES.len()))
            .map(|f| (*f).to_owned())
            .collect(),
        candidates: None,
        regions: RegionPolicy::new(CountryCode::parse("JP").ok().map(|c| vec![c]), None),
        contract: ContractPeriod::new(date(2026, 4, 1), date(2029, 3, 31)),
        controls: ControlRequirements {
            required: ids
                .choose_multiple(&mut rng, required.min(ids.len()))
                .cloned()
                .collect(),
            baseline: None,
            ..Default::default()
        },
    }
}

/// The catalog as the `ids.csv` the CLI's `--criteria DIR` reads.
pub fn ids_csv(catalog: &Catalog) -> String {
    let mut out = String::from(
        "id,part,level,parent,domain,category,suffix,cloud_specific,source_standard\n",
    );
    for c in catalog.criteria() {
        out.push_str(&format!(
            "{},{},{},{},{},,{},{},\n",
            c.id,
            c.part.as_str(),
            c.level.as_str(),
            c.parent,
            c.domain,
            c.suffix().as_str(),
            c.suffix().is_cloud_specific()
        ));
    }
    out
}

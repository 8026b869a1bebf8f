//! The buyer's evidence register (責任分界の利用者側): for the chosen service, one row per
//! duty the customer keeps (IAM, logs, configuration, TLS, WAF … from the responsibility
//! rules), saying who does it, how often, what evidence it leaves, where that is kept and
//! for how long, when it was last confirmed and by whom, and when it is due next. A row past
//! its next due date is overdue and raises an alert to the case's members.
//!
//! The register belongs to the agency's operation, not to the decision: it stays editable
//! after the decision (a locked case still has duties to confirm every quarter).

use super::CaseRefusal;
use crate::lang::Lang;
use crate::responsibility::Responsibility;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Who carries out a duty (実施者).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Performer {
    /// 自組織
    Own,
    /// 運用委託先
    Contractor,
    /// クラウドサービス事業者・販売代理店
    Vendor,
}

pub const PERFORMERS: [Performer; 3] = [Performer::Own, Performer::Contractor, Performer::Vendor];

impl Performer {
    pub fn code(self) -> &'static str {
        match self {
            Performer::Own => "own",
            Performer::Contractor => "contractor",
            Performer::Vendor => "vendor",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Performer::Own => lang.pick("自組織", "own organisation"),
            Performer::Contractor => lang.pick("運用委託先", "operations contractor"),
            Performer::Vendor => lang.pick(
                "クラウドサービス事業者・販売代理店",
                "cloud provider or reseller",
            ),
        }
    }
}

impl FromStr for Performer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PERFORMERS
            .into_iter()
            .find(|p| p.code() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown performer {s:?}: expected one of {}",
                    PERFORMERS.map(Performer::code).join(", ")
                )
            })
    }
}

/// One row of the register, as the agency fills it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRow {
    /// The duty's code (`iam`, `logging`, `tls`, …).
    pub duty: String,
    /// 実施内容
    pub activity: String,
    /// 実施者
    pub performer: Performer,
    /// 頻度 (e.g. 四半期ごと)
    pub frequency: String,
    /// 証跡の種類
    pub evidence: String,
    /// 保管場所
    pub location: String,
    /// 保存期間
    pub retention: String,
    /// 最終確認日
    pub last_checked: Option<NaiveDate>,
    /// 確認者
    pub checked_by: Option<String>,
    /// 次回期限
    pub next_due: Option<NaiveDate>,
}

/// The longest free-text field of a row (one line each, except the activity).
pub const MAX_EVIDENCE_FIELD: usize = 500;

/// The register's columns, in order, as the page, the PDF and the XLSX head them.
pub fn columns(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::Ja => [
            "責任（利用者側）",
            "実施内容",
            "実施者",
            "頻度",
            "証跡の種類",
            "保管場所",
            "保存期間",
            "最終確認日",
            "確認者",
            "次回期限",
        ],
        Lang::En => [
            "Customer duty",
            "Activity",
            "Performed by",
            "Frequency",
            "Evidence",
            "Kept at",
            "Retention",
            "Last confirmed",
            "Confirmed by",
            "Next due",
        ],
    }
}

/// The duty's name: its code parsed back to the responsibility (a stored code the rules no
/// longer know is shown as it is).
pub fn duty_text(code: &str, lang: Lang) -> String {
    code.parse::<Responsibility>()
        .map(|r| r.title(lang).to_owned())
        .unwrap_or_else(|_| code.to_owned())
}

/// Whether `row` may be recorded for a case whose chosen service carries `duties`, on `today`:
/// a duty of that service, the activity and the evidence stated, one-line fields within
/// bounds, a confirmation not in the future, and a next due date after it.
pub fn validate(row: &EvidenceRow, duties: &[String], today: NaiveDate) -> Result<(), CaseRefusal> {
    if !duties.contains(&row.duty) {
        return Err(CaseRefusal::NotADuty {
            duty: row.duty.clone(),
        });
    }
    let fields: [(&'static str, &str, bool); 6] = [
        ("activity", &row.activity, true),
        ("frequency", &row.frequency, false),
        ("evidence", &row.evidence, true),
        ("location", &row.location, false),
        ("retention", &row.retention, false),
        ("checked_by", row.checked_by.as_deref().unwrap_or(""), false),
    ];
    for (field, text, required) in fields {
        let n = text.trim().chars().count();
        let one_line = field == "activity" || !text.contains(['\n', '\r']);
        if (required && n == 0) || n > MAX_EVIDENCE_FIELD || !one_line {
            return Err(CaseRefusal::BadText {
                field,
                max: MAX_EVIDENCE_FIELD,
            });
        }
    }
    if row.last_checked.is_some_and(|d| d > today) {
        return Err(CaseRefusal::EvidenceDate);
    }
    if let (Some(last), Some(next)) = (row.last_checked, row.next_due)
        && next <= last
    {
        return Err(CaseRefusal::EvidenceDate);
    }
    Ok(())
}

/// Overdue: past its next due date (due today is not yet overdue).
pub fn overdue(row: &EvidenceRow, today: NaiveDate) -> bool {
    row.next_due.is_some_and(|due| due < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("valid")
    }

    fn row() -> EvidenceRow {
        EvidenceRow {
            duty: "iam".into(),
            activity: "特権アカウントの棚卸し".into(),
            performer: Performer::Own,
            frequency: "四半期ごと".into(),
            evidence: "棚卸し結果（Excel）".into(),
            location: "共有フォルダ/ISMAP/IAM".into(),
            retention: "5年".into(),
            last_checked: Some(d("2026-10-01")),
            checked_by: Some("情報システム課 山田".into()),
            next_due: Some(d("2027-01-05")),
        }
    }

    type Change = Box<dyn Fn(&mut EvidenceRow)>;

    #[test]
    fn rows_are_checked_field_by_field() {
        let duties = vec!["iam".to_owned(), "logging".to_owned()];
        let today = d("2026-12-03");
        let long = "あ".repeat(MAX_EVIDENCE_FIELD + 1);
        // (change to a valid row, expected outcome)
        let cases: Vec<(Change, Result<(), CaseRefusal>)> = vec![
            (Box::new(|_| {}), Ok(())),
            (
                Box::new(|r| r.duty = "waf_operation".into()),
                Err(CaseRefusal::NotADuty {
                    duty: "waf_operation".into(),
                }),
            ),
            (
                Box::new(|r| r.activity = "  ".into()),
                Err(CaseRefusal::BadText {
                    field: "activity",
                    max: MAX_EVIDENCE_FIELD,
                }),
            ),
            // the activity may span lines; the other fields are one line
            (Box::new(|r| r.activity = "一\n二".into()), Ok(())),
            (
                Box::new(|r| r.location = "a\nb".into()),
                Err(CaseRefusal::BadText {
                    field: "location",
                    max: MAX_EVIDENCE_FIELD,
                }),
            ),
            (
                Box::new(move |r| r.retention = long.clone()),
                Err(CaseRefusal::BadText {
                    field: "retention",
                    max: MAX_EVIDENCE_FIELD,
                }),
            ),
            (
                Box::new(|r| r.evidence = String::new()),
                Err(CaseRefusal::BadText {
                    field: "evidence",
                    max: MAX_EVIDENCE_FIELD,
                }),
            ),
            // optional fields may stay empty
            (
                Box::new(|r| {
                    r.frequency.clear();
                    r.checked_by = None;
                    r.last_checked = None;
                    r.next_due = None;
                }),
                Ok(()),
            ),
            // confirmed today: fine; tomorrow: not yet
            (Box::new(|r| r.last_checked = Some(d("2026-12-03"))), Ok(())),
            (
                Box::new(|r| r.last_checked = Some(d("2026-12-04"))),
                Err(CaseRefusal::EvidenceDate),
            ),
            // next due on the day of the last confirmation: not a schedule
            (
                Box::new(|r| r.next_due = Some(d("2026-10-01"))),
                Err(CaseRefusal::EvidenceDate),
            ),
            // a next due date already past is allowed (it is what makes the row overdue)
            (Box::new(|r| r.next_due = Some(d("2026-11-01"))), Ok(())),
        ];
        for (i, (change, expected)) in cases.into_iter().enumerate() {
            let mut r = row();
            change(&mut r);
            assert_eq!(validate(&r, &duties, today), expected, "case {i}");
        }
    }

    #[test]
    fn overdue_only_after_the_due_date() {
        let r = row();
        for (today, expected) in [
            ("2027-01-04", false),
            ("2027-01-05", false),
            ("2027-01-06", true),
        ] {
            assert_eq!(overdue(&r, d(today)), expected, "{today}");
        }
        let undated = EvidenceRow {
            next_due: None,
            ..row()
        };
        assert!(!overdue(&undated, d("2099-01-01")));
    }

    #[test]
    fn performers_and_duties_read_back() {
        for p in PERFORMERS {
            assert_eq!(p.code().parse::<Performer>(), Ok(p));
            assert!(!p.label(Lang::Ja).is_empty());
        }
        assert!("someone".parse::<Performer>().is_err());
        assert_eq!(duty_text("iam", Lang::Ja), "IAM（ID・権限管理）");
        assert_eq!(duty_text("retired_duty", Lang::Ja), "retired_duty");
    }
}

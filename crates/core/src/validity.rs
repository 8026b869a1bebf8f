//! Validity of a registration and length of audit periods.
//!
//! docs/domain.md, "Validity": a registration is valid until 1 year 4 months counted from the
//! day after the last day of the audit period. Periods are counted as the Civil Code does
//! (民法 140条/143条): the period starts on S (which counts, as it starts at 0:00) and ends on
//! the day before the day of the final month that corresponds to S; when the final month has
//! no such day, it ends on the last day of that month. The convention is unverified against
//! the portal, so the calendar alternative (S + months, clamped to the month's end) can be
//! selected; the Civil Code rule is the default.

use crate::lang::Lang;
use chrono::{Datelike, Days, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// Months of validity counted from the day after the audit period ends (1 year 4 months).
pub const VALIDITY_MONTHS: u32 = 16;
/// Longest audit period, in months (docs/domain.md, "Audit periods": at most 12 months).
pub const MAX_AUDIT_MONTHS: u32 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiryRule {
    /// Civil Code counting (民法 143条), the default.
    #[default]
    Civil,
    /// S + months, clamped to the last day of the month (chrono's `checked_add_months`).
    Calendar,
}

impl FromStr for ExpiryRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "civil" => Ok(ExpiryRule::Civil),
            "calendar" => Ok(ExpiryRule::Calendar),
            other => Err(format!(
                "unknown expiry rule {other:?}: expected civil or calendar"
            )),
        }
    }
}

impl ExpiryRule {
    /// How the rule counts, for people.
    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match self {
            ExpiryRule::Civil => lang.pick(
                "民法の期間計算（監査対象期間の末日の翌日から1年4か月）",
                "Civil Code counting (1 year 4 months from the day after the audit period)",
            ),
            ExpiryRule::Calendar => lang.pick(
                "暦による加算（監査対象期間の末日の翌日に16か月を加え、月末で調整）",
                "calendar (16 months added to the day after the audit period, clamped to the month's end)",
            ),
        }
    }
}

impl fmt::Display for ExpiryRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExpiryRule::Civil => "civil",
            ExpiryRule::Calendar => "calendar",
        })
    }
}

/// The last day of a period of `months` months that starts on `start` (inclusive).
/// `None` only when the result falls outside chrono's calendar (beyond year 262,000).
pub fn period_end(start: NaiveDate, months: u32, rule: ExpiryRule) -> Option<NaiveDate> {
    match rule {
        ExpiryRule::Calendar => start.checked_add_months(Months::new(months)),
        ExpiryRule::Civil => {
            // The first day of the final month, then the day corresponding to `start` in it.
            let first = start.with_day(1)?.checked_add_months(Months::new(months))?;
            match first.with_day(start.day()) {
                Some(corresponding) => corresponding.checked_sub_days(Days::new(1)),
                None => last_day_of_month(first),
            }
        }
    }
}

/// Japan has one time zone, +09:00, and no daylight saving time.
const JST_OFFSET_SECONDS: i64 = 9 * 3600;

/// The calendar date in Japan at the instant `utc`: "today" for the program.
pub fn japan_date(utc: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    japan_time(utc).date()
}

/// The wall-clock time in Japan (JST, UTC+9, no daylight saving) at `utc`, for people to read.
pub fn japan_time(utc: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
    (utc + chrono::TimeDelta::seconds(JST_OFFSET_SECONDS)).naive_utc()
}

/// Expiry date of a registration whose audit period ended on `audit_end`.
pub fn expiry_date(audit_end: NaiveDate, rule: ExpiryRule) -> Option<NaiveDate> {
    let start = audit_end.succ_opt()?;
    period_end(start, VALIDITY_MONTHS, rule)
}

fn last_day_of_month(any_day: NaiveDate) -> Option<NaiveDate> {
    any_day
        .with_day(1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// An audit period (監査対象期間): start ≤ end, at most 12 months long (Civil Code counting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuditPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditPeriodError {
    #[error("the audit period ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error(
        "the audit period {start} – {end} is longer than 12 months (it may end on {latest} at the latest)"
    )]
    TooLong {
        start: NaiveDate,
        end: NaiveDate,
        latest: NaiveDate,
    },
}

impl AuditPeriodError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AuditPeriodError::EndsBeforeStart { start, end }, Lang::Ja) => {
                format!("監査対象期間の末日 {end} が開始日 {start} より前です。")
            }
            (AuditPeriodError::TooLong { start, end, latest }, Lang::Ja) => format!(
                "監査対象期間 {start}〜{end} が12か月を超えています。末日は {latest} 以前にしてください。"
            ),
            (_, Lang::En) => self.to_string(),
        }
    }
}

impl AuditPeriod {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, AuditPeriodError> {
        if end < start {
            return Err(AuditPeriodError::EndsBeforeStart { start, end });
        }
        if let Some(latest) = period_end(start, MAX_AUDIT_MONTHS, ExpiryRule::Civil)
            && end > latest
        {
            return Err(AuditPeriodError::TooLong { start, end, latest });
        }
        Ok(AuditPeriod { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The next audit period must start the day after this one ended: no gaps
    /// (docs/domain.md, "Audit periods").
    pub fn next_start(&self) -> Option<NaiveDate> {
        self.end.succ_opt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn expiry_table() {
        // (audit end, civil expiry, calendar expiry)
        let cases = [
            // the examples of docs/domain.md, "Validity"
            ("2024-03-31", "2025-07-31", "2025-08-01"),
            ("2024-10-30", "2026-02-28", "2026-02-28"),
            // audit ends on the last day of a month: S is the 1st
            ("2023-12-31", "2025-04-30", "2025-05-01"),
            ("2024-01-31", "2025-05-31", "2025-06-01"),
            // final month shorter than S's day: last day of that month
            ("2024-10-29", "2026-02-28", "2026-02-28"),
            ("2022-10-30", "2024-02-29", "2024-02-29"), // leap February
            ("2022-10-28", "2024-02-28", "2024-02-29"), // S = 10-29 exists in leap Feb
            ("2023-06-29", "2024-10-29", "2024-10-30"),
            // leap day inside the period, mid-month
            ("2023-02-14", "2024-06-14", "2024-06-15"),
            // audit ends on a leap day: S = 03-01
            ("2024-02-29", "2025-06-30", "2025-07-01"),
            // audit ends on 02-28 of a leap year: S = 02-29, final month June
            ("2024-02-28", "2025-06-28", "2025-06-29"),
            // year boundary
            ("2024-08-31", "2025-12-31", "2026-01-01"),
            ("2024-09-30", "2026-01-31", "2026-02-01"),
        ];
        for (end, civil, calendar) in cases {
            assert_eq!(
                expiry_date(d(end), ExpiryRule::Civil),
                Some(d(civil)),
                "civil, audit end {end}"
            );
            assert_eq!(
                expiry_date(d(end), ExpiryRule::Calendar),
                Some(d(calendar)),
                "calendar, audit end {end}"
            );
        }
    }

    #[test]
    fn audit_period_limits() {
        let ok = [
            ("2023-04-01", "2024-03-31"),
            ("2024-01-01", "2024-01-01"),
            ("2023-03-01", "2024-02-29"),
        ];
        for (s, e) in ok {
            assert!(AuditPeriod::new(d(s), d(e)).is_ok(), "{s}..{e}");
        }
        let too_long = [("2023-04-01", "2024-04-01"), ("2023-03-31", "2024-03-31")];
        for (s, e) in too_long {
            assert!(
                matches!(
                    AuditPeriod::new(d(s), d(e)),
                    Err(AuditPeriodError::TooLong { .. })
                ),
                "{s}..{e}"
            );
        }
        assert!(matches!(
            AuditPeriod::new(d("2024-02-02"), d("2024-02-01")),
            Err(AuditPeriodError::EndsBeforeStart { .. })
        ));
        // Each refusal in both languages, with its dates.
        let cases = [
            (
                ("2024-02-02", "2024-02-01"),
                "末日 2024-02-01 が開始日 2024-02-02 より前",
            ),
            (
                ("2023-04-01", "2024-04-01"),
                "末日は 2024-03-31 以前にしてください",
            ),
        ];
        for ((s, e), ja) in cases {
            let refused = AuditPeriod::new(d(s), d(e)).expect_err("refused");
            assert_eq!(refused.message(Lang::En), refused.to_string());
            assert!(refused.message(Lang::Ja).contains(ja), "{refused}");
        }
    }

    #[test]
    fn japan_date_turns_at_15_utc() {
        use chrono::{TimeZone, Utc};
        let cases = [
            ((2026, 3, 31, 14, 59, 59), "2026-03-31"),
            ((2026, 3, 31, 15, 0, 0), "2026-04-01"),
            ((2025, 12, 31, 23, 0, 0), "2026-01-01"),
        ];
        for ((y, m, day, h, min, s), expected) in cases {
            let utc = Utc
                .with_ymd_and_hms(y, m, day, h, min, s)
                .single()
                .expect("valid instant");
            assert_eq!(japan_date(utc), d(expected), "{utc}");
        }
        let utc = Utc
            .with_ymd_and_hms(2026, 3, 31, 15, 30, 0)
            .single()
            .expect("valid instant");
        assert_eq!(
            japan_time(utc).format("%Y-%m-%d %H:%M").to_string(),
            "2026-04-01 00:30"
        );
    }

    #[test]
    fn rule_names() {
        assert_eq!("civil".parse(), Ok(ExpiryRule::Civil));
        assert_eq!("calendar".parse(), Ok(ExpiryRule::Calendar));
        assert!("gregorian".parse::<ExpiryRule>().is_err());
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2200, 1u32..=366).prop_map(|(y, o)| {
            NaiveDate::from_yo_opt(y, o)
                .unwrap_or_else(|| NaiveDate::from_yo_opt(y, 365).expect("day 365 exists"))
        })
    }

    proptest! {
        // The Civil Code end is the day before the corresponding day, or the month's end.
        #[test]
        fn civil_end_properties(end in any_date()) {
            let start = end.succ_opt().expect("in range");
            let expiry = expiry_date(end, ExpiryRule::Civil).expect("in range");
            let final_month = start.with_day(1).expect("day 1").checked_add_months(Months::new(16)).expect("in range");
            let next = expiry.succ_opt().expect("in range");
            if start.day() <= last_day_of_month(final_month).expect("in range").day() {
                // the day after expiry is the corresponding day of S in the final month
                prop_assert_eq!(next.day(), start.day());
                prop_assert_eq!((next.year(), next.month()), (final_month.year(), final_month.month()));
            } else {
                prop_assert_eq!(expiry, last_day_of_month(final_month).expect("in range"));
            }
            // never later than the calendar rule, and at most one day earlier
            let calendar = expiry_date(end, ExpiryRule::Calendar).expect("in range");
            prop_assert!(expiry <= calendar);
            prop_assert!(calendar.signed_duration_since(expiry).num_days() <= 1);
            // 16 months is between 485 and 489 days (S counted)
            let days = expiry.signed_duration_since(start).num_days() + 1;
            prop_assert!((485..=489).contains(&days), "{} days", days);
        }

        // A 12-month period starting on S is accepted; one more day is refused.
        #[test]
        fn audit_period_boundary(start in any_date()) {
            let latest = period_end(start, MAX_AUDIT_MONTHS, ExpiryRule::Civil).expect("in range");
            prop_assert!(AuditPeriod::new(start, latest).is_ok());
            let too_long = AuditPeriod::new(start, latest.succ_opt().expect("in range"));
            prop_assert!(matches!(too_long, Err(AuditPeriodError::TooLong { .. })), "too long accepted");
        }
    }
}

//! Dates as they appear in our files: `YYYY-MM-DD`.

use chrono::{Datelike, NaiveDate};

pub const EXPECTED: &str = "a date written YYYY-MM-DD between 1900-01-01 and 9999-12-31";

/// Parses `YYYY-MM-DD` (exactly four digits of year) within 1900–9999.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let bytes = t.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    (1900..=9999).contains(&date.year()).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates() {
        let ok = ["2024-02-29", " 2025-07-31 ", "1900-01-01", "9999-12-31"];
        for t in ok {
            assert!(parse_date(t).is_some(), "{t:?}");
        }
        let bad = [
            "2023-02-29",
            "2024-2-29",
            "2024/02/29",
            "24-02-29",
            "2024-13-01",
            "1899-12-31",
            "",
            "２０２４-０２-２９",
            "2024-02-29T00:00",
        ];
        for t in bad {
            assert!(parse_date(t).is_none(), "{t:?}");
        }
    }
}

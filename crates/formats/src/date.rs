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

pub const EXPECTED_LOOSE: &str =
    "a date such as 2021-03-12, 2021/3/12, 2021年3月12日, 令和3年3月12日 or an Excel date serial";

/// First day of each Japanese era used in dates of the program, newest first; 元年 is year 1.
const ERAS: [(&str, i32, u32, u32); 3] = [
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
];

/// Dates as clerks type them in spreadsheets: ISO, slashes, 年月日, Japanese eras, full-width
/// digits. Excel serials are handled by [`from_excel_serial`].
pub fn parse_date_loose(text: &str) -> Option<NaiveDate> {
    use unicode_normalization::UnicodeNormalization;
    let t: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    if let Some(d) = parse_date(&t) {
        return Some(d);
    }
    let (era, rest) = match ERAS.iter().find(|(name, ..)| t.starts_with(name)) {
        Some(era) => (Some(*era), &t[era.0.len()..]),
        None => (None, t.as_str()),
    };
    let rest = rest.replacen("元年", "1年", 1);
    let parts: Vec<&str> = rest
        .split(['/', '-', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let year = match era {
        Some((_, first_year, ..)) if y >= 1 => first_year + y - 1,
        Some(_) => return None,
        None => y,
    };
    let date = NaiveDate::from_ymd_opt(year, m, d)?;
    // An era date before the era began is a typing mistake, not a date.
    if let Some((_, fy, fm, fd)) = era
        && date < NaiveDate::from_ymd_opt(fy, fm, fd)?
    {
        return None;
    }
    (1900..=9999).contains(&date.year()).then_some(date)
}

/// An Excel date serial (days since 1899-12-30, the 1900 leap-year bug included).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) || serial.fract() != 0.0 {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial as u64))
}

#[cfg(test)]
mod tests {
    use super::{from_excel_serial, parse_date, parse_date_loose};

    #[test]
    fn loose_dates() {
        let cases = [
            ("2021-03-12", Some("2021-03-12")),
            ("2021/3/12", Some("2021-03-12")),
            ("2021年3月12日", Some("2021-03-12")),
            ("令和3年3月12日", Some("2021-03-12")),
            ("令和元年5月1日", Some("2019-05-01")),
            ("令和元年4月30日", None), // before 令和 began
            ("平成31年4月30日", Some("2019-04-30")),
            ("平成元年1月8日", Some("1989-01-08")),
            ("昭和64年1月7日", Some("1989-01-07")),
            ("２０２１／３／１２", Some("2021-03-12")),
            (" 令和 6年 2月 29日 ", Some("2024-02-29")),
            ("令和5年2月29日", None),
            ("2021/13/1", None),
            ("R3.3.12", None),
            ("", None),
            ("明日", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_date_loose(text).map(|d| d.to_string()),
                expected.map(str::to_owned),
                "{text:?}"
            );
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(
            from_excel_serial(44267.0).map(|d| d.to_string()),
            Some("2021-03-12".into())
        );
        assert_eq!(
            from_excel_serial(61.0).map(|d| d.to_string()),
            Some("1900-03-01".into())
        );
        assert!(
            from_excel_serial(0.0).is_none()
                && from_excel_serial(44267.5).is_none()
                && from_excel_serial(-3.0).is_none()
        );
    }

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

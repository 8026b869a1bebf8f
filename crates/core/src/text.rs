//! Text matching: text is normalised (NFKC) before it is matched, so that full-width and
//! half-width forms, upper and lower case and runs of spaces compare equal.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The key under which two labels are considered the same: NFKC, then lower case, then every
/// run of white space folded to one ASCII space, with none at either end.
pub fn match_key(text: &str) -> String {
    // Most text is already NFKC; checking is much cheaper than normalising.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold(text.chars())
    } else {
        fold(text.nfkc())
    }
}

fn fold(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars.flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A cell as it is safe to open in a spreadsheet: text a spreadsheet would take for a
/// formula (`=`, `+`, `-`, `@`, tab, carriage return first: OWASP's rule) gets a leading
/// apostrophe, which Excel and LibreOffice show as text. Cells come from providers and are
/// opened by agency staff; `=HYPERLINK(…)` must stay a string.
pub fn inert_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::match_key;

    #[test]
    fn folds_width_case_and_spaces() {
        let cases = [
            ("Object Storage", "object storage"),
            ("ＯＢＪＥＣＴ　ＳＴＯＲＡＧＥ", "object storage"),
            ("  object\t\n storage  ", "object storage"),
            ("ｵﾌﾞｼﾞｪｸﾄｽﾄﾚｰｼﾞ", "オブジェクトストレージ"),
            ("仮想マシン", "仮想マシン"),
            ("Ⅸ", "ix"),
            ("", ""),
            ("   ", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(match_key(input), expected, "input {input:?}");
        }
    }
}

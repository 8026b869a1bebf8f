//! Text search over the registry for Japanese and English: substring semantics on normalised
//! text, accelerated by an in-memory index of 1- and 2-character grams. 1- and 2-character
//! queries work (a word index would miss them); full-width/half-width forms, case, and
//! hiragana/katakana variants match each other.
//!
//! Why not tantivy: for a list of thousands of entries this index answers in microseconds,
//! gives exact substring results (no ranking surprises) and costs no heavy dependency.

use crate::registry::Registry;
use crate::text::match_key;
use std::collections::HashMap;

/// The search form of a text: [`match_key`], then hiragana folded to katakana.
pub fn search_key(text: &str) -> String {
    match_key(text).chars().map(fold_kana).collect()
}

fn fold_kana(c: char) -> char {
    match c {
        // ぁ..ゖ and ゝゞ map 0x60 up to ァ..ヶ and ヽヾ
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

/// Separates fields so that a query never matches across two of them.
const FIELD_SEPARATOR: char = '\u{1F}';

fn gram(a: char, b: Option<char>) -> u64 {
    match b {
        None => a as u64,
        Some(b) => (1 << 63) | ((a as u64) << 32) | b as u64,
    }
}

/// An index of the registry's service names, providers and scope items.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: Vec<String>,
    postings: HashMap<u64, Vec<u32>>,
}

impl SearchIndex {
    pub fn new(registry: &Registry) -> Self {
        let mut index = SearchIndex::default();
        for r in registry.registrations() {
            let mut text = String::new();
            let fields = [r.registration_no.as_str(), &r.service_name, &r.provider]
                .into_iter()
                .chain(r.scope.included.iter().map(|s| s.text.as_str()))
                .chain(r.regions.iter().map(|g| g.name.as_str()));
            for field in fields {
                text.push_str(&search_key(field));
                text.push(FIELD_SEPARATOR);
            }
            index.add(text);
        }
        index
    }

    fn add(&mut self, text: String) {
        let id = self.docs.len() as u32;
        let chars: Vec<char> = text.chars().collect();
        let mut grams: Vec<u64> = Vec::with_capacity(chars.len() * 2);
        for (i, &c) in chars.iter().enumerate() {
            if c == FIELD_SEPARATOR {
                continue;
            }
            grams.push(gram(c, None));
            if let Some(&next) = chars.get(i + 1).filter(|n| **n != FIELD_SEPARATOR) {
                grams.push(gram(c, Some(next)));
            }
        }
        grams.sort_unstable();
        grams.dedup();
        for g in grams {
            self.postings.entry(g).or_default().push(id);
        }
        self.docs.push(text);
    }

    /// Positions (in registry order) of the registrations containing every word of `query`.
    /// An empty query matches everything.
    pub fn search(&self, query: &str) -> Vec<usize> {
        let key = search_key(query);
        let terms: Vec<&str> = key.split(' ').filter(|t| !t.is_empty()).collect();
        if terms.is_empty() {
            return (0..self.docs.len()).collect();
        }
        let mut result: Option<Vec<u32>> = None;
        for term in terms {
            let chars: Vec<char> = term.chars().collect();
            let mut lists: Vec<&[u32]> = if chars.len() == 1 {
                vec![
                    self.postings
                        .get(&gram(chars[0], None))
                        .map_or(&[][..], Vec::as_slice),
                ]
            } else {
                chars
                    .windows(2)
                    .map(|w| {
                        self.postings
                            .get(&gram(w[0], Some(w[1])))
                            .map_or(&[][..], Vec::as_slice)
                    })
                    .collect()
            };
            lists.sort_by_key(|l| l.len());
            let mut candidates: Vec<u32> = lists[0].to_vec();
            if let Some(previous) = &result {
                candidates.retain(|d| previous.binary_search(d).is_ok());
            }
            for list in &lists[1..] {
                candidates.retain(|d| list.binary_search(d).is_ok());
            }
            // A 1- or 2-character term is its own gram: the postings are exact. Longer terms'
            // grams can co-occur without the whole term: confirm the substring.
            if chars.len() > 2 {
                candidates.retain(|&d| self.docs[d as usize].contains(term));
            }
            result = Some(candidates);
        }
        result
            .unwrap_or_default()
            .into_iter()
            .map(|d| d as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::CountryCode;
    use crate::registration::tests::registration;
    use crate::registration::{Region, ScopeItem};

    fn index() -> SearchIndex {
        let mut a = registration("C24-0001-1");
        a.service_name = "クラウド ストレージ".into();
        a.provider = "東京データ株式会社".into();
        a.scope.included = vec![
            ScopeItem::new("オブジェクトストレージ"),
            ScopeItem::new("CDN"),
        ];
        let mut b = registration("C24-0002-1");
        b.service_name = "Office Suite".into();
        b.provider = "大阪ソフト".into();
        b.regions = vec![Region {
            name: "東京".into(),
            country: CountryCode::parse("JP").expect("valid"),
            selectable: true,
        }];
        let mut c = registration("C24-0003-1");
        c.service_name = "ﾒｰﾙ配信".into();
        c.provider = "Mail Inc.".into();
        SearchIndex::new(&Registry::new(vec![a, b, c]).expect("unique"))
    }

    #[test]
    fn queries() {
        let index = index();
        let cases: [(&str, &[usize]); 14] = [
            ("東京", &[0, 1]),
            ("東", &[0, 1]), // one character
            ("京デ", &[0]),  // two characters
            ("ストレージ", &[0]),
            ("すとれーじ", &[0]), // hiragana finds katakana
            ("ＣＤＮ", &[0]),     // full width
            ("cdn", &[0]),        // case
            ("メール", &[2]),     // half-width katakana in the data
            ("office suite", &[1]),
            ("office mail", &[]), // every word must match
            ("大阪 東京", &[1]),  // words may match different fields
            ("ジ東", &[]),        // never across two fields
            ("C24-0003", &[2]),   // registration numbers
            ("", &[0, 1, 2]),
        ];
        for (query, expected) in cases {
            assert_eq!(index.search(query), expected, "{query:?}");
        }
    }

    #[test]
    fn kana_folding() {
        assert_eq!(
            search_key("ひらがな カタカナ ｶﾀｶﾅ"),
            "ヒラガナ カタカナ カタカナ"
        );
        assert_eq!(search_key("ゝゞ"), "ヽヾ");
    }
}

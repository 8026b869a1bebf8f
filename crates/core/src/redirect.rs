//! Where the application may send a browser after a login or a language switch: a path on
//! this site, never another one. Browsers read `//host`, `/\host` and `\\host` as other
//! sites, strip tabs and newlines inside URLs, and accept a scheme anywhere before the path;
//! so only a plain absolute path is accepted.

/// `target` when it is a path on this site (`/registry?q=東京`), else `None`.
pub fn local_path(target: &str) -> Option<&str> {
    let mut chars = target.chars();
    let first = chars.next()?;
    let second = chars.next();
    let safe = first == '/'
        && !matches!(second, Some('/' | '\\'))
        && !target.contains('\\')
        && !target.chars().any(|c| c.is_control() || c.is_whitespace())
        && target.len() <= 2048;
    safe.then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_local_paths_pass() {
        let cases = [
            ("/", true),
            ("/registry?q=%E6%9D%B1%E4%BA%AC&page=2", true),
            ("/registry/C21-0001-1", true),
            ("/registry?q=東京", true),
            ("", false),
            ("registry", false),
            ("//evil.example", false),
            ("/\\evil.example", false),
            ("\\\\evil.example", false),
            ("/%5Cevil.example", true), // stays encoded: a path on this site
            ("/\tevil", false),
            ("/\n/evil.example", false),
            ("/ /evil", false),
            ("https://evil.example/", false),
            ("javascript:alert(1)", false),
            ("/a\\b", false),
            ("/\u{7f}", false),
        ];
        for (target, ok) in cases {
            assert_eq!(local_path(target).is_some(), ok, "{target:?}");
        }
    }
}

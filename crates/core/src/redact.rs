//! Secrets kept out of what is printed: a connection string or mail server URL may carry a
//! password (`postgres://user:password@host/db`, `smtp://user:pass@host`,
//! `postgres://host/db?password=…`). Anything shown to a person or written to a log goes
//! through [`redact_url`] first.

/// Query parameters whose values are secrets.
const SECRET_KEYS: [&str; 4] = ["password", "pass", "secret", "token"];

/// `url` with the password of its user information and the values of secret query parameters
/// replaced by `***`. Text that is not a URL (a file path) is returned as it is.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = url[..rest_start].to_owned();
    // The last '@' ends the user information (a password may itself hold an '@').
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let (query, fragment) = match query.split_once('#') {
                Some((q, f)) => (q, Some(f)),
                None => (query, None),
            };
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if SECRET_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s)) => {
                        format!("{k}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
            if let Some(f) = fragment {
                out.push('#');
                out.push_str(f);
            }
        }
        None => out.push_str(tail),
    }
    out
}

/// Every URL-looking word of `text` redacted: for error messages that quote a URL among
/// other words.
pub fn redact_text(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains("://") {
                // Quoted URLs keep their quotes.
                let start = word.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(0);
                format!("{}{}", &word[..start], redact_url(&word[start..]))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        let cases = [
            (
                "postgres://ismap:s3cret@db.example/ismap",
                "postgres://ismap:***@db.example/ismap",
            ),
            (
                "postgres://ismap@db.example/ismap",
                "postgres://ismap@db.example/ismap",
            ),
            ("postgres://u:p@ss@db/x", "postgres://u:***@db/x"),
            (
                "postgres://db/x?user=a&password=hunter2&sslmode=require",
                "postgres://db/x?user=a&password=***&sslmode=require",
            ),
            (
                "smtp://mailer:pw@mail.example.go.jp:587?tls=required",
                "smtp://mailer:***@mail.example.go.jp:587?tls=required",
            ),
            (
                "sqlite:///var/lib/ismap/ismap.db",
                "sqlite:///var/lib/ismap/ismap.db",
            ),
            ("/var/lib/ismap/ismap.db", "/var/lib/ismap/ismap.db"),
            ("", ""),
            ("x://:@", "x://:***@"),
        ];
        for (given, expected) in cases {
            assert_eq!(redact_url(given), expected, "{given}");
        }
    }

    #[test]
    fn urls_inside_messages_are_redacted() {
        assert_eq!(
            redact_text("cannot open database \"postgres://u:pw@h/d\": refused"),
            "cannot open database \"postgres://u:***@h/d\": refused"
        );
    }
}

#![no_main]
//! Any text as a redirect target (after a login or a language switch): what `local_path`
//! accepts is a plain absolute path, which a browser can only resolve on the same origin.
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static BASE: LazyLock<url::Url> =
    LazyLock::new(|| url::Url::parse("https://ismap.example/registry/C21-0001").expect("base"));

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    let Some(path) = ismap_core::redirect::local_path(&input) else {
        return;
    };
    assert_eq!(path, &*input, "local_path returns its input or nothing");
    assert!(path.starts_with('/'), "{path:?}: not absolute");
    assert!(
        !path.starts_with("//") && !path.starts_with("/\\"),
        "{path:?}: protocol-relative"
    );
    assert!(!path.contains('\\'), "{path:?}: backslash");
    assert!(
        !path.chars().any(|c| c.is_ascii_control()),
        "{path:?}: control character"
    );
    // No scheme: the text before the first '/', '?' or '#' is empty for an absolute path.
    let head = path.split(['/', '?', '#']).next().unwrap_or("");
    assert!(!head.contains(':'), "{path:?}: scheme");
    // As a browser resolves it (the WHATWG URL parser): same scheme, host and port.
    let resolved = BASE
        .join(path)
        .unwrap_or_else(|e| panic!("{path:?}: does not resolve against the site ({e})"));
    assert_eq!(
        resolved.origin(),
        BASE.origin(),
        "{path:?}: resolves to {resolved}, off the site"
    );
});

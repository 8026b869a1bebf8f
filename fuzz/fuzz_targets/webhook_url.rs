#![no_main]
//! Any text as a webhook URL, under the default egress policy and under one that allows two
//! internal hosts: a target that passes is http(s), carries no credentials, and (by default)
//! never names an internal address; every refusal has a message in both languages.
use ismap_core::egress::{Policy, Refused, Target, internal_class};
use ismap_core::lang::Lang;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static OPEN: LazyLock<Policy> = LazyLock::new(Policy::default);
static CLOSED: LazyLock<Policy> =
    LazyLock::new(|| Policy::allowing(["127.0.0.1", "hooks.internal"]));

fn check(policy: &Policy, default: bool, input: &str, result: Result<Target, Refused>) {
    match result {
        Ok(target) => {
            let url = &target.url;
            assert!(
                matches!(url.scheme(), "http" | "https"),
                "{input:?}: scheme {:?} accepted",
                url.scheme()
            );
            assert!(
                url.username().is_empty() && url.password().is_none(),
                "{input:?}: credentials accepted in {url}"
            );
            if let Some(ip) = target.literal {
                let class = internal_class(ip);
                if default {
                    assert!(
                        class.is_none(),
                        "{input:?}: internal address {ip} ({class:?}) accepted by the default policy"
                    );
                } else {
                    assert!(
                        class.is_none() || policy.allows_internal(&target.host),
                        "{input:?}: internal address {ip} ({class:?}) accepted for host {:?}, which is not allowed",
                        target.host
                    );
                }
            }
            if default {
                assert!(
                    target.host != "localhost" && !target.host.ends_with(".localhost"),
                    "{input:?}: local name {:?} accepted",
                    target.host
                );
            }
        }
        Err(refused) => {
            let ja = refused.message(Lang::Ja);
            let en = refused.message(Lang::En);
            assert!(!ja.is_empty() && !en.is_empty());
            let _ = refused.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    check(&OPEN, true, &input, OPEN.target(&input));
    check(&CLOSED, false, &input, CLOSED.target(&input));
});

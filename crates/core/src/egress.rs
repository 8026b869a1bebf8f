//! Where the server may send requests on a user's behalf (webhooks). A webhook URL is chosen
//! by a user; left open, it lets them reach what only the server can reach: its own ports,
//! the cloud metadata service, the agency's internal network. So a target must be `http` or
//! `https` to a host whose every address is public, unless the operator named the host as
//! allowed (closed networks deliver to internal receivers on purpose).

use crate::lang::Lang;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a target is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a URL at all.
    Malformed(String),
    /// A scheme other than http or https.
    Scheme(String),
    /// User name or password in the URL.
    Credentials,
    /// `localhost` or a name under it.
    LocalName(String),
    /// An address of a class only the server's own network reaches.
    Internal {
        address: IpAddr,
        class: &'static str,
    },
    /// The name has no address.
    Unresolved(String),
}

impl Refused {
    pub fn message(&self, lang: Lang) -> String {
        let ja = lang == Lang::Ja;
        match self {
            Refused::Malformed(e) if ja => format!("URLとして読めません: {e}"),
            Refused::Malformed(e) => format!("not a URL: {e}"),
            Refused::Scheme(s) if ja => format!("http または https のURLを指定してください（{s}）"),
            Refused::Scheme(s) => format!("expected an http or https URL (got {s})"),
            Refused::Credentials if ja => {
                "URLにユーザー名・パスワードを含めないでください（署名鍵を使います）".into()
            }
            Refused::Credentials => {
                "the URL must not carry a user name or password (deliveries are signed)".into()
            }
            Refused::LocalName(h) if ja => {
                format!("{h} はこのサーバー自身を指すため送信できません")
            }
            Refused::LocalName(h) => format!("{h} names this server itself"),
            Refused::Internal { address, class } if ja => format!(
                "{address} は内部向けのアドレス（{class}）のため送信できません。閉域網内の送信先が必要な場合は、システム管理者に送信を許可するホストへの追加を依頼してください"
            ),
            Refused::Internal { address, class } => format!(
                "{address} is an internal address ({class}); an operator may allow named internal hosts for closed networks"
            ),
            Refused::Unresolved(h) if ja => format!("ホスト名 {h} のアドレスが見つかりません"),
            Refused::Unresolved(h) => format!("the host {h} does not resolve"),
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Refused {}

/// A webhook URL that passed the syntactic checks; its addresses are checked when resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: url::Url,
    /// The host as written in the URL, lower-case (an IPv6 literal without brackets).
    pub host: String,
    pub port: u16,
    /// The address, when the URL gives one instead of a name.
    pub literal: Option<IpAddr>,
}

/// The operator's exceptions: hosts (as written in webhook URLs) that may be internal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    allowed_hosts: Vec<String>,
}

impl Policy {
    pub fn allowing<I: IntoIterator<Item = S>, S: AsRef<str>>(hosts: I) -> Policy {
        Policy {
            allowed_hosts: hosts
                .into_iter()
                .map(|h| normalise_host(h.as_ref()))
                .collect(),
        }
    }

    pub fn allows_internal(&self, host: &str) -> bool {
        let host = normalise_host(host);
        self.allowed_hosts.contains(&host)
    }

    /// Parses `url` and refuses what no resolution can make acceptable: other schemes,
    /// credentials, `localhost`, an internal address literal.
    pub fn target(&self, url: &str) -> Result<Target, Refused> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| Refused::Malformed(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Refused::Scheme(parsed.scheme().to_owned()));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Refused::Credentials);
        }
        let (host, literal) = match parsed.host() {
            Some(url::Host::Domain(d)) => (normalise_host(d), None),
            Some(url::Host::Ipv4(a)) => (a.to_string(), Some(IpAddr::V4(a))),
            Some(url::Host::Ipv6(a)) => (a.to_string(), Some(IpAddr::V6(a))),
            None => return Err(Refused::Malformed("no host".into())),
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        let target = Target {
            url: parsed,
            host,
            port,
            literal,
        };
        if self.allows_internal(&target.host) {
            return Ok(target);
        }
        if target.host == "localhost" || target.host.ends_with(".localhost") {
            return Err(Refused::LocalName(target.host));
        }
        if let Some(address) = literal {
            self.check(&target.host, address)?;
        }
        Ok(target)
    }

    /// Whether the server may connect to `address` for `host` (after resolving it).
    pub fn check(&self, host: &str, address: IpAddr) -> Result<(), Refused> {
        match internal_class(address) {
            Some(class) if !self.allows_internal(host) => Err(Refused::Internal { address, class }),
            _ => Ok(()),
        }
    }
}

fn normalise_host(host: &str) -> String {
    host.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// The class of an address that is not on the public internet, or `None` for a public one.
pub fn internal_class(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(a) => v4_class(a),
        IpAddr::V6(a) => v6_class(a),
    }
}

fn v4_class(a: Ipv4Addr) -> Option<&'static str> {
    let [b0, b1, b2, _] = a.octets();
    Some(match (b0, b1, b2) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (192, 168, _) => "private",
        (172, 16..=31, _) => "private",
        (100, 64..=127, _) => "shared address space",
        (169, 254, _) => "link-local / cloud metadata",
        (192, 0, 0) => "IETF protocol assignments",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "documentation",
        (198, 18..=19, _) => "benchmarking",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved / broadcast",
        _ => return None,
    })
}

fn v6_class(a: Ipv6Addr) -> Option<&'static str> {
    let s = a.segments();
    // Addresses that carry an IPv4 address are what that address is.
    if let Some(v4) = a.to_ipv4_mapped() {
        return v4_class(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] {
        return match a {
            _ if a.is_unspecified() => Some("unspecified"),
            _ if a.is_loopback() => Some("loopback"),
            // Deprecated IPv4-compatible ::a.b.c.d.
            _ => Some("IPv4-compatible"),
        };
    }
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    // NAT64 (64:ff9b::/96) carries the IPv4 address; the local-use prefix 64:ff9b:1::/48
    // (RFC 8215) is a network's own translator, internal whatever it embeds.
    if s[0] == 0x64 && s[1] == 0xff9b {
        if s[2] == 1 {
            return Some("local NAT64");
        }
        return v4_class(embedded(s[6], s[7]));
    }
    // IPv4-translated ::ffff:0:a.b.c.d (SIIT, RFC 2765) carries its IPv4 address too.
    if s[..4] == [0, 0, 0, 0] && s[4] == 0xffff && s[5] == 0 {
        return v4_class(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return v4_class(embedded(s[1], s[2]));
    }
    Some(match s[0] {
        0xfc00..=0xfdff => "unique local",
        0xfe80..=0xfebf => "link-local",
        0xfec0..=0xfeff => "site-local",
        0xff00..=0xffff => "multicast",
        0x0100 if s[1..4] == [0, 0, 0] => "discard",
        0x2001 if s[1] == 0x0db8 => "documentation",
        0x2001 if s[1] < 0x0200 => "IETF protocol assignments",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes() {
        let cases = [
            ("8.8.8.8", None),
            ("133.242.0.1", None),
            ("127.0.0.1", Some("loopback")),
            ("127.255.0.9", Some("loopback")),
            ("0.0.0.0", Some("unspecified")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("172.32.0.1", None),
            ("192.168.1.1", Some("private")),
            ("169.254.169.254", Some("link-local / cloud metadata")),
            ("100.100.100.200", Some("shared address space")),
            ("224.0.0.1", Some("multicast")),
            ("255.255.255.255", Some("reserved / broadcast")),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("::ffff:127.0.0.1", Some("loopback")),
            (
                "::ffff:169.254.169.254",
                Some("link-local / cloud metadata"),
            ),
            ("::ffff:8.8.8.8", None),
            ("::127.0.0.1", Some("IPv4-compatible")),
            ("64:ff9b::a9fe:a9fe", Some("link-local / cloud metadata")),
            ("64:ff9b::808:808", None),
            ("64:ff9b:1::808:808", Some("local NAT64")),
            ("::ffff:0:127.0.0.1", Some("loopback")),
            ("::ffff:0:a9fe:a9fe", Some("link-local / cloud metadata")),
            ("::ffff:0:808:808", None),
            ("2002:7f00:1::", Some("loopback")),
            ("fe80::1", Some("link-local")),
            ("fd00:ec2::254", Some("unique local")),
            ("fc00::1", Some("unique local")),
            ("ff02::1", Some("multicast")),
            ("2001:db8::1", Some("documentation")),
            ("2404:6800:4004:80f::200e", None),
        ];
        for (text, class) in cases {
            let address: IpAddr = text.parse().expect(text);
            assert_eq!(internal_class(address), class, "{text}");
        }
    }

    #[test]
    fn targets() {
        let open = Policy::default();
        let ok = |u: &str| open.target(u).map(|t| (t.host, t.port));
        assert_eq!(
            ok("https://hooks.example.jp/x"),
            Ok(("hooks.example.jp".into(), 443))
        );
        assert_eq!(
            ok("http://HOOKS.example.jp.:8080/"),
            Ok(("hooks.example.jp".into(), 8080))
        );
        assert_eq!(ok("https://8.8.8.8/"), Ok(("8.8.8.8".into(), 443)));
        let refused = |u: &str| open.target(u).err();
        assert!(matches!(
            refused("ftp://x.example/"),
            Some(Refused::Scheme(_))
        ));
        assert!(matches!(
            refused("file:///etc/passwd"),
            Some(Refused::Scheme(_))
        ));
        assert!(matches!(refused("not a url"), Some(Refused::Malformed(_))));
        assert!(matches!(
            refused("https://u:p@x.example/"),
            Some(Refused::Credentials)
        ));
        assert!(matches!(
            refused("http://localhost:8080/"),
            Some(Refused::LocalName(_))
        ));
        assert!(matches!(
            refused("http://LOCALHOST./"),
            Some(Refused::LocalName(_))
        ));
        assert!(matches!(
            refused("http://a.localhost/"),
            Some(Refused::LocalName(_))
        ));
        for internal in [
            "http://127.0.0.1:9/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://0x7f000001/",
            "http://2130706433/",
            "http://017700000001/",
            "http://10.0.0.1/",
            "http://[fd00::1]/",
            "http://0/",
        ] {
            assert!(
                matches!(refused(internal), Some(Refused::Internal { .. })),
                "{internal}: {:?}",
                refused(internal)
            );
        }
        let closed = Policy::allowing(["127.0.0.1", "Receiver.Intra.Example"]);
        assert!(closed.target("http://127.0.0.1:9/").is_ok());
        assert!(closed.target("http://receiver.intra.example/").is_ok());
        assert!(
            closed
                .check("receiver.intra.example", "10.0.0.5".parse().expect("ip"))
                .is_ok()
        );
        assert!(
            closed
                .check("other.example", "10.0.0.5".parse().expect("ip"))
                .is_err()
        );
        assert!(closed.target("http://[::1]/").is_err());
    }
}

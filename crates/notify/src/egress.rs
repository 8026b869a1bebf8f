//! Webhook requests that cannot be pointed inside the server's network. A URL is vetted when
//! a webhook is created (so the user hears why at once) and again at every delivery: the
//! client's resolver refuses a name whose answer now includes an internal address (DNS
//! answers change), literal addresses are checked before connecting, redirects are never
//! followed and no proxy is used (a proxy would resolve the name beyond our check).

use ismap_core::egress::{Policy, Refused, Target};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The addresses of `host`, all of which the policy accepts.
async fn addresses(policy: &Policy, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refused> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| Refused::Unresolved(host.to_owned()))?
        .collect();
    if found.is_empty() {
        return Err(Refused::Unresolved(host.to_owned()));
    }
    // Every answer must be acceptable: a client may connect to any of them.
    for address in &found {
        policy.check(host, address.ip())?;
    }
    Ok(found)
}

/// Checks `url` as a webhook target now: its form, and every address its host resolves to.
pub async fn vet(policy: &Policy, url: &str) -> Result<Target, Refused> {
    let target = policy.target(url)?;
    if target.literal.is_none() {
        addresses(policy, &target.host, target.port).await?;
    }
    Ok(target)
}

/// reqwest's resolver, with the policy applied to each answer.
struct Vetted(Arc<Policy>);

impl Resolve for Vetted {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = Arc::clone(&self.0);
        Box::pin(async move {
            let found = addresses(&policy, name.as_str(), 0).await?;
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client for webhooks under a policy: vetted resolution, no redirects, no proxy.
#[derive(Clone)]
pub struct Egress {
    policy: Arc<Policy>,
    client: reqwest::Client,
}

impl Egress {
    pub fn new(policy: &Policy, timeout: Duration) -> reqwest::Result<Egress> {
        let policy = Arc::new(policy.clone());
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(Vetted(Arc::clone(&policy))))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .build()?;
        Ok(Egress { policy, client })
    }

    /// A POST to `url` if the policy allows it (a literal address never reaches the resolver,
    /// so it is checked here).
    pub fn post(&self, url: &str) -> Result<reqwest::RequestBuilder, Refused> {
        let target = self.policy.target(url)?;
        Ok(self.client.post(target.url))
    }
}

/// Why a request failed, without its URL (webhook URLs often carry the receiver's secret and
/// this text is logged and stored): for a refused address, the policy's reason.
pub fn cause(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut source: &dyn std::error::Error = &error;
    while let Some(next) = source.source() {
        if let Some(refused) = next.downcast_ref::<Refused>() {
            return refused.to_string();
        }
        source = next;
    }
    error.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_answers_with_an_internal_address() {
        // `localhost` is refused by name before resolving; the resolver itself must refuse it
        // too, as it would any name whose DNS answer changed to 127.0.0.1.
        let vetted = Vetted(Arc::new(Policy::default()));
        let refused = vetted
            .resolve(Name::from_str("localhost").expect("name"))
            .await
            .err()
            .expect("refused");
        assert!(
            refused.to_string().contains("internal address"),
            "{refused}"
        );
        let allowed = Vetted(Arc::new(Policy::allowing(["localhost"])));
        assert!(
            allowed
                .resolve(Name::from_str("localhost").expect("name"))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn vetting_a_url_checks_form_and_addresses() {
        let policy = Policy::default();
        for (url, fragment) in [
            ("http://localhost:8080/", "names this server"),
            ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
            ("http://[::ffff:10.0.0.1]/", "private"),
            ("ftp://93.184.216.34/", "http or https"),
            ("http://no-such-host.invalid/", "does not resolve"),
        ] {
            let refused = vet(&policy, url).await.expect_err(url);
            assert!(refused.to_string().contains(fragment), "{url}: {refused}");
        }
        assert!(vet(&policy, "https://93.184.216.34/hook").await.is_ok());
    }
}

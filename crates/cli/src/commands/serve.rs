use super::alerts::AlertArgs;
use super::source::RegistrySource;
use crate::context::Context;
use anyhow::{Context as _, Result};
use clap::Args;
use ismap_web::render::RenderLimits;
use ismap_web::{AppState, Deployment, Snapshot};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct ServeCmd {
    /// Address and port to listen on (port 0 picks a free one)
    #[arg(long, env = "ISMAP_BIND", default_value = "127.0.0.1:8080")]
    bind: String,
    #[command(flatten)]
    source: RegistrySource,
    /// Seconds between checks for changes to the list in the database (made by imports or
    /// by other servers sharing it), 0.1 to 3600
    #[arg(long, default_value = "0.5", value_name = "SECONDS", value_parser = refresh_interval)]
    refresh: Duration,
    /// Mark session cookies Secure: set when clients reach the server over TLS (a proxy that
    /// sends X-Forwarded-Proto: https gets Secure cookies without it)
    #[arg(long, env = "ISMAP_SECURE_COOKIES")]
    secure_cookies: bool,
    /// A reverse proxy or load balancer is in front: take the client's address for the login
    /// throttle from the last X-Forwarded-For entry. Never set it when clients can reach the
    /// server directly (they could then pick their address)
    #[arg(long, env = "ISMAP_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Failed logins one client address may have within 15 minutes, whatever the user names
    /// (raise it when a whole office reaches the server through one address)
    #[arg(long, env = "ISMAP_CLIENT_LOGIN_FAILURES", default_value_t = ismap_store::CLIENT_MAX_FAILURES)]
    client_login_failures: u64,
    /// PDF and XLSX documents rendered at once (each takes a CPU while it runs)
    #[arg(long, default_value_t = 2, value_name = "N")]
    render_workers: usize,
    /// Further PDF/XLSX requests that may wait; beyond, the answer is 503 with Retry-After
    #[arg(long, default_value_t = 8, value_name = "N")]
    render_queue: usize,
    /// The address the public reaches the server at, e.g. https://ismap.example.go.jp: the
    /// links in the feeds use it (never the request's Host header) [default: the address
    /// the server listens on]
    #[arg(long, env = "ISMAP_PUBLIC_URL", value_name = "URL", value_parser = public_url)]
    public_url: Option<String>,
    /// A directory of contract clause templates (*.toml, as in data/clauses) that procurement
    /// cases draft from [default: the shipped ones]
    #[arg(long, env = "ISMAP_CLAUSES", value_name = "DIR")]
    clauses: Option<std::path::PathBuf>,
    /// Minutes between alert runs (0: none; run `ismap alerts run` from cron instead)
    #[arg(long, env = "ISMAP_ALERTS_EVERY", default_value_t = 60)]
    alerts_every: u64,
    #[command(flatten)]
    alerts: AlertArgs,
}

impl ServeCmd {
    fn render_limits(&self) -> RenderLimits {
        RenderLimits {
            workers: self.render_workers,
            queue: self.render_queue,
        }
    }

    pub async fn run(self, ctx: &Context) -> Result<()> {
        tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_env("ISMAP_LOG")
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
            )
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init();
        let state = if self.source.is_database() {
            let settings = self.alerts.settings(ctx)?;
            // Read and checked at start: a bad template stops the server with its file and field.
            let clauses = match &self.clauses {
                Some(dir) => ismap_formats::clauses::read_clause_dir(dir)?,
                None => ismap_formats::clauses::builtin_clauses().to_vec(),
            };
            let deployment = Deployment {
                secure_cookies: self.secure_cookies,
                behind_proxy: self.behind_proxy,
                client_login_failures: self.client_login_failures,
                egress: settings.egress.clone(),
                render: self.render_limits(),
                public_url: self.public_url.clone(),
                clauses,
                rule: ctx.rule,
            };
            let state = AppState::from_store(ctx.store().await?, deployment).await?;
            state.spawn_refresh(self.refresh);
            if self.alerts_every > 0 {
                spawn_alerts(
                    Arc::clone(&state),
                    Duration::from_secs(self.alerts_every * 60),
                    settings,
                );
            }
            state
        } else {
            let loaded = self.source.load(ctx).await?;
            AppState::fixed(
                Snapshot::new(
                    loaded.catalog,
                    loaded.registry,
                    loaded.info.sha256,
                    loaded.info.origin,
                ),
                Deployment {
                    render: self.render_limits(),
                    public_url: self.public_url.clone(),
                    rule: ctx.rule,
                    ..Deployment::default()
                },
            )
        };
        let running = ismap_web::start(state, &self.bind, shutdown_signal())
            .await
            .with_context(|| format!("cannot listen on {}", self.bind))?;
        // The address is printed on standard output so that scripts can find a port-0 server.
        println!("http://{}/", running.addr);
        tracing::info!(
            "listening on http://{} (API documentation at /api/docs)",
            running.addr
        );
        running.task.await??;
        tracing::info!("stopped");
        Ok(())
    }
}

/// `--public-url`: an http(s) origin, optionally with a path, written without a trailing slash.
fn public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("{text:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{text:?}: expected an http:// or https:// address"));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "{text:?}: expected an address without query, fragment or user name"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Raises and delivers alerts on a schedule (and drops expired sessions). Several servers may run it on one database:
/// alerts are unique per watch and deliveries are leased, so nothing is sent twice.
fn spawn_alerts(state: Arc<AppState>, every: Duration, settings: ismap_notify::Settings) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let Some(store) = state.store() else { return };
            if let Err(e) = store.purge_expired().await {
                tracing::warn!("purging expired sessions failed: {e}");
            }
            let snapshot = state.snapshot();
            let now = chrono::Utc::now();
            let list = ismap_notify::List {
                registry: &snapshot.registry,
                catalog: &snapshot.catalog,
                sha256: snapshot.sha256(),
                revision: snapshot.origin.revision(),
            };
            let run = ismap_notify::run(
                store,
                list,
                (ismap_core::validity::japan_date(now), now),
                &settings,
            )
            .await;
            match run {
                Ok(report) => tracing::info!(
                    raised = report.raised,
                    delivered = report.delivered,
                    failed = report.failed,
                    "alert run"
                ),
                Err(e) => tracing::warn!("alert run failed: {e}"),
            }
        }
    });
}

/// Ctrl-C or SIGTERM: stop accepting connections and finish the ones in flight.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// `--refresh`: a number of seconds between 0.1 and 3600.
fn refresh_interval(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if (0.1..=3600.0).contains(&s) => Ok(Duration::from_secs_f64(s)),
        _ => Err("expected a number of seconds between 0.1 and 3600".into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_urls() {
        let cases = [
            (
                "https://ismap.example.go.jp",
                Ok("https://ismap.example.go.jp"),
            ),
            (
                "https://ismap.example.go.jp/",
                Ok("https://ismap.example.go.jp"),
            ),
            (
                "http://10.0.0.5:8080/ismap/",
                Ok("http://10.0.0.5:8080/ismap"),
            ),
            (
                "ftp://ismap.example.go.jp",
                Err("expected an http:// or https:// address"),
            ),
            ("https://ismap.example.go.jp/?x=1", Err("without query")),
            ("https://user@ismap.example.go.jp", Err("without query")),
            ("ismap.example.go.jp", Err("relative URL")),
        ];
        for (text, expected) in cases {
            match (super::public_url(text), expected) {
                (Ok(url), Ok(want)) => assert_eq!(url, want),
                (Err(e), Err(want)) => assert!(e.contains(want), "{text}: {e}"),
                (got, want) => panic!("{text}: {got:?}, expected {want:?}"),
            }
        }
    }
}

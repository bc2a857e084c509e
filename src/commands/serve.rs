//! `kota serve`: the web site and the API.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use crate::config::DatabaseArgs;

/// Arguments of `kota serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, env = "KOTA_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Mark the session cookie `Secure` (HTTPS only): set it when Kota is reached over
    /// HTTPS, directly or through a proxy.
    #[arg(long, env = "KOTA_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Seconds a client may take to send a request's line and headers (and may stay idle
    /// between requests) before its connection is closed.
    #[arg(long, env = "KOTA_HEADER_READ_TIMEOUT", default_value_t = kota_web::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout: u64,
    /// Bearer token `/metrics` asks for; without it `/metrics` is open to whoever reaches it.
    #[arg(long, env = "KOTA_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    #[command(flatten)]
    mail: MailArgs,
}

/// How Kota sends e-mail.
#[derive(Debug, Args)]
struct MailArgs {
    /// The SMTP server mail goes through: `smtp://user:password@host:587` (STARTTLS when the
    /// server offers it; `?tls=required` to insist) or `smtps://host:465`. Without it, each
    /// mail is written as an `.eml` file into the data folder's `outbox/`.
    #[arg(long, env = "KOTA_SMTP_URL", hide_env_values = true)]
    smtp_url: Option<String>,
    /// The address people reach this site at, for the links in mail (default: the address
    /// Kota listens on).
    #[arg(long, env = "KOTA_PUBLIC_URL")]
    public_url: Option<String>,
    /// The sender of every mail.
    #[arg(long, env = "KOTA_MAIL_FROM", default_value = "Kota <kota@localhost>")]
    mail_from: String,
    /// Seconds a server keeps a mail it is sending to itself before another may send it.
    #[arg(long, env = "KOTA_MAIL_LEASE_SECONDS", default_value_t = kota_web::mail::DEFAULT_LEASE.as_secs())]
    mail_lease_seconds: u64,
    /// Milliseconds between two looks at the outbox.
    #[arg(long, env = "KOTA_MAIL_POLL_MS", default_value_t = 2000)]
    mail_poll_ms: u64,
    /// The hour (UTC, 0–23) of the daily digest; 0 is morning across South-East Asia.
    #[arg(long, env = "KOTA_DIGEST_HOUR", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..24))]
    digest_hour: u32,
}

impl MailArgs {
    /// Starts sending the outbox, and says where mail goes.
    async fn start(
        &self,
        store: &kota_store::Store,
        data_dir: &std::path::Path,
        address: SocketAddr,
    ) -> anyhow::Result<()> {
        use kota_web::mail::{Sender, Transport};
        let lease = Duration::from_secs(self.mail_lease_seconds.max(3));
        let transport = match self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) {
            Some(url) => Transport::smtp(url, lease / 3)?,
            None => {
                let dir = data_dir.join("outbox");
                Transport::folder(&dir)
                    .with_context(|| format!("cannot make the outbox folder {}", dir.display()))?
            }
        };
        let from = self.mail_from.parse().with_context(|| {
            format!("KOTA_MAIL_FROM `{}` is not a mail address", self.mail_from)
        })?;
        let site = self.public_url.clone().unwrap_or_else(|| {
            tracing::warn!(
                "KOTA_PUBLIC_URL is not set: links in mail point to http://{address}, which only \
                 this machine reaches"
            );
            format!("http://{address}")
        });
        println!("Mail goes out {}", transport.describe());
        tracing::info!(mail = %transport.describe(), %site, "sending mail");
        Sender::new(store.clone(), transport, &site, from)
            .await?
            .with_lease(lease)
            .spawn(
                Duration::from_millis(self.mail_poll_ms.max(50)),
                self.digest_hour,
            );
        Ok(())
    }
}

pub(crate) async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let store = args.db.open_signed().await?;
    // Whether the database is empty is decided under the import's write lock, so that of
    // several servers started together on one empty database only one loads the network.
    if super::seed::load_if_empty(&store, &super::seed::builtin_network()?, "kota serve")
        .await?
        .is_some()
    {
        tracing::info!("the database was empty: loaded the built-in network");
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    println!(
        "Kota is serving the network at http://{address}/ (API: http://{address}/api/v1/openapi.json)"
    );
    tracing::info!(%address, database = store.backend(), "serving");
    args.mail.start(&store, &args.db.data_dir, address).await?;
    let options = kota_web::WebOptions {
        secure_cookies: args.secure_cookies,
        header_read_timeout: Duration::from_secs(args.header_read_timeout.max(1)),
        metrics_token: args.metrics_token,
    };
    let state = kota_web::AppState::new(store.clone());
    let search = state.search.clone();
    tokio::spawn(async move {
        if let Err(e) = search.warm_up().await {
            tracing::warn!(error = %e, "the search index will be built at the first search");
        }
    });
    let app = kota_web::app_with(state, &options);
    kota_web::serve_with(listener, app, &options, shutdown_signal())
        .await
        .context("the server failed")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

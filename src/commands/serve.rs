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
    let options = kota_web::WebOptions {
        secure_cookies: args.secure_cookies,
        header_read_timeout: Duration::from_secs(args.header_read_timeout.max(1)),
        metrics_token: args.metrics_token,
    };
    let app = kota_web::app_with(
        kota_web::AppState {
            store: store.clone(),
        },
        &options,
    );
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

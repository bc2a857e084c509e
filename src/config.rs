//! Where Kota keeps its data and how it logs: from flags, then environment variables, then
//! defaults.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use kota_domain::audit::checkpoint::AuditSigner;
use kota_store::Store;

/// Which database to use.
#[derive(Debug, Clone, Args)]
pub(crate) struct DatabaseArgs {
    /// Folder of the embedded SQLite database (`kota.db`), created when missing.
    #[arg(long, env = "KOTA_DATA_DIR", default_value = "./kota-data")]
    pub(crate) data_dir: PathBuf,
    /// A PostgreSQL (or SQLite) database URL; takes precedence over --data-dir.
    #[arg(long, env = "DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// The file of the key that signs the audit log's head at each change (default
    /// `audit-signing.key` in the data folder; made, readable by its owner only, on first
    /// use). Keep it outside the database and back it up.
    #[arg(long, env = "KOTA_AUDIT_KEY")]
    pub(crate) audit_key: Option<PathBuf>,
    /// Days without activity after which an active twinning is flagged dormant.
    #[arg(long, env = "KOTA_TWINNING_DORMANT_DAYS", default_value_t = kota_domain::twinning::DEFAULT_DORMANT_DAYS)]
    pub(crate) twinning_dormant_days: u32,
}

impl DatabaseArgs {
    /// The database URL these arguments name.
    pub(crate) fn url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
            _ => {
                std::fs::create_dir_all(&self.data_dir).with_context(|| {
                    format!("cannot create the data folder {}", self.data_dir.display())
                })?;
                Ok(format!(
                    "sqlite://{}",
                    self.data_dir.join("kota.db").display()
                ))
            }
        }
    }

    /// Opens the database and brings its schema up to date.
    pub(crate) async fn open(&self) -> anyhow::Result<Store> {
        let url = self.url()?;
        let store = Store::connect(&url)
            .await
            .with_context(|| format!("cannot open the database {}", redact(&url)))?
            .with_twinning_dormancy(self.twinning_dormant_days);
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        Ok(store)
    }

    /// Where the audit signing key is kept.
    pub(crate) fn audit_key_path(&self) -> PathBuf {
        self.audit_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join(kota_store::audit_key::FILE_NAME))
    }

    /// The audit signing key, made first when there is none.
    pub(crate) fn audit_signer(&self) -> anyhow::Result<AuditSigner> {
        let path = self.audit_key_path();
        kota_store::audit_key::load_or_create(&path)
            .with_context(|| format!("cannot use the audit signing key {}", path.display()))
    }

    /// Opens the database for a command that changes it: migrated, and signing the audit
    /// log's head at each change.
    pub(crate) async fn open_signed(&self) -> anyhow::Result<Store> {
        let signer = Arc::new(self.audit_signer()?);
        Ok(self.open().await?.with_audit_signer(signer))
    }
}

/// A database URL without its password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Logs to standard error: human-readable, or JSON lines with `KOTA_LOG_FORMAT=json`;
/// the level from `RUST_LOG` (default `info`).
pub(crate) fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("KOTA_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://kota:secret@db:5432/kota"),
            "postgres://kota:***@db:5432/kota"
        );
        assert_eq!(
            redact("sqlite://./kota-data/kota.db"),
            "sqlite://./kota-data/kota.db"
        );
    }
}

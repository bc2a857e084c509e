//! Where mail goes: an SMTP server (`KOTA_SMTP_URL`), or, with none configured, `.eml` files
//! in the outbox folder, one per mail, named by the mail's id so that a retry rewrites the same
//! file instead of adding a second.

use std::path::{Path, PathBuf};
use std::time::Duration;

use kota_store::mail::QueuedMail;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Why a mail was not delivered.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    message: String,
    permanent: bool,
}

impl TransportError {
    /// A send that took longer than `limit` (worth another try).
    pub(super) fn timed_out(limit: Duration) -> Self {
        Self {
            message: format!("no answer within {} s", limit.as_secs()),
            permanent: false,
        }
    }

    /// Whether trying again cannot help (the server refused the address, say).
    pub fn is_permanent(&self) -> bool {
        self.permanent
    }
}

/// Where a mail was delivered.
#[derive(Debug)]
pub enum Delivered {
    /// Accepted by the SMTP server, which answered this.
    Smtp(String),
    /// Written to this file.
    File(PathBuf),
}

impl std::fmt::Display for Delivered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(answer) => write!(f, "SMTP server answered {answer}"),
            Self::File(path) => write!(f, "written to {}", path.display()),
        }
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp {
        /// The connection.
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        /// Its address without credentials, for messages.
        shown: String,
    },
    /// A folder of `.eml` files.
    Folder(PathBuf),
}

impl Transport {
    /// An SMTP server by URL: `smtp://user:password@host:587` (STARTTLS, required when the URL
    /// carries credentials, used when offered otherwise; `?tls=` overrides), `smtps://host:465`
    /// (TLS from the start), with `timeout` for connecting.
    pub fn smtp(url: &str, timeout: Duration) -> Result<Self, TransportError> {
        let url = url.trim();
        let with_tls = if url.starts_with("smtp://") && !url.contains("tls=") {
            let joiner = if url.contains('?') { '&' } else { '?' };
            let credentials = url["smtp://".len()..]
                .split('/')
                .next()
                .is_some_and(|a| a.contains('@'));
            let tls = if credentials {
                "required"
            } else {
                "opportunistic"
            };
            format!("{url}{joiner}tls={tls}")
        } else {
            url.to_owned()
        };
        let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(&with_tls)
            .map_err(|e| TransportError {
                message: format!("the SMTP address is not usable: {e}"),
                permanent: true,
            })?
            .timeout(Some(timeout))
            .build();
        Ok(Self::Smtp {
            smtp,
            shown: without_credentials(url),
        })
    }

    /// The folder `dir` (made when missing), once a file could be written into it.
    pub fn folder(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let probe = dir.join(".kota-write-test");
        std::fs::write(&probe, b"")?;
        std::fs::remove_file(&probe)?;
        Ok(Self::Folder(dir.to_owned()))
    }

    /// Where mail goes, in words, for the log at start.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { shown, .. } => format!("by SMTP through {shown}"),
            Self::Folder(dir) => format!(
                "as .eml files in {} (no SMTP server configured: set KOTA_SMTP_URL)",
                dir.display()
            ),
        }
    }

    /// Delivers one mail.
    pub(super) async fn send(
        &self,
        mail: &QueuedMail,
        message: &Message,
    ) -> Result<Delivered, TransportError> {
        match self {
            Self::Smtp { smtp, .. } => match smtp.send(message.clone()).await {
                Ok(answer) => Ok(Delivered::Smtp(
                    answer.code().to_string()
                        + " "
                        + &answer.message().collect::<Vec<_>>().join(" "),
                )),
                Err(e) => Err(TransportError {
                    permanent: e.is_permanent(),
                    message: e.to_string(),
                }),
            },
            Self::Folder(dir) => write_file(dir, mail, &message.formatted())
                .await
                .map(Delivered::File)
                .map_err(|e| TransportError {
                    message: format!("cannot write to the outbox folder: {e}"),
                    permanent: false,
                }),
        }
    }
}

/// Writes the mail's file whole or not at all: into a temporary file, synced, then renamed.
async fn write_file(dir: &Path, mail: &QueuedMail, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let name = format!(
        "{}-{}.eml",
        mail.created_at.format("%Y%m%dT%H%M%SZ"),
        mail.id
    );
    let path = dir.join(name);
    let partial = dir.join(format!(".{}.partial", mail.id));
    let bytes = bytes.to_vec();
    let (partial_path, final_path) = (partial.clone(), path.clone());
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let written = std::fs::File::create(&partial_path).and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&partial_path, &final_path)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&partial_path);
        }
        written
    })
    .await
    .map_err(std::io::Error::other)??;
    Ok(path)
}

/// An SMTP URL without its user and password.
fn without_credentials(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_not_shown() {
        assert_eq!(
            without_credentials("smtp://kota:secret@mail.example.org:587"),
            "smtp://mail.example.org:587"
        );
        assert_eq!(
            without_credentials("smtp://127.0.0.1:2525"),
            "smtp://127.0.0.1:2525"
        );
    }

    #[test]
    fn smtp_addresses_are_checked() {
        assert!(Transport::smtp("smtp://127.0.0.1:2525", Duration::from_secs(5)).is_ok());
        assert!(
            Transport::smtp("smtp://kota:secret@127.0.0.1:587", Duration::from_secs(5)).is_ok()
        );
        assert!(Transport::smtp("http://example.org", Duration::from_secs(5)).is_err());
    }
}

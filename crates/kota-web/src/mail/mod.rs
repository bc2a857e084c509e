//! Sending the outbox: a task in every server claims due mail from the database, renders it
//! with the site's address and sends it by SMTP, or writes it as an `.eml` file into the
//! outbox folder when no SMTP server is configured. It also queues the daily digests.

mod message;
mod transport;
pub mod unsubscribe;

use std::time::Duration;

use kota_store::mail::QueuedMail;
use kota_store::{Store, StoreResult};

pub use lettre::message::Mailbox;
pub use message::render;
pub use transport::{Delivered, Transport, TransportError};

/// How long a claimed mail stays a server's to send before another may send it, by default.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);

/// Sends what the outbox holds.
#[derive(Clone)]
pub struct Sender {
    store: Store,
    transport: Transport,
    /// The site's address without a trailing `/` (`https://kota.example.org`).
    site: String,
    /// The `From` of every mail.
    from: lettre::message::Mailbox,
    /// Names this sender's claims.
    owner: String,
    lease: Duration,
    unsubscribe: unsubscribe::Key,
}

impl Sender {
    /// A sender over `transport` for the site at `site`, mailing from `from`.
    pub async fn new(
        store: Store,
        transport: Transport,
        site: &str,
        from: lettre::message::Mailbox,
    ) -> StoreResult<Self> {
        let unsubscribe = unsubscribe::Key::of(&store).await?;
        Ok(Self {
            store,
            transport,
            site: site.trim_end_matches('/').to_owned(),
            from,
            owner: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4()),
            lease: DEFAULT_LEASE,
            unsubscribe,
        })
    }

    /// With another lease (see [`DEFAULT_LEASE`]). A send is cut off at half the lease, so
    /// that a mail is never in two servers' hands.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sends every mail due now, one after the other; answers how many were delivered.
    pub async fn send_due(&self) -> StoreResult<usize> {
        let mut delivered = 0;
        while let Some(mail) = self.store.claim_mail(&self.owner, self.lease).await? {
            if self.send(&mail).await? {
                delivered += 1;
            }
        }
        Ok(delivered)
    }

    /// Sends one claimed mail and records the outcome.
    async fn send(&self, mail: &QueuedMail) -> StoreResult<bool> {
        let message = match render(mail, &self.site, &self.from, &self.unsubscribe) {
            Ok(message) => message,
            Err(e) => {
                tracing::warn!(mail = %mail.id, error = %e, "a queued mail cannot be written");
                self.store
                    .mail_failed(mail, &self.owner, &e.to_string(), true)
                    .await?;
                return Ok(false);
            }
        };
        let limit = self.lease / 2;
        let sent = tokio::time::timeout(limit, self.transport.send(mail, &message))
            .await
            .unwrap_or_else(|_| Err(TransportError::timed_out(limit)));
        match sent {
            Ok(delivered) => {
                self.store.mail_sent(mail.id).await?;
                tracing::info!(mail = %mail.id, kind = mail.kind.as_str(), %delivered, "mail sent");
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(mail = %mail.id, attempt = mail.attempt, error = %e, "mail not sent");
                self.store
                    .mail_failed(mail, &self.owner, &e.to_string(), e.is_permanent())
                    .await?;
                Ok(false)
            }
        }
    }

    /// Runs until the process ends: every `interval`, queues the digests due (at `digest_hour`
    /// UTC) and sends what is due.
    pub fn spawn(self, interval: Duration, digest_hour: u32) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Err(e) = self
                    .store
                    .queue_digests(chrono::Utc::now(), digest_hour)
                    .await
                {
                    tracing::warn!(error = %e, "digests not queued");
                }
                if let Err(e) = self.send_due().await {
                    tracing::warn!(error = %e, "the outbox could not be read");
                }
                tokio::time::sleep(interval).await;
            }
        })
    }
}

//! The outbox: mail queued in the database, in the transaction of the change that caused it,
//! and delivered later by whichever server claims it first.
//!
//! A server claims a due mail with a lease (`lease_owner`, `lease_until`) in one statement, so
//! that of several servers on one database only one sends it; a mail whose sender died while
//! sending is claimed again once its lease ends. A failed attempt is retried with growing
//! delays, and a mail that failed for good (a permanent SMTP refusal, or every retry used) is
//! kept with its error. A mail that carries a secret (an invitation or reset link) keeps only
//! its headers once delivered.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use kota_domain::mail::{MailKind, Outgoing};
use uuid::Uuid;

use crate::audit::now;
use crate::conn::on_conn;
use crate::rows::parse_stored;
use crate::{Conn, Store, StoreResult, begin_write, with_write_pool};

/// Delays before each retry of a mail whose delivery failed; past the last, it has failed.
const RETRY_DELAYS: [TimeDelta; 8] = [
    TimeDelta::seconds(30),
    TimeDelta::minutes(2),
    TimeDelta::minutes(10),
    TimeDelta::minutes(30),
    TimeDelta::hours(1),
    TimeDelta::hours(2),
    TimeDelta::hours(4),
    TimeDelta::hours(8),
];

/// A mail claimed for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// Stable id (the sender makes the `Message-ID` of it, the same on every attempt).
    pub id: Uuid,
    /// What it is.
    pub kind: MailKind,
    /// The account it is for, if any.
    pub user_id: Option<Uuid>,
    /// The address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The text.
    pub body: String,
    /// The page it points to, as a path.
    pub link: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    id: Uuid,
    kind: String,
    user_id: Option<Uuid>,
    recipient: String,
    subject: String,
    body: String,
    link: String,
    attempts: i32,
    created_at: DateTime<Utc>,
}

impl QueuedRow {
    fn into_mail(self) -> StoreResult<QueuedMail> {
        Ok(QueuedMail {
            id: self.id,
            kind: parse_stored("outbox", "kind", &self.kind, MailKind::parse)?,
            user_id: self.user_id,
            to: self.recipient,
            subject: self.subject,
            body: self.body,
            link: self.link,
            attempt: self.attempts,
            created_at: self.created_at,
        })
    }
}

/// How a mail's state reads in the outbox (for operators and tests).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    /// Stable id.
    pub id: Uuid,
    /// What it is (`invitation`).
    pub kind: String,
    /// The address.
    pub recipient: String,
    /// The subject line.
    pub subject: String,
    /// Attempts made.
    pub attempts: i32,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was given up.
    pub failed_at: Option<DateTime<Utc>>,
    /// The last attempt's error.
    pub last_error: Option<String>,
}

const INSERT_MAIL: &str = "INSERT INTO outbox \
     (id, kind, user_id, recipient, subject, body, link, created_at, next_attempt_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";

impl Conn<'_> {
    /// Queues a mail in this connection's transaction: it is sent only if the transaction
    /// commits.
    pub async fn queue_mail(&mut self, mail: &Outgoing) -> StoreResult<Uuid> {
        let id = Uuid::new_v4();
        on_conn!(self, c => sqlx::query(INSERT_MAIL)
            .bind(id).bind(mail.kind.as_str()).bind(mail.user_id).bind(&mail.to)
            .bind(&mail.subject).bind(&mail.body).bind(&mail.link).bind(now())
            .execute(&mut *c).await.map(|_| ()))?;
        Ok(id)
    }
}

impl Store {
    /// Queues a mail on its own (a password reset asked for, say).
    pub async fn queue_mail(&self, mail: &Outgoing) -> StoreResult<Uuid> {
        with_write_pool!(self, pool => {
            let mut connection = pool.acquire().await?;
            Conn::from(&mut *connection).queue_mail(mail).await
        })
    }

    /// Claims the next due mail for `owner` for `lease`, or none when nothing is due. Of
    /// several servers claiming at once, one gets each mail.
    pub async fn claim_mail(
        &self,
        owner: &str,
        lease: Duration,
    ) -> StoreResult<Option<QueuedMail>> {
        let now = now();
        let until = now + TimeDelta::from_std(lease).unwrap_or(TimeDelta::minutes(5));
        let claim = |lock: &str| {
            format!(
                "UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1 \
                 WHERE id = (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                     AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until < $3) \
                     AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = outbox.user_id AND u.disabled) \
                     ORDER BY next_attempt_at, created_at LIMIT 1{lock}) \
                   AND sent_at IS NULL AND failed_at IS NULL \
                   AND (lease_until IS NULL OR lease_until < $3) \
                 RETURNING id, kind, user_id, recipient, subject, body, link, attempts, created_at"
            )
        };
        let row: Option<QueuedRow> = match &self.db {
            crate::Db::Sqlite { write, .. } => {
                sqlx::query_as(&claim(""))
                    .bind(owner)
                    .bind(until)
                    .bind(now)
                    .fetch_optional(write)
                    .await?
            }
            crate::Db::Postgres { write, .. } => {
                // A mail another server is claiming this instant is skipped, not waited for.
                sqlx::query_as(&claim(" FOR UPDATE SKIP LOCKED"))
                    .bind(owner)
                    .bind(until)
                    .bind(now)
                    .fetch_optional(write)
                    .await?
            }
        };
        row.map(QueuedRow::into_mail).transpose()
    }

    /// Records that a mail was delivered: it is never sent again. A mail holding a secret
    /// keeps only its headers.
    pub async fn mail_sent(&self, id: Uuid) -> StoreResult<()> {
        with_write_pool!(self, pool => sqlx::query(
            "UPDATE outbox SET sent_at = $1, lease_until = NULL, last_error = NULL, \
             body = CASE WHEN kind IN ('invitation', 'password_reset') THEN '' ELSE body END, \
             link = CASE WHEN kind IN ('invitation', 'password_reset') THEN '' ELSE link END \
             WHERE id = $2 AND sent_at IS NULL",
        ).bind(now()).bind(id).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Records a failed attempt: retried after a growing delay, or given up when the failure
    /// is permanent or every retry is used.
    /// Only the sender whose claim it still is (`owner`, this attempt) records it: a sender
    /// whose lease ended leaves the mail to the one that took it over.
    pub async fn mail_failed(
        &self,
        mail: &QueuedMail,
        owner: &str,
        error: &str,
        permanent: bool,
    ) -> StoreResult<()> {
        let now = now();
        let delay = usize::try_from(mail.attempt - 1)
            .ok()
            .and_then(|i| RETRY_DELAYS.get(i));
        let (next, failed) = match delay {
            Some(delay) if !permanent => (now + *delay, None),
            _ => (now, Some(now)),
        };
        let error: String = error.chars().take(500).collect();
        // A mail given up keeps no secret link either.
        with_write_pool!(self, pool => sqlx::query(
            "UPDATE outbox SET lease_until = NULL, next_attempt_at = $1, failed_at = $2, \
             last_error = $3, \
             body = CASE WHEN $2 IS NOT NULL AND kind IN ('invitation', 'password_reset') THEN '' ELSE body END, \
             link = CASE WHEN $2 IS NOT NULL AND kind IN ('invitation', 'password_reset') THEN '' ELSE link END \
             WHERE id = $4 AND sent_at IS NULL AND lease_owner = $5 AND attempts = $6",
        ).bind(next).bind(failed).bind(&error).bind(mail.id).bind(owner).bind(mail.attempt)
        .execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Queues the daily digest of everyone who wants one and has notices not yet mailed,
    /// once a day at `hour` (UTC): one mail each, with the notices that came before that hour
    /// (later ones wait for the next day's). Runs under the write lock, so of several servers
    /// one queues each digest. Answers how many.
    pub async fn queue_digests(&self, now: DateTime<Utc>, hour: u32) -> StoreResult<usize> {
        let today = now
            .date_naive()
            .and_time(NaiveTime::from_hms_opt(hour.min(23), 0, 0).unwrap_or_default())
            .and_utc();
        let due = if now >= today {
            today
        } else {
            today - TimeDelta::days(1)
        };
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let queued = Conn::from(&mut *tx).queue_digests_due(now, due).await?;
            tx.commit().await?;
            Ok(queued)
        })
    }

    /// Every mail in the outbox, newest first.
    pub async fn outbox(&self) -> StoreResult<Vec<OutboxEntry>> {
        Ok(with_write_pool!(self, pool => sqlx::query_as(
            "SELECT id, kind, recipient, subject, attempts, sent_at, failed_at, last_error \
             FROM outbox ORDER BY created_at DESC",
        ).fetch_all(pool).await)?)
    }
}

#[derive(sqlx::FromRow)]
struct DigestRow {
    user_id: Uuid,
    email: String,
    subject: String,
}

impl Conn<'_> {
    /// Queues the digests due at `due` (see [`Store::queue_digests`]).
    async fn queue_digests_due(
        &mut self,
        now: DateTime<Utc>,
        due: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let rows: Vec<DigestRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT n.user_id, u.email, n.subject FROM notifications n \
             JOIN users u ON u.id = n.user_id \
             WHERE NOT n.mailed AND n.created_at < $1 AND u.delivery = 'daily' AND NOT u.disabled \
               AND (u.last_digest_at IS NULL OR u.last_digest_at < $1) \
             ORDER BY n.user_id, n.created_at",
        ).bind(due).fetch_all(&mut *c).await)?;
        let mut digests: Vec<(Uuid, String, Vec<String>)> = Vec::new();
        for row in rows {
            match digests.last_mut() {
                Some((user, _, items)) if *user == row.user_id => {
                    items.push(row.subject);
                }
                _ => digests.push((row.user_id, row.email, vec![row.subject])),
            }
        }
        for (user_id, email, items) in &digests {
            let mail = kota_domain::notice::digest(*user_id, email, items);
            self.queue_mail(&mail).await?;
            on_conn!(self, c => sqlx::query(
                "UPDATE notifications SET mailed = TRUE \
                 WHERE user_id = $1 AND NOT mailed AND created_at < $2",
            ).bind(user_id).bind(due).execute(&mut *c).await.map(|_| ()))?;
            on_conn!(self, c => sqlx::query(
                "UPDATE users SET last_digest_at = $1 WHERE id = $2",
            ).bind(now).bind(user_id).execute(&mut *c).await.map(|_| ()))?;
        }
        Ok(digests.len())
    }
}

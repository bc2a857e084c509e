//! Notifications: the notices of a change, recorded for each person they concern in the
//! change's own transaction (never for the person who made it), with the mail of those who
//! want each at once; and how each person wants them delivered.

use chrono::{DateTime, Utc};
use kota_domain::notice::{self, Audience, Delivery, Notice, Notification};
use uuid::Uuid;

use crate::audit::now;
use crate::conn::on_conn;
use crate::rows::parse_stored;
use crate::{Conn, Store, StoreResult, reads_on_a_pooled_connection, with_write_pool};

/// The most notifications a workspace lists.
pub const LISTED: i64 = 50;

#[derive(sqlx::FromRow)]
struct Recipient {
    id: Uuid,
    email: String,
    delivery: String,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: Uuid,
    kind: String,
    subject: String,
    text: String,
    link: String,
    created_at: DateTime<Utc>,
}

impl From<NotificationRow> for Notification {
    fn from(r: NotificationRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            subject: r.subject,
            text: r.text,
            link: r.link,
            created_at: r.created_at,
        }
    }
}

/// Who an audience is, as a condition on `users` (`$1` its id, `$2` the actor).
fn audience_condition(audience: &Audience) -> &'static str {
    match audience {
        Audience::City(_) => {
            "(city_id = $1 OR (role = 'national_representative' \
             AND state_iso2 = (SELECT country_iso2 FROM cities WHERE id = $1)))"
        }
        Audience::Partner(_) => "partner_id = $1",
        Audience::Person(_) => "id = $1",
        Audience::Coordinators => "(role = 'coordinator' AND $1 = $1)",
    }
}

fn audience_id(audience: &Audience) -> Uuid {
    match audience {
        Audience::City(id) | Audience::Partner(id) | Audience::Person(id) => *id,
        Audience::Coordinators => Uuid::nil(),
    }
}

impl Conn<'_> {
    /// Records `notices` of a change made by `actor`: a notification for each person each
    /// concerns, except the actor, and a queued mail for those who want each at once.
    pub(crate) async fn record_notices(
        &mut self,
        actor: Uuid,
        notices: &[Notice],
    ) -> StoreResult<()> {
        let created_at = now();
        // A person concerned twice by one change (an officer whose comment their city answers)
        // is told once, by the first notice that concerns them.
        let mut told = std::collections::HashSet::new();
        for notice in notices {
            let sql = format!(
                "SELECT id, email, delivery FROM users WHERE NOT disabled AND id <> $2 AND {}",
                audience_condition(&notice.audience)
            );
            let recipients: Vec<Recipient> = on_conn!(self, c => sqlx::query_as(&sql)
                .bind(audience_id(&notice.audience)).bind(actor)
                .fetch_all(&mut *c).await)?;
            for person in recipients.into_iter().filter(|p| told.insert(p.id)) {
                let delivery =
                    parse_stored("users", "delivery", &person.delivery, Delivery::parse)?;
                // Mailed now, or never: only a daily digest picks up what is left unmailed.
                let mailed = delivery != Delivery::Daily;
                on_conn!(self, c => sqlx::query(
                    "INSERT INTO notifications (id, user_id, kind, subject, text, link, created_at, mailed) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(Uuid::new_v4()).bind(person.id).bind(notice.kind).bind(&notice.subject)
                .bind(&notice.text).bind(&notice.link).bind(created_at).bind(mailed)
                .execute(&mut *c).await.map(|_| ()))?;
                if delivery == Delivery::Immediate {
                    self.queue_mail(&notice::immediate(person.id, &person.email, notice))
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// A person's latest notifications, newest first.
    pub async fn notifications(&mut self, user_id: Uuid) -> StoreResult<Vec<Notification>> {
        let rows: Vec<NotificationRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, kind, subject, text, link, created_at FROM notifications \
             WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2",
        ).bind(user_id).bind(LISTED).fetch_all(&mut *c).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// How a person wants notices delivered.
    pub async fn delivery(&mut self, user_id: Uuid) -> StoreResult<Delivery> {
        let stored: Option<String> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT delivery FROM users WHERE id = $1",
        ).bind(user_id).fetch_optional(&mut *c).await)?;
        stored.map_or(Ok(Delivery::default()), |d| {
            parse_stored("users", "delivery", &d, Delivery::parse)
        })
    }
}

reads_on_a_pooled_connection! {
    /// A person's latest notifications, newest first.
    fn notifications(user_id: Uuid) -> Vec<Notification>;
    /// How a person wants notices delivered.
    fn delivery(user_id: Uuid) -> Delivery;
}

impl Store {
    /// Sets how a person wants notices delivered. Choosing a daily digest starts its day now,
    /// so that the first digest comes at the next digest hour, not at once.
    /// Leaving the digest, what waited for it stays in the workspace, unmailed.
    pub async fn set_delivery(&self, user_id: Uuid, delivery: Delivery) -> StoreResult<()> {
        if delivery != Delivery::Daily {
            with_write_pool!(self, pool => sqlx::query(
                "UPDATE notifications SET mailed = TRUE WHERE user_id = $1 AND NOT mailed",
            ).bind(user_id).execute(pool).await.map(|_| ()))?;
        }
        with_write_pool!(self, pool => sqlx::query(
            "UPDATE users SET delivery = $1, \
             last_digest_at = CASE WHEN $1 = 'daily' AND delivery <> 'daily' THEN $2 ELSE last_digest_at END \
             WHERE id = $3",
        ).bind(delivery.as_str()).bind(now()).bind(user_id)
        .execute(pool).await.map(|_| ()))?;
        Ok(())
    }
}

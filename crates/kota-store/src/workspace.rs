//! A person's workspace: what waits on them across the network (proposals, interests,
//! comments without an answer, meeting requests, their pending invitations) in one list, and
//! what they changed lately, from the audit log.

use chrono::{DateTime, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::workspace::{RecentChange, Waiting, WaitingKind, object_href};
use uuid::Uuid;

use crate::StoreResult;
use crate::audit::now;
use crate::conn::{Conn, on_conn};

/// What the queries of one kind of waiting thing select: an id or slug for the link, a text's
/// parts, and the time.
type Row = (Uuid, String, String, DateTime<Utc>);

/// One kind of thing that waits: its query (`$1` is the city, partner or member state the
/// person acts for, or their id for a coordinator), the condition added for each side (none:
/// it never waits on that side), and its words and link from a row.
struct Source {
    kind: WaitingKind,
    select: &'static str,
    city: Option<&'static str>,
    state: Option<&'static str>,
    partner: Option<&'static str>,
    coordinator: Option<&'static str>,
    text: fn(&Row) -> (String, String),
}

const TWINNINGS: &str = "SELECT t.id, p.name, c.name, t.proposed_at FROM twinnings t \
     JOIN partners p ON p.id = t.partner_id JOIN cities c ON c.id = t.city_id \
     WHERE t.state = 'proposed'";

fn twinning(r: &Row) -> (String, String) {
    (
        format!("{} proposes a twinning with {}", r.1, r.2),
        format!("/twinnings/{}", r.0),
    )
}

/// Every kind of thing that waits on someone, besides their own invitations.
const SOURCES: [Source; 6] = [
    Source {
        kind: WaitingKind::TwinningProposal,
        select: TWINNINGS,
        city: Some("t.decided_at IS NULL AND t.city_id = $1"),
        state: Some("t.decided_at IS NULL AND c.country_iso2 = $1"),
        partner: None,
        coordinator: None,
        text: twinning,
    },
    Source {
        kind: WaitingKind::TwinningConsent,
        select: TWINNINGS,
        city: None,
        state: None,
        partner: Some("t.awaiting_partner AND t.partner_id = $1"),
        coordinator: None,
        text: twinning,
    },
    Source {
        kind: WaitingKind::TwinningEndorsement,
        select: TWINNINGS,
        city: None,
        state: None,
        partner: None,
        coordinator: Some("t.endorsed_at IS NULL AND $1 IS NOT NULL"),
        text: twinning,
    },
    Source {
        kind: WaitingKind::Interest,
        select: "SELECT i.id, p.name, j.title, i.submitted_at FROM interests i \
             JOIN partners p ON p.id = i.partner_id JOIN projects j ON j.id = i.project_id \
             JOIN cities c ON c.id = j.city_id WHERE i.state IN ('submitted', 'shortlisted')",
        city: Some("j.city_id = $1"),
        state: Some("c.country_iso2 = $1"),
        partner: None,
        coordinator: None,
        text: |r| {
            (
                format!("{} is interested in {}", r.1, r.2),
                format!("/interests/{}", r.0),
            )
        },
    },
    Source {
        kind: WaitingKind::Comment,
        select: "SELECT j.id, m.author, j.title, m.created_at FROM project_comments m \
             JOIN projects j ON j.id = m.project_id JOIN cities c ON c.id = j.city_id \
             WHERE m.in_reply_to IS NULL AND m.side <> 'city' AND NOT EXISTS \
             (SELECT 1 FROM project_comments a WHERE a.in_reply_to = m.id)",
        city: Some("j.city_id = $1"),
        state: Some("c.country_iso2 = $1"),
        partner: None,
        coordinator: None,
        text: |r| {
            (
                format!("{} commented on {}", r.1, r.2),
                format!("/projects/{}#comments", r.0),
            )
        },
    },
    Source {
        kind: WaitingKind::MeetingRequest,
        select: "SELECT e.id, COALESCE(rc.name, rp.name, ''), e.name, m.requested_at \
             FROM meeting_requests m JOIN events e ON e.id = m.event_id \
             LEFT JOIN cities rc ON m.requester_kind = 'city' AND rc.id = m.requester_id \
             LEFT JOIN partners rp ON m.requester_kind = 'partner' AND rp.id = m.requester_id \
             LEFT JOIN cities ic ON m.invitee_kind = 'city' AND ic.id = m.invitee_id \
             WHERE m.state = 'requested'",
        city: Some("m.invitee_kind = 'city' AND m.invitee_id = $1"),
        state: Some("m.invitee_kind = 'city' AND ic.country_iso2 = $1"),
        partner: Some("m.invitee_kind = 'partner' AND m.invitee_id = $1"),
        coordinator: None,
        text: |r| {
            (
                format!("{} asks to meet you at {}", r.1, r.2),
                format!("/events/{}/brokerage", r.0),
            )
        },
    },
];

impl Conn<'_> {
    /// What one source has waiting on `who`.
    async fn waiting_of(&mut self, who: &Principal, source: &Source) -> StoreResult<Vec<Waiting>> {
        let condition = match &who.scope {
            Scope::CityOfficer { .. } => source.city,
            Scope::NationalRepresentative { .. } => source.state,
            Scope::PartnerRepresentative { .. } => source.partner,
            Scope::Coordinator => source.coordinator,
            Scope::Admin => None,
        };
        let Some(condition) = condition else {
            return Ok(Vec::new());
        };
        let sql = format!("{} AND {condition}", source.select);
        let rows: Vec<Row> = match &who.scope {
            Scope::CityOfficer { city_id: id }
            | Scope::PartnerRepresentative { partner_id: id } => {
                on_conn!(self, c => sqlx::query_as(&sql).bind(*id).fetch_all(&mut *c).await)?
            }
            Scope::NationalRepresentative { state_iso2 } => {
                on_conn!(self, c => sqlx::query_as(&sql).bind(state_iso2).fetch_all(&mut *c).await)?
            }
            Scope::Coordinator | Scope::Admin => {
                on_conn!(self, c => sqlx::query_as(&sql).bind(who.user_id).fetch_all(&mut *c).await)?
            }
        };
        Ok(rows
            .iter()
            .map(|row| {
                let (text, href) = (source.text)(row);
                Waiting {
                    kind: source.kind,
                    text,
                    href,
                    since: row.3,
                }
            })
            .collect())
    }

    /// What waits on `who`, newest first.
    pub async fn waiting(&mut self, who: &Principal) -> StoreResult<Vec<Waiting>> {
        let mut all = Vec::new();
        for source in &SOURCES {
            all.extend(self.waiting_of(who, source).await?);
        }
        let pending: Vec<(String, DateTime<Utc>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT email, created_at FROM invitations WHERE invited_by = $1 \
             AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        ).bind(who.user_id).bind(now()).fetch_all(&mut *c).await)?;
        all.extend(pending.into_iter().map(|(email, since)| Waiting {
            kind: WaitingKind::Invitation,
            text: format!("Your invitation to {email} is not accepted yet"),
            href: "/invitations".into(),
            since,
        }));
        all.sort_by(|a, b| b.since.cmp(&a.since).then_with(|| a.text.cmp(&b.text)));
        Ok(all)
    }

    /// The latest changes `user_id` made, newest first.
    pub async fn recent_changes(&mut self, user_id: Uuid) -> StoreResult<Vec<RecentChange>> {
        let rows: Vec<(i64, DateTime<Utc>, String, String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT seq, at, action, object_type, object_id FROM audit_log \
             WHERE actor_id = $1 ORDER BY seq DESC LIMIT $2",
        ).bind(user_id).bind(kota_domain::workspace::RECENT_CHANGES).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|(seq, at, action, object_type, object_id)| RecentChange {
                href: object_href(&object_type, &object_id),
                seq,
                at,
                action,
                object_type,
                object_id,
            })
            .collect())
    }
}

crate::reads_on_a_pooled_connection! {
    /// What waits on `who`, newest first.
    fn waiting(who: &Principal) -> Vec<Waiting>;
    /// The latest changes `user_id` made, newest first.
    fn recent_changes(user_id: Uuid) -> Vec<RecentChange>;
}

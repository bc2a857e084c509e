//! The chairmanship as coordinators keep it current, and each year's handover record: the
//! outgoing chair's notes with the network's open work as it stood, computed in the same
//! transaction and kept as recorded.

use chrono::{DateTime, Utc};
use kota_domain::access::Principal;
use kota_domain::chair::{Handover, OpenItem, OpenWork};
use kota_domain::edit::{ChairInput, HandoverInput};
use kota_domain::network::Chairmanship;
use kota_domain::provenance::Source;
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::StoreResult;
use crate::audit::Actor;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};

/// Records the chair of a year (a new year, or a correction of one).
pub struct RecordChair {
    /// The year, the member state and the source.
    pub input: ChairInput,
}

impl Edit for RecordChair {
    type Target = Option<Chairmanship>;
    type Output = Chairmanship;
    const OBJECT_TYPE: &'static str = "chairmanship";
    const ACTION: &'static str = "record";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
    ) -> StoreResult<Option<Option<Chairmanship>>> {
        Ok(Some(conn.chair_of(self.input.year).await?))
    }

    fn allowed(who: &Principal, _: &Option<Chairmanship>) -> bool {
        who.may_manage_network()
    }

    fn version(target: &Option<Chairmanship>) -> Option<i32> {
        target.as_ref().map(|c| c.version)
    }

    async fn check(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Option<Chairmanship>,
    ) -> WriteResult<()> {
        let states = conn.state_codes().await?;
        checked(self.input.check(&states))
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Option<Chairmanship>,
    ) -> StoreResult<Chairmanship> {
        let name: String = on_conn!(conn, c => sqlx::query_scalar(
            "SELECT name FROM member_states WHERE iso2 = $1",
        ).bind(&self.input.state).fetch_one(&mut *c).await)?;
        let version = before.as_ref().map_or(1, |c| c.version + 1);
        Ok(self.input.chairmanship(&name, version))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Option<Chairmanship>,
        chair: &Chairmanship,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO chairmanship (year, chair, state_iso2, source, version) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (year) DO UPDATE SET chair = excluded.chair, \
             state_iso2 = excluded.state_iso2, source = excluded.source, version = excluded.version",
        )
        .bind(chair.year).bind(&chair.chair).bind(&chair.state_iso2)
        .bind(chair.source.as_str()).bind(chair.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &Option<Chairmanship>, after: &Chairmanship) -> Audited {
        match before {
            Some(before) => Audited::update(after.year, before),
            None => Audited::creation(after.year),
        }
    }
}

/// Records the handover of a year's chair: once a year.
pub struct RecordHandover {
    /// The year whose chair hands over.
    pub year: i32,
    /// The outgoing chair's notes.
    pub input: HandoverInput,
}

/// What a handover is recorded against: the year's chair and the next year's, if known.
#[derive(Debug, serde::Serialize)]
pub struct HandoverTarget {
    /// The year's chair.
    pub chair: Chairmanship,
    /// The next year's chair, when recorded.
    pub next_chair: Option<Chairmanship>,
    /// Whether the handover is recorded already.
    pub recorded: bool,
}

impl Edit for RecordHandover {
    type Target = HandoverTarget;
    type Output = Handover;
    const OBJECT_TYPE: &'static str = "chair_handover";
    const ACTION: &'static str = "create";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
    ) -> StoreResult<Option<HandoverTarget>> {
        conn.handover_target(self.year).await
    }

    fn allowed(who: &Principal, _: &HandoverTarget) -> bool {
        who.may_manage_network()
    }

    fn version(_: &HandoverTarget) -> Option<i32> {
        None
    }

    async fn check(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        target: &HandoverTarget,
    ) -> WriteResult<()> {
        checked(self.input.check())?;
        if target.recorded {
            return Err(WriteError::Conflict(format!(
                "the handover of {} is recorded already: it stays as it was handed over",
                self.year
            )));
        }
        Ok(())
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        target: &HandoverTarget,
    ) -> StoreResult<Handover> {
        Ok(Handover {
            year: self.year,
            chair: target.chair.chair.clone(),
            next_chair: target.next_chair.as_ref().map(|c| c.chair.clone()),
            notes: self.input.notes.trim().to_owned(),
            open_work: conn.open_work().await?,
            recorded_by: Actor::of(who).label,
            recorded_at: crate::audit::now(),
            version: 1,
        })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &HandoverTarget,
        h: &Handover,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO chair_handovers (year, chair, next_chair, notes, open_work, recorded_by, \
             recorded_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(h.year).bind(&h.chair).bind(&h.next_chair).bind(&h.notes).bind(Json(&h.open_work))
        .bind(&h.recorded_by).bind(h.recorded_at).bind(h.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &HandoverTarget, h: &Handover) -> Audited {
        Audited::creation(h.year)
    }
}

type HandoverRow = (
    i32,
    String,
    Option<String>,
    String,
    Json<OpenWork>,
    String,
    DateTime<Utc>,
    i32,
);

impl Conn<'_> {
    /// The chair of `year`, when one is recorded.
    pub async fn chair_of(&mut self, year: i32) -> StoreResult<Option<Chairmanship>> {
        let row: Option<(i32, String, Option<String>, String, i32)> = on_conn!(self, c => sqlx::query_as(
            "SELECT year, chair, state_iso2, source, version FROM chairmanship WHERE year = $1",
        ).bind(year).fetch_optional(&mut *c).await)?;
        Ok(
            row.map(|(year, chair, state_iso2, source, version)| Chairmanship {
                year,
                chair,
                state_iso2,
                source: Source(source),
                version,
            }),
        )
    }

    /// The handover record of `year`'s chair, when it is recorded.
    pub async fn handover(&mut self, year: i32) -> StoreResult<Option<Handover>> {
        let row: Option<HandoverRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT year, chair, next_chair, notes, open_work, recorded_by, recorded_at, version \
             FROM chair_handovers WHERE year = $1",
        ).bind(year).fetch_optional(&mut *c).await)?;
        Ok(row.map(|r| Handover {
            year: r.0,
            chair: r.1,
            next_chair: r.2,
            notes: r.3,
            open_work: r.4.0,
            recorded_by: r.5,
            recorded_at: r.6,
            version: r.7,
        }))
    }

    /// What a handover of `year` is recorded against, when the year has a chair.
    pub async fn handover_target(&mut self, year: i32) -> StoreResult<Option<HandoverTarget>> {
        let Some(chair) = self.chair_of(year).await? else {
            return Ok(None);
        };
        Ok(Some(HandoverTarget {
            chair,
            next_chair: self.chair_of(year + 1).await?,
            recorded: self.handover(year).await?.is_some(),
        }))
    }

    /// The years whose handover is recorded, oldest first.
    pub async fn handover_years(&mut self) -> StoreResult<Vec<i32>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT year FROM chair_handovers ORDER BY year",
        ).fetch_all(&mut *c).await)?)
    }

    /// The network's open work now: decisions without an outcome, rounds in draft, twinning
    /// proposals unanswered, interests submitted or shortlisted; each oldest first.
    pub async fn open_work(&mut self) -> StoreResult<OpenWork> {
        let decisions: Vec<(Uuid, String, String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT d.id, d.text, e.name, e.slug FROM event_decisions d \
             JOIN events e ON e.id = d.event_id WHERE d.outcome IS NULL \
             ORDER BY d.recorded_at, d.id",
        ).fetch_all(&mut *c).await)?;
        let rounds: Vec<(Uuid, DateTime<Utc>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT id, created_at FROM rounds WHERE status = 'draft' ORDER BY created_at, id",
        ).fetch_all(&mut *c).await)?;
        let proposals: Vec<(Uuid, String, String, DateTime<Utc>)> = on_conn!(self, c => sqlx::query_as(
            "SELECT t.id, p.name, c.name, t.proposed_at FROM twinnings t \
             JOIN partners p ON p.id = t.partner_id JOIN cities c ON c.id = t.city_id \
             WHERE t.state = 'proposed' ORDER BY t.proposed_at, t.id",
        ).fetch_all(&mut *c).await)?;
        let interests: Vec<(Uuid, String, String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT i.id, p.name, pr.title, i.state FROM interests i \
             JOIN partners p ON p.id = i.partner_id JOIN projects pr ON pr.id = i.project_id \
             WHERE i.state IN ('submitted', 'shortlisted') ORDER BY i.submitted_at, i.id",
        ).fetch_all(&mut *c).await)?;
        Ok(OpenWork {
            open_decisions: decisions
                .into_iter()
                .map(|(id, text, event, slug)| OpenItem {
                    id: id.to_string(),
                    title: text,
                    detail: format!("taken at {event}"),
                    href: format!("/events/{slug}"),
                })
                .collect(),
            active_rounds: rounds
                .into_iter()
                .map(|(id, created)| OpenItem {
                    id: id.to_string(),
                    title: format!("Matching round of {}", created.format("%-d %B %Y")),
                    detail: "a draft, not yet published".to_owned(),
                    href: format!("/rounds/{id}"),
                })
                .collect(),
            pending_proposals: proposals
                .into_iter()
                .map(|(id, partner, city, at)| OpenItem {
                    id: id.to_string(),
                    title: format!("{partner} with {city}"),
                    detail: format!("proposed on {}", at.format("%-d %B %Y")),
                    href: format!("/twinnings/{id}"),
                })
                .collect(),
            open_interests: interests
                .into_iter()
                .map(|(id, partner, project, state)| OpenItem {
                    id: id.to_string(),
                    title: format!("{partner} in {project}"),
                    detail: state,
                    href: format!("/interests/{id}"),
                })
                .collect(),
        })
    }
}

crate::reads_on_a_pooled_connection! {
    /// The chair of a year, when one is recorded.
    fn chair_of(year: i32) -> Option<Chairmanship>;
    /// The handover record of a year's chair, when it is recorded.
    fn handover(year: i32) -> Option<Handover>;
    /// What a handover of a year is recorded against, when the year has a chair.
    fn handover_target(year: i32) -> Option<HandoverTarget>;
    /// The years whose handover is recorded, oldest first.
    fn handover_years() -> Vec<i32>;
    /// The network's open work now, as a handover would record it.
    fn open_work() -> OpenWork;
}

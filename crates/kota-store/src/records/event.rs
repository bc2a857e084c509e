//! Events: created and edited by coordinators (kind, times in a time zone, place, host city,
//! participants, agenda), with the decisions taken there recorded as records of their own,
//! each linked to the cities, projects, plans and twinnings it concerns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kota_domain::access::Principal;
use kota_domain::edit::{DecisionInput, EventInput, FieldError, words};
use kota_domain::event::{
    Concern, ConcernType, Decision, Event, EventRef, Participant, ParticipantType,
};
use kota_domain::ids::{Key, slugify, slugify_with_suffix};
use kota_domain::notice::Notice;
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::StoreResult;
use crate::args::{Arg, Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::rows::parse_stored;

/// The refusal of references that name no record, each named.
fn unknown(errors: Vec<FieldError>) -> WriteResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(WriteError::Invalid(errors))
    }
}

/// Creates an event (coordinators).
pub struct CreateEvent {
    /// The event.
    pub input: EventInput,
}

impl Edit for CreateEvent {
    type Target = ();
    type Output = Event;
    const OBJECT_TYPE: &'static str = "event";
    const ACTION: &'static str = "create";

    async fn load(&self, _: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<()>> {
        Ok(Some(()))
    }

    fn allowed(who: &Principal, _: &()) -> bool {
        who.may_manage_network()
    }

    fn version(_: &()) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &()) -> WriteResult<()> {
        checked(self.input.check(None))?;
        unknown(conn.event_links(&self.input).await?.1)
    }

    async fn apply(&self, conn: &mut Conn<'_>, _: &Principal, _: &()) -> StoreResult<Event> {
        let ((host, participants), _) = conn.event_links(&self.input).await?;
        let id = Uuid::new_v4();
        let event = self.input.create(id, String::new(), host, participants);
        let base = slugify(&format!("{} {}", event.date.starts_on, event.title));
        let slug = if conn.event_slug_taken(&base).await? {
            slugify_with_suffix(
                &format!("{} {}", event.date.starts_on, event.title),
                &id.simple().to_string()[..8],
            )
        } else {
            base
        };
        Ok(Event { slug, ..event })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &(),
        event: &Event,
    ) -> StoreResult<()> {
        conn.save_event(event).await
    }

    fn audited(_: &(), event: &Event) -> Audited {
        Audited::creation(event.id)
    }
}

/// Replaces an event's editable fields (coordinators); its sources and decisions stay.
pub struct UpdateEvent {
    /// The event.
    pub event: Key,
    /// Its new fields.
    pub input: EventInput,
}

impl Edit for UpdateEvent {
    type Target = Event;
    type Output = Event;
    const OBJECT_TYPE: &'static str = "event";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Event>> {
        conn.event(&self.event).await
    }

    fn allowed(who: &Principal, _: &Event) -> bool {
        who.may_manage_network()
    }

    fn version(event: &Event) -> Option<i32> {
        Some(event.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, before: &Event) -> WriteResult<()> {
        checked(self.input.check(Some(before)))?;
        unknown(conn.event_links(&self.input).await?.1)
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Event,
    ) -> StoreResult<Event> {
        let ((host, participants), _) = conn.event_links(&self.input).await?;
        Ok(self.input.apply(before, host, participants))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Event,
        event: &Event,
    ) -> StoreResult<()> {
        conn.save_event(event).await
    }

    fn audited(before: &Event, after: &Event) -> Audited {
        Audited::update(after.id, before)
    }
}

/// Records a decision taken at an event (coordinators).
pub struct RecordDecision {
    /// The event.
    pub event: Key,
    /// The decision.
    pub input: DecisionInput,
}

impl Edit for RecordDecision {
    type Target = Event;
    type Output = Decision;
    const OBJECT_TYPE: &'static str = "decision";
    const ACTION: &'static str = "create";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Event>> {
        conn.event(&self.event).await
    }

    fn allowed(who: &Principal, _: &Event) -> bool {
        who.may_manage_network()
    }

    fn version(_: &Event) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &Event) -> WriteResult<()> {
        checked(self.input.check())?;
        unknown(conn.concerns(&self.input).await?.1)
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        event: &Event,
    ) -> StoreResult<Decision> {
        let (concerns, _) = conn.concerns(&self.input).await?;
        Ok(self.input.create(
            Uuid::new_v4(),
            event.reference(),
            concerns,
            who.public_label(),
            now(),
        ))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        event: &Event,
        d: &Decision,
    ) -> StoreResult<()> {
        on_conn!(conn, c => {
            sqlx::query(
                "INSERT INTO event_decisions (id, event_id, text, outcome, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(d.id).bind(event.id).bind(&d.text).bind(&d.outcome).bind(&d.recorded_by)
            .bind(d.recorded_at)
            .execute(&mut *c).await?;
            for (i, concern) in d.concerns.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO decision_concerns (decision_id, position, concern_type, concern_id, name, city_id) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(d.id).bind(i32::try_from(i).unwrap_or(i32::MAX)).bind(concern.kind.as_str())
                .bind(concern.id).bind(&concern.name).bind(concern.city.id)
                .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(_: &Event, d: &Decision) -> Audited {
        Audited::creation(d.id)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &Event,
        d: &Decision,
    ) -> StoreResult<Vec<Notice>> {
        Ok(d.notices(who))
    }
}

/// A stored decision: id, event id, text, outcome, recorder, time, and its event's slug, name
/// and written date.
type DecisionRow = (
    Uuid,
    Uuid,
    String,
    Option<String>,
    String,
    DateTime<Utc>,
    String,
    String,
    String,
);

/// A stored concern: decision, type, id, name, and its city.
type ConcernRow = (Uuid, String, Uuid, String, Uuid, String, String, String);

/// A condition on `dc` (a decision's concern) that holds unless it names a twinning that is no
/// longer public (withdrawn after the decision was recorded): decisions are read by anyone.
const PUBLIC_CONCERN: &str = "(dc.concern_type <> 'twinning' OR EXISTS (SELECT 1 FROM twinnings t \
    WHERE t.id = dc.concern_id AND t.state IN ('active', 'concluded')))";

/// A stored participant: event, city (id, slug, name) or partner (id, slug, name).
type ParticipantRow = (
    Uuid,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
);

const DECISION_COLUMNS: &str = "d.id, d.event_id, d.text, d.outcome, d.recorded_by, \
    d.recorded_at, e.slug, e.name, e.date_text";

impl Conn<'_> {
    /// The host city and participants an input names, and a field error for each that names
    /// no record.
    async fn event_links(
        &mut self,
        input: &EventInput,
    ) -> StoreResult<(
        (Option<kota_domain::city::CityRef>, Vec<Participant>),
        Vec<FieldError>,
    )> {
        let mut errors = Vec::new();
        let host = match input.host_city_key() {
            Some(key) => {
                let city = self.city_ref(&key).await?;
                if city.is_none() {
                    errors.push(no_record("host_city", "a member city", &key));
                }
                city
            }
            None => None,
        };
        let mut participants: Vec<Participant> = Vec::new();
        for (field, kind, key) in input.participant_keys() {
            let found = match kind {
                ParticipantType::City => self.city_ref(&key).await?.map(|c| Participant {
                    kind,
                    id: c.id,
                    slug: c.slug,
                    name: c.name,
                }),
                ParticipantType::Partner => self.partner_ref(&key).await?.map(|p| Participant {
                    kind,
                    id: p.id,
                    slug: p.slug,
                    name: p.name,
                }),
            };
            match found {
                Some(p)
                    if !participants
                        .iter()
                        .any(|q| q.kind == p.kind && q.id == p.id) =>
                {
                    participants.push(p);
                }
                Some(_) => {}
                None => errors.push(no_record(&field, participant_kind(kind), &key)),
            }
        }
        Ok(((host, participants), errors))
    }

    /// What a decision's concerns name, and a field error for each that names no record.
    async fn concerns(
        &mut self,
        input: &DecisionInput,
    ) -> StoreResult<(Vec<Concern>, Vec<FieldError>)> {
        let mut found = Vec::new();
        let mut errors = Vec::new();
        for (field, kind, key) in input.concern_keys() {
            let concern = match kind {
                ConcernType::City => self.city_ref(&key).await?.map(|city| Concern {
                    kind,
                    id: city.id,
                    name: city.name.clone(),
                    city,
                }),
                ConcernType::Project => self.project(&key, None).await?.map(|p| Concern {
                    kind,
                    id: p.id,
                    name: p.title,
                    city: p.city,
                }),
                ConcernType::Plan => match self.city_ref(&key).await? {
                    Some(city) if self.action_plan(city.id, None).await?.is_some() => {
                        Some(Concern {
                            kind,
                            id: city.id,
                            name: format!("Smart City Action Plan of {}", city.name),
                            city,
                        })
                    }
                    _ => None,
                },
                // Decisions are public: a proposal, or one declined or withdrawn, is not.
                ConcernType::Twinning => self
                    .twinning(&key)
                    .await?
                    .filter(|t| t.visible_to(None))
                    .map(|t| Concern {
                        kind,
                        id: t.id,
                        name: format!("{} with {}", t.partner.name, t.city.name),
                        city: t.city,
                    }),
            };
            match concern {
                Some(c) => found.push(c),
                None => errors.push(no_record(&field, concern_kind(kind), &key)),
            }
        }
        Ok((found, errors))
    }

    /// Whether an event has this slug.
    async fn event_slug_taken(&mut self, slug: &str) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE slug = $1")
            .bind(slug).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// Writes an event's own columns (insert or update by id) and its participants.
    async fn save_event(&mut self, e: &Event) -> StoreResult<()> {
        let utc =
            |t: Option<chrono::DateTime<chrono::FixedOffset>>| t.map(|t| t.with_timezone(&Utc));
        on_conn!(self, c => {
            sqlx::query(
                "INSERT INTO events (id, slug, name, date_text, starts_on, ends_on, date_precision, \
                 place, city_id, chair_iso2, sources, uncertain, note, seeded, kind, starts_at, \
                 ends_at, time_zone, agenda, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, FALSE, $14, $15, $16, \
                 $17, $18, $19) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, date_text = excluded.date_text, \
                 starts_on = excluded.starts_on, ends_on = excluded.ends_on, \
                 date_precision = excluded.date_precision, place = excluded.place, \
                 city_id = excluded.city_id, note = excluded.note, kind = excluded.kind, \
                 starts_at = excluded.starts_at, ends_at = excluded.ends_at, \
                 time_zone = excluded.time_zone, agenda = excluded.agenda, version = excluded.version",
            )
            .bind(e.id).bind(&e.slug).bind(&e.title).bind(&e.date.text).bind(e.date.starts_on)
            .bind(e.date.ends_on).bind(e.date.precision.as_str()).bind(&e.place)
            .bind(e.host_city.as_ref().map(|c| c.id)).bind(&e.chair).bind(Json(&e.sources))
            .bind(e.uncertain).bind(&e.note).bind(e.kind.map(|k| k.as_str()))
            .bind(utc(e.starts_at)).bind(utc(e.ends_at)).bind(&e.time_zone).bind(Json(&e.agenda))
            .bind(e.version)
            .execute(&mut *c).await?;
            sqlx::query("DELETE FROM event_participants WHERE event_id = $1").bind(e.id).execute(&mut *c).await?;
            for (i, p) in e.participants.iter().enumerate() {
                let (city, partner) = match p.kind {
                    ParticipantType::City => (Some(p.id), None),
                    ParticipantType::Partner => (None, Some(p.id)),
                };
                sqlx::query("INSERT INTO event_participants (event_id, position, city_id, partner_id) VALUES ($1, $2, $3, $4)")
                    .bind(e.id).bind(i32::try_from(i).unwrap_or(i32::MAX)).bind(city).bind(partner)
                    .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    /// Fills in the events' participants and decisions.
    pub(crate) async fn with_event_links(&mut self, events: &mut [Event]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT ep.event_id, c.id, c.slug, c.name, pa.id, pa.slug, pa.name \
             FROM event_participants ep LEFT JOIN cities c ON c.id = ep.city_id \
             LEFT JOIN partners pa ON pa.id = ep.partner_id \
             WHERE ep.event_id IN {list} ORDER BY ep.event_id, ep.position"
        );
        let rows: Vec<ParticipantRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let mut participants: HashMap<Uuid, Vec<Participant>> = HashMap::new();
        for row in rows {
            let p = match row {
                (_, Some(id), Some(slug), Some(name), ..) => Participant {
                    kind: ParticipantType::City,
                    id,
                    slug,
                    name,
                },
                (_, _, _, _, Some(id), Some(slug), Some(name)) => Participant {
                    kind: ParticipantType::Partner,
                    id,
                    slug,
                    name,
                },
                _ => continue,
            };
            participants.entry(row.0).or_default().push(p);
        }
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT {DECISION_COLUMNS} FROM event_decisions d JOIN events e ON e.id = d.event_id \
             WHERE d.event_id IN {list} ORDER BY d.recorded_at, d.id"
        );
        let mut decisions: HashMap<Uuid, Vec<Decision>> = HashMap::new();
        for d in self.decisions_of(sql).await? {
            decisions.entry(d.event.id).or_default().push(d);
        }
        for e in events {
            e.participants = participants.remove(&e.id).unwrap_or_default();
            e.decisions = decisions.remove(&e.id).unwrap_or_default();
        }
        Ok(())
    }

    /// The decisions that concern a city: itself, its projects, its plan, its public twinnings;
    /// newest first.
    pub async fn city_decisions(&mut self, city_id: Uuid) -> StoreResult<Vec<Decision>> {
        let mut sql = Sql::default();
        let city = sql.arg(Arg::Id(city_id));
        sql.text = format!(
            "SELECT {DECISION_COLUMNS} FROM event_decisions d JOIN events e ON e.id = d.event_id \
             WHERE EXISTS (SELECT 1 FROM decision_concerns dc WHERE dc.decision_id = d.id \
             AND dc.city_id = {city} AND {PUBLIC_CONCERN}) ORDER BY d.recorded_at DESC, d.id"
        );
        self.decisions_of(sql).await
    }

    /// The decisions a query of [`DECISION_COLUMNS`] finds, with their concerns.
    async fn decisions_of(&mut self, sql: Sql) -> StoreResult<Vec<Decision>> {
        let rows: Vec<DecisionRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT dc.decision_id, dc.concern_type, dc.concern_id, dc.name, c.id, c.slug, c.name, \
             c.country_iso2 FROM decision_concerns dc JOIN cities c ON c.id = dc.city_id \
             WHERE dc.decision_id IN {list} AND {PUBLIC_CONCERN} \
             ORDER BY dc.decision_id, dc.position"
        );
        let concern_rows: Vec<ConcernRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let mut concerns: HashMap<Uuid, Vec<Concern>> = HashMap::new();
        for (decision, kind, id, name, city_id, slug, city_name, country_iso2) in concern_rows {
            concerns.entry(decision).or_default().push(Concern {
                kind: parse_stored(
                    "decision_concerns",
                    "concern_type",
                    &kind,
                    ConcernType::parse,
                )?,
                id,
                name,
                city: kota_domain::city::CityRef {
                    id: city_id,
                    slug,
                    name: city_name,
                    country_iso2,
                },
            });
        }
        Ok(rows
            .into_iter()
            .map(
                |(id, event_id, text, outcome, recorded_by, recorded_at, slug, title, date)| {
                    Decision {
                        id,
                        event: EventRef {
                            id: event_id,
                            slug,
                            title,
                            date,
                        },
                        text,
                        outcome,
                        concerns: concerns.remove(&id).unwrap_or_default(),
                        recorded_by,
                        recorded_at,
                    }
                },
            )
            .collect())
    }
}

/// What a participant of this kind must be, in words.
fn participant_kind(kind: ParticipantType) -> &'static str {
    match kind {
        ParticipantType::City => "a member city",
        ParticipantType::Partner => "a partner",
    }
}

/// What a concern of this kind must be, in words.
fn concern_kind(kind: ConcernType) -> &'static str {
    match kind {
        ConcernType::City => "a member city",
        ConcernType::Project => "a project",
        ConcernType::Plan => "a member city with an action plan",
        ConcernType::Twinning => "a public (active or concluded) twinning",
    }
}

/// The field error of a reference that names no record.
fn no_record(field: &str, what: &str, key: &Key) -> FieldError {
    let named = match key {
        Key::Id(id) => id.to_string(),
        Key::Slug(s) => s.clone(),
    };
    words::unknown_record(field, &named, what)
}

crate::reads_on_a_pooled_connection! {
    /// The decisions that concern a city (itself, its projects, its plan, its twinnings),
    /// newest first.
    fn city_decisions(city_id: Uuid) -> Vec<Decision>;
}

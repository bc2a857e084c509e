//! Meeting requests at a brokerage event: made for a city or partner by its side (or by a
//! coordinator naming it), answered by the invitee's side, accepted at once when the event
//! accepts every request. One [`Edit`] per kind of change, and the reads that keep each
//! request to its two sides and coordinators.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::brokerage::{
    ACCEPTED_BY_EVENT, Answer, EventRef, MeetingRequest, MeetingState, Participant,
    ParticipantKind, ProjectLink,
};
use kota_domain::edit::brokerage::MeetingRequestKeys;
use kota_domain::edit::{Code, FieldError, words};
use kota_domain::event::EventKind;
use kota_domain::ids::Key;
use kota_domain::notice::Notice;
use kota_domain::page::{Page, PageRequest};
use uuid::Uuid;

use crate::args::{Arg, Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::read::key_condition;
use crate::rows::parse_stored;
use crate::{Store, StoreError, StoreResult};

/// The event a request is made at, and whether it is over.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerageEvent {
    /// The event.
    pub event: EventRef,
    /// Whether its last day has passed.
    pub past: bool,
    /// Whether it is a brokerage session (where one-to-one meetings are requested).
    pub brokerage: bool,
    /// Whether it accepts every request as it is made.
    pub accept_all: bool,
}

impl BrokerageEvent {
    /// Refuses (409, with the reason) unless meetings can be requested and answered at the
    /// event now: a brokerage session still to come.
    pub fn open_for_requests(&self) -> WriteResult<()> {
        if self.past {
            return Err(WriteError::Conflict(format!(
                "{} is over: meetings can no longer be requested or answered",
                self.event.name
            )));
        }
        if !self.brokerage {
            return Err(WriteError::Conflict(format!(
                "{} is not a brokerage session: one-to-one meetings are requested at brokerage \
                 sessions",
                self.event.name
            )));
        }
        Ok(())
    }
}

/// What a new request refers to, as found in the same transaction.
#[derive(Debug, serde::Serialize)]
pub struct RequestTarget {
    /// The event.
    pub event: BrokerageEvent,
    /// The side that asks (none: not named and not the caller's own, or no such record).
    pub from: Option<Participant>,
    /// The side asked (none: no such record).
    pub with: Option<Participant>,
    /// The project it is about.
    pub project: Option<ProjectLink>,
    /// The twinning it is about, when it exists.
    pub twinning: Option<Uuid>,
}

/// Requests a meeting at an event.
pub struct RequestMeeting {
    /// The event.
    pub event: Key,
    /// Who asks, whom, what about.
    pub keys: MeetingRequestKeys,
}

impl Edit for RequestMeeting {
    type Target = RequestTarget;
    type Output = MeetingRequest;
    const OBJECT_TYPE: &'static str = "meeting_request";
    const ACTION: &'static str = "request";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
    ) -> StoreResult<Option<RequestTarget>> {
        let Some(event) = conn.brokerage_event(&self.event).await? else {
            return Ok(None);
        };
        let own = match &who.scope {
            Scope::CityOfficer { city_id } => Some(Key::Id(*city_id)),
            Scope::PartnerRepresentative { partner_id } => Some(Key::Id(*partner_id)),
            _ => None,
        };
        let from = match self.keys.from.as_ref().or(own.as_ref()) {
            Some(key) => conn.participant(key).await?,
            None => None,
        };
        let project = match &self.keys.project {
            Some(key) => conn.project_link(key).await?,
            None => None,
        };
        // A twinning the person may not see is none they can name.
        let twinning = match &self.keys.twinning {
            Some(key) => conn
                .twinning(key)
                .await?
                .filter(|t| t.visible_to(Some(who)))
                .map(|t| t.id),
            None => None,
        };
        Ok(Some(RequestTarget {
            event,
            from,
            with: conn.participant(&self.keys.with).await?,
            project,
            twinning,
        }))
    }

    fn allowed(who: &Principal, t: &RequestTarget) -> bool {
        match &t.from {
            Some(from) => from.open_to(who),
            // An unknown or missing side is a field error, for whoever may request at all.
            None => !who.is_admin(),
        }
    }

    fn version(_: &RequestTarget) -> Option<i32> {
        None
    }

    async fn check(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        t: &RequestTarget,
    ) -> WriteResult<()> {
        t.event.open_for_requests()?;
        let mut errors = Vec::new();
        let unknown = |field: &str, key: &dyn std::fmt::Display, what: &str| {
            words::unknown_record(field, &key.to_string(), what)
        };
        match (&self.keys.from, &t.from) {
            (Some(key), None) => {
                errors.push(unknown("from", key, "a city or partner of the network"))
            }
            (None, None) => errors.push(FieldError::new(
                "from",
                Code::Required,
                "Name the city or partner the request is made for",
            )),
            _ => {}
        }
        if t.with.is_none() {
            errors.push(unknown(
                "with",
                &self.keys.with,
                "a city or partner of the network",
            ));
        }
        if let (Some(key), None) = (&self.keys.project, &t.project) {
            errors.push(unknown("project", key, "a project of the network"));
        }
        if let (Some(key), None) = (&self.keys.twinning, &t.twinning) {
            errors.push(unknown("twinning", key, "a twinning's id"));
        }
        if let (Some(a), Some(b)) = (&t.from, &t.with)
            && a.id == b.id
        {
            errors.push(FieldError::new(
                "with",
                Code::Conflict,
                format!("{} cannot request a meeting with itself", a.name),
            ));
        }
        if !errors.is_empty() {
            return Err(WriteError::Invalid(errors));
        }
        if let (Some(a), Some(b)) = (&t.from, &t.with)
            && conn.open_meeting_of(t.event.event.id, a.id, b.id).await?
        {
            return Err(WriteError::Conflict(format!(
                "{} and {} already have a meeting requested or accepted at this event",
                a.name, b.name
            )));
        }
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        t: &RequestTarget,
    ) -> StoreResult<MeetingRequest> {
        let (Some(from), Some(with)) = (&t.from, &t.with) else {
            return Err(StoreError::Task(
                "a meeting request without its sides".into(),
            ));
        };
        let at = now();
        let accepted = t.event.accept_all;
        Ok(MeetingRequest {
            id: Uuid::new_v4(),
            event: t.event.event.clone(),
            requester: from.clone(),
            invitee: with.clone(),
            about: self.keys.about.clone(),
            project: t.project.clone(),
            twinning: t.twinning,
            state: if accepted {
                MeetingState::Accepted
            } else {
                MeetingState::Requested
            },
            requested_by: who.public_label(),
            requested_at: at,
            answered_by: accepted.then(|| ACCEPTED_BY_EVENT.to_owned()),
            answered_at: accepted.then_some(at),
            version: 1,
        })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &RequestTarget,
        r: &MeetingRequest,
    ) -> StoreResult<()> {
        let pair = pair_key(r.requester.id, r.invitee.id);
        let project = r.project.as_ref().map(|p| p.id);
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO meeting_requests (id, event_id, requester_kind, requester_id, \
             invitee_kind, invitee_id, pair_key, about, project_id, twinning_id, state, \
             requested_by, requested_at, answered_by, answered_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(r.id).bind(r.event.id).bind(r.requester.kind.as_str()).bind(r.requester.id)
        .bind(r.invitee.kind.as_str()).bind(r.invitee.id).bind(&pair).bind(&r.about)
        .bind(project).bind(r.twinning).bind(r.state.as_str()).bind(&r.requested_by)
        .bind(r.requested_at).bind(&r.answered_by).bind(r.answered_at).bind(r.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &RequestTarget, r: &MeetingRequest) -> Audited {
        Audited::creation(r.id)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &RequestTarget,
        r: &MeetingRequest,
    ) -> StoreResult<Vec<Notice>> {
        Ok(r.notices(true, who))
    }
}

/// The same key for a pair whichever side asks.
fn pair_key(a: Uuid, b: Uuid) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{low}/{high}")
}

/// An answer to a meeting request: what it is and how the audit log names it.
pub trait AnswerKind: Send + Sync + 'static {
    /// The answer.
    const ANSWER: Answer;
    /// How the audit log names it.
    const ACTION: &'static str;
}

/// The invitee accepts.
pub struct Accept;
impl AnswerKind for Accept {
    const ANSWER: Answer = Answer::Accept;
    const ACTION: &'static str = "accept";
}

/// The invitee declines.
pub struct Decline;
impl AnswerKind for Decline {
    const ANSWER: Answer = Answer::Decline;
    const ACTION: &'static str = "decline";
}

/// Answers a meeting request for the invitee's side.
pub struct AnswerMeeting<A: AnswerKind> {
    /// The request.
    pub request: Key,
    answer: PhantomData<A>,
}

impl<A: AnswerKind> AnswerMeeting<A> {
    /// The answer `A` to `request`.
    pub fn new(request: Key) -> Self {
        Self {
            request,
            answer: PhantomData,
        }
    }
}

impl<A: AnswerKind> Edit for AnswerMeeting<A> {
    type Target = MeetingRequest;
    type Output = MeetingRequest;
    const OBJECT_TYPE: &'static str = "meeting_request";
    const ACTION: &'static str = A::ACTION;

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
    ) -> StoreResult<Option<MeetingRequest>> {
        conn.meeting_request(&self.request).await
    }

    fn allowed(who: &Principal, r: &MeetingRequest) -> bool {
        A::ANSWER.allowed(who, r)
    }

    fn version(r: &MeetingRequest) -> Option<i32> {
        Some(r.version)
    }

    async fn check(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        r: &MeetingRequest,
    ) -> WriteResult<()> {
        if let Some(why) = A::ANSWER.refusal(r) {
            return Err(WriteError::Conflict(why));
        }
        if r.requester.speaks_for(who) {
            return Err(WriteError::Conflict(
                "You asked for this meeting: the side you asked answers it".into(),
            ));
        }
        if let Some(event) = conn.brokerage_event(&Key::Id(r.event.id)).await? {
            event.open_for_requests()?;
        }
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        r: &MeetingRequest,
    ) -> StoreResult<MeetingRequest> {
        Ok(A::ANSWER.apply(r, who, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &MeetingRequest,
        r: &MeetingRequest,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "UPDATE meeting_requests SET state = $1, answered_by = $2, answered_at = $3, \
             version = $4 WHERE id = $5",
        )
        .bind(r.state.as_str()).bind(&r.answered_by).bind(r.answered_at).bind(r.version).bind(r.id)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(before: &MeetingRequest, after: &MeetingRequest) -> Audited {
        Audited::update(after.id, before)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &MeetingRequest,
        r: &MeetingRequest,
    ) -> StoreResult<Vec<Notice>> {
        Ok(r.notices(false, who))
    }
}

/// What reads select of a request, with its event, sides and project.
const COLUMNS: &str = "m.id, m.about, m.twinning_id, m.state, m.requested_by, m.requested_at, \
    m.answered_by, m.answered_at, m.version, e.id AS event_id, e.slug AS event_slug, \
    e.name AS event_name, m.requester_kind, m.requester_id, \
    COALESCE(rc.slug, rp.slug) AS requester_slug, COALESCE(rc.name, rp.name) AS requester_name, \
    rc.country_iso2 AS requester_country, m.invitee_kind, m.invitee_id, \
    COALESCE(ic.slug, ip.slug) AS invitee_slug, COALESCE(ic.name, ip.name) AS invitee_name, \
    ic.country_iso2 AS invitee_country, pr.id AS project_id, pr.slug AS project_slug, \
    pr.title AS project_title";

/// The tables [`COLUMNS`] come from.
const FROM: &str = "meeting_requests m JOIN events e ON e.id = m.event_id \
    LEFT JOIN cities rc ON m.requester_kind = 'city' AND rc.id = m.requester_id \
    LEFT JOIN partners rp ON m.requester_kind = 'partner' AND rp.id = m.requester_id \
    LEFT JOIN cities ic ON m.invitee_kind = 'city' AND ic.id = m.invitee_id \
    LEFT JOIN partners ip ON m.invitee_kind = 'partner' AND ip.id = m.invitee_id \
    LEFT JOIN projects pr ON pr.id = m.project_id";

#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: Uuid,
    about: String,
    twinning_id: Option<Uuid>,
    state: String,
    requested_by: String,
    requested_at: DateTime<Utc>,
    answered_by: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    version: i32,
    event_id: Uuid,
    event_slug: String,
    event_name: String,
    requester_kind: String,
    requester_id: Uuid,
    requester_slug: Option<String>,
    requester_name: Option<String>,
    requester_country: Option<String>,
    invitee_kind: String,
    invitee_id: Uuid,
    invitee_slug: Option<String>,
    invitee_name: Option<String>,
    invitee_country: Option<String>,
    project_id: Option<Uuid>,
    project_slug: Option<String>,
    project_title: Option<String>,
}

fn participant(
    kind: &str,
    id: Uuid,
    slug: Option<String>,
    name: Option<String>,
    country_iso2: Option<String>,
) -> StoreResult<Participant> {
    Ok(Participant {
        kind: parse_stored("meeting_requests", "kind", kind, ParticipantKind::parse)?,
        id,
        slug: slug.unwrap_or_default(),
        name: name.unwrap_or_else(|| "(no longer in the network)".into()),
        country_iso2,
    })
}

impl TryFrom<MeetingRow> for MeetingRequest {
    type Error = StoreError;

    fn try_from(r: MeetingRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            event: EventRef {
                id: r.event_id,
                slug: r.event_slug,
                name: r.event_name,
            },
            requester: participant(
                &r.requester_kind,
                r.requester_id,
                r.requester_slug,
                r.requester_name,
                r.requester_country,
            )?,
            invitee: participant(
                &r.invitee_kind,
                r.invitee_id,
                r.invitee_slug,
                r.invitee_name,
                r.invitee_country,
            )?,
            about: r.about,
            project: match (r.project_id, r.project_slug, r.project_title) {
                (Some(id), Some(slug), Some(name)) => Some(ProjectLink { id, slug, name }),
                _ => None,
            },
            twinning: r.twinning_id,
            state: parse_stored("meeting_requests", "state", &r.state, MeetingState::parse)?,
            requested_by: r.requested_by,
            requested_at: r.requested_at,
            answered_by: r.answered_by,
            answered_at: r.answered_at,
            version: r.version,
        })
    }
}

impl Conn<'_> {
    /// An event as a brokerage sees it, by id or slug.
    pub async fn brokerage_event(&mut self, key: &Key) -> StoreResult<Option<BrokerageEvent>> {
        let Some(e) = self.event(key).await? else {
            return Ok(None);
        };
        let accept_all: Option<bool> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT accept_all FROM brokerage_settings WHERE event_id = $1",
        ).bind(e.id).fetch_optional(&mut *c).await)?;
        Ok(Some(BrokerageEvent {
            past: e.date.ends_on < Utc::now().date_naive(),
            brokerage: e.kind == Some(EventKind::BrokerageSession),
            event: EventRef {
                id: e.id,
                slug: e.slug,
                name: e.name,
            },
            accept_all: accept_all.unwrap_or(false),
        }))
    }

    /// A member city or partner by id or slug (a city first, when both have the slug).
    pub async fn participant(&mut self, key: &Key) -> StoreResult<Option<Participant>> {
        if let Some(c) = self.city_ref(key).await? {
            return Ok(Some(Participant::from(&c)));
        }
        Ok(self.partner_ref(key).await?.map(|p| Participant::from(&p)))
    }

    /// A project as a meeting names it, by id or slug.
    async fn project_link(&mut self, key: &Key) -> StoreResult<Option<ProjectLink>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "p", key);
        sql.text = format!("SELECT p.id, p.slug, p.title FROM projects p WHERE {cond}");
        let row: Option<(Uuid, String, String)> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *c).await)?;
        Ok(row.map(|(id, slug, name)| ProjectLink { id, slug, name }))
    }

    /// Whether the two have a requested or accepted meeting at the event, either way.
    async fn open_meeting_of(&mut self, event: Uuid, a: Uuid, b: Uuid) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM meeting_requests WHERE event_id = $1 AND pair_key = $2 \
             AND state IN ('requested', 'accepted')",
        ).bind(event).bind(pair_key(a, b)).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// One meeting request by id, whoever may see it.
    pub async fn meeting_request(&mut self, key: &Key) -> StoreResult<Option<MeetingRequest>> {
        let Key::Id(id) = key else {
            return Ok(None);
        };
        let text = format!("SELECT {COLUMNS} FROM {FROM} WHERE m.id = $1");
        let row: Option<MeetingRow> =
            on_conn!(self, c => sqlx::query_as(&text).bind(*id).fetch_optional(&mut *c).await)?;
        row.map(MeetingRequest::try_from).transpose()
    }

    /// The requests at an event in `states` (every state when empty) of the sides `viewer`
    /// speaks for (every request for a coordinator or no viewer), oldest first.
    pub async fn meeting_requests(
        &mut self,
        event: Uuid,
        states: &[MeetingState],
        viewer: Option<&Scope>,
    ) -> StoreResult<Vec<MeetingRequest>> {
        let mut sql = Sql::default();
        let Some(conditions) = conditions(&mut sql, Some(event), states, viewer) else {
            return Ok(Vec::new());
        };
        sql.text = format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE {} ORDER BY m.requested_at, m.id",
            conditions.join(" AND ")
        );
        let rows: Vec<MeetingRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        rows.into_iter().map(MeetingRequest::try_from).collect()
    }

    /// A page of the requests (at one event, or at any) of the sides `viewer` speaks for
    /// (every request for a coordinator), newest first.
    async fn meeting_request_page(
        &mut self,
        event: Option<Uuid>,
        viewer: &Scope,
        page: PageRequest,
    ) -> StoreResult<Page<MeetingRequest>> {
        let mut sql = Sql::default();
        let Some(conditions) = conditions(&mut sql, event, &[], Some(viewer)) else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
                limit: page.limit,
                offset: page.offset,
            });
        };
        let (total, rows): (u64, Vec<MeetingRow>) = self
            .paged_rows(
                sql,
                (COLUMNS, FROM, "m.requested_at DESC, m.id"),
                &conditions,
                page,
            )
            .await?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(MeetingRequest::try_from)
                .collect::<StoreResult<_>>()?,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }
}

/// The conditions that select the requests (at `event`, in `states`) of the sides `viewer`
/// speaks for; none when the viewer speaks for none (an administrator).
fn conditions(
    sql: &mut Sql,
    event: Option<Uuid>,
    states: &[MeetingState],
    viewer: Option<&Scope>,
) -> Option<Vec<String>> {
    let mut conditions = Vec::new();
    if let Some(event) = event {
        conditions.push(format!("m.event_id = {}", sql.arg(Arg::Id(event))));
    }
    if !states.is_empty() {
        let list: Vec<String> = states
            .iter()
            .map(|s| sql.arg(Arg::Text(s.as_str().to_owned())))
            .collect();
        conditions.push(format!("m.state IN ({})", list.join(", ")));
    }
    match viewer {
        None | Some(Scope::Coordinator) => {}
        Some(
            Scope::CityOfficer { city_id }
            | Scope::PartnerRepresentative {
                partner_id: city_id,
            },
        ) => {
            let p = sql.arg(Arg::Id(*city_id));
            conditions.push(format!("(m.requester_id = {p} OR m.invitee_id = {p})"));
        }
        Some(Scope::NationalRepresentative { state_iso2 }) => {
            let p = sql.arg(Arg::Text(state_iso2.clone()));
            conditions.push(format!("(rc.country_iso2 = {p} OR ic.country_iso2 = {p})"));
        }
        Some(Scope::Admin) => return None,
    }
    Some(conditions)
}

impl Store {
    /// A page of the meeting requests `viewer`'s sides made or were asked (every one for a
    /// coordinator), at one event or at any, newest first.
    pub async fn meeting_request_page(
        &self,
        viewer: &Principal,
        event: Option<Uuid>,
        page: PageRequest,
    ) -> StoreResult<Page<MeetingRequest>> {
        self.pooled()
            .await?
            .conn()
            .meeting_request_page(event, &viewer.scope, page)
            .await
    }

    /// One meeting request, found (whoever may see it: the caller checks).
    pub async fn meeting_request(&self, key: &Key) -> StoreResult<Option<MeetingRequest>> {
        self.pooled().await?.conn().meeting_request(key).await
    }

    /// The requests at an event that `viewer` may see, oldest first.
    pub async fn meeting_requests(
        &self,
        event: Uuid,
        viewer: Option<&Principal>,
    ) -> StoreResult<Vec<MeetingRequest>> {
        let Some(viewer) = viewer else {
            return Ok(Vec::new());
        };
        self.pooled()
            .await?
            .conn()
            .meeting_requests(event, &[], Some(&viewer.scope))
            .await
    }
}

crate::reads_on_a_pooled_connection! {
    /// An event as a brokerage sees it, by id or slug.
    fn brokerage_event(key: &Key) -> Option<BrokerageEvent>;
    /// A member city or partner by id or slug.
    fn participant(key: &Key) -> Option<Participant>;
}

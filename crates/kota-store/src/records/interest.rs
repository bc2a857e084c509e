//! Expressions of interest: submitted for a firm by its representatives (or a coordinator
//! acting for it) on a project open to private investment, shortlisted, agreed or declined by
//! the city's side, withdrawn by the firm's, with messages between; an agreed interest is
//! recorded as a partnership on the project. One [`Edit`] per kind of change.

use std::collections::HashMap;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::city::CityRef;
use kota_domain::edit::{Code, FieldError, InterestChange, InterestInput, MessageInput, words};
use kota_domain::ids::Key;
use kota_domain::interest::{
    Closure, Interest, InterestMessage, InterestState, InterestStep, Partnership, ProjectRef,
    may_submit, project_closure, speaks_for_city,
};
use kota_domain::money::Money;
use kota_domain::notice::Notice;
use kota_domain::page::{Page, PageRequest};
use kota_domain::partner::{Instrument, PartnerRef};
use kota_domain::project::Project;
use uuid::Uuid;

use super::checked;
use crate::args::{Arg, Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::rows::{PartnerRefRow, parse_stored};
use crate::{Store, StoreError, StoreResult};

/// The project an interest is for and the firm it is of, as found (none: no such firm).
#[derive(Debug, serde::Serialize)]
pub struct Submission {
    /// The project.
    pub project: Project,
    /// The firm.
    pub partner: Option<PartnerRef>,
}

/// Submits a firm's interest in a project: the one way an interest is created.
pub struct SubmitInterest {
    /// The project.
    pub project: Key,
    /// The interest's terms, and the firm when a coordinator acts for it.
    pub input: InterestInput,
}

impl Edit for SubmitInterest {
    type Target = Submission;
    type Output = Interest;
    const OBJECT_TYPE: &'static str = "interest";
    const ACTION: &'static str = "submit";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Submission>> {
        let Some(project) = conn.project(&self.project, Some(who)).await? else {
            return Ok(None);
        };
        let firm = match (self.input.partner_key(), who.partner_id()) {
            (Some(key), _) => Some(key),
            (None, Some(own)) => Some(Key::Id(own)),
            (None, None) => None,
        };
        let partner = match firm {
            Some(key) => conn.partner_ref(&key).await?,
            None => None,
        };
        Ok(Some(Submission { project, partner }))
    }

    fn allowed(who: &Principal, s: &Submission) -> bool {
        match &s.partner {
            Some(p) => may_submit(who, p.id),
            // A firm not named, or named by no record, is a field error for a coordinator.
            None => who.is_coordinator(),
        }
    }

    fn version(_: &Submission) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, s: &Submission) -> WriteResult<()> {
        match project_closure(&s.project) {
            Some(Closure::Completed) => {
                return Err(WriteError::Conflict(Closure::Completed.reason().into()));
            }
            Some(Closure::NotOpen) => {
                return Err(WriteError::Invalid(vec![FieldError::new(
                    "project",
                    Code::Conflict,
                    words::capital(Closure::NotOpen.reason()),
                )]));
            }
            None => {}
        }
        let mut errors = self.input.check().err().unwrap_or_default();
        if s.partner.is_none() && !errors.iter().any(|e| e.field == "partner") {
            errors.push(match &self.input.partner {
                Some(key) => words::unknown_record("partner", key, "a partner of the network"),
                None => FieldError::new(
                    "partner",
                    Code::Required,
                    "Name the firm a coordinator acts for",
                ),
            });
        }
        checked(if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        })?;
        if let Some(p) = &s.partner {
            if conn.open_interest_of(s.project.id, p.id).await? {
                return Err(WriteError::Conflict(format!(
                    "{} has an open interest in this project already",
                    p.name
                )));
            }
            if conn.partnership_of(s.project.id, p.id).await? {
                return Err(WriteError::Conflict(format!(
                    "{} is a partner on this project already",
                    p.name
                )));
            }
        }
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        s: &Submission,
    ) -> StoreResult<Interest> {
        let Some(partner) = s.partner.clone() else {
            return Err(StoreError::Task("an interest without its firm".into()));
        };
        Ok(self.input.create(
            Uuid::new_v4(),
            ProjectRef::from(&s.project),
            partner,
            who,
            now(),
        ))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Submission,
        i: &Interest,
    ) -> StoreResult<()> {
        let (amount, currency) = split(i.amount.as_ref());
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO interests (id, project_id, partner_id, state, instrument, amount, currency, \
             note, submitted_by, submitted_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(i.id).bind(i.project.id).bind(i.partner.id).bind(i.state.as_str())
        .bind(i.instrument.as_str()).bind(amount).bind(currency).bind(&i.note)
        .bind(&i.submitted_by).bind(i.submitted_at).bind(i.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &Submission, i: &Interest) -> Audited {
        Audited::creation(i.id)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &Submission,
        i: &Interest,
    ) -> StoreResult<Vec<Notice>> {
        Ok(i.notices(None, who))
    }
}

fn split(amount: Option<&Money>) -> (Option<i64>, Option<String>) {
    amount.map_or((None, None), |a| (Some(a.amount), Some(a.currency.clone())))
}

/// A kind of step in an interest's life: what it takes and how the audit log names it.
pub trait InterestAction: Send + Sync + 'static {
    /// What the step takes.
    type Input: Send + Sync;
    /// The step it is.
    const STEP: InterestStep;
    /// How the audit log names it.
    const ACTION: &'static str;
    /// The step with its input.
    fn change(input: &Self::Input) -> InterestChange<'_>;
}

macro_rules! actions {
    ($( $(#[$doc:meta])* $name:ident($input:ty) = $action:literal => |$i:pat_param| $change:expr; )+) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl InterestAction for $name {
                type Input = $input;
                const STEP: InterestStep = InterestStep::$name;
                const ACTION: &'static str = $action;
                fn change($i: &$input) -> InterestChange<'_> {
                    $change
                }
            }
        )+
    };
}

actions! {
    /// The city's side shortlists an interest.
    Shortlist(()) = "shortlist" => |_| InterestChange::Shortlist;
    /// The city's side agrees: the firm becomes a partner on the project.
    Agree(()) = "agree" => |_| InterestChange::Agree;
    /// The city's side declines an interest.
    Decline(()) = "decline" => |_| InterestChange::Decline;
    /// The firm's side withdraws its interest.
    Withdraw(()) = "withdraw" => |_| InterestChange::Withdraw;
    /// Either side or a coordinator writes a message.
    Message(MessageInput) = "message" => |m| InterestChange::Message(m);
}

/// Takes the step `A` on an interest, checked against who acts and the state it is in.
pub struct ChangeInterest<A: InterestAction> {
    /// The interest.
    pub interest: Key,
    /// What the step takes.
    pub input: A::Input,
    action: PhantomData<A>,
}

impl<A: InterestAction> ChangeInterest<A> {
    /// The step `A` on `interest` with `input`.
    pub fn new(interest: Key, input: A::Input) -> Self {
        Self {
            interest,
            input,
            action: PhantomData,
        }
    }
}

impl<A: InterestAction> Edit for ChangeInterest<A> {
    type Target = Interest;
    type Output = Interest;
    const OBJECT_TYPE: &'static str = "interest";
    const ACTION: &'static str = A::ACTION;

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Interest>> {
        conn.interest(&self.interest).await
    }

    fn allowed(who: &Principal, i: &Interest) -> bool {
        A::STEP.allowed(who, i)
    }

    fn version(i: &Interest) -> Option<i32> {
        Some(i.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, i: &Interest) -> WriteResult<()> {
        if let Some(why) = A::STEP.refusal(i) {
            return Err(WriteError::Conflict(why));
        }
        // A project completed or closed to investment since takes the interest no further.
        if matches!(A::STEP, InterestStep::Shortlist | InterestStep::Agree)
            && let Some(project) = conn.project(&Key::Id(i.project.id), None).await?
            && let Some(closure) = project_closure(&project)
        {
            return Err(WriteError::Conflict(closure.reason().into()));
        }
        checked(A::change(&self.input).check())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        before: &Interest,
    ) -> StoreResult<Interest> {
        Ok(A::change(&self.input).apply(before, who, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Interest,
        i: &Interest,
    ) -> StoreResult<()> {
        let first = before.messages.len();
        let added = i.messages.get(first..).unwrap_or_default();
        let partnership = (before.state != InterestState::Agreed)
            .then(|| i.partnership())
            .flatten();
        on_conn!(conn, c => {
            sqlx::query(
                "UPDATE interests SET state = $1, shortlisted_by = $2, shortlisted_at = $3, \
                 decided_by = $4, decided_at = $5, withdrawn_by = $6, withdrawn_at = $7, \
                 version = $8 WHERE id = $9",
            )
            .bind(i.state.as_str()).bind(&i.shortlisted_by).bind(i.shortlisted_at)
            .bind(&i.decided_by).bind(i.decided_at).bind(&i.withdrawn_by).bind(i.withdrawn_at)
            .bind(i.version).bind(i.id)
            .execute(&mut *c).await?;
            for (n, m) in added.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO interest_messages (interest_id, position, text, written_by, written_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(i.id).bind(i32::try_from(first + n).unwrap_or(i32::MAX)).bind(&m.text)
                .bind(&m.written_by).bind(m.written_at)
                .execute(&mut *c).await?;
            }
            if let Some(p) = &partnership {
                let (amount, currency) = split(p.amount.as_ref());
                sqlx::query(
                    "INSERT INTO project_partnerships (interest_id, project_id, partner_id, instrument, \
                     amount, currency, since) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(p.interest_id).bind(p.project.id).bind(p.partner.id).bind(p.instrument.as_str())
                .bind(amount).bind(currency).bind(p.since)
                .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(before: &Interest, after: &Interest) -> Audited {
        Audited::update(after.id, before)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &Interest,
        after: &Interest,
    ) -> StoreResult<Vec<Notice>> {
        Ok(after.notices(Some(A::STEP), who))
    }
}

/// Which interests a list shows.
#[derive(Debug, Clone, Default)]
pub struct InterestFilter {
    /// Of this project.
    pub project: Option<Uuid>,
    /// Of this firm.
    pub partner: Option<Uuid>,
    /// In this state.
    pub state: Option<InterestState>,
}

/// What pages and the API select of an interest, with its project, city and firm.
const COLUMNS: &str = "i.id, i.state, i.instrument, i.amount, i.currency, i.note, \
    i.submitted_by, i.submitted_at, i.shortlisted_by, i.shortlisted_at, i.decided_by, \
    i.decided_at, i.withdrawn_by, i.withdrawn_at, i.version, pr.id AS project_id, \
    pr.slug AS project_slug, pr.title AS project_title, c.id AS city_id, c.slug AS city_slug, \
    c.name AS city_name, c.country_iso2, p.id AS partner_id, p.slug AS partner_slug, \
    p.name AS partner_name, p.kind AS partner_kind";

/// The tables [`COLUMNS`] come from.
const FROM: &str = "interests i JOIN projects pr ON pr.id = i.project_id \
    JOIN cities c ON c.id = pr.city_id JOIN partners p ON p.id = i.partner_id";

#[derive(sqlx::FromRow)]
struct InterestRow {
    id: Uuid,
    state: String,
    instrument: String,
    amount: Option<i64>,
    currency: Option<String>,
    note: String,
    submitted_by: String,
    submitted_at: DateTime<Utc>,
    shortlisted_by: Option<String>,
    shortlisted_at: Option<DateTime<Utc>>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    withdrawn_by: Option<String>,
    withdrawn_at: Option<DateTime<Utc>>,
    version: i32,
    project_id: Uuid,
    project_slug: String,
    project_title: String,
    city_id: Uuid,
    city_slug: String,
    city_name: String,
    country_iso2: String,
    partner_id: Uuid,
    partner_slug: String,
    partner_name: String,
    partner_kind: String,
}

impl InterestRow {
    fn into_interest(self, messages: Vec<InterestMessage>) -> StoreResult<Interest> {
        let partner = PartnerRef::try_from(PartnerRefRow {
            id: self.partner_id,
            slug: self.partner_slug,
            name: self.partner_name,
            kind: self.partner_kind,
        })?;
        Ok(Interest {
            id: self.id,
            project: ProjectRef {
                id: self.project_id,
                slug: self.project_slug,
                title: self.project_title,
                city: CityRef {
                    id: self.city_id,
                    slug: self.city_slug,
                    name: self.city_name,
                    country_iso2: self.country_iso2,
                },
            },
            partner,
            state: parse_stored("interests", "state", &self.state, InterestState::parse)?,
            instrument: parse_stored(
                "interests",
                "instrument",
                &self.instrument,
                Instrument::parse,
            )?,
            amount: self
                .amount
                .zip(self.currency)
                .map(|(amount, currency)| Money { amount, currency }),
            note: self.note,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            shortlisted_by: self.shortlisted_by,
            shortlisted_at: self.shortlisted_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            withdrawn_by: self.withdrawn_by,
            withdrawn_at: self.withdrawn_at,
            messages,
            version: self.version,
        })
    }
}

/// The condition that keeps out of a list what `viewer` may not see: an interest is for its
/// two sides and coordinators only.
fn visible(sql: &mut Sql, viewer: Option<&Principal>) -> Option<String> {
    Some(match viewer.map(|v| &v.scope) {
        Some(Scope::Coordinator) => return None,
        Some(Scope::CityOfficer { city_id }) => {
            format!("pr.city_id = {}", sql.arg(Arg::Id(*city_id)))
        }
        Some(Scope::NationalRepresentative { state_iso2 }) => {
            format!(
                "c.country_iso2 = {}",
                sql.arg(Arg::Text(state_iso2.clone()))
            )
        }
        Some(Scope::PartnerRepresentative { partner_id }) => {
            format!("i.partner_id = {}", sql.arg(Arg::Id(*partner_id)))
        }
        Some(Scope::Admin) | None => "1 = 0".into(),
    })
}

/// What the project partnership rows hold, with the project, city and firm.
#[derive(sqlx::FromRow)]
struct PartnershipRow {
    interest_id: Uuid,
    instrument: String,
    amount: Option<i64>,
    currency: Option<String>,
    since: NaiveDate,
    project_id: Uuid,
    project_slug: String,
    project_title: String,
    city_id: Uuid,
    city_slug: String,
    city_name: String,
    country_iso2: String,
    partner_id: Uuid,
    partner_slug: String,
    partner_name: String,
    partner_kind: String,
}

impl PartnershipRow {
    /// The partnership, its amount kept only for those who may see the interest.
    fn into_partnership(self, viewer: Option<&Principal>) -> StoreResult<Partnership> {
        let city = CityRef {
            id: self.city_id,
            slug: self.city_slug,
            name: self.city_name,
            country_iso2: self.country_iso2,
        };
        let sees_amount = viewer.is_some_and(|w| {
            w.is_coordinator()
                || speaks_for_city(w, &city)
                || w.partner_id() == Some(self.partner_id)
        });
        Ok(Partnership {
            project: ProjectRef {
                id: self.project_id,
                slug: self.project_slug,
                title: self.project_title,
                city,
            },
            partner: PartnerRef::try_from(PartnerRefRow {
                id: self.partner_id,
                slug: self.partner_slug,
                name: self.partner_name,
                kind: self.partner_kind,
            })?,
            instrument: parse_stored(
                "project_partnerships",
                "instrument",
                &self.instrument,
                Instrument::parse,
            )?,
            amount: self
                .amount
                .zip(self.currency)
                .filter(|_| sees_amount)
                .map(|(amount, currency)| Money { amount, currency }),
            interest_id: self.interest_id,
            since: self.since,
        })
    }
}

impl Conn<'_> {
    /// Whether the firm has an open (submitted or shortlisted) interest in the project.
    /// Whether the partner is recorded as a partner on the project.
    async fn partnership_of(&mut self, project: Uuid, partner: Uuid) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM project_partnerships WHERE project_id = $1 AND partner_id = $2",
        ).bind(project).bind(partner).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    async fn open_interest_of(&mut self, project: Uuid, partner: Uuid) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM interests WHERE project_id = $1 AND partner_id = $2 \
             AND state IN ('submitted', 'shortlisted')",
        ).bind(project).bind(partner).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// One interest by id (interests have no slug), whoever may see it.
    pub async fn interest(&mut self, key: &Key) -> StoreResult<Option<Interest>> {
        let Key::Id(id) = key else {
            return Ok(None);
        };
        let text = format!("SELECT {COLUMNS} FROM {FROM} WHERE i.id = $1");
        let rows: Vec<InterestRow> =
            on_conn!(self, c => sqlx::query_as(&text).bind(*id).fetch_all(&mut *c).await)?;
        Ok(self.with_messages(rows).await?.pop())
    }

    /// Interests that pass the filter and that `viewer` may see, newest first.
    async fn interests(
        &mut self,
        filter: &InterestFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<Interest>> {
        let mut sql = Sql::default();
        let mut conditions: Vec<String> = visible(&mut sql, viewer).into_iter().collect();
        if let Some(project) = filter.project {
            conditions.push(format!("i.project_id = {}", sql.arg(Arg::Id(project))));
        }
        if let Some(partner) = filter.partner {
            conditions.push(format!("i.partner_id = {}", sql.arg(Arg::Id(partner))));
        }
        if let Some(state) = filter.state {
            let p = sql.arg(Arg::Text(state.as_str().to_owned()));
            conditions.push(format!("i.state = {p}"));
        }
        let (total, rows): (u64, Vec<InterestRow>) = self
            .paged_rows(
                sql,
                (COLUMNS, FROM, "i.submitted_at DESC, i.id"),
                &conditions,
                page,
            )
            .await?;
        Ok(Page {
            items: self.with_messages(rows).await?,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// The interests of `rows`, each with its messages (one query for all).
    async fn with_messages(&mut self, rows: Vec<InterestRow>) -> StoreResult<Vec<Interest>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT interest_id, text, written_by, written_at FROM interest_messages \
             WHERE interest_id IN {list} ORDER BY interest_id, position"
        );
        let found: Vec<(Uuid, String, String, DateTime<Utc>)> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let mut by_interest: HashMap<Uuid, Vec<InterestMessage>> = HashMap::new();
        for (id, text, written_by, written_at) in found {
            by_interest.entry(id).or_default().push(InterestMessage {
                text,
                written_by,
                written_at,
            });
        }
        rows.into_iter()
            .map(|r| {
                let messages = by_interest.remove(&r.id).unwrap_or_default();
                r.into_interest(messages)
            })
            .collect()
    }

    /// The partnerships recorded on a project, or of a firm, oldest first, with amounts only
    /// for those who may see them.
    async fn partnerships(
        &mut self,
        project: Option<Uuid>,
        partner: Option<Uuid>,
        viewer: Option<&Principal>,
    ) -> StoreResult<Vec<Partnership>> {
        let mut sql = Sql::default();
        let mut conditions = Vec::new();
        if let Some(project) = project {
            conditions.push(format!("pp.project_id = {}", sql.arg(Arg::Id(project))));
        }
        if let Some(partner) = partner {
            conditions.push(format!("pp.partner_id = {}", sql.arg(Arg::Id(partner))));
        }
        let mut w = Sql::default();
        w.push_where(&conditions);
        sql.text = format!(
            "SELECT pp.interest_id, pp.instrument, pp.amount, pp.currency, pp.since, \
             pr.id AS project_id, pr.slug AS project_slug, pr.title AS project_title, \
             c.id AS city_id, c.slug AS city_slug, c.name AS city_name, c.country_iso2, \
             p.id AS partner_id, p.slug AS partner_slug, p.name AS partner_name, \
             p.kind AS partner_kind \
             FROM project_partnerships pp JOIN projects pr ON pr.id = pp.project_id \
             JOIN cities c ON c.id = pr.city_id JOIN partners p ON p.id = pp.partner_id{} \
             ORDER BY pp.since, p.name, pp.interest_id",
            w.text
        );
        let rows: Vec<PartnershipRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        rows.into_iter()
            .map(|r| r.into_partnership(viewer))
            .collect()
    }
}

impl Store {
    /// One interest, when `viewer` may see it.
    pub async fn interest(
        &self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Interest>> {
        let found = self.pooled().await?.conn().interest(key).await?;
        Ok(found.filter(|i| i.visible_to(viewer)))
    }

    /// Interests that pass the filter and that `viewer` may see.
    pub async fn interests(
        &self,
        filter: &InterestFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<Interest>> {
        let mut pooled = self.pooled().await?;
        pooled.conn().interests(filter, page, viewer).await
    }

    /// The firms working with the city on a project, from agreed interests.
    pub async fn project_partnerships(
        &self,
        project: Uuid,
        viewer: Option<&Principal>,
    ) -> StoreResult<Vec<Partnership>> {
        let mut pooled = self.pooled().await?;
        pooled
            .conn()
            .partnerships(Some(project), None, viewer)
            .await
    }

    /// The projects a firm works on with cities, from agreed interests.
    pub async fn partner_partnerships(
        &self,
        partner: Uuid,
        viewer: Option<&Principal>,
    ) -> StoreResult<Vec<Partnership>> {
        let mut pooled = self.pooled().await?;
        pooled
            .conn()
            .partnerships(None, Some(partner), viewer)
            .await
    }
}

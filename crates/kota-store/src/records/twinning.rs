//! Twinnings: proposed for a partner by its representatives or coordinators, answered by the
//! city's side, endorsed by coordinators, with activities logged until they conclude. One
//! [`Edit`] per kind of change; the documented twinnings (the pairs the network's material
//! names) are recorded by the import.

use std::collections::HashMap;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::city::CityRef;
use kota_domain::edit::{ActivityInput, ConclusionInput, ProposalInput, Step, words};
use kota_domain::ids::{Key, stable_id};
use kota_domain::notice::Notice;
use kota_domain::page::{Page, PageRequest};
use kota_domain::partner::{Partner, PartnerRef};
use kota_domain::provenance::Source;
use kota_domain::twinning::{
    Activity, ActivityKind, DOCUMENTED_OBJECTIVES, Dormancy, Transition, Twinning, TwinningState,
    may_propose,
};
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::args::{Arg, Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::filter::TwinningFilter;
use crate::read::key_condition;
use crate::rows::{PartnerRefRow, parse_stored};
use crate::{Store, StoreResult};

/// The sides a proposal names, as found (none: no such record).
#[derive(Debug, serde::Serialize)]
pub struct Sides {
    /// The partner.
    pub partner: Option<PartnerRef>,
    /// The member city.
    pub city: Option<CityRef>,
}

/// Proposes a twinning of a partner with a member city: the one way a twinning is created,
/// by a person or by a published matching round.
pub struct ProposeTwinning {
    /// The partner.
    pub partner: Key,
    /// The member city.
    pub city: Key,
    /// Focus areas and objectives.
    pub input: ProposalInput,
    /// Made by a matching round: the partner's side must agree too.
    pub from_round: bool,
}

impl Edit for ProposeTwinning {
    type Target = Sides;
    type Output = Twinning;
    const OBJECT_TYPE: &'static str = "twinning";
    const ACTION: &'static str = "propose";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Sides>> {
        Ok(Some(Sides {
            partner: conn.partner_ref(&self.partner).await?,
            city: conn.city_ref(&self.city).await?,
        }))
    }

    fn allowed(who: &Principal, sides: &Sides) -> bool {
        match &sides.partner {
            Some(p) => may_propose(who, p.id),
            // An unknown partner is a field error, for whoever may propose at all.
            None => matches!(
                who.scope,
                Scope::Coordinator | Scope::PartnerRepresentative { .. }
            ),
        }
    }

    fn version(_: &Sides) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, sides: &Sides) -> WriteResult<()> {
        let areas = conn.focus_area_ids().await?;
        let mut errors = self.input.check(&areas).err().unwrap_or_default();
        for (field, key, found) in [
            ("partner", &self.partner, sides.partner.is_some()),
            ("city", &self.city, sides.city.is_some()),
        ] {
            if !found {
                errors.push(words::unknown_record(
                    field,
                    &key.to_string(),
                    &format!("a {field} of the network"),
                ));
            }
        }
        checked(if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        })?;
        if let (Some(p), Some(c)) = (&sides.partner, &sides.city)
            && conn.open_twinning_of(p.id, c.id).await?
        {
            return Err(WriteError::Conflict(format!(
                "{} and {} already have an open (proposed or active) twinning",
                p.name, c.name
            )));
        }
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        sides: &Sides,
    ) -> StoreResult<Twinning> {
        let (Some(partner), Some(city)) = (&sides.partner, &sides.city) else {
            return Err(crate::StoreError::Task(
                "a proposal without its sides".into(),
            ));
        };
        let mut t = self.input.create(Uuid::new_v4(), partner, city, who, now());
        t.awaiting_partner = self.from_round;
        Ok(t)
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Sides,
        t: &Twinning,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO twinnings (id, partner_id, city_id, state, focus_areas, objectives, \
             proposed_by, proposed_at, last_active_on, version, awaiting_partner) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(t.id).bind(t.partner.id).bind(t.city.id).bind(t.state.as_str())
        .bind(Json(&t.focus_areas)).bind(&t.objectives).bind(&t.proposed_by)
        .bind(t.proposed_at).bind(t.last_active_on).bind(t.version).bind(t.awaiting_partner)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &Sides, t: &Twinning) -> Audited {
        Audited::creation(t.id)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &Sides,
        t: &Twinning,
    ) -> StoreResult<Vec<Notice>> {
        Ok(t.notices(None, who))
    }
}

/// A kind of step in a twinning's life: what it takes and how the audit log names it.
pub trait TwinningStep: Send + Sync + 'static {
    /// What the step takes.
    type Input: Send + Sync;
    /// The transition it is.
    const TRANSITION: Transition;
    /// How the audit log names it.
    const ACTION: &'static str;
    /// The step with its input.
    fn step(input: &Self::Input) -> Step<'_>;
}

macro_rules! steps {
    ($( $(#[$doc:meta])* $name:ident($input:ty) = $action:literal => |$i:pat_param| $step:expr; )+) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl TwinningStep for $name {
                type Input = $input;
                const TRANSITION: Transition = Transition::$name;
                const ACTION: &'static str = $action;
                fn step($i: &$input) -> Step<'_> {
                    $step
                }
            }
        )+
    };
}

steps! {
    /// The city's side accepts a proposal.
    Accept(()) = "accept" => |_| Step::Accept;
    /// The city's side declines a proposal.
    Decline(()) = "decline" => |_| Step::Decline;
    /// A coordinator endorses a twinning.
    Endorse(()) = "endorse" => |_| Step::Endorse;
    /// Either side or a coordinator logs an activity.
    LogActivity(ActivityInput) = "log_activity" => |i| Step::Activity(i);
    /// Either side or a coordinator concludes it with an outcome.
    Conclude(ConclusionInput) = "conclude" => |i| Step::Conclude(i);
    /// The partner's side (or a coordinator) withdraws it.
    Withdraw(()) = "withdraw" => |_| Step::Withdraw;
}

/// Takes the step `S` on a twinning, checked against who acts and the state it is in.
pub struct ChangeTwinning<S: TwinningStep> {
    /// The twinning.
    pub twinning: Key,
    /// What the step takes.
    pub input: S::Input,
    step: PhantomData<S>,
}

impl<S: TwinningStep> ChangeTwinning<S> {
    /// The step `S` on `twinning` with `input`.
    pub fn new(twinning: Key, input: S::Input) -> Self {
        Self {
            twinning,
            input,
            step: PhantomData,
        }
    }
}

impl<S: TwinningStep> Edit for ChangeTwinning<S> {
    type Target = Twinning;
    type Output = Twinning;
    const OBJECT_TYPE: &'static str = "twinning";
    const ACTION: &'static str = S::ACTION;

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<Twinning>> {
        conn.twinning(&self.twinning).await
    }

    fn allowed(who: &Principal, t: &Twinning) -> bool {
        S::TRANSITION.allowed(who, t)
    }

    fn version(t: &Twinning) -> Option<i32> {
        Some(t.version)
    }

    async fn check(&self, _: &mut Conn<'_>, who: &Principal, t: &Twinning) -> WriteResult<()> {
        let step = S::step(&self.input);
        if let Some(why) = S::TRANSITION.refusal_to(who, t) {
            return Err(WriteError::Conflict(why));
        }
        checked(step.check(Utc::now().date_naive()))
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        before: &Twinning,
    ) -> StoreResult<Twinning> {
        Ok(S::step(&self.input).apply(before, who, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Twinning,
        t: &Twinning,
    ) -> StoreResult<()> {
        let added = t
            .activities
            .get(before.activities.len()..)
            .unwrap_or_default();
        let first = before.activities.len();
        on_conn!(conn, c => {
            sqlx::query(
                "UPDATE twinnings SET state = $1, decided_by = $2, decided_at = $3, \
                 endorsed_by = $4, endorsed_at = $5, ended_by = $6, ended_at = $7, outcome = $8, \
                 last_active_on = $9, version = $10, awaiting_partner = $12 WHERE id = $11",
            )
            .bind(t.state.as_str()).bind(&t.decided_by).bind(t.decided_at).bind(&t.endorsed_by)
            .bind(t.endorsed_at).bind(&t.ended_by).bind(t.ended_at).bind(&t.outcome)
            .bind(t.last_active_on).bind(t.version).bind(t.id).bind(t.awaiting_partner)
            .execute(&mut *c).await?;
            for (i, a) in added.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO twinning_activities (twinning_id, position, kind, on_date, note, logged_by) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(t.id).bind(i32::try_from(first + i).unwrap_or(i32::MAX)).bind(a.kind.as_str())
                .bind(a.on_date).bind(&a.note).bind(&a.logged_by)
                .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(before: &Twinning, after: &Twinning) -> Audited {
        Audited::update(after.id, before)
    }

    async fn notices(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &Twinning,
        t: &Twinning,
    ) -> StoreResult<Vec<Notice>> {
        Ok(t.notices(Some(S::TRANSITION), who))
    }
}

/// What pages and the API select of a twinning, with its partner and city.
const COLUMNS: &str = "t.id, t.state, t.focus_areas, t.objectives, t.proposed_by, \
    t.proposed_at, t.awaiting_partner, t.decided_by, t.decided_at, t.endorsed_by, t.endorsed_at, t.ended_by, \
    t.ended_at, t.outcome, t.last_active_on, t.source, t.version, p.id AS partner_id, \
    p.slug AS partner_slug, p.name AS partner_name, p.kind AS partner_kind, c.id AS city_id, \
    c.slug AS city_slug, c.name AS city_name, c.country_iso2";

/// The tables [`COLUMNS`] come from.
const FROM: &str =
    "twinnings t JOIN partners p ON p.id = t.partner_id JOIN cities c ON c.id = t.city_id";

/// The states anyone may see, as a condition on `twinnings t` (the dashboard counts by it
/// too).
pub(crate) const PUBLIC: &str = "t.state IN ('active', 'concluded')";

#[derive(sqlx::FromRow)]
struct TwinningRow {
    id: Uuid,
    state: String,
    focus_areas: Json<Vec<String>>,
    objectives: String,
    proposed_by: Option<String>,
    proposed_at: DateTime<Utc>,
    awaiting_partner: bool,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    endorsed_by: Option<String>,
    endorsed_at: Option<DateTime<Utc>>,
    ended_by: Option<String>,
    ended_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    last_active_on: NaiveDate,
    source: Option<String>,
    version: i32,
    partner_id: Uuid,
    partner_slug: String,
    partner_name: String,
    partner_kind: String,
    city_id: Uuid,
    city_slug: String,
    city_name: String,
    country_iso2: String,
}

impl TwinningRow {
    fn into_twinning(self, activities: Vec<Activity>) -> StoreResult<Twinning> {
        let partner = PartnerRef::try_from(PartnerRefRow {
            id: self.partner_id,
            slug: self.partner_slug,
            name: self.partner_name,
            kind: self.partner_kind,
        })?;
        Ok(Twinning {
            id: self.id,
            partner,
            city: CityRef {
                id: self.city_id,
                slug: self.city_slug,
                name: self.city_name,
                country_iso2: self.country_iso2,
            },
            state: parse_stored("twinnings", "state", &self.state, TwinningState::parse)?,
            dormant: false,
            focus_areas: self.focus_areas.0,
            objectives: self.objectives,
            proposed_by: self.proposed_by,
            proposed_at: self.proposed_at,
            awaiting_partner: self.awaiting_partner,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            endorsed_by: self.endorsed_by,
            endorsed_at: self.endorsed_at,
            ended_by: self.ended_by,
            ended_at: self.ended_at,
            outcome: self.outcome,
            last_active_on: self.last_active_on,
            activities,
            source: self.source.map(Source),
            version: self.version,
        })
    }
}

/// The conditions that keep what `viewer` may not see out of a list.
pub(crate) fn visible(sql: &mut Sql, viewer: Option<&Principal>) -> Option<String> {
    let own = match viewer.map(|v| &v.scope) {
        Some(Scope::Coordinator) => return None,
        Some(Scope::CityOfficer { city_id }) => {
            format!("t.city_id = {}", sql.arg(Arg::Id(*city_id)))
        }
        Some(Scope::NationalRepresentative { state_iso2 }) => {
            format!(
                "c.country_iso2 = {}",
                sql.arg(Arg::Text(state_iso2.clone()))
            )
        }
        Some(Scope::PartnerRepresentative { partner_id }) => {
            format!("t.partner_id = {}", sql.arg(Arg::Id(*partner_id)))
        }
        Some(Scope::Admin) | None => return Some(PUBLIC.into()),
    };
    Some(format!("({PUBLIC} OR {own})"))
}

impl Conn<'_> {
    /// A partner as a list names it, by id or slug.
    pub async fn partner_ref(&mut self, key: &Key) -> StoreResult<Option<PartnerRef>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "pa", key);
        sql.text = format!("SELECT pa.id, pa.slug, pa.name, pa.kind FROM partners pa WHERE {cond}");
        let row: Option<PartnerRefRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *c).await)?;
        row.map(PartnerRef::try_from).transpose()
    }

    /// Whether the pair has a proposed or active twinning.
    async fn open_twinning_of(&mut self, partner: Uuid, city: Uuid) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM twinnings WHERE partner_id = $1 AND city_id = $2 \
             AND state IN ('proposed', 'active')",
        ).bind(partner).bind(city).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// One twinning by id (twinnings have no slug), whoever may see it.
    pub async fn twinning(&mut self, key: &Key) -> StoreResult<Option<Twinning>> {
        let Key::Id(id) = key else {
            return Ok(None);
        };
        let text = format!("SELECT {COLUMNS} FROM {FROM} WHERE t.id = $1");
        let rows: Vec<TwinningRow> =
            on_conn!(self, c => sqlx::query_as(&text).bind(*id).fetch_all(&mut *c).await)?;
        Ok(self.with_activities(rows).await?.pop())
    }

    /// Twinnings that pass the filter and that `viewer` may see, by city and partner.
    async fn twinnings(
        &mut self,
        filter: &TwinningFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
        dormancy: &Dormancy,
    ) -> StoreResult<Page<Twinning>> {
        let mut sql = Sql::default();
        let mut conditions: Vec<String> = visible(&mut sql, viewer).into_iter().collect();
        if let Some(city) = filter.city {
            conditions.push(format!("t.city_id = {}", sql.arg(Arg::Id(city))));
        }
        if let Some(partner) = filter.partner {
            conditions.push(format!("t.partner_id = {}", sql.arg(Arg::Id(partner))));
        }
        if let Some(country) = &filter.country {
            let p = sql.arg(Arg::Text(country.clone()));
            conditions.push(format!("c.country_iso2 = {p}"));
        }
        if let Some(state) = filter.state {
            let p = sql.arg(Arg::Text(state.as_str().to_owned()));
            conditions.push(format!("t.state = {p}"));
        }
        if filter.dormant {
            let p = sql.arg(Arg::Date(dormancy.threshold()));
            conditions.push(format!("t.state = 'active' AND t.last_active_on <= {p}"));
        }
        if filter.unendorsed {
            conditions.push("t.endorsed_at IS NULL".into());
        }
        let (total, rows): (u64, Vec<TwinningRow>) = self
            .paged_rows(
                sql,
                (COLUMNS, FROM, "c.name, p.name, t.proposed_at DESC, t.id"),
                &conditions,
                page,
            )
            .await?;
        let items = self.with_activities(rows).await?;
        Ok(Page {
            items: items.into_iter().map(|t| dormancy.mark(t)).collect(),
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// The twinnings of `rows`, each with its activities (one query for all).
    async fn with_activities(&mut self, rows: Vec<TwinningRow>) -> StoreResult<Vec<Twinning>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT twinning_id, kind, on_date, note, logged_by FROM twinning_activities \
             WHERE twinning_id IN {list} ORDER BY twinning_id, on_date, position"
        );
        let found: Vec<(Uuid, String, NaiveDate, String, String)> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let mut by_twinning: HashMap<Uuid, Vec<Activity>> = HashMap::new();
        for (id, kind, on_date, note, logged_by) in found {
            by_twinning.entry(id).or_default().push(Activity {
                kind: parse_stored("twinning_activities", "kind", &kind, ActivityKind::parse)?,
                on_date,
                note,
                logged_by,
            });
        }
        rows.into_iter()
            .map(|r| {
                let activities = by_twinning.remove(&r.id).unwrap_or_default();
                r.into_twinning(activities)
            })
            .collect()
    }

    /// Records the pairs the network's material names as active twinnings with their
    /// partner's source, unless the pair has a documented twinning already; removes the
    /// documented twinnings, untouched since, of pairs the material no longer names.
    pub(crate) async fn record_documented_twinnings(
        &mut self,
        partners: &[Partner],
    ) -> StoreResult<()> {
        let today = Utc::now().date_naive();
        let at = now();
        on_conn!(self, c => {
            for p in partners {
                let source = p.sources.first().map(Source::as_str);
                for city in &p.cities {
                    sqlx::query(
                        "INSERT INTO twinnings (id, partner_id, city_id, state, focus_areas, objectives, \
                         proposed_at, last_active_on, source) \
                         SELECT $1, $2, $3, 'active', $4, $5, $6, $7, $8 WHERE NOT EXISTS \
                         (SELECT 1 FROM twinnings WHERE partner_id = $2 AND city_id = $3 AND proposed_by IS NULL) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(stable_id("twinning", &format!("{}/{}", p.id, city.id))).bind(p.id).bind(city.id)
                    .bind(Json(&p.focus_areas)).bind(DOCUMENTED_OBJECTIVES).bind(at).bind(today).bind(source)
                    .execute(&mut *c).await?;
                }
            }
            sqlx::query(
                "DELETE FROM twinnings WHERE proposed_by IS NULL AND version = 1 AND NOT EXISTS \
                 (SELECT 1 FROM partner_cities pc WHERE pc.partner_id = twinnings.partner_id \
                 AND pc.city_id = twinnings.city_id)",
            )
            .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }
}

/// What waits on a person: proposals to answer, to see answered or to endorse, and dormant
/// twinnings to revive.
#[derive(Debug, Clone, Default)]
pub struct TwinningInbox {
    /// Proposals waiting: on the city's answer (for the city's side and the partner's) or on
    /// an endorsement (for coordinators).
    pub waiting: Vec<Twinning>,
    /// Active twinnings without activity for the dormancy period.
    pub dormant: Vec<Twinning>,
}

impl Store {
    /// The rule twinnings are judged dormant by, today.
    pub fn dormancy(&self) -> Dormancy {
        Dormancy::now(self.twinning_dormant_days)
    }

    /// The same store, flagging active twinnings dormant after `days` days without activity.
    pub fn with_twinning_dormancy(mut self, days: u32) -> Self {
        self.twinning_dormant_days = days;
        self
    }

    /// One twinning, when `viewer` may see it, with its dormant flag.
    pub async fn twinning(
        &self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Twinning>> {
        let found = self.pooled().await?.conn().twinning(key).await?;
        let dormancy = self.dormancy();
        Ok(found
            .filter(|t| t.visible_to(viewer))
            .map(|t| dormancy.mark(t)))
    }

    /// Twinnings that pass the filter and that `viewer` may see.
    pub async fn twinnings(
        &self,
        filter: &TwinningFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<Twinning>> {
        let dormancy = self.dormancy();
        let mut pooled = self.pooled().await?;
        pooled
            .conn()
            .twinnings(filter, page, viewer, &dormancy)
            .await
    }

    /// What waits on `who`: for a city's side the proposals to its city (or its member
    /// state's cities); for a partner's representative its proposals still unanswered and
    /// its dormant twinnings; for a coordinator the proposals not yet endorsed and every
    /// dormant twinning.
    pub async fn twinning_inbox(&self, who: &Principal) -> StoreResult<TwinningInbox> {
        let proposed = TwinningFilter {
            state: Some(TwinningState::Proposed),
            ..Default::default()
        };
        let dormant = TwinningFilter {
            dormant: true,
            ..Default::default()
        };
        let (waiting, dormant) = match &who.scope {
            Scope::CityOfficer { city_id } => (
                TwinningFilter {
                    city: Some(*city_id),
                    ..proposed
                },
                None,
            ),
            Scope::NationalRepresentative { state_iso2 } => (
                TwinningFilter {
                    country: Some(state_iso2.clone()),
                    ..proposed
                },
                None,
            ),
            Scope::PartnerRepresentative { partner_id } => (
                TwinningFilter {
                    partner: Some(*partner_id),
                    ..proposed
                },
                Some(TwinningFilter {
                    partner: Some(*partner_id),
                    ..dormant
                }),
            ),
            Scope::Coordinator => (
                TwinningFilter {
                    unendorsed: true,
                    ..proposed
                },
                Some(dormant),
            ),
            Scope::Admin => return Ok(TwinningInbox::default()),
        };
        let all = PageRequest::all();
        Ok(TwinningInbox {
            waiting: self.twinnings(&waiting, all, Some(who)).await?.items,
            dormant: match dormant {
                Some(f) => self.twinnings(&f, all, Some(who)).await?.items,
                None => Vec::new(),
            },
        })
    }
}

crate::reads_on_a_pooled_connection! {
    /// A partner as a list names it, by id or slug.
    fn partner_ref(key: &Key) -> Option<PartnerRef>;
}

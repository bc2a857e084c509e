//! An event's brokerage: its settings (accept every request at once) and its schedule, run
//! by a coordinator over the accepted requests with the matching engine's scheduler and
//! stored whole, replaced by each run. Agendas are read from the stored schedule.

use kota_domain::access::Principal;
use kota_domain::brokerage::{
    ACCEPTED_BY_EVENT, BrokerageSchedule, BrokerageSettings, MeetingState, PlacedMeeting,
    UnplacedMeeting, UnplacedReason,
};
use kota_domain::edit::brokerage::{BrokerageSettingsInput, ScheduleInput};
use kota_domain::ids::Key;
use kota_match::schedule::{ScheduleProblem, Unplaced};
use sqlx::types::Json;

use super::checked;
use super::meeting_request::BrokerageEvent;
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};
use crate::{Store, StoreResult};

/// Sets whether an event accepts every meeting request at once (coordinators); turning it
/// on accepts the requests waiting.
pub struct SetBrokerage {
    /// The event.
    pub event: Key,
    /// The settings.
    pub input: BrokerageSettingsInput,
}

/// An event's brokerage as a change finds it.
#[derive(Debug, serde::Serialize)]
pub struct BrokerageTarget {
    /// The event.
    pub event: BrokerageEvent,
    /// The version of its settings (0: never set).
    pub version: i32,
}

impl Edit for SetBrokerage {
    type Target = BrokerageTarget;
    type Output = BrokerageSettings;
    const OBJECT_TYPE: &'static str = "brokerage";
    const ACTION: &'static str = "settings";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
    ) -> StoreResult<Option<BrokerageTarget>> {
        let Some(event) = conn.brokerage_event(&self.event).await? else {
            return Ok(None);
        };
        let version = conn.brokerage_settings_version(event.event.id).await?;
        Ok(Some(BrokerageTarget { event, version }))
    }

    fn allowed(who: &Principal, _: &BrokerageTarget) -> bool {
        who.is_coordinator()
    }

    fn version(t: &BrokerageTarget) -> Option<i32> {
        Some(t.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, t: &BrokerageTarget) -> WriteResult<()> {
        if self.input.accept_all {
            t.event.open_for_requests()?;
        }
        Ok(())
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        t: &BrokerageTarget,
    ) -> StoreResult<BrokerageSettings> {
        let waiting: i64 = if self.input.accept_all {
            on_conn!(conn, c => sqlx::query_scalar(
                "SELECT COUNT(*) FROM meeting_requests WHERE event_id = $1 AND state = 'requested'",
            ).bind(t.event.event.id).fetch_one(&mut *c).await)?
        } else {
            0
        };
        Ok(BrokerageSettings {
            event: t.event.event.clone(),
            accept_all: self.input.accept_all,
            accepted_now: u64::try_from(waiting).unwrap_or(0),
            version: t.version + 1,
        })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &BrokerageTarget,
        s: &BrokerageSettings,
    ) -> StoreResult<()> {
        let at = now();
        on_conn!(conn, c => {
            sqlx::query(
                "INSERT INTO brokerage_settings (event_id, accept_all, version) VALUES ($1, $2, $3) \
                 ON CONFLICT (event_id) DO UPDATE SET accept_all = excluded.accept_all, \
                 version = excluded.version",
            )
            .bind(s.event.id).bind(s.accept_all).bind(s.version)
            .execute(&mut *c).await?;
            if s.accept_all {
                sqlx::query(
                    "UPDATE meeting_requests SET state = 'accepted', answered_by = $1, \
                     answered_at = $2, version = version + 1 \
                     WHERE event_id = $3 AND state = 'requested'",
                )
                .bind(ACCEPTED_BY_EVENT).bind(at).bind(s.event.id)
                .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(t: &BrokerageTarget, s: &BrokerageSettings) -> Audited {
        Audited::update(s.event.id, &t.event)
    }
}

/// Schedules an event's accepted meetings into slots and tables (coordinators), replacing
/// the schedule run before.
pub struct RunSchedule {
    /// The event.
    pub event: Key,
    /// The slots and tables.
    pub input: ScheduleInput,
}

/// An event's schedule as a run finds it.
#[derive(Debug, serde::Serialize)]
pub struct ScheduleTarget {
    /// The event.
    pub event: BrokerageEvent,
    /// The schedule run before, if any.
    pub before: Option<BrokerageSchedule>,
}

impl Edit for RunSchedule {
    type Target = ScheduleTarget;
    type Output = BrokerageSchedule;
    const OBJECT_TYPE: &'static str = "brokerage_schedule";
    const ACTION: &'static str = "run";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
    ) -> StoreResult<Option<ScheduleTarget>> {
        let Some(event) = conn.brokerage_event(&self.event).await? else {
            return Ok(None);
        };
        let before = conn.brokerage_schedule(event.event.id).await?;
        Ok(Some(ScheduleTarget { event, before }))
    }

    fn allowed(who: &Principal, _: &ScheduleTarget) -> bool {
        who.is_coordinator()
    }

    fn version(t: &ScheduleTarget) -> Option<i32> {
        Some(t.before.as_ref().map_or(0, |s| s.version))
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, _: &ScheduleTarget) -> WriteResult<()> {
        checked(self.input.check())
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        t: &ScheduleTarget,
    ) -> StoreResult<BrokerageSchedule> {
        let accepted = conn
            .meeting_requests(t.event.event.id, &[MeetingState::Accepted], None)
            .await?;
        let problem = ScheduleProblem {
            slots: u32::try_from(self.input.slots.len()).unwrap_or(u32::MAX),
            tables: self.input.tables,
            meetings: accepted
                .iter()
                .map(|r| (r.requester.id.to_string(), r.invitee.id.to_string()))
                .collect(),
            unavailable: Default::default(),
        };
        // The scheduler is CPU work: off the runtime's threads.
        let (problem, solved) = tokio::task::spawn_blocking(move || {
            let solved = problem.solve();
            (problem, solved)
        })
        .await
        .map_err(|e| crate::StoreError::Task(e.to_string()))?;
        let slots = &self.input.slots;
        let placed = solved
            .placed
            .iter()
            .filter_map(|p| {
                let r = accepted.get(p.meeting)?;
                let slot = slots.get(p.slot as usize)?;
                Some(PlacedMeeting {
                    request: r.id,
                    slot: p.slot + 1,
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    table: p.table + 1,
                    requester: r.requester.clone(),
                    invitee: r.invitee.clone(),
                    about: r.topic(),
                })
            })
            .collect();
        let unplaced = solved
            .reasons(&problem)
            .into_iter()
            .filter_map(|(m, why)| {
                let r = accepted.get(m)?;
                let reason = match why {
                    Unplaced::NoTable => UnplacedReason::NoTable,
                    // A side meeting itself is refused when requested: no slot is common.
                    Unplaced::NoCommonSlot | Unplaced::SameParticipant => {
                        UnplacedReason::NoCommonSlot
                    }
                };
                Some(UnplacedMeeting {
                    request: r.id,
                    requester: r.requester.clone(),
                    invitee: r.invitee.clone(),
                    about: r.topic(),
                    reason,
                    why: reason.label().to_owned(),
                })
            })
            .collect();
        Ok(BrokerageSchedule {
            event: t.event.event.clone(),
            slots: slots.clone(),
            tables: self.input.tables,
            placed,
            unplaced,
            run_by: who.public_label(),
            run_at: now(),
            version: t.before.as_ref().map_or(0, |s| s.version) + 1,
        })
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &ScheduleTarget,
        s: &BrokerageSchedule,
    ) -> StoreResult<()> {
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO brokerage_schedules (event_id, body, run_by, run_at, version) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO UPDATE SET \
             body = excluded.body, run_by = excluded.run_by, run_at = excluded.run_at, \
             version = excluded.version",
        )
        .bind(s.event.id).bind(Json(s)).bind(&s.run_by).bind(s.run_at).bind(s.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(t: &ScheduleTarget, s: &BrokerageSchedule) -> Audited {
        match &t.before {
            Some(before) => Audited::update(s.event.id, before),
            None => Audited::creation(s.event.id),
        }
    }
}

impl Conn<'_> {
    /// The version of an event's brokerage settings (0: never set).
    pub async fn brokerage_settings_version(&mut self, event: uuid::Uuid) -> StoreResult<i32> {
        let version: Option<i32> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT version FROM brokerage_settings WHERE event_id = $1",
        ).bind(event).fetch_optional(&mut *c).await)?;
        Ok(version.unwrap_or(0))
    }

    /// The schedule last run for an event, if any.
    pub async fn brokerage_schedule(
        &mut self,
        event: uuid::Uuid,
    ) -> StoreResult<Option<BrokerageSchedule>> {
        let body: Option<Json<BrokerageSchedule>> = on_conn!(self, c => sqlx::query_scalar(
            "SELECT body FROM brokerage_schedules WHERE event_id = $1",
        ).bind(event).fetch_optional(&mut *c).await)?;
        Ok(body.map(|b| b.0))
    }
}

crate::reads_on_a_pooled_connection! {
    /// The version of an event's brokerage settings (0: never set).
    fn brokerage_settings_version(event: uuid::Uuid) -> i32;
}

impl Store {
    /// The schedule last run for an event, if any.
    pub async fn brokerage_schedule(
        &self,
        event: uuid::Uuid,
    ) -> StoreResult<Option<BrokerageSchedule>> {
        self.pooled().await?.conn().brokerage_schedule(event).await
    }
}

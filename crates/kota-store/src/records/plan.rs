//! A city's action plan as versions: read one, list them, add the next.

use kota_domain::access::Principal;
use kota_domain::city::{ActionPlan, CityRef};
use kota_domain::edit::PlanInput;
use kota_domain::ids::Key;
use serde::Serialize;
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::StoreResult;
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult, json};
use crate::rows::{PLAN_COLUMNS, PlanRow};

/// Adds the next version of the action plan of the city `city`.
pub struct AddPlanVersion {
    /// The city.
    pub city: Key,
    /// The plan as it should read now.
    pub input: PlanInput,
}

/// The city whose plan gets a version, with its latest one.
#[derive(Debug, Serialize)]
pub struct PlanTarget {
    /// The city.
    pub city: CityRef,
    /// Its latest version, if any.
    pub latest: Option<ActionPlan>,
}

impl Edit for AddPlanVersion {
    type Target = PlanTarget;
    type Output = ActionPlan;
    const OBJECT_TYPE: &'static str = "action_plan";
    const ACTION: &'static str = "new_version";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<PlanTarget>> {
        let Some(city) = conn.city_ref(&self.city).await? else {
            return Ok(None);
        };
        let latest = conn.action_plan(city.id, None).await?;
        Ok(Some(PlanTarget { city, latest }))
    }

    fn allowed(who: &Principal, t: &PlanTarget) -> bool {
        who.may_edit_city(t.city.id, &t.city.country_iso2)
    }

    /// The latest version's number; 0 before a first plan.
    fn version(t: &PlanTarget) -> Option<i32> {
        Some(t.latest.as_ref().map_or(0, |p| p.version))
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &PlanTarget) -> WriteResult<()> {
        let areas = conn.focus_area_ids().await?;
        checked(self.input.check(&areas))
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        t: &PlanTarget,
    ) -> StoreResult<ActionPlan> {
        let at = now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Ok(self
            .input
            .next_version(t.city.id, t.latest.as_ref(), &who.public_label(), &at))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        plan: &ActionPlan,
    ) -> StoreResult<()> {
        on_conn!(conn, c => {
            sqlx::query(
                "INSERT INTO action_plans (city_id, version, year, vision, focus_areas_as_written, \
                 source, targets, change_note, author, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(plan.city_id).bind(plan.version).bind(plan.year).bind(&plan.vision)
            .bind(Json(&plan.focus_areas_as_written)).bind(plan.source.as_str()).bind(Json(&plan.targets))
            .bind(&plan.change_note).bind(&plan.author).bind(&plan.created_at)
            .execute(&mut *c).await?;
            for (i, f) in plan.focus_areas.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO action_plan_focus_areas (city_id, version, focus_area_id, position) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(plan.city_id).bind(plan.version).bind(f).bind(i32::try_from(i).unwrap_or(i32::MAX))
                .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(t: &PlanTarget, _: &ActionPlan) -> Audited {
        Audited {
            object_id: t.city.id.to_string(),
            before: t.latest.as_ref().and_then(json),
        }
    }
}

impl Conn<'_> {
    /// Version `version` of a city's action plan, or its latest when `None`.
    pub async fn action_plan(
        &mut self,
        city_id: Uuid,
        version: Option<i32>,
    ) -> StoreResult<Option<ActionPlan>> {
        let row: Option<PlanRow> = on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM action_plans WHERE city_id = $1 AND ($2 IS NULL OR version = $2) \
             ORDER BY version DESC LIMIT 1"
        )).bind(city_id).bind(version).fetch_optional(&mut *c).await)?;
        match row {
            Some(row) => Ok(Some(self.with_areas(vec![row]).await?.remove(0))),
            None => Ok(None),
        }
    }

    /// Every version of a city's action plan, newest first.
    pub async fn action_plan_versions(&mut self, city_id: Uuid) -> StoreResult<Vec<ActionPlan>> {
        let rows: Vec<PlanRow> = on_conn!(self, c => sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM action_plans WHERE city_id = $1 ORDER BY version DESC"
        )).bind(city_id).fetch_all(&mut *c).await)?;
        self.with_areas(rows).await
    }

    /// The plans of `rows` with their focus areas, read in one query.
    async fn with_areas(&mut self, rows: Vec<PlanRow>) -> StoreResult<Vec<ActionPlan>> {
        let Some(first) = rows.first() else {
            return Ok(Vec::new());
        };
        let city_id = first.key().0;
        let areas: Vec<(i32, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT version, focus_area_id FROM action_plan_focus_areas WHERE city_id = $1 ORDER BY version, position",
        ).bind(city_id).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let version = row.key().1;
                let of_version = areas
                    .iter()
                    .filter(|(v, _)| *v == version)
                    .map(|(_, a)| a.clone())
                    .collect();
                row.into_plan(of_version)
            })
            .collect())
    }
}

crate::reads_on_a_pooled_connection! {
    /// Version `version` of a city's action plan, or its latest when `None`.
    fn action_plan(city_id: Uuid, version: Option<i32>) -> Option<ActionPlan>;
    /// Every version of a city's action plan, newest first.
    fn action_plan_versions(city_id: Uuid) -> Vec<ActionPlan>;
}

//! A city's action plan as versions: read one, list them, add the next.

use kota_domain::access::Principal;
use kota_domain::city::ActionPlan;
use kota_domain::edit::PlanInput;
use sqlx::types::Json;
use uuid::Uuid;

use super::{WriteError, WriteResult, actor, check_version, json};
use crate::audit::{Change, append_audit};
use crate::rows::{PLAN_COLUMNS, PlanRow};
use crate::{Store, StoreResult, begin_write, with_pool};

impl Store {
    /// Version `version` of a city's action plan, or its latest when `None`.
    pub async fn action_plan(
        &self,
        city_id: Uuid,
        version: Option<i32>,
    ) -> StoreResult<Option<ActionPlan>> {
        let row: Option<PlanRow> = with_pool!(self, pool => sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM action_plans WHERE city_id = $1 AND ($2 IS NULL OR version = $2) \
             ORDER BY version DESC LIMIT 1"
        )).bind(city_id).bind(version).fetch_optional(pool).await)?;
        match row {
            Some(row) => Ok(Some(self.plan_with_areas(row).await?)),
            None => Ok(None),
        }
    }

    /// Every version of a city's action plan, newest first.
    pub async fn action_plan_versions(&self, city_id: Uuid) -> StoreResult<Vec<ActionPlan>> {
        let rows: Vec<PlanRow> = with_pool!(self, pool => sqlx::query_as(&format!(
            "SELECT {PLAN_COLUMNS} FROM action_plans WHERE city_id = $1 ORDER BY version DESC"
        )).bind(city_id).fetch_all(pool).await)?;
        let mut plans = Vec::with_capacity(rows.len());
        for row in rows {
            plans.push(self.plan_with_areas(row).await?);
        }
        Ok(plans)
    }

    async fn plan_with_areas(&self, row: PlanRow) -> StoreResult<ActionPlan> {
        let (city_id, version) = row.key();
        let areas: Vec<String> = with_pool!(self, pool => sqlx::query_scalar(
            "SELECT focus_area_id FROM action_plan_focus_areas WHERE city_id = $1 AND version = $2 ORDER BY position",
        ).bind(city_id).bind(version).fetch_all(pool).await)?;
        Ok(row.into_plan(areas))
    }

    /// Adds the next version of the action plan of the city `city_key` as `who`, based on
    /// version `based_on` (0: the city has no plan yet) when given.
    pub async fn add_plan_version(
        &self,
        who: &Principal,
        city_key: &str,
        based_on: Option<i32>,
        input: &PlanInput,
    ) -> WriteResult<ActionPlan> {
        let areas = self.focus_area_ids().await?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let city = self.city_ref(city_key).await?.ok_or(WriteError::NotFound)?;
            if !who.may_edit_city(city.id, &city.country_iso2) {
                return Err(WriteError::Forbidden);
            }
            let latest = self.action_plan(city.id, None).await?;
            check_version(latest.as_ref().map_or(0, |p| p.version), based_on)?;
            input.check(&areas).map_err(WriteError::Invalid)?;
            let plan = input.next_version(city.id, latest.as_ref(), &who.public_label(), &crate::audit::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            sqlx::query(
                "INSERT INTO action_plans (city_id, version, year, vision, focus_areas_as_written, \
                 source, targets, change_note, author, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(plan.city_id).bind(plan.version).bind(plan.year).bind(&plan.vision)
            .bind(Json(&plan.focus_areas_as_written)).bind(plan.source.as_str()).bind(Json(&plan.targets))
            .bind(&plan.change_note).bind(&plan.author).bind(&plan.created_at)
            .execute(&mut *tx).await?;
            for (i, f) in plan.focus_areas.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO action_plan_focus_areas (city_id, version, focus_area_id, position) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(plan.city_id).bind(plan.version).bind(f).bind(i32::try_from(i).unwrap_or(i32::MAX))
                .execute(&mut *tx).await?;
            }
            append_audit!(tx, Change {
                actor: &actor(who), action: "new_version", object_type: "action_plan",
                object_id: city.id.to_string(), before: latest.as_ref().and_then(json), after: json(&plan),
            });
            tx.commit().await?;
            Ok(plan)
        })
    }
}

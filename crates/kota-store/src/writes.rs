//! Changes people make, each checked against the ownership rules and the record's version,
//! validated, and written in one transaction together with its audit entry.

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::edit::{CityProfileInput, FieldError, ProjectInput, ProjectUpdateInput};
use kota_domain::project::Project;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{Actor, Change, append_audit};
use crate::{Store, StoreError, begin_write, with_pool};

mod network;
mod partner;
mod plan;

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// No record has this id or slug.
    #[error("not found")]
    NotFound,
    /// The principal may not change this record.
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the version the change was based on.
    #[error("the record is at version {current}")]
    Stale {
        /// The version it is at now.
        current: i32,
    },
    /// Fields are invalid.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

/// A stored project update: date, stage, progress, note, actor.
type UpdateRow = (
    chrono::NaiveDate,
    Option<String>,
    Option<i32>,
    String,
    String,
);

/// Result of a change.
pub type WriteResult<T> = Result<T, WriteError>;

fn actor(who: &Principal) -> Actor {
    Actor {
        id: Some(who.user_id),
        label: who.public_label(),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Checks the version a change was based on, when one is given.
fn check_version(current: i32, expected: Option<i32>) -> WriteResult<()> {
    match expected {
        Some(v) if v != current => Err(WriteError::Stale { current }),
        _ => Ok(()),
    }
}

/// Writes a project's focus areas and milestones (replacing what was there).
macro_rules! write_project_children {
    ($tx:expr, $p:expr) => {{
        let p: &Project = $p;
        sqlx::query("DELETE FROM project_focus_areas WHERE project_id = $1").bind(p.id).execute(&mut *$tx).await?;
        for (i, f) in p.focus_areas.iter().enumerate() {
            sqlx::query("INSERT INTO project_focus_areas (project_id, focus_area_id, position) VALUES ($1, $2, $3)")
                .bind(p.id).bind(f).bind(i32::try_from(i).unwrap_or(i32::MAX)).execute(&mut *$tx).await?;
        }
        sqlx::query("DELETE FROM project_milestones WHERE project_id = $1").bind(p.id).execute(&mut *$tx).await?;
        for (i, m) in p.milestones.iter().enumerate() {
            sqlx::query("INSERT INTO project_milestones (project_id, position, title, due_on, done_on) VALUES ($1, $2, $3, $4, $5)")
                .bind(p.id).bind(i32::try_from(i).unwrap_or(i32::MAX)).bind(&m.title).bind(m.due_on).bind(m.done_on)
                .execute(&mut *$tx).await?;
        }
    }};
}

/// Writes a project's own columns (insert or update by id).
macro_rules! write_project {
    ($tx:expr, $p:expr) => {{
        let p: &Project = $p;
        sqlx::query(
            "INSERT INTO projects (id, slug, city_id, title, description, origin, reported_status, \
             report_years, status_note, stage, focus_area_note, focus_area_history, earlier_titles, \
             uncertain, source, seeded, currency, budget, funding_gap, budget_confidential, seeks, \
             commercially_viable, viability_rationale, confidential_notes, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, FALSE, $16, \
             $17, $18, $19, $20, $21, $22, $23, $24) \
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, \
             stage = excluded.stage, currency = excluded.currency, budget = excluded.budget, \
             funding_gap = excluded.funding_gap, budget_confidential = excluded.budget_confidential, \
             seeks = excluded.seeks, commercially_viable = excluded.commercially_viable, \
             viability_rationale = excluded.viability_rationale, \
             confidential_notes = excluded.confidential_notes, version = excluded.version",
        )
        .bind(p.id).bind(&p.slug).bind(p.city.id).bind(&p.title).bind(&p.description)
        .bind(p.origin.as_str()).bind(p.reported_status.map(|s| s.as_str())).bind(Json(&p.report_years))
        .bind(&p.status_note).bind(p.stage.map(|s| s.as_str())).bind(&p.focus_area_note)
        .bind(Json(&p.focus_area_history)).bind(Json(&p.earlier_titles)).bind(p.uncertain)
        .bind(p.source.as_str()).bind(&p.currency).bind(p.budget).bind(p.funding_gap)
        .bind(p.budget_confidential).bind(Json(&p.seeks)).bind(p.commercially_viable)
        .bind(&p.viability_rationale).bind(&p.confidential_notes).bind(p.version)
        .execute(&mut *$tx).await?;
        write_project_children!($tx, p);
    }};
}

impl Store {
    async fn focus_area_ids(&self) -> WriteResult<Vec<String>> {
        Ok(
            with_pool!(self, pool => sqlx::query_scalar("SELECT id FROM focus_areas ORDER BY position").fetch_all(pool).await)?,
        )
    }

    async fn state_codes(&self) -> WriteResult<Vec<String>> {
        Ok(
            with_pool!(self, pool => sqlx::query_scalar("SELECT iso2 FROM member_states ORDER BY iso2").fetch_all(pool).await)?,
        )
    }

    /// The project `who` is about to change: it exists, it is theirs to change, and it is
    /// still at `version` when one is given.
    async fn project_to_change(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
    ) -> WriteResult<Project> {
        let project = self
            .project(key, Some(who))
            .await?
            .ok_or(WriteError::NotFound)?;
        if !who.may_edit_city(project.city.id, &project.city.country_iso2) {
            return Err(WriteError::Forbidden);
        }
        check_version(project.version, version)?;
        Ok(project)
    }

    /// Updates a city's profile as `who`, based on `version` when given.
    pub async fn update_city_profile(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
        input: &CityProfileInput,
    ) -> WriteResult<City> {
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.city(key, Some(who)).await?.ok_or(WriteError::NotFound)?;
            if !who.may_edit_city(before.id, &before.country_iso2) {
                return Err(WriteError::Forbidden);
            }
            check_version(before.version, version)?;
            input.check().map_err(WriteError::Invalid)?;
            let after = input.apply(&before);
            sqlx::query(
                "UPDATE cities SET description = $1, website = $2, contact = $3, population = $4, \
                 population_year = $5, population_source = $6, csco_designation = $7, version = $8 \
                 WHERE id = $9",
            )
            .bind(&after.description).bind(&after.website).bind(&after.contact).bind(after.population)
            .bind(after.population_year).bind(after.population_source.as_ref().map(|s| s.as_str()))
            .bind(&after.csco_designation).bind(after.version).bind(after.id)
            .execute(&mut *tx).await?;
            append_audit!(tx, Change {
                actor: &actor(who), action: "update", object_type: "city",
                object_id: after.id.to_string(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Creates a project of the city `city_key` as `who`.
    pub async fn create_project(
        &self,
        who: &Principal,
        city_key: &str,
        input: &ProjectInput,
    ) -> WriteResult<Project> {
        let areas = self.focus_area_ids().await?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let city = self.city_ref(city_key).await?.ok_or(WriteError::NotFound)?;
            if !who.may_edit_city(city.id, &city.country_iso2) {
                return Err(WriteError::Forbidden);
            }
            input.check(&areas).map_err(WriteError::Invalid)?;
            let id = Uuid::new_v4();
            let mut taken = Vec::new();
            let base = kota_domain::ids::slugify(&format!("{} {}", city.name, input.title));
            if self.project(&base, Some(who)).await?.is_some() {
                taken.push(base);
            }
            let project = input.create(id, &city, |s| taken.iter().any(|t| t == s));
            write_project!(tx, &project);
            append_audit!(tx, Change {
                actor: &actor(who), action: "create", object_type: "project",
                object_id: project.id.to_string(), before: None, after: json(&project),
            });
            tx.commit().await?;
            Ok(project)
        })
    }

    /// Updates a project as `who`, based on `version` when given.
    pub async fn update_project(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
        input: &ProjectInput,
    ) -> WriteResult<Project> {
        let areas = self.focus_area_ids().await?;
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.project_to_change(who, key, version).await?;
            input.check(&areas).map_err(WriteError::Invalid)?;
            let after = input.apply(&before);
            write_project!(tx, &after);
            append_audit!(tx, Change {
                actor: &actor(who), action: "update", object_type: "project",
                object_id: after.id.to_string(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }

    /// Records a dated stage change or progress report on a project as `who`.
    pub async fn add_project_update(
        &self,
        who: &Principal,
        key: &str,
        version: Option<i32>,
        input: &ProjectUpdateInput,
    ) -> WriteResult<Project> {
        with_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let before = self.project_to_change(who, key, version).await?;
            input.check().map_err(WriteError::Invalid)?;
            let mut after = before.clone();
            after.stage = input.stage.or(before.stage);
            after.version = before.version + 1;
            sqlx::query(
                "INSERT INTO project_updates (id, project_id, on_date, stage, progress, note, actor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::new_v4()).bind(before.id).bind(input.on_date).bind(input.stage.map(|s| s.as_str()))
            .bind(input.progress).bind(input.note.trim()).bind(who.public_label()).bind(crate::audit::now())
            .execute(&mut *tx).await?;
            sqlx::query("UPDATE projects SET stage = $1, version = $2 WHERE id = $3")
                .bind(after.stage.map(|s| s.as_str())).bind(after.version).bind(after.id)
                .execute(&mut *tx).await?;
            append_audit!(tx, Change {
                actor: &actor(who), action: "progress", object_type: "project",
                object_id: after.id.to_string(), before: json(&before), after: json(&after),
            });
            tx.commit().await?;
            Ok(after)
        })
    }

    /// A project's dated updates, oldest first.
    pub async fn project_updates(
        &self,
        project_id: Uuid,
    ) -> Result<Vec<kota_domain::project::ProjectUpdate>, StoreError> {
        let rows: Vec<UpdateRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT on_date, stage, progress, note, actor FROM project_updates WHERE project_id = $1 ORDER BY on_date, created_at",
        ).bind(project_id).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(on_date, stage, progress, note, actor)| {
                let stage = stage
                    .map(|s| {
                        crate::rows::parse_stored(
                            "project_updates",
                            "stage",
                            &s,
                            kota_domain::project::Stage::parse,
                        )
                    })
                    .transpose()?;
                Ok(kota_domain::project::ProjectUpdate {
                    on_date,
                    stage,
                    progress,
                    note,
                    actor,
                })
            })
            .collect()
    }
}

//! Projects: created and edited by their city's officers, its national representative and
//! coordinators, with dated stage changes and progress reports.

use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::edit::{ProjectInput, ProjectUpdateInput};
use kota_domain::ids::{Key, slugify};
use kota_domain::project::{Project, ProjectUpdate, Stage};
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::StoreResult;
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteResult};
use crate::rows::parse_stored;

fn may_edit(who: &Principal, p: &Project) -> bool {
    who.may_edit_city(p.city.id, &p.city.country_iso2)
}

/// Creates a project of the city `city`.
pub struct CreateProject {
    /// The city.
    pub city: Key,
    /// The project.
    pub input: ProjectInput,
}

impl Edit for CreateProject {
    type Target = CityRef;
    type Output = Project;
    const OBJECT_TYPE: &'static str = "project";
    const ACTION: &'static str = "create";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<CityRef>> {
        conn.city_ref(&self.city).await
    }

    fn allowed(who: &Principal, city: &CityRef) -> bool {
        who.may_edit_city(city.id, &city.country_iso2)
    }

    fn version(_: &CityRef) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, _: &CityRef) -> WriteResult<()> {
        let areas = conn.focus_area_ids().await?;
        checked(self.input.check(&areas))
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        city: &CityRef,
    ) -> StoreResult<Project> {
        let base = slugify(&format!("{} {}", city.name, self.input.title));
        let taken = conn.project_slug_taken(&base).await?;
        Ok(self
            .input
            .create(Uuid::new_v4(), city, |s| taken && s == base))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Self::Target,
        project: &Project,
    ) -> StoreResult<()> {
        conn.save_project(project, None).await
    }

    fn audited(_: &CityRef, project: &Project) -> Audited {
        Audited::creation(project.id)
    }
}

/// Replaces a project's editable fields.
pub struct UpdateProject {
    /// The project.
    pub project: Key,
    /// Its new fields.
    pub input: ProjectInput,
}

impl Edit for UpdateProject {
    type Target = Project;
    type Output = Project;
    const OBJECT_TYPE: &'static str = "project";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Project>> {
        conn.project(&self.project, Some(who)).await
    }

    fn allowed(who: &Principal, project: &Project) -> bool {
        may_edit(who, project)
    }

    fn version(project: &Project) -> Option<i32> {
        Some(project.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, before: &Project) -> WriteResult<()> {
        // Focus areas the project is stored with exist (they are foreign keys): only a new
        // one needs the list.
        let kept = |f: &String| before.focus_areas.contains(f);
        if self.input.focus_areas.iter().all(kept) {
            return checked(self.input.check(&before.focus_areas));
        }
        let areas = conn.focus_area_ids().await?;
        checked(self.input.check(&areas))
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        before: &Project,
    ) -> StoreResult<Project> {
        Ok(self.input.apply(before))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Project,
        project: &Project,
    ) -> StoreResult<()> {
        conn.save_project(project, Some(before)).await
    }

    fn audited(before: &Project, after: &Project) -> Audited {
        Audited::update(after.id, before)
    }
}

/// Records a dated stage change or progress report on a project.
pub struct RecordProgress {
    /// The project.
    pub project: Key,
    /// The report.
    pub input: ProjectUpdateInput,
}

impl Edit for RecordProgress {
    type Target = Project;
    type Output = Project;
    const OBJECT_TYPE: &'static str = "project";
    const ACTION: &'static str = "progress";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Project>> {
        conn.project(&self.project, Some(who)).await
    }

    fn allowed(who: &Principal, project: &Project) -> bool {
        may_edit(who, project)
    }

    fn version(project: &Project) -> Option<i32> {
        Some(project.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, _: &Project) -> WriteResult<()> {
        checked(self.input.check())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        before: &Project,
    ) -> StoreResult<Project> {
        let mut after = before.clone();
        after.stage = self.input.stage.or(before.stage);
        after.version = before.version + 1;
        Ok(after)
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        _: &Self::Target,
        after: &Project,
    ) -> StoreResult<()> {
        let input = &self.input;
        on_conn!(conn, c => {
            sqlx::query(
                "INSERT INTO project_updates (id, project_id, on_date, stage, progress, note, actor, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::new_v4()).bind(after.id).bind(input.on_date).bind(input.stage.map(|s| s.as_str()))
            .bind(input.progress).bind(input.note.trim()).bind(who.public_label()).bind(now())
            .execute(&mut *c).await?;
            sqlx::query("UPDATE projects SET stage = $1, version = $2 WHERE id = $3")
                .bind(after.stage.map(|s| s.as_str())).bind(after.version).bind(after.id)
                .execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }

    fn audited(before: &Project, after: &Project) -> Audited {
        Audited::update(after.id, before)
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

impl Conn<'_> {
    /// Whether a project has this slug.
    async fn project_slug_taken(&mut self, slug: &str) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE slug = $1")
            .bind(slug).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// Writes a project's own columns (insert or update by id), and its focus areas and its
    /// milestones where they differ from `before` (replacing what was there).
    async fn save_project(&mut self, p: &Project, before: Option<&Project>) -> StoreResult<()> {
        let areas_changed = before.is_none_or(|b| b.focus_areas != p.focus_areas);
        let milestones_changed = before.is_none_or(|b| b.milestones != p.milestones);
        // One currency column: the input's check keeps the two amounts in one currency.
        let currency = p
            .budget
            .as_ref()
            .or(p.funding_gap.as_ref())
            .map(|m| m.currency.as_str());
        on_conn!(self, c => {
            sqlx::query(
                "INSERT INTO projects (id, slug, city_id, title, description, origin, reported_status, \
                 report_years, status_note, stage, focus_area_note, focus_area_history, earlier_titles, \
                 uncertain, source, seeded, currency, budget, funding_gap, budget_confidential, \
                 support_sought, open_to_private_investment, viability_rationale, deadline, \
                 confidential_notes, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, FALSE, $16, \
                 $17, $18, $19, $20, $21, $22, $23, $24, $25) \
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, \
                 stage = excluded.stage, currency = excluded.currency, budget = excluded.budget, \
                 funding_gap = excluded.funding_gap, budget_confidential = excluded.budget_confidential, \
                 support_sought = excluded.support_sought, \
                 open_to_private_investment = excluded.open_to_private_investment, \
                 viability_rationale = excluded.viability_rationale, deadline = excluded.deadline, \
                 confidential_notes = excluded.confidential_notes, version = excluded.version",
            )
            .bind(p.id).bind(&p.slug).bind(p.city.id).bind(&p.title).bind(&p.description)
            .bind(p.origin.as_str()).bind(p.reported_status.map(|s| s.as_str())).bind(Json(&p.report_years))
            .bind(&p.status_note).bind(p.stage.map(|s| s.as_str())).bind(&p.focus_area_note)
            .bind(Json(&p.focus_area_history)).bind(Json(&p.earlier_titles)).bind(p.uncertain)
            .bind(p.source.as_str()).bind(currency).bind(p.budget.as_ref().map(|m| m.amount))
            .bind(p.funding_gap.as_ref().map(|m| m.amount))
            .bind(p.budget_confidential).bind(Json(&p.support_sought)).bind(p.open_to_private_investment)
            .bind(&p.viability_rationale).bind(p.deadline).bind(&p.confidential_notes).bind(p.version)
            .execute(&mut *c).await?;
            if areas_changed {
                sqlx::query("DELETE FROM project_focus_areas WHERE project_id = $1").bind(p.id).execute(&mut *c).await?;
                for (i, f) in p.focus_areas.iter().enumerate() {
                    sqlx::query("INSERT INTO project_focus_areas (project_id, focus_area_id, position) VALUES ($1, $2, $3)")
                        .bind(p.id).bind(f).bind(i32::try_from(i).unwrap_or(i32::MAX)).execute(&mut *c).await?;
                }
            }
            if milestones_changed {
                sqlx::query("DELETE FROM project_milestones WHERE project_id = $1").bind(p.id).execute(&mut *c).await?;
                for (i, m) in p.milestones.iter().enumerate() {
                    sqlx::query("INSERT INTO project_milestones (project_id, position, title, due_on, done_on) VALUES ($1, $2, $3, $4, $5)")
                        .bind(p.id).bind(i32::try_from(i).unwrap_or(i32::MAX)).bind(&m.title).bind(m.due_on).bind(m.done_on)
                        .execute(&mut *c).await?;
                }
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    /// A project's dated updates, oldest first.
    pub async fn project_updates(&mut self, project_id: Uuid) -> StoreResult<Vec<ProjectUpdate>> {
        let rows: Vec<UpdateRow> = on_conn!(self, c => sqlx::query_as(
            "SELECT on_date, stage, progress, note, actor FROM project_updates WHERE project_id = $1 ORDER BY on_date, created_at",
        ).bind(project_id).fetch_all(&mut *c).await)?;
        rows.into_iter()
            .map(|(on_date, stage, progress, note, actor)| {
                let stage = stage
                    .map(|s| parse_stored("project_updates", "stage", &s, Stage::parse))
                    .transpose()?;
                Ok(ProjectUpdate {
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

crate::reads_on_a_pooled_connection! {
    /// A project's dated updates, oldest first.
    fn project_updates(project_id: Uuid) -> Vec<ProjectUpdate>;
}

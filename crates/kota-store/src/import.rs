//! Importing a validated network: everything in one transaction, inserted or updated in place
//! by stable id, so that importing the same file twice changes nothing.

use kota_domain::project::MergedRecord;
use kota_domain::seed::NetworkData;
use kota_domain::similarity::merge::with_listings;
use sqlx::types::Json;
use uuid::Uuid;

use crate::args::{Sql, bind_args};
use crate::audit::{Actor, Change};
use crate::conn::Conn;
use crate::{Store, StoreResult, begin_write, with_write_pool};

/// What an import stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Whether the same data had been imported before, so nothing was written.
    pub unchanged: bool,
    /// Member states.
    pub member_states: usize,
    /// Cities.
    pub cities: usize,
    /// Action plans.
    pub action_plans: usize,
    /// Projects.
    pub projects: usize,
    /// Partners.
    pub partners: usize,
    /// Events.
    pub events: usize,
}

/// Records a previous import made that the file no longer holds are removed; records people
/// created in Kota are never touched.
const PRUNABLE: [(&str, &str); 4] = [
    ("events", "seeded"),
    ("projects", "seeded"),
    ("partners", "seeded"),
    ("cities", "seeded"),
];

impl Store {
    /// Stores a whole network, replacing what an earlier import of it stored, and records the
    /// import in the audit log. Importing the data that was imported last writes nothing.
    pub async fn import(&self, data: &NetworkData, actor: &Actor) -> StoreResult<ImportSummary> {
        let imported = self.import_locked(data, actor, false).await?;
        // Without the emptiness condition the import always runs or finds nothing to change.
        Ok(imported.unwrap_or(ImportSummary {
            unchanged: true,
            ..summary(data)
        }))
    }

    /// Stores a whole network only when the database holds none yet, deciding so under the
    /// write lock: of several servers started together on an empty database, exactly one
    /// imports and the others find the network there. `None` when it was not empty.
    pub async fn import_into_empty(
        &self,
        data: &NetworkData,
        actor: &Actor,
    ) -> StoreResult<Option<ImportSummary>> {
        self.import_locked(data, actor, true).await
    }

    async fn import_locked(
        &self,
        data: &NetworkData,
        actor: &Actor,
        only_if_empty: bool,
    ) -> StoreResult<Option<ImportSummary>> {
        let fingerprint = data.fingerprint();
        let kept: [Vec<Uuid>; 4] = [
            data.events.iter().map(|e| e.id).collect(),
            data.projects.iter().map(|p| p.id).collect(),
            data.partners.iter().map(|p| p.id).collect(),
            data.cities.iter().map(|c| c.id).collect(),
        ];
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            if only_if_empty {
                let states: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM member_states")
                    .fetch_one(&mut *tx).await?;
                if states > 0 {
                    tx.rollback().await?;
                    return Ok(None);
                }
            }
            let last: Option<Json<serde_json::Value>> = sqlx::query_scalar(
                "SELECT body FROM network_documents WHERE key = 'import'",
            ).fetch_optional(&mut *tx).await?;
            let last = last.map(|j| j.0);
            if last.as_ref().and_then(|b| b.get("fingerprint")).and_then(|f| f.as_str()) == Some(fingerprint.as_str()) {
                tx.rollback().await?;
                return Ok(Some(ImportSummary { unchanged: true, ..summary(data) }));
            }
            for (i, o) in data.framework.outcomes.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO strategic_outcomes (id, position, name, definition, source) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET \
                     position = excluded.position, name = excluded.name, \
                     definition = excluded.definition, source = excluded.source",
                )
                .bind(&o.id).bind(position(i)).bind(&o.name).bind(&o.definition).bind(o.source.as_str())
                .execute(&mut *tx).await?;
            }
            for (i, f) in data.framework.focus_areas.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO focus_areas (id, position, name, name_in_reports, definition, subcategories, source) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
                     position = excluded.position, name = excluded.name, \
                     name_in_reports = excluded.name_in_reports, definition = excluded.definition, \
                     subcategories = excluded.subcategories, source = excluded.source",
                )
                .bind(&f.id).bind(position(i)).bind(&f.name).bind(&f.name_in_reports)
                .bind(&f.definition).bind(Json(&f.subcategories)).bind(f.source.as_str())
                .execute(&mut *tx).await?;
            }
            for (i, e) in data.framework.elements.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO framework_elements (kind, name, position, definition, examples, source) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, name) DO UPDATE SET \
                     position = excluded.position, definition = excluded.definition, \
                     examples = excluded.examples, source = excluded.source",
                )
                .bind(e.kind.as_str()).bind(&e.name).bind(position(i)).bind(&e.definition)
                .bind(Json(&e.examples)).bind(e.source.as_str())
                .execute(&mut *tx).await?;
            }
            for (i, s) in data.member_states.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO member_states (iso2, position, name, income_group, income_group_year, \
                     income_group_source, income_group_uncertain, national_representative, note) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (iso2) DO UPDATE SET \
                     position = excluded.position, name = excluded.name, \
                     income_group = excluded.income_group, income_group_year = excluded.income_group_year, \
                     income_group_source = excluded.income_group_source, \
                     income_group_uncertain = excluded.income_group_uncertain, \
                     national_representative = excluded.national_representative, note = excluded.note",
                )
                .bind(&s.iso2).bind(position(i)).bind(&s.name).bind(s.income_group.as_str())
                .bind(&s.income_group_year).bind(s.income_group_source.as_str())
                .bind(s.income_group_uncertain).bind(&s.national_representative).bind(&s.note)
                .execute(&mut *tx).await?;
            }
            for c in &data.cities {
                sqlx::query(
                    "INSERT INTO cities (id, slug, name, aliases, country_iso2, latitude, longitude, \
                     location_note, population, population_year, population_source, geonames_id, \
                     geonames_name, joined_year, cohort, joined_source, role_evidence, csco_designation, csco_source, \
                     documented_twinnings, uncertain, seeded) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                     $17, $18, $19, $20, $21, TRUE) ON CONFLICT (id) DO UPDATE SET \
                     slug = excluded.slug, name = excluded.name, aliases = excluded.aliases, \
                     country_iso2 = excluded.country_iso2, latitude = excluded.latitude, \
                     longitude = excluded.longitude, location_note = excluded.location_note, \
                     population = excluded.population, population_year = excluded.population_year, \
                     population_source = excluded.population_source, geonames_id = excluded.geonames_id, \
                     geonames_name = excluded.geonames_name, \
                     joined_year = excluded.joined_year, cohort = excluded.cohort, \
                     joined_source = excluded.joined_source, role_evidence = excluded.role_evidence, \
                     csco_designation = excluded.csco_designation, csco_source = excluded.csco_source, \
                     documented_twinnings = excluded.documented_twinnings, uncertain = excluded.uncertain, \
                     version = cities.version + 1",
                )
                .bind(c.id).bind(&c.slug).bind(&c.name).bind(Json(&c.aliases)).bind(&c.country_iso2)
                .bind(c.latitude).bind(c.longitude).bind(&c.location_note).bind(c.population)
                .bind(c.population_year).bind(c.population_source.as_ref().map(|s| s.as_str()))
                .bind(c.geonames_id).bind(&c.geonames_name).bind(c.joined_year).bind(&c.cohort).bind(c.joined_source.as_str())
                .bind(Json(&c.role_evidence)).bind(&c.csco_designation)
                .bind(c.csco_source.as_ref().map(|s| s.as_str())).bind(Json(&c.documented_twinnings))
                .bind(c.uncertain)
                .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM city_roles WHERE city_id = $1").bind(c.id).execute(&mut *tx).await?;
                let roles = c.roles.iter().map(|r| (r, false)).chain(c.roles_uncertain.iter().map(|r| (r, true)));
                for (i, (role, uncertain)) in roles.enumerate() {
                    sqlx::query(
                        "INSERT INTO city_roles (city_id, role, uncertain, position) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (city_id, role) DO NOTHING",
                    )
                    .bind(c.id).bind(role.as_str()).bind(uncertain).bind(position(i))
                    .execute(&mut *tx).await?;
                }
            }
            for p in &data.action_plans {
                // A version written in Kota is the city's own: the network's documents never
                // replace it, even where their numbering meets it.
                let author: Option<Option<String>> = sqlx::query_scalar(
                    "SELECT author FROM action_plans WHERE city_id = $1 AND version = $2",
                )
                .bind(p.city_id).bind(p.version).fetch_optional(&mut *tx).await?;
                if matches!(author, Some(Some(_))) {
                    continue;
                }
                sqlx::query(
                    "INSERT INTO action_plans (city_id, version, year, vision, focus_areas_as_written, \
                     land_area_as_reported, population_as_reported, csco_designation, note, source) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (city_id, version) DO UPDATE SET year = excluded.year, \
                     vision = excluded.vision, focus_areas_as_written = excluded.focus_areas_as_written, \
                     land_area_as_reported = excluded.land_area_as_reported, \
                     population_as_reported = excluded.population_as_reported, \
                     csco_designation = excluded.csco_designation, note = excluded.note, \
                     source = excluded.source",
                )
                .bind(p.city_id).bind(p.version).bind(p.year).bind(&p.vision)
                .bind(Json(&p.focus_areas_as_written)).bind(&p.land_area_as_reported)
                .bind(&p.population_as_reported).bind(&p.csco_designation).bind(&p.note)
                .bind(p.source.as_str())
                .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM action_plan_focus_areas WHERE city_id = $1 AND version = $2")
                    .bind(p.city_id).bind(p.version).execute(&mut *tx).await?;
                for (i, f) in p.focus_areas.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO action_plan_focus_areas (city_id, version, focus_area_id, position) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(p.city_id).bind(p.version).bind(f).bind(position(i))
                    .execute(&mut *tx).await?;
                }
            }
            for p in &data.projects {
                sqlx::query(
                    "INSERT INTO projects (id, slug, city_id, title, description, origin, reported_status, \
                     report_years, status_note, stage, focus_area_note, focus_area_history, \
                     earlier_titles, uncertain, source, seeded) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, TRUE) \
                     ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, city_id = excluded.city_id, \
                     title = excluded.title, origin = excluded.origin, \
                     reported_status = excluded.reported_status, report_years = excluded.report_years, \
                     status_note = excluded.status_note, focus_area_note = excluded.focus_area_note, \
                     focus_area_history = excluded.focus_area_history, \
                     earlier_titles = excluded.earlier_titles, uncertain = excluded.uncertain, \
                     source = excluded.source, version = projects.version + 1",
                )
                .bind(p.id).bind(&p.slug).bind(p.city.id).bind(&p.title).bind(&p.description)
                .bind(p.origin.as_str()).bind(p.reported_status.map(|s| s.as_str()))
                .bind(Json(&p.report_years)).bind(&p.status_note).bind(p.stage.map(|s| s.as_str()))
                .bind(&p.focus_area_note).bind(Json(&p.focus_area_history)).bind(Json(&p.earlier_titles))
                .bind(p.uncertain).bind(p.source.as_str())
                .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM project_focus_areas WHERE project_id = $1").bind(p.id).execute(&mut *tx).await?;
                for (i, f) in p.focus_areas.iter().enumerate() {
                    sqlx::query("INSERT INTO project_focus_areas (project_id, focus_area_id, position) VALUES ($1, $2, $3)")
                        .bind(p.id).bind(f).bind(position(i)).execute(&mut *tx).await?;
                }
            }
            // A documented project other records were merged into keeps what they brought.
            let survivors: Vec<(Uuid, Json<Vec<MergedRecord>>)> = sqlx::query_as(
                "SELECT id, merged_records FROM projects \
                 WHERE seeded AND merged_into IS NULL AND merged_records <> '[]'",
            )
            .fetch_all(&mut *tx).await?;
            for (id, listings) in survivors {
                let Some(p) = data.projects.iter().find(|p| p.id == id) else { continue };
                let (years, status) = with_listings(&p.report_years, p.reported_status, &listings.0);
                sqlx::query("UPDATE projects SET report_years = $1, reported_status = $2 WHERE id = $3")
                    .bind(Json(&years)).bind(status.map(|s| s.as_str())).bind(id)
                    .execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO project_focus_areas (project_id, focus_area_id, position) \
                     SELECT $1, f.focus_area_id, 1000 + MIN(f.position) FROM project_focus_areas f \
                     JOIN projects m ON m.id = f.project_id WHERE m.merged_into = $1 \
                     AND f.focus_area_id NOT IN \
                     (SELECT o.focus_area_id FROM project_focus_areas o WHERE o.project_id = $1) \
                     GROUP BY f.focus_area_id",
                )
                .bind(id).execute(&mut *tx).await?;
            }
            for p in &data.partners {
                sqlx::query(
                    "INSERT INTO partners (id, slug, name, kind, kind_as_reported, home, activities, sources, \
                     uncertain, uncertain_fields, note, seeded) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE) \
                     ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, name = excluded.name, \
                     kind = excluded.kind, kind_as_reported = excluded.kind_as_reported, \
                     home = excluded.home, activities = excluded.activities, sources = excluded.sources, \
                     uncertain = excluded.uncertain, uncertain_fields = excluded.uncertain_fields, \
                     note = excluded.note",
                )
                .bind(p.id).bind(&p.slug).bind(&p.name).bind(p.kind.as_str()).bind(&p.kind_as_reported)
                .bind(&p.home).bind(Json(&p.activities)).bind(Json(&p.sources)).bind(p.uncertain)
                .bind(Json(&p.uncertain_fields)).bind(&p.note)
                .execute(&mut *tx).await?;
                sqlx::query("DELETE FROM partner_focus_areas WHERE partner_id = $1").bind(p.id).execute(&mut *tx).await?;
                for (i, f) in p.focus_areas.iter().enumerate() {
                    sqlx::query("INSERT INTO partner_focus_areas (partner_id, focus_area_id, position) VALUES ($1, $2, $3)")
                        .bind(p.id).bind(f).bind(position(i)).execute(&mut *tx).await?;
                }
                sqlx::query("DELETE FROM partner_cities WHERE partner_id = $1").bind(p.id).execute(&mut *tx).await?;
                for (i, c) in p.cities.iter().enumerate() {
                    sqlx::query("INSERT INTO partner_cities (partner_id, city_id, position) VALUES ($1, $2, $3)")
                        .bind(p.id).bind(c.id).bind(position(i)).execute(&mut *tx).await?;
                }
            }
            Conn::from(&mut *tx).record_documented_twinnings(&data.partners).await?;
            // A documented event a coordinator has edited (past version 1) keeps what they
            // wrote; its sources, chair and uncertainty follow the documents.
            for e in &data.events {
                sqlx::query(
                    "INSERT INTO events (id, slug, name, date_text, starts_on, ends_on, date_precision, \
                     place, city_id, chair_iso2, sources, uncertain, note, seeded, kind) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, TRUE, $14) \
                     ON CONFLICT (id) DO UPDATE SET slug = excluded.slug, \
                     chair_iso2 = excluded.chair_iso2, sources = excluded.sources, \
                     uncertain = excluded.uncertain, kind = COALESCE(events.kind, excluded.kind), \
                     name = CASE WHEN events.version = 1 THEN excluded.name ELSE events.name END, \
                     date_text = CASE WHEN events.version = 1 THEN excluded.date_text ELSE events.date_text END, \
                     starts_on = CASE WHEN events.version = 1 THEN excluded.starts_on ELSE events.starts_on END, \
                     ends_on = CASE WHEN events.version = 1 THEN excluded.ends_on ELSE events.ends_on END, \
                     date_precision = CASE WHEN events.version = 1 THEN excluded.date_precision ELSE events.date_precision END, \
                     place = CASE WHEN events.version = 1 THEN excluded.place ELSE events.place END, \
                     city_id = CASE WHEN events.version = 1 THEN excluded.city_id ELSE events.city_id END, \
                     note = CASE WHEN events.version = 1 THEN excluded.note ELSE events.note END",
                )
                .bind(e.id).bind(&e.slug).bind(&e.name).bind(&e.date.text).bind(e.date.starts_on)
                .bind(e.date.ends_on).bind(e.date.precision.as_str()).bind(&e.place)
                .bind(e.city.as_ref().map(|c| c.id)).bind(&e.chair).bind(Json(&e.sources))
                .bind(e.uncertain).bind(&e.note).bind(e.kind.map(|k| k.as_str()))
                .execute(&mut *tx).await?;
            }
            for c in &data.chairmanship {
                sqlx::query(
                    "INSERT INTO chairmanship (year, chair, state_iso2, source) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (year) DO UPDATE SET \
                     chair = CASE WHEN chairmanship.version = 1 THEN excluded.chair ELSE chairmanship.chair END, \
                     state_iso2 = CASE WHEN chairmanship.version = 1 THEN excluded.state_iso2 ELSE chairmanship.state_iso2 END, \
                     source = CASE WHEN chairmanship.version = 1 THEN excluded.source ELSE chairmanship.source END",
                )
                .bind(c.year).bind(&c.chair).bind(&c.state_iso2).bind(c.source.as_str())
                .execute(&mut *tx).await?;
            }
            for d in &data.documents {
                sqlx::query(
                    "INSERT INTO network_documents (key, body) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET body = excluded.body",
                )
                .bind(&d.key).bind(Json(&d.body))
                .execute(&mut *tx).await?;
            }
            for ((table, flag), ids) in PRUNABLE.iter().zip(&kept) {
                let mut sql = Sql::new(format!("DELETE FROM {table} WHERE {flag}"));
                if !ids.is_empty() {
                    let list = sql.id_list(ids);
                    sql.push(&format!(" AND id NOT IN {list}"));
                }
                bind_args!(sqlx::query(&sql.text), &sql.args).execute(&mut *tx).await?;
            }
            let record = serde_json::json!({ "fingerprint": fingerprint, "summary": summary(data) });
            sqlx::query(
                "INSERT INTO network_documents (key, body) VALUES ('import', $1) \
                 ON CONFLICT (key) DO UPDATE SET body = excluded.body",
            )
            .bind(Json(&record)).execute(&mut *tx).await?;
            Conn::from(&mut *tx).audit(self.checkpoint_signer(), Change {
                actor, action: "import", object_type: "network", object_id: "network".into(),
                before: last, after: Some(record),
            }).await?;
            tx.commit().await?;
            self.audited_write_committed();
            StoreResult::Ok(())
        })?;
        Ok(Some(summary(data)))
    }
}

fn summary(data: &NetworkData) -> ImportSummary {
    ImportSummary {
        unchanged: false,
        member_states: data.member_states.len(),
        cities: data.cities.len(),
        action_plans: data.action_plans.len(),
        projects: data.projects.len(),
        partners: data.partners.len(),
        events: data.events.len(),
    }
}

/// A list position as stored.
fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

//! Generated projects written in bulk, for benchmarks at a scale no network reaches by
//! hand: one write transaction, many rows a statement, one audit entry for the whole load.

use sqlx::types::Json;
use uuid::Uuid;

use crate::args::value_rows;
use crate::audit::{Actor, Change};
use crate::conn::{Conn, on_conn};
use crate::{Store, StoreResult, begin_write, with_write_pool};

/// Rows a statement: 6 values each, well under either backend's limit of bound values.
const BATCH: usize = 1000;

/// One generated project of a member city, written as if entered in Kota.
#[derive(Debug, Clone)]
pub struct GeneratedProject {
    /// Its id.
    pub id: Uuid,
    /// Its slug (unique).
    pub slug: String,
    /// The member city it belongs to.
    pub city: Uuid,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Its focus area (a framework id).
    pub focus_area: String,
    /// The year it was reported.
    pub year: i32,
}

impl Store {
    /// Writes `projects` in one transaction, in batches, and records the load once in the
    /// audit log (`projects`/`generated`, the count in `after`) as `actor`. `progress` hears
    /// how many are written so far.
    pub async fn load_generated_projects(
        &self,
        projects: &[GeneratedProject],
        actor: &Actor,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> StoreResult<()> {
        with_write_pool!(self, pool => {
            let mut tx = begin_write!(self, pool);
            let mut conn = Conn::from(&mut *tx);
            let mut written = 0;
            for batch in projects.chunks(BATCH) {
                conn.insert_generated(batch).await?;
                written += batch.len();
                progress(written);
            }
            conn.audit(self.checkpoint_signer(), Change {
                actor,
                action: "import",
                object_type: "projects",
                object_id: "generated".into(),
                before: None,
                after: Some(serde_json::json!({ "projects": projects.len() })),
            }).await?;
            tx.commit().await?;
            self.audited_write_committed();
            StoreResult::Ok(())
        })
    }
}

impl Conn<'_> {
    async fn insert_generated(&mut self, batch: &[GeneratedProject]) -> StoreResult<()> {
        let projects = format!(
            "INSERT INTO projects (id, slug, city_id, title, description, report_years, origin, \
             focus_area_history, earlier_titles, uncertain, source, seeded) VALUES {}",
            value_rows(
                batch.len(),
                6,
                ", 'city', '[]', '[]', FALSE, 'Generated for a benchmark', FALSE"
            )
        );
        let areas = format!(
            "INSERT INTO project_focus_areas (project_id, focus_area_id, position) VALUES {}",
            value_rows(batch.len(), 3, "")
        );
        on_conn!(self, c => {
            let mut q = sqlx::query(&projects);
            for p in batch {
                q = q
                    .bind(p.id)
                    .bind(&p.slug)
                    .bind(p.city)
                    .bind(&p.title)
                    .bind(&p.description)
                    .bind(Json([p.year]));
            }
            q.execute(&mut *c).await?;
            let mut q = sqlx::query(&areas);
            for p in batch {
                q = q.bind(p.id).bind(&p.focus_area).bind(0_i32);
            }
            q.execute(&mut *c).await.map(|_| ())
        })?;
        Ok(())
    }
}

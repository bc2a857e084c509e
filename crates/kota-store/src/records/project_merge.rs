//! One project, listed once: merging a record into the one it duplicates (the survivor keeps
//! its listing and its title as an alias; the merged record is kept and its links lead to the
//! survivor), and the reads of similar projects, merge candidates and cross-purpose alerts.

use kota_domain::access::Principal;
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_domain::project::Project;
use kota_domain::similarity::{self, Corpus, Profile, SimilarPair, SimilarProject, merge};
use serde::Serialize;
use sqlx::types::Json;
use uuid::Uuid;

use crate::StoreResult;
use crate::args::{Sql, bind_args};
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::filter::ProjectFilter;
use crate::read::key_condition;

/// Merges the record `project` into the record `into` of the same city.
pub struct MergeProject {
    /// The record merged (kept, marked merged).
    pub project: Key,
    /// The surviving record.
    pub into: Key,
}

/// The two records of a merge, as loaded in its transaction.
#[derive(Debug, Serialize)]
pub struct MergeTarget {
    /// The record merged.
    pub merged: Project,
    /// The surviving record.
    pub survivor: Project,
    /// Which of the two was merged earlier (its title), when one was.
    already_merged: Option<String>,
}

/// What follows a merged record to its survivor (`$1` the survivor, `$2` the merged record):
/// comments, progress updates, stories, meeting requests, and interests with the
/// partnerships they led to. An open interest of a partner that has an open one on the
/// survivor too, and a partnership of a partner already the survivor's partner, stay with
/// the merged record, where its page still shows them. Milestones are the merged record's own
/// plan and stay with it.
const MOVED_TO_SURVIVOR: [&str; 6] = [
    "UPDATE project_comments SET project_id = $1 WHERE project_id = $2",
    "UPDATE project_updates SET project_id = $1 WHERE project_id = $2",
    "UPDATE stories SET project_id = $1 WHERE project_id = $2",
    "UPDATE meeting_requests SET project_id = $1 WHERE project_id = $2",
    "UPDATE interests SET project_id = $1 WHERE project_id = $2 \
     AND NOT (state IN ('submitted', 'shortlisted') AND EXISTS (SELECT 1 FROM interests o \
     WHERE o.project_id = $1 AND o.partner_id = interests.partner_id \
     AND o.state IN ('submitted', 'shortlisted')))",
    "UPDATE project_partnerships SET project_id = $1 WHERE project_id = $2 \
     AND NOT EXISTS (SELECT 1 FROM project_partnerships o \
     WHERE o.project_id = $1 AND o.partner_id = project_partnerships.partner_id)",
];

impl Edit for MergeProject {
    type Target = MergeTarget;
    type Output = Project;
    const OBJECT_TYPE: &'static str = "project";
    const ACTION: &'static str = "merge";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<MergeTarget>> {
        let Some((merged, m_into)) = conn.project_record(&self.project, who).await? else {
            return Ok(None);
        };
        let Some((survivor, s_into)) = conn.project_record(&self.into, who).await? else {
            return Ok(None);
        };
        let already_merged = match (m_into, s_into) {
            (Some(_), _) => Some(merged.title.clone()),
            (None, Some(_)) => Some(survivor.title.clone()),
            (None, None) => None,
        };
        Ok(Some(MergeTarget {
            merged,
            survivor,
            already_merged,
        }))
    }

    fn allowed(who: &Principal, t: &MergeTarget) -> bool {
        merge::may_merge(who, &t.merged) && merge::may_merge(who, &t.survivor)
    }

    fn version(t: &MergeTarget) -> Option<i32> {
        Some(t.merged.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, t: &MergeTarget) -> WriteResult<()> {
        if let Some(title) = &t.already_merged {
            return Err(WriteError::Conflict(format!(
                "\"{title}\" was already merged into another project"
            )));
        }
        match merge::refusal(&t.merged, &t.survivor) {
            Some(why) => Err(WriteError::Conflict(why)),
            None => Ok(()),
        }
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        t: &MergeTarget,
    ) -> StoreResult<Project> {
        Ok(merge::merge(&t.merged, &t.survivor))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        t: &MergeTarget,
        after: &Project,
    ) -> StoreResult<()> {
        let (merged, survivor) = (t.merged.id, after.id);
        let new_areas: Vec<&String> = after
            .focus_areas
            .iter()
            .filter(|f| !t.survivor.focus_areas.contains(f))
            .collect();
        let first = t.survivor.focus_areas.len();
        on_conn!(conn, c => {
            sqlx::query(
                "UPDATE projects SET report_years = $1, reported_status = $2, aliases = $3, \
                 merged_records = $4, version = $5 WHERE id = $6",
            )
            .bind(Json(&after.report_years)).bind(after.reported_status.map(|s| s.as_str()))
            .bind(Json(&after.aliases)).bind(Json(&after.merged_records)).bind(after.version)
            .bind(survivor)
            .execute(&mut *c).await?;
            for (i, f) in new_areas.iter().enumerate() {
                sqlx::query("INSERT INTO project_focus_areas (project_id, focus_area_id, position) VALUES ($1, $2, $3)")
                    .bind(survivor).bind(*f).bind(i32::try_from(first + i).unwrap_or(i32::MAX))
                    .execute(&mut *c).await?;
            }
            sqlx::query("UPDATE projects SET merged_into = $1, version = version + 1 WHERE id = $2 OR merged_into = $2")
                .bind(survivor).bind(merged)
                .execute(&mut *c).await?;
            for moved in MOVED_TO_SURVIVOR {
                sqlx::query(moved).bind(survivor).bind(merged).execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    fn audited(t: &MergeTarget, after: &Project) -> Audited {
        Audited::update(after.id, t)
    }
}

impl Conn<'_> {
    /// A project record by id or slug, merged or not, with the record it was merged into.
    async fn project_record(
        &mut self,
        key: &Key,
        who: &Principal,
    ) -> StoreResult<Option<(Project, Option<Uuid>)>> {
        let Some(into) = self.merged_into_id(key).await? else {
            return Ok(None);
        };
        let id = Key::Id(into.0);
        let found = if into.1.is_some() {
            self.project_even_merged(&id, who).await?
        } else {
            self.project(&id, Some(who)).await?
        };
        Ok(found.map(|p| (p, into.1)))
    }

    /// The id of a record by id or slug, and the record it was merged into (if it was).
    async fn merged_into_id(&mut self, key: &Key) -> StoreResult<Option<(Uuid, Option<Uuid>)>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "p", key);
        sql.text = format!("SELECT p.id, p.merged_into FROM projects p WHERE {cond}");
        Ok(
            on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *pool).await)?,
        )
    }

    /// A merged record, as it was when merged.
    async fn project_even_merged(
        &mut self,
        key: &Key,
        who: &Principal,
    ) -> StoreResult<Option<Project>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "p", key);
        let columns = crate::rows::project_columns(self.is_postgres());
        sql.text = format!(
            "SELECT {columns} FROM projects p JOIN cities c ON c.id = p.city_id WHERE {cond}"
        );
        let row: Option<crate::rows::ProjectRow> = on_conn!(self, pool => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_optional(&mut *pool).await)?;
        row.map(|r| {
            let mut p = r.into_project()?;
            p.redact_for(Some(who));
            Ok(p)
        })
        .transpose()
    }

    /// Where an old link to a merged record leads: the slug of the project it was merged
    /// into; none for a record not merged or no record.
    pub async fn merged_project_slug(&mut self, key: &Key) -> StoreResult<Option<String>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "p", key);
        sql.text = format!(
            "SELECT s.slug FROM projects p JOIN projects s ON s.id = p.merged_into WHERE {cond}"
        );
        Ok(
            on_conn!(self, pool => bind_args!(sqlx::query_scalar(&sql.text), &sql.args).fetch_optional(&mut *pool).await)?,
        )
    }

    /// The network's projects (merged records left out) prepared for comparison.
    async fn similarity_corpus(&mut self) -> StoreResult<Corpus> {
        let all = self
            .projects(&ProjectFilter::default(), PageRequest::all(), None)
            .await?
            .items;
        Ok(Corpus::new(all.iter().map(Profile::from)))
    }

    /// The projects alike to the project `key`, as `who` may see them (see
    /// [`similarity::similar_for`]); none when there is no such project.
    pub async fn similar_projects(
        &mut self,
        key: &Key,
        who: Option<&Principal>,
    ) -> StoreResult<Option<Vec<SimilarProject>>> {
        let Some(project) = self.project(key, who).await? else {
            return Ok(None);
        };
        let corpus = self.similarity_corpus().await?;
        Ok(Some(similarity::similar_for(
            &corpus,
            &Profile::from(&project),
            who,
        )))
    }

    /// The projects alike to a draft not yet saved, as `who` may see them.
    pub async fn similar_to_draft(
        &mut self,
        draft: &Profile,
        who: Option<&Principal>,
    ) -> StoreResult<Vec<SimilarProject>> {
        let corpus = self.similarity_corpus().await?;
        Ok(similarity::similar_for(&corpus, draft, who))
    }

    /// Every pair of records of one city likely the same project, by city and title.
    pub async fn merge_candidates(&mut self) -> StoreResult<Vec<SimilarPair>> {
        let corpus = self.similarity_corpus().await?;
        Ok(corpus
            .merge_candidates()
            .into_iter()
            .map(SimilarPair::from)
            .collect())
    }

    /// Cross-purpose alerts: similar projects of different cities seeking the same support.
    pub async fn cross_purpose_alerts(&mut self) -> StoreResult<Vec<SimilarPair>> {
        let corpus = self.similarity_corpus().await?;
        Ok(corpus
            .cross_purpose_alerts()
            .into_iter()
            .map(SimilarPair::from)
            .collect())
    }
}

crate::reads_on_a_pooled_connection! {
    /// Where an old link to a merged record leads (the survivor's slug).
    fn merged_project_slug(key: &Key) -> Option<String>;
    /// The projects alike to a project, as the viewer may see them.
    fn similar_projects(key: &Key, who: Option<&Principal>) -> Option<Vec<SimilarProject>>;
    /// The projects alike to a draft, as the viewer may see them.
    fn similar_to_draft(draft: &Profile, who: Option<&Principal>) -> Vec<SimilarProject>;
    /// Every pair of records of one city likely the same project.
    fn merge_candidates() -> Vec<SimilarPair>;
}

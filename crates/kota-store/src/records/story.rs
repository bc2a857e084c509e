//! Stories: success stories and lessons learned, written by a city's side, a partner naming
//! itself, or coordinators, and edited by their authors and the same people; public, or for
//! signed-in members only. [`Store::story`] and [`Store::stories`] read them as a viewer may.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::edit::{StoryInput, StoryLinks, StoryPatch};
use kota_domain::ids::{Key, slugify, slugify_with_suffix};
use kota_domain::interest::ProjectRef;
use kota_domain::page::{Page, PageRequest};
use kota_domain::partner::PartnerRef;
use kota_domain::story::{
    Outcome, Story, StoryKind, StorySource, Visibility, may_edit, may_write, may_write_any,
};
use sqlx::types::Json;
use uuid::Uuid;

use super::checked;
use crate::args::{Arg, Sql, bind_args};
use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::read::key_condition;
use crate::rows::{PartnerRefRow, parse_stored};
use crate::{StoreError, StoreResult};

/// What the list of stories may be filtered by.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    /// The city it is about.
    pub city: Option<Uuid>,
    /// A focus area it is tagged with.
    pub focus_area: Option<String>,
    /// The partner it names.
    pub partner: Option<Uuid>,
    /// The project it is about.
    pub project: Option<Uuid>,
    /// Success stories or lessons.
    pub kind: Option<StoryKind>,
    /// Its language (BCP 47 tag).
    pub language: Option<String>,
}

/// Writes a new story.
pub struct CreateStory {
    /// The story.
    pub input: StoryInput,
}

/// The records a new story names, as found, and whether it names a partner at all.
#[derive(Debug, serde::Serialize)]
pub struct NewStory {
    /// The city, project and partner as found.
    pub links: StoryLinks,
    /// Whether the input names a partner (found or not).
    pub names_partner: bool,
    /// Whether the partner named worked with the city named.
    pub worked_with: bool,
}

impl Edit for CreateStory {
    type Target = NewStory;
    type Output = Story;
    const OBJECT_TYPE: &'static str = "story";
    const ACTION: &'static str = "create";

    async fn load(&self, conn: &mut Conn<'_>, _: &Principal) -> StoreResult<Option<NewStory>> {
        let links = conn.story_links(&self.input).await?;
        Ok(Some(NewStory {
            worked_with: conn.worked_with(&links).await?,
            links,
            names_partner: self.input.partner.is_some(),
        }))
    }

    fn allowed(who: &Principal, new: &NewStory) -> bool {
        let links = &new.links;
        match &links.city {
            // A city or partner named that is not one is a field error, for whoever writes
            // stories at all.
            Some(city) if links.partner.is_some() || !new.names_partner => may_write(
                who,
                city,
                links.partner.as_ref().map(|p| p.id),
                new.worked_with,
            ),
            _ => may_write_any(who),
        }
    }

    fn version(_: &NewStory) -> Option<i32> {
        None
    }

    async fn check(&self, conn: &mut Conn<'_>, _: &Principal, new: &NewStory) -> WriteResult<()> {
        let areas = conn.focus_area_ids().await?;
        checked(self.input.check(&areas, &new.links))
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
        new: &NewStory,
    ) -> StoreResult<Story> {
        let city = new
            .links
            .city
            .clone()
            .ok_or_else(|| StoreError::Task("a story without its city".into()))?;
        let id = Uuid::new_v4();
        let base = slugify(&self.input.title);
        let slug = if base.is_empty() || conn.story_slug_taken(&base).await? {
            let head = if base.is_empty() {
                "story"
            } else {
                &self.input.title
            };
            slugify_with_suffix(head, &id.simple().to_string()[..8])
        } else {
            base
        };
        Ok(self.input.create(id, slug, city, &new.links, who, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &NewStory,
        story: &Story,
    ) -> StoreResult<()> {
        conn.save_story(story, true).await
    }

    fn audited(_: &NewStory, story: &Story) -> Audited {
        Audited::creation(story.id)
    }
}

/// Changes the fields of a story that a patch names (a form names them all).
pub struct UpdateStory {
    /// The story.
    pub story: Key,
    /// What to change.
    pub patch: StoryPatch,
}

impl UpdateStory {
    /// The whole input the patch makes of `before`.
    fn input(&self, before: &Story) -> StoryInput {
        self.patch.clone().over(before)
    }
}

impl Edit for UpdateStory {
    type Target = Story;
    type Output = Story;
    const OBJECT_TYPE: &'static str = "story";
    const ACTION: &'static str = "update";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<Story>> {
        // A story the person may not read is, to them, no story.
        Ok(conn
            .story(&self.story)
            .await?
            .filter(|s| s.visible_to(Some(who))))
    }

    fn allowed(who: &Principal, story: &Story) -> bool {
        may_edit(who, story)
    }

    fn version(story: &Story) -> Option<i32> {
        Some(story.version)
    }

    async fn check(&self, conn: &mut Conn<'_>, who: &Principal, before: &Story) -> WriteResult<()> {
        let input = self.input(before);
        let links = conn.story_links(&input).await?;
        let areas = conn.focus_area_ids().await?;
        checked(input.check(&areas, &links))?;
        // Moving a story to another city or partner needs the right to write it there.
        let moved = links.city.as_ref().map(|c| c.id) != Some(before.city.id)
            || links.partner.as_ref().map(|p| p.id) != before.partner.as_ref().map(|p| p.id);
        if moved
            && let Some(city) = &links.city
            && !may_write(
                who,
                city,
                links.partner.as_ref().map(|p| p.id),
                conn.worked_with(&links).await?,
            )
        {
            return Err(WriteError::Forbidden);
        }
        Ok(())
    }

    async fn apply(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        before: &Story,
    ) -> StoreResult<Story> {
        let input = self.input(before);
        let links = conn.story_links(&input).await?;
        let city = links
            .city
            .clone()
            .ok_or_else(|| StoreError::Task("a story without its city".into()))?;
        Ok(input.apply(before, city, &links, now()))
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &Story,
        story: &Story,
    ) -> StoreResult<()> {
        conn.save_story(story, false).await
    }

    fn audited(before: &Story, after: &Story) -> Audited {
        Audited::update(after.id, before)
    }
}

/// Columns of [`StoryRow`], for `SELECT … FROM` [`FROM`].
const COLUMNS: &str = "s.id, s.slug, s.kind, s.language, s.title, s.body, s.outcomes, \
    s.sources, s.visibility, s.author_id, s.author, s.created_at, s.updated_at, s.version, \
    c.id AS city_id, c.slug AS city_slug, c.name AS city_name, c.country_iso2, \
    p.id AS project_id, p.slug AS project_slug, p.title AS project_title, \
    pa.id AS partner_id, pa.slug AS partner_slug, pa.name AS partner_name, \
    pa.kind AS partner_kind";

/// Stories with their city, project and partner.
const FROM: &str = "stories s JOIN cities c ON c.id = s.city_id \
    LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN partners pa ON pa.id = s.partner_id";

#[derive(sqlx::FromRow)]
struct StoryRow {
    id: Uuid,
    slug: String,
    kind: String,
    language: String,
    title: String,
    body: String,
    outcomes: Json<Vec<Outcome>>,
    sources: Json<Vec<StorySource>>,
    visibility: String,
    author_id: Option<Uuid>,
    author: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: i32,
    city_id: Uuid,
    city_slug: String,
    city_name: String,
    country_iso2: String,
    project_id: Option<Uuid>,
    project_slug: Option<String>,
    project_title: Option<String>,
    partner_id: Option<Uuid>,
    partner_slug: Option<String>,
    partner_name: Option<String>,
    partner_kind: Option<String>,
}

impl StoryRow {
    fn into_story(self, focus_areas: Vec<String>) -> StoreResult<Story> {
        let city = CityRef {
            id: self.city_id,
            slug: self.city_slug,
            name: self.city_name,
            country_iso2: self.country_iso2,
        };
        let project = match (self.project_id, self.project_slug, self.project_title) {
            (Some(id), Some(slug), Some(title)) => Some(ProjectRef {
                id,
                slug,
                title,
                city: city.clone(),
            }),
            _ => None,
        };
        let partner = match (
            self.partner_id,
            self.partner_slug,
            self.partner_name,
            self.partner_kind,
        ) {
            (Some(id), Some(slug), Some(name), Some(kind)) => {
                Some(PartnerRef::try_from(PartnerRefRow {
                    id,
                    slug,
                    name,
                    kind,
                })?)
            }
            _ => None,
        };
        Ok(Story {
            id: self.id,
            slug: self.slug,
            kind: parse_stored("stories", "kind", &self.kind, StoryKind::parse)?,
            city,
            project,
            partner,
            focus_areas,
            language: self.language,
            title: self.title,
            body: self.body,
            outcomes: self.outcomes.0,
            sources: self.sources.0,
            visibility: parse_stored("stories", "visibility", &self.visibility, Visibility::parse)?,
            author: self.author,
            author_id: self.author_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        })
    }
}

/// The condition that keeps network stories from anonymous visitors.
fn visible(viewer: Option<&Principal>) -> Option<String> {
    viewer
        .is_none()
        .then(|| "s.visibility = 'public'".to_owned())
}

impl Conn<'_> {
    /// Whether the partner `links` names worked with its city: the documents link them, a
    /// twinning of the two began, or the partner became a partner of one of the city's
    /// projects. False when either is not named.
    async fn worked_with(&mut self, links: &StoryLinks) -> StoreResult<bool> {
        let (Some(city), Some(partner)) = (&links.city, &links.partner) else {
            return Ok(false);
        };
        Ok(on_conn!(self, c => sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM partner_cities WHERE partner_id = $1 AND city_id = $2) \
             OR EXISTS (SELECT 1 FROM twinnings WHERE partner_id = $1 AND city_id = $2 \
             AND state IN ('active', 'concluded')) \
             OR EXISTS (SELECT 1 FROM project_partnerships pp JOIN projects p ON p.id = pp.project_id \
             WHERE pp.partner_id = $1 AND p.city_id = $2)"
        ).bind(partner.id).bind(city.id).fetch_one(&mut *c).await)?)
    }

    /// The city, project and partner an input names, as found.
    async fn story_links(&mut self, input: &StoryInput) -> StoreResult<StoryLinks> {
        let city = match Key::parse(&input.city) {
            Ok(key) => self.city_ref(&key).await?,
            Err(_) => None,
        };
        let project = match input.project.as_deref().map(Key::parse) {
            Some(Ok(key)) => self
                .project(&key, None)
                .await?
                .map(|p| ProjectRef::from(&p)),
            _ => None,
        };
        let partner = match input.partner.as_deref().map(Key::parse) {
            Some(Ok(key)) => self.partner_ref(&key).await?,
            _ => None,
        };
        Ok(StoryLinks {
            city,
            project,
            partner,
        })
    }

    /// Whether a story has this slug.
    async fn story_slug_taken(&mut self, slug: &str) -> StoreResult<bool> {
        let n: i64 = on_conn!(self, c => sqlx::query_scalar("SELECT COUNT(*) FROM stories WHERE slug = $1")
            .bind(slug).fetch_one(&mut *c).await)?;
        Ok(n > 0)
    }

    /// Writes a story's row (a new one, or an update by id) and its focus areas.
    async fn save_story(&mut self, s: &Story, new: bool) -> StoreResult<()> {
        on_conn!(self, c => {
            sqlx::query(
                "INSERT INTO stories (id, slug, kind, city_id, project_id, partner_id, language, \
                 title, body, outcomes, sources, visibility, author_id, author, created_at, \
                 updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
                 ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, city_id = excluded.city_id, \
                 project_id = excluded.project_id, partner_id = excluded.partner_id, \
                 language = excluded.language, title = excluded.title, body = excluded.body, \
                 outcomes = excluded.outcomes, sources = excluded.sources, \
                 visibility = excluded.visibility, updated_at = excluded.updated_at, \
                 version = excluded.version",
            )
            .bind(s.id).bind(&s.slug).bind(s.kind.as_str()).bind(s.city.id)
            .bind(s.project.as_ref().map(|p| p.id)).bind(s.partner.as_ref().map(|p| p.id))
            .bind(&s.language).bind(&s.title).bind(&s.body).bind(Json(&s.outcomes))
            .bind(Json(&s.sources)).bind(s.visibility.as_str()).bind(s.author_id).bind(&s.author)
            .bind(s.created_at).bind(s.updated_at).bind(s.version)
            .execute(&mut *c).await?;
            if !new {
                sqlx::query("DELETE FROM story_focus_areas WHERE story_id = $1")
                    .bind(s.id).execute(&mut *c).await?;
            }
            for (i, area) in s.focus_areas.iter().enumerate() {
                sqlx::query("INSERT INTO story_focus_areas (story_id, focus_area_id, position) VALUES ($1, $2, $3)")
                    .bind(s.id).bind(area).bind(i32::try_from(i).unwrap_or(i32::MAX))
                    .execute(&mut *c).await?;
            }
            Ok::<(), sqlx::Error>(())
        })?;
        Ok(())
    }

    /// One story by id or slug, whoever may read it.
    pub async fn story(&mut self, key: &Key) -> StoreResult<Option<Story>> {
        let mut sql = Sql::default();
        let cond = key_condition(&mut sql, "s", key);
        sql.text = format!("SELECT {COLUMNS} FROM {FROM} WHERE {cond}");
        let rows: Vec<StoryRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        Ok(self.stories_of(rows).await?.pop())
    }

    /// Stories that pass the filter and that `viewer` may read, newest first.
    pub async fn stories(
        &mut self,
        filter: &StoryFilter,
        page: PageRequest,
        viewer: Option<&Principal>,
    ) -> StoreResult<Page<Story>> {
        let mut sql = Sql::default();
        let mut conditions: Vec<String> = visible(viewer).into_iter().collect();
        for (column, id) in [
            ("s.city_id", filter.city),
            ("s.partner_id", filter.partner),
            ("s.project_id", filter.project),
        ] {
            if let Some(id) = id {
                conditions.push(format!("{column} = {}", sql.arg(Arg::Id(id))));
            }
        }
        if let Some(area) = &filter.focus_area {
            let p = sql.arg(Arg::Text(area.clone()));
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM story_focus_areas sf WHERE sf.story_id = s.id AND sf.focus_area_id = {p})"
            ));
        }
        if let Some(kind) = filter.kind {
            let p = sql.arg(Arg::Text(kind.as_str().to_owned()));
            conditions.push(format!("s.kind = {p}"));
        }
        if let Some(language) = &filter.language {
            let p = sql.arg(Arg::Text(language.clone()));
            conditions.push(format!("s.language = {p}"));
        }
        let (total, rows): (u64, Vec<StoryRow>) = self
            .paged_rows(
                sql,
                (COLUMNS, FROM, "s.created_at DESC, s.id"),
                &conditions,
                page,
            )
            .await?;
        Ok(Page {
            items: self.stories_of(rows).await?,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    /// The stories of `rows`, each with its focus areas (one query for all).
    async fn stories_of(&mut self, rows: Vec<StoryRow>) -> StoreResult<Vec<Story>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut sql = Sql::default();
        let list = sql.id_list(&ids);
        sql.text = format!(
            "SELECT story_id, focus_area_id FROM story_focus_areas WHERE story_id IN {list} \
             ORDER BY story_id, position"
        );
        let found: Vec<(Uuid, String)> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let mut areas: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (id, area) in found {
            areas.entry(id).or_default().push(area);
        }
        rows.into_iter()
            .map(|r| {
                let a = areas.remove(&r.id).unwrap_or_default();
                r.into_story(a)
            })
            .collect()
    }

    /// One story by id or slug, when `viewer` may read it.
    pub async fn visible_story(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Story>> {
        Ok(self.story(key).await?.filter(|s| s.visible_to(viewer)))
    }
}

crate::reads_on_a_pooled_connection! {
    /// One story by id or slug, when `viewer` may read it (a network story is for signed-in
    /// members only).
    fn visible_story(key: &Key, viewer: Option<&Principal>) -> Option<Story>;
    /// Stories that pass the filter and that `viewer` may read, newest first.
    fn stories(filter: &StoryFilter, page: PageRequest, viewer: Option<&Principal>) -> Page<Story>;
}

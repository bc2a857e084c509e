//! Each kind of searchable record read as a [`Doc`].

use std::collections::HashMap;

use kota_domain::place::{city_names, place_names};
use kota_search::{Doc, Kind, Visibility};
use sqlx::types::Json;
use uuid::Uuid;

use crate::StoreResult;
use crate::args::{Sql, bind_args};
use crate::conn::{Conn, on_conn};

/// Which records of a kind to read.
pub(crate) enum Which {
    /// All of them.
    All,
    /// Those with these ids.
    Ids(Vec<Uuid>),
    /// Those that belong to these cities.
    InCities(Vec<Uuid>),
}

impl Which {
    /// ` WHERE …` for the records' id column and city column, or none for all; `None` when
    /// no record can be meant.
    fn condition(&self, sql: &mut Sql, id: &str, city: &str) -> Option<String> {
        let (column, ids) = match self {
            Which::All => return Some(String::new()),
            Which::Ids(ids) => (id, ids),
            Which::InCities(ids) => (city, ids),
        };
        if ids.is_empty() {
            return None;
        }
        Some(format!(" WHERE {column} IN {}", sql.id_list(ids)))
    }
}

/// The first four digits of a stored date or time, as a year.
fn year_of(text: &str) -> Option<i32> {
    text.get(..4)?.parse().ok()
}

/// `names` without `title`, which a record's title already holds.
fn other_than(title: &str, names: Vec<String>) -> Vec<String> {
    names.into_iter().filter(|n| n != title.trim()).collect()
}

type CityRow = (
    Uuid,
    String,
    String,
    Json<Vec<String>>,
    String,
    Option<String>,
    i32,
    Option<String>,
    Option<String>,
    Option<Json<Vec<String>>>,
);

/// A candidate place: id, name, ASCII name, alternate names, country.
type PlaceRow = (i64, String, String, Json<Vec<String>>, String);

type ProjectRow = (
    Uuid,
    String,
    String,
    Option<String>,
    Json<Vec<String>>,
    Json<Vec<String>>,
    Json<Vec<i32>>,
    String,
    String,
);

type PartnerRow = (Uuid, String, String, String, Json<Vec<String>>);

type StoryRow = (Uuid, String, String, String, String, String, String, String);

type EventRow = (
    Uuid,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

impl Conn<'_> {
    /// Every record of `which` of every kind (places only for all).
    pub(crate) async fn search_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut docs = self.city_docs(which).await?;
        if matches!(which, Which::All) {
            docs.extend(self.places_docs().await?);
        }
        docs.extend(self.project_docs(which).await?);
        docs.extend(self.partner_docs(which).await?);
        docs.extend(self.story_docs(which).await?);
        docs.extend(self.event_docs(which).await?);
        Ok(docs)
    }

    /// The focus areas of records, by record, in their order, from `text` (two columns: the
    /// record's id and the area's id).
    async fn areas_of(&mut self, text: &str, sql: &Sql) -> StoreResult<HashMap<Uuid, Vec<String>>> {
        let rows: Vec<(Uuid, String)> = on_conn!(self, c => bind_args!(sqlx::query_as(text), &sql.args).fetch_all(&mut *c).await)?;
        let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (id, area) in rows {
            out.entry(id).or_default().push(area);
        }
        Ok(out)
    }

    /// Member cities with every name they have, their own and those of their GeoNames place.
    pub(crate) async fn city_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut sql = Sql::default();
        let Some(cond) = which.condition(&mut sql, "c.id", "c.id") else {
            return Ok(Vec::new());
        };
        let text = format!(
            "SELECT c.id, c.slug, c.name, c.aliases, c.country_iso2, c.description, c.joined_year, \
             pl.name, pl.ascii_name, pl.alternate_names \
             FROM cities c LEFT JOIN places pl ON pl.geonames_id = c.geonames_id{cond}"
        );
        let rows: Vec<CityRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&text), &sql.args).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, slug, name, aliases, country, description, joined, pn, pa, palt)| {
                    let place = pn.map_or_else(Vec::new, |pn| {
                        place_names(
                            &pn,
                            pa.as_deref().unwrap_or(""),
                            palt.as_ref().map_or(&[][..], |a| &a.0),
                        )
                    });
                    let names = other_than(&name, city_names(&name, &aliases.0, &place));
                    Doc {
                        kind: Kind::City,
                        id: id.to_string(),
                        url: format!("/cities/{slug}"),
                        slug,
                        title: name,
                        names,
                        body: description.into_iter().collect(),
                        country: Some(country),
                        focus_areas: Vec::new(),
                        years: vec![joined],
                        visibility: Visibility::Public,
                    }
                },
            )
            .collect())
    }

    /// The world's places that are not member cities: candidate cities.
    pub(crate) async fn places_docs(&mut self) -> StoreResult<Vec<Doc>> {
        self.candidates_where("").await
    }

    /// The places of `ids` that are candidate cities (no member city has them).
    pub(crate) async fn candidate_docs(&mut self, ids: &[i64]) -> StoreResult<Vec<Doc>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = ids.iter().map(i64::to_string).collect();
        self.candidates_where(&format!(" AND pl.geonames_id IN ({})", list.join(", ")))
            .await
    }

    /// The places the cities `cities` have.
    pub(crate) async fn places_of(&mut self, cities: &[Uuid]) -> StoreResult<Vec<i64>> {
        let mut sql = Sql::default();
        let Some(cond) = Which::Ids(cities.to_vec()).condition(&mut sql, "c.id", "c.id") else {
            return Ok(Vec::new());
        };
        let text = format!(
            "SELECT CAST(c.geonames_id AS BIGINT) FROM cities c{cond} AND c.geonames_id IS NOT NULL"
        );
        Ok(
            on_conn!(self, c => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_all(&mut *c).await)?,
        )
    }

    /// Candidate places, `more` narrowing them (`AND …` on `pl`).
    async fn candidates_where(&mut self, more: &str) -> StoreResult<Vec<Doc>> {
        let text = format!(
            "SELECT CAST(pl.geonames_id AS BIGINT), pl.name, pl.ascii_name, pl.alternate_names, pl.country_code \
             FROM places pl WHERE NOT EXISTS (SELECT 1 FROM cities c WHERE c.geonames_id = pl.geonames_id){more}"
        );
        let rows: Vec<PlaceRow> =
            on_conn!(self, c => sqlx::query_as(&text).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, ascii, alternate, country)| {
                let names = other_than(&name, place_names(&name, &ascii, &alternate.0));
                Doc {
                    kind: Kind::Place,
                    id: id.to_string(),
                    slug: id.to_string(),
                    url: format!("/places/{id}"),
                    title: name,
                    names,
                    body: Vec::new(),
                    country: (!country.is_empty()).then_some(country),
                    focus_areas: Vec::new(),
                    years: Vec::new(),
                    visibility: Visibility::Public,
                }
            })
            .collect())
    }

    /// The records merged into any of `projects`: a merge is audited on its survivor, and the
    /// merged record must leave the index with it.
    pub(crate) async fn merged_into(&mut self, projects: &[Uuid]) -> StoreResult<Vec<Uuid>> {
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::default();
        let text = format!(
            "SELECT id FROM projects WHERE merged_into IN {}",
            sql.id_list(projects)
        );
        Ok(
            on_conn!(self, c => bind_args!(sqlx::query_scalar(&text), &sql.args).fetch_all(&mut *c).await)?,
        )
    }

    /// Projects: title, earlier titles and the titles of records merged into it, description,
    /// city; never confidential fields.
    pub(crate) async fn project_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut sql = Sql::default();
        let Some(cond) = which.condition(&mut sql, "p.id", "p.city_id") else {
            return Ok(Vec::new());
        };
        // A record merged into another is found through the survivor's aliases.
        let live = if cond.is_empty() {
            " WHERE p.merged_into IS NULL".to_owned()
        } else {
            format!("{cond} AND p.merged_into IS NULL")
        };
        let text = format!(
            "SELECT p.id, p.slug, p.title, p.description, p.earlier_titles, p.aliases, \
             p.report_years, c.name, c.country_iso2 \
             FROM projects p JOIN cities c ON c.id = p.city_id{live}"
        );
        let rows: Vec<ProjectRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&text), &sql.args).fetch_all(&mut *c).await)?;
        let mut areas = self
            .areas_of(
                &format!(
                    "SELECT pf.project_id, pf.focus_area_id FROM project_focus_areas pf \
                     JOIN projects p ON p.id = pf.project_id{cond} ORDER BY pf.position"
                ),
                &sql,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, slug, title, description, earlier, aliases, years, city, country)| Doc {
                    kind: Kind::Project,
                    id: id.to_string(),
                    url: format!("/projects/{slug}"),
                    slug,
                    title,
                    names: earlier.0.into_iter().chain(aliases.0).collect(),
                    body: description.into_iter().chain([city]).collect(),
                    country: Some(country),
                    focus_areas: areas.remove(&id).unwrap_or_default(),
                    years: years.0,
                    visibility: Visibility::Public,
                },
            )
            .collect())
    }

    /// Partners: name, activities and home.
    pub(crate) async fn partner_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut sql = Sql::default();
        if matches!(which, Which::InCities(_)) {
            return Ok(Vec::new());
        }
        let Some(cond) = which.condition(&mut sql, "pa.id", "pa.id") else {
            return Ok(Vec::new());
        };
        let text = format!(
            "SELECT pa.id, pa.slug, pa.name, pa.home, pa.activities FROM partners pa{cond}"
        );
        let rows: Vec<PartnerRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&text), &sql.args).fetch_all(&mut *c).await)?;
        let mut areas = self
            .areas_of(
                &format!(
                    "SELECT pf.partner_id, pf.focus_area_id FROM partner_focus_areas pf \
                     JOIN partners pa ON pa.id = pf.partner_id{cond} ORDER BY pf.position"
                ),
                &sql,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, name, home, activities)| Doc {
                kind: Kind::Partner,
                id: id.to_string(),
                url: format!("/partners/{slug}"),
                slug,
                title: name,
                names: Vec::new(),
                body: activities.0.into_iter().chain([home]).collect(),
                country: None,
                focus_areas: areas.remove(&id).unwrap_or_default(),
                years: Vec::new(),
                visibility: Visibility::Public,
            })
            .collect())
    }

    /// Stories and lessons: title, text and city, public or for the network.
    pub(crate) async fn story_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut sql = Sql::default();
        let Some(cond) = which.condition(&mut sql, "s.id", "s.city_id") else {
            return Ok(Vec::new());
        };
        let text = format!(
            "SELECT s.id, s.slug, s.title, s.body, s.visibility, CAST(s.created_at AS TEXT), \
             c.name, c.country_iso2 FROM stories s JOIN cities c ON c.id = s.city_id{cond}"
        );
        let rows: Vec<StoryRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&text), &sql.args).fetch_all(&mut *c).await)?;
        let mut areas = self
            .areas_of(
                &format!(
                    "SELECT sf.story_id, sf.focus_area_id FROM story_focus_areas sf \
                     JOIN stories s ON s.id = sf.story_id{cond} ORDER BY sf.position"
                ),
                &sql,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(id, slug, title, body, visibility, created, city, country)| Doc {
                    kind: Kind::Story,
                    id: id.to_string(),
                    url: format!("/stories/{slug}"),
                    slug,
                    title,
                    names: Vec::new(),
                    body: vec![body, city],
                    country: Some(country),
                    focus_areas: areas.remove(&id).unwrap_or_default(),
                    years: year_of(&created).into_iter().collect(),
                    visibility: if visibility == "public" {
                        Visibility::Public
                    } else {
                        Visibility::Network
                    },
                },
            )
            .collect())
    }

    /// Events: name, place and note, in the year they start.
    pub(crate) async fn event_docs(&mut self, which: &Which) -> StoreResult<Vec<Doc>> {
        let mut sql = Sql::default();
        let Some(cond) = which.condition(&mut sql, "e.id", "e.city_id") else {
            return Ok(Vec::new());
        };
        let text = format!(
            "SELECT e.id, e.slug, e.name, e.place, e.note, CAST(e.starts_on AS TEXT), \
             c.name, c.country_iso2 FROM events e LEFT JOIN cities c ON c.id = e.city_id{cond}"
        );
        let rows: Vec<EventRow> = on_conn!(self, c => bind_args!(sqlx::query_as(&text), &sql.args).fetch_all(&mut *c).await)?;
        Ok(rows
            .into_iter()
            .map(|(id, slug, name, place, note, starts, city, country)| Doc {
                kind: Kind::Event,
                id: id.to_string(),
                url: format!("/events/{slug}"),
                slug,
                title: name,
                names: Vec::new(),
                body: [Some(place), note, city].into_iter().flatten().collect(),
                country,
                focus_areas: Vec::new(),
                years: year_of(&starts).into_iter().collect(),
                visibility: Visibility::Public,
            })
            .collect())
    }
}

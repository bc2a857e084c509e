//! `GET /api/v1/search`: everything the viewer may see, in every language of the network.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use kota_search::{Audience, Counts, Found, Kind, Query};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::Problem;
use crate::filters::{PageQuery, Params};

/// The longest query, in characters.
pub(crate) const MAX_QUERY_CHARS: usize = 200;

/// What to search for, and in which records.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find (at most 200 characters), in any language; the last word also finds
    /// the words it begins. An empty query finds nothing.
    #[param(value_type = Option<String>)]
    pub q: Option<String>,
    /// Only records of this kind: `city`, `place`, `project`, `partner`, `story` or `event`.
    #[param(value_type = Option<String>, rename = "type")]
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Only records of this country (ISO 3166-1 alpha-2, e.g. `VN`).
    #[param(value_type = Option<String>)]
    pub country: Option<String>,
    /// Only records of this focus area (a framework id).
    #[param(value_type = Option<String>)]
    pub focus_area: Option<String>,
    /// Only records of this year (report year, year written, year held, year joined).
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl SearchQuery {
    /// The query for the index, checked, for `audience`.
    pub(crate) fn resolve(&self, page: &PageQuery, audience: Audience) -> Result<Query, Problem> {
        let text = given(&self.q).unwrap_or_default();
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(Problem::bad_parameter(
                "q",
                &format!("Search for at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let kind = given(&self.kind)
            .map(|k| {
                Kind::parse(k).ok_or_else(|| {
                    Problem::bad_parameter(
                        "type",
                        &format!("Choose one of: city, place, project, partner, story, event (“{k}” is not one)"),
                    )
                })
            })
            .transpose()?;
        let country = given(&self.country)
            .map(|c| {
                if c.len() == 2 && c.chars().all(|l| l.is_ascii_alphabetic()) {
                    Ok(c.to_ascii_uppercase())
                } else {
                    Err(Problem::bad_parameter(
                        "country",
                        &format!("Give a two-letter country code, e.g. TH (“{c}” is not one)"),
                    ))
                }
            })
            .transpose()?;
        let focus_area = given(&self.focus_area)
            .map(|a| {
                if a.len() <= 64 && a.chars().all(|l| l.is_ascii_lowercase() || l == '_') {
                    Ok(a.to_owned())
                } else {
                    Err(Problem::bad_parameter(
                        "focus_area",
                        &format!(
                            "Give a focus area id, e.g. built_infrastructure (“{a}” is not one)"
                        ),
                    ))
                }
            })
            .transpose()?;
        let year = given(&self.year)
            .map(|y| match y.parse::<i32>() {
                Ok(n) if (1900..=2200).contains(&n) => Ok(n),
                _ => Err(Problem::bad_parameter(
                    "year",
                    &format!("Give a year from 1900 to 2200 (“{y}” is not one)"),
                )),
            })
            .transpose()?;
        let paging = page.page()?;
        Ok(Query {
            text: text.to_owned(),
            kind,
            country,
            focus_area,
            year,
            audience,
            limit: paging.limit as usize,
            offset: usize::try_from(paging.offset).unwrap_or(usize::MAX),
        })
    }
}

/// One record found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchItem {
    /// `city`, `place`, `project`, `partner`, `story` or `event`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The record's slug (a place's GeoNames id).
    pub slug: String,
    /// Its title or name.
    pub title: String,
    /// HTML: a piece of its text around the words found, escaped, the words in `<mark>`.
    pub snippet: String,
    /// How well it matches (BM25; higher is better).
    pub score: f32,
    /// Its page.
    pub url: String,
}

/// How many records found fall in each value of each facet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFacets {
    /// By kind of record.
    #[serde(rename = "type")]
    pub kind: BTreeMap<String, u64>,
    /// By country.
    pub country: BTreeMap<String, u64>,
    /// By focus area.
    pub focus_area: BTreeMap<String, u64>,
    /// By year.
    pub year: BTreeMap<String, u64>,
}

/// A page of what a search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The records of this page, best first.
    pub items: Vec<SearchItem>,
    /// How many records match in all.
    pub total: u64,
    /// Counts of all the records that match, by facet.
    pub facets: SearchFacets,
    /// The most items asked for.
    pub limit: u32,
    /// Items skipped.
    pub offset: u64,
}

fn counts(c: Counts) -> BTreeMap<String, u64> {
    c.into_iter().collect()
}

impl SearchResults {
    pub(crate) fn of(found: Found, query: &Query) -> Self {
        Self {
            items: found
                .hits
                .into_iter()
                .map(|h| SearchItem {
                    kind: h.kind.as_str().to_owned(),
                    slug: h.slug,
                    title: h.title,
                    snippet: h.snippet,
                    score: h.score,
                    url: h.url,
                })
                .collect(),
            total: found.total,
            facets: SearchFacets {
                kind: counts(found.kinds),
                country: counts(found.countries),
                focus_area: counts(found.focus_areas),
                year: counts(found.years),
            },
            limit: u32::try_from(query.limit).unwrap_or(u32::MAX),
            offset: query.offset as u64,
        }
    }
}

/// Who asks, for search: a signed-in member sees network records too.
pub(crate) fn audience(who: &Option<kota_domain::access::Principal>) -> Audience {
    if who.is_some() {
        Audience::Member
    } else {
        Audience::Anonymous
    }
}

/// Searches cities (by every name in every script), places, projects, partners, stories and
/// events, ranked, with facet counts; only what the viewer may see.
#[utoipa::path(get, path = "/api/v1/search", tag = "network", params(SearchQuery, PageQuery),
    responses(
        (status = 200, description = "The records found, best first, with facet counts", body = SearchResults),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn search(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<SearchQuery>,
    Params(page): Params<PageQuery>,
) -> Result<Json<SearchResults>, Problem> {
    let query = q.resolve(&page, audience(&who))?;
    let found = s.search.search(query.clone()).await?;
    Ok(Json(SearchResults::of(found, &query)))
}

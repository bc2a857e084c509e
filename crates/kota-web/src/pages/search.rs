//! The search page: what a query finds, best first, with snippets and facets as links.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use kota_domain::page::Page;
use kota_search::{Counts, Hit};

use super::view::Pager;
use crate::AppState;
use crate::api::search::{SearchQuery, audience};
use crate::auth::OptionalPrincipal;
use crate::error::PageResult;
use crate::filters::{PageQuery, Params};

/// One value of a facet, as a link that narrows the search to it.
pub(crate) struct FacetLink {
    label: String,
    count: u64,
    href: String,
    current: bool,
}

/// One facet and its values.
pub(crate) struct FacetBlock {
    name: &'static str,
    links: Vec<FacetLink>,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub(crate) struct SearchPage {
    title: String,
    section: &'static str,
    q: String,
    total: u64,
    hits: Vec<Hit>,
    facets: Vec<FacetBlock>,
    pager: Pager,
}

/// The address of this search with `key` set to `value` (or removed when it is set to it
/// already), from the first page.
fn narrowed(query: Option<&str>, key: &str, value: &str) -> (String, bool) {
    let mut pairs: Vec<(String, String)> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, v)| k != "offset" && !v.is_empty())
            .collect();
    let current = pairs.iter().any(|(k, v)| k == key && v == value);
    pairs.retain(|(k, _)| k != key);
    if !current {
        pairs.push((key.to_owned(), value.to_owned()));
    }
    let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    (format!("/search?{qs}"), current)
}

fn block(name: &'static str, key: &str, counts: Counts, query: Option<&str>) -> FacetBlock {
    FacetBlock {
        name,
        links: counts
            .into_iter()
            .map(|(value, count)| {
                let (href, current) = narrowed(query, key, &value);
                FacetLink {
                    label: value.replace('_', " "),
                    count,
                    href,
                    current,
                }
            })
            .collect(),
    }
}

pub(crate) async fn page(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    uri: Uri,
    Params(q): Params<SearchQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<SearchPage> {
    let query = q.resolve(&paging, audience(&who))?;
    let found = s.search.search(query.clone()).await?;
    let page = Page {
        items: found.hits,
        total: found.total,
        limit: u32::try_from(query.limit).unwrap_or(u32::MAX),
        offset: query.offset as u64,
    };
    let pager = Pager::of(&page, "/search", uri.query());
    let at = uri.query();
    Ok(SearchPage {
        title: if query.text.is_empty() {
            "Search".to_owned()
        } else {
            format!("Search: {}", query.text)
        },
        section: "search",
        q: query.text,
        total: page.total,
        hits: page.items,
        facets: vec![
            block("Kind", "type", found.kinds, at),
            block("Country", "country", found.countries, at),
            block("Focus area", "focus_area", found.focus_areas, at),
            block("Year", "year", found.years, at),
        ],
        pager,
    })
}

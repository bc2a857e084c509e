//! The home page and the network-wide pages: about, framework.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::event::Event;
use kota_domain::framework::{FocusArea, FrameworkElement, StrategicOutcome};
use kota_domain::network::{Chairmanship, NetworkCounts};
use kota_domain::page::PageRequest;
use kota_domain::project::Project;
use kota_store::filter::{EventFilter, ProjectFilter};

use super::prose::{Passage, Segment, passages};
use crate::AppState;
use crate::error::PageResult;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    title: String,
    section: &'static str,
    counts: NetworkCounts,
    latest_events: Vec<Event>,
    chair: Option<Chairmanship>,
}

/// The chair of the current year, or else the latest one named.
fn current_chair(years: Vec<Chairmanship>) -> Option<Chairmanship> {
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    let mut named = years.into_iter().filter(|c| c.year <= this_year);
    named.next_back()
}

pub(crate) async fn home(State(s): State<AppState>) -> PageResult<HomePage> {
    let counts = s.store.counts().await?;
    let latest_events = s
        .store
        .events(
            &EventFilter::default(),
            PageRequest {
                limit: 5,
                offset: 0,
            },
        )
        .await?
        .items;
    Ok(HomePage {
        title: "Kota".into(),
        section: "home",
        counts,
        latest_events,
        chair: current_chair(s.store.chairmanship().await?),
    })
}

/// Figures the network published at one date.
pub(crate) struct Statistic {
    as_of: String,
    projects: String,
    cities: String,
    source: kota_domain::provenance::Source,
}

#[derive(Template, WebTemplate)]
#[template(path = "about.html")]
pub(crate) struct AboutPage {
    title: String,
    section: &'static str,
    governance: Vec<Passage>,
    twinning: Vec<Passage>,
    statistics: Vec<Statistic>,
}

pub(crate) async fn about(State(s): State<AppState>) -> PageResult<AboutPage> {
    let doc = |key: &'static str| {
        let store = s.store.clone();
        async move { store.document(key).await.map(|d| d.map(|d| d.body)) }
    };
    let statistics = match doc("network_stats").await? {
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .map(|i| {
                let field = |k: &str| {
                    i.get(k)
                        .map(|v| v.to_string().trim_matches('"').to_owned())
                        .unwrap_or_else(|| "—".into())
                };
                Statistic {
                    as_of: field("as_of"),
                    projects: field("projects"),
                    cities: field("cities"),
                    source: kota_domain::provenance::Source(field("source")),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(AboutPage {
        title: "About the network".into(),
        section: "about",
        governance: passages(
            doc("governance").await?.as_ref(),
            "Where the network's rules come from",
        ),
        twinning: passages(doc("twinning").await?.as_ref(), "Where this comes from"),
        statistics,
    })
}

/// A focus area with the projects tagged with it.
pub(crate) struct AreaWithProjects {
    area: FocusArea,
    projects: Vec<Project>,
}

#[derive(Template, WebTemplate)]
#[template(path = "framework.html")]
pub(crate) struct FrameworkPage {
    title: String,
    section: &'static str,
    outcomes: Vec<StrategicOutcome>,
    areas: Vec<AreaWithProjects>,
    elements: Vec<FrameworkElement>,
}

pub(crate) async fn framework(State(s): State<AppState>) -> PageResult<FrameworkPage> {
    let framework = s.store.framework().await?;
    // One query for every project, grouped here, rather than one per focus area.
    let projects = s
        .store
        .projects(&ProjectFilter::default(), PageRequest::all(), None)
        .await?
        .items;
    let areas = framework
        .focus_areas
        .into_iter()
        .map(|area| {
            let projects = projects
                .iter()
                .filter(|p| p.focus_areas.contains(&area.id))
                .cloned()
                .collect();
            AreaWithProjects { area, projects }
        })
        .collect();
    Ok(FrameworkPage {
        title: "Framework".into(),
        section: "framework",
        outcomes: framework.outcomes,
        areas,
        elements: framework.elements,
    })
}

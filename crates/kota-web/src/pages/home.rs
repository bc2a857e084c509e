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
    description: String,
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
    let chair = s.store.chairmanship().await?.into_iter().last();
    let description = s
        .store
        .document("about")
        .await?
        .and_then(|d| {
            d.body
                .get("description")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Ok(HomePage {
        title: "Kota".into(),
        section: "home",
        counts,
        latest_events,
        chair,
        description,
    })
}

/// A titled text of a network document.
pub(crate) struct Passage {
    heading: String,
    text: String,
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
    notes: Vec<Passage>,
    statistics: Vec<Statistic>,
}

/// The text passages of a JSON object, with readable headings; lists become `;`-joined text.
fn passages(body: Option<serde_json::Value>) -> Vec<Passage> {
    let Some(serde_json::Value::Object(map)) = body else {
        return Vec::new();
    };
    map.into_iter()
        .filter_map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => s.clone(),
                        other => other
                            .as_object()
                            .map(|o| {
                                o.values()
                                    .filter_map(|v| v.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" — ")
                            })
                            .unwrap_or_default(),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => return None,
            };
            let heading = key.replace('_', " ");
            let mut chars = heading.chars();
            let heading = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            Some(Passage { heading, text })
        })
        .collect()
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
        governance: passages(doc("governance").await?),
        twinning: passages(doc("twinning").await?),
        notes: passages(doc("about").await?),
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

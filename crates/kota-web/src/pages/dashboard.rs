//! The dashboard: the network in numbers, each chart an SVG with its table, whole for
//! coordinators and from public records for everyone else.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::dashboard::{Dashboard, Tally};

use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::charts::figure::{Chart, Row};
use crate::charts::{bars, heat};
use crate::error::PageResult;

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub(crate) struct DashboardPage {
    title: String,
    section: &'static str,
    d: Dashboard,
    areas: Vec<Chart>,
    heat: Chart,
    stages: Chart,
    years: Chart,
    twinnings: Chart,
    funnel: Option<Chart>,
}

/// Rows of tallies, each linked to `href(key)` when it gives an address.
fn tally_rows(tallies: &[Tally], href: impl Fn(&str) -> Option<String>) -> Vec<Row> {
    tallies
        .iter()
        .map(|t| Row {
            label: t.label.clone(),
            href: href(&t.key),
            values: vec![t.count],
        })
        .collect()
}

fn one(label: &str, value: u64) -> Row {
    Row {
        label: label.into(),
        href: None,
        values: vec![value],
    }
}

/// The charts of a dashboard.
fn page(d: Dashboard) -> DashboardPage {
    let area_rows = |count: fn(&kota_domain::dashboard::FocusAreaSupport) -> u64| {
        d.focus_areas
            .iter()
            .map(|a| Row {
                label: a.name.clone(),
                href: Some(format!("/projects?focus_area={}", a.id)),
                values: vec![count(a)],
            })
            .collect::<Vec<_>>()
    };
    let areas = vec![
        bars::chart(
            "projects-by-area",
            "Projects by focus area",
            vec!["Focus area".into(), "Projects".into()],
            &["Projects"],
            area_rows(|a| a.projects),
        ),
        bars::chart(
            "partners-by-area",
            "Partners offering support, by focus area",
            vec!["Focus area".into(), "Partners".into()],
            &["Partners"],
            area_rows(|a| a.partners),
        ),
    ];
    let columns: Vec<String> = d.focus_areas.iter().map(|a| a.name.clone()).collect();
    let heat = heat::chart(
        "state-areas",
        "Projects by member state and focus area",
        "Member state",
        &columns,
        d.state_areas
            .iter()
            .map(|s| Row {
                label: s.name.clone(),
                href: Some(format!("/member-states/{}", s.iso2)),
                values: s.projects.clone(),
            })
            .collect(),
    );
    let stages = bars::chart(
        "stages",
        "Projects by stage",
        vec!["Stage".into(), "Projects".into()],
        &["Projects"],
        tally_rows(&d.stages, |k| {
            (k != "none").then(|| format!("/projects?stage={k}"))
        }),
    );
    let years = bars::chart(
        "status-by-year",
        "Projects in each monitoring report, by reported status",
        vec![
            "Report year".into(),
            "Completed".into(),
            "Ongoing or planning".into(),
            "No status for the year".into(),
        ],
        &["Completed", "Ongoing or planning", "No status for the year"],
        d.status_by_year
            .iter()
            .map(|y| Row {
                label: y.year.to_string(),
                href: Some(format!("/reports/{}", y.year)),
                values: vec![y.completed, y.ongoing_or_planning, y.no_status],
            })
            .collect(),
    );
    let twinnings = bars::chart(
        "twinnings-by-state",
        "Twinnings by state",
        vec!["State".into(), "Twinnings".into()],
        &["Twinnings"],
        tally_rows(&d.twinnings_by_state, |k| {
            Some(format!("/twinnings?state={k}"))
        }),
    );
    let funnel = d.funnel.as_ref().map(|f| {
        bars::chart(
            "funnel",
            "Business matching, from interest to partnership",
            vec!["Step".into(), "Interests".into()],
            &["Interests"],
            vec![
                one("Submitted", f.submitted),
                one("Shortlisted", f.shortlisted),
                one("Agreed", f.agreed),
                one("Declined", f.declined),
                one("Withdrawn", f.withdrawn),
                one("Still open", f.open),
            ],
        )
    });
    DashboardPage {
        title: "Dashboard".into(),
        section: "dashboard",
        areas,
        heat,
        stages,
        years,
        twinnings,
        funnel,
        d,
    }
}

pub(crate) async fn dashboard(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
) -> PageResult<DashboardPage> {
    Ok(page(s.store.dashboard(who.as_ref()).await?))
}

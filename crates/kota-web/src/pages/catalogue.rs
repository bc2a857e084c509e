//! List pages with their filter forms: member states, cities, projects, partners, events.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use kota_domain::city::{City, CityRole};
use kota_domain::network::MemberState;
use kota_domain::page::PageRequest;
use kota_domain::partner::{Partner, PartnerKind};
use kota_domain::project::{Project, ReportedStatus, Seek, Stage};

use super::view::{AreaNames, Choice, Pager, thousands};
use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::{PageResult, Problem};
use crate::filters::{CityQuery, PageQuery, Params, PartnerQuery, ProjectQuery};
use crate::open_data::rows::StateLine;
use crate::open_data::{csv_file, csv_link};

#[derive(Template, WebTemplate)]
#[template(path = "member_states.html")]
pub(crate) struct MemberStatesPage {
    title: String,
    section: &'static str,
    states: Vec<(MemberState, u64)>,
}

/// Member states in the network's order, each with the number of its cities.
async fn states_with_counts(s: &AppState) -> Result<Vec<StateLine>, Problem> {
    let counts = s.store.cities_per_state().await?;
    Ok(s.store
        .member_states()
        .await?
        .into_iter()
        .map(|st| {
            let n = counts.get(&st.iso2).copied().unwrap_or(0);
            StateLine(st, n)
        })
        .collect())
}

pub(crate) async fn member_states(State(s): State<AppState>) -> PageResult<MemberStatesPage> {
    let states = states_with_counts(&s)
        .await?
        .into_iter()
        .map(|StateLine(st, n)| (st, n))
        .collect();
    Ok(MemberStatesPage {
        title: "Member states".into(),
        section: "states",
        states,
    })
}

/// `/member-states.csv`: the member states as CSV.
pub(crate) async fn member_states_csv(State(s): State<AppState>) -> Result<Response, Problem> {
    csv_file("member-states.csv", &states_with_counts(&s).await?)
}

/// Choices shared by several filter forms.
async fn country_choices(s: &AppState, current: &Option<String>) -> PageResult<Vec<Choice>> {
    let states = s.store.member_states().await?;
    Ok(Choice::list(
        states.into_iter().map(|st| (st.iso2, st.name)),
        current,
    ))
}

async fn area_choices(
    s: &AppState,
    current: &Option<String>,
) -> PageResult<(Vec<Choice>, AreaNames)> {
    let framework = s.store.framework().await?;
    let names = AreaNames::of(&framework);
    Ok((
        Choice::list(
            framework.focus_areas.into_iter().map(|f| (f.id, f.name)),
            current,
        ),
        names,
    ))
}

/// A city as a row of the list.
pub(crate) struct CityLine {
    city: City,
    population: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cities.html")]
pub(crate) struct CitiesPage {
    title: String,
    section: &'static str,
    cities: Vec<CityLine>,
    pager: Pager,
    countries: Vec<Choice>,
    roles: Vec<Choice>,
    areas: Vec<Choice>,
    cohorts: Vec<Choice>,
    q: String,
    csv: String,
}

pub(crate) async fn cities(
    State(s): State<AppState>,
    uri: Uri,
    Params(q): Params<CityQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<CitiesPage> {
    let filter = q.resolve(&s).await?;
    let page = s.store.cities(&filter, paging.page()?, None).await?;
    let pager = Pager::of(&page, "/cities", uri.query());
    let years = s.store.cohort_years().await?;
    Ok(CitiesPage {
        title: "Cities".into(),
        section: "cities",
        cities: page
            .items
            .into_iter()
            .map(|city| CityLine {
                population: city.population.map(thousands).unwrap_or_else(|| "—".into()),
                city,
            })
            .collect(),
        pager,
        countries: country_choices(&s, &q.country).await?,
        roles: Choice::list(
            CityRole::ALL.iter().map(|r| (r.as_str(), r.label())),
            &q.role,
        ),
        areas: area_choices(&s, &q.focus_area).await?.0,
        cohorts: Choice::list(
            years.into_iter().map(|y| {
                (
                    y.to_string(),
                    if y == 2018 {
                        "2018 (pilot)".to_owned()
                    } else {
                        y.to_string()
                    },
                )
            }),
            &q.cohort,
        ),
        q: q.q.unwrap_or_default(),
        csv: csv_link("/cities", uri.query()),
    })
}

/// `/cities.csv`: the cities `/cities` shows with the same filters, every page, as CSV.
pub(crate) async fn cities_csv(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<CityQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s).await?;
    let page = s
        .store
        .cities(&filter, PageRequest::all(), who.as_ref())
        .await?;
    csv_file("cities.csv", &page.items)
}

/// A project as a row of a list.
pub(crate) struct ProjectLine {
    pub(crate) project: Project,
    pub(crate) areas: Vec<super::view::AreaLabel>,
    pub(crate) status: String,
}

impl ProjectLine {
    pub(crate) fn new(project: Project, names: &AreaNames) -> Self {
        let status = status_text(&project);
        Self {
            areas: names.labels(&project.focus_areas),
            status,
            project,
        }
    }
}

/// How a project's status reads: the reports' words, with the report years.
pub(crate) fn status_text(p: &Project) -> String {
    let years: Vec<String> = p.report_years.iter().map(i32::to_string).collect();
    match (p.stage, p.reported_status) {
        (Some(stage), _) => stage.label().to_owned(),
        (None, Some(status)) if years.is_empty() => status.label().to_owned(),
        (None, Some(status)) => format!("{} (reports {})", status.label(), years.join(", ")),
        (None, None) if p.status_note.is_some() => "Not reported".to_owned(),
        (None, None) => "No status reported".to_owned(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "projects.html")]
pub(crate) struct ProjectsPage {
    title: String,
    section: &'static str,
    projects: Vec<ProjectLine>,
    pager: Pager,
    cities: Vec<Choice>,
    countries: Vec<Choice>,
    areas: Vec<Choice>,
    statuses: Vec<Choice>,
    stages: Vec<Choice>,
    support: Vec<Choice>,
    open: Vec<Choice>,
    q: String,
    csv: String,
}

pub(crate) async fn projects(
    State(s): State<AppState>,
    uri: Uri,
    Params(q): Params<ProjectQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<ProjectsPage> {
    let filter = q.resolve(&s).await?;
    let page = s.store.projects(&filter, paging.page()?, None).await?;
    let pager = Pager::of(&page, "/projects", uri.query());
    let (areas, names) = area_choices(&s, &q.focus_area).await?;
    let all_cities = s.store.city_refs().await?;
    let mut statuses: Vec<(String, String)> = ReportedStatus::ALL
        .iter()
        .map(|st| (st.as_str().to_owned(), st.label().to_owned()))
        .collect();
    statuses.push(("unreported".into(), "No status reported".into()));
    Ok(ProjectsPage {
        title: "Projects".into(),
        section: "projects",
        projects: page
            .items
            .into_iter()
            .map(|p| ProjectLine::new(p, &names))
            .collect(),
        pager,
        cities: Choice::list(all_cities.into_iter().map(|c| (c.slug, c.name)), &q.city),
        countries: country_choices(&s, &q.country).await?,
        areas,
        statuses: Choice::list(statuses, &q.status),
        stages: Choice::list(
            Stage::ALL
                .iter()
                .map(|st| (st.as_str().to_owned(), st.label().to_owned())),
            &q.stage,
        ),
        support: Choice::list(
            Seek::ALL
                .iter()
                .map(|k| (k.as_str().to_owned(), k.label().to_owned())),
            &q.support_sought,
        ),
        open: Choice::list(
            [
                ("true".to_owned(), "Open".to_owned()),
                ("false".to_owned(), "Not open".to_owned()),
            ],
            &q.open_to_private_investment,
        ),
        q: q.q.unwrap_or_default(),
        csv: csv_link("/projects", uri.query()),
    })
}

/// `/projects.csv`: the projects `/projects` shows with the same filters, every page, as CSV
/// (amounts a city keeps confidential only for those who may read them).
pub(crate) async fn projects_csv(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    Params(q): Params<ProjectQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s).await?;
    let page = s
        .store
        .projects(&filter, PageRequest::all(), who.as_ref())
        .await?;
    csv_file("projects.csv", &page.items)
}

/// A partner as a row of the list.
pub(crate) struct PartnerLine {
    partner: Partner,
    areas: Vec<super::view::AreaLabel>,
}

#[derive(Template, WebTemplate)]
#[template(path = "partners.html")]
pub(crate) struct PartnersPage {
    title: String,
    section: &'static str,
    partners: Vec<PartnerLine>,
    pager: Pager,
    kinds: Vec<Choice>,
    areas: Vec<Choice>,
    q: String,
    csv: String,
}

pub(crate) async fn partners(
    State(s): State<AppState>,
    uri: Uri,
    Params(q): Params<PartnerQuery>,
    Params(paging): Params<PageQuery>,
) -> PageResult<PartnersPage> {
    let filter = q.resolve(&s).await?;
    let page = s.store.partners(&filter, paging.page()?).await?;
    let pager = Pager::of(&page, "/partners", uri.query());
    let (areas, names) = area_choices(&s, &q.focus_area).await?;
    Ok(PartnersPage {
        title: "Partners".into(),
        section: "partners",
        partners: page
            .items
            .into_iter()
            .map(|p| PartnerLine {
                areas: names.labels(&p.focus_areas),
                partner: p,
            })
            .collect(),
        pager,
        kinds: Choice::list(
            PartnerKind::ALL.iter().map(|k| (k.as_str(), k.label())),
            &q.kind,
        ),
        areas,
        q: q.q.unwrap_or_default(),
        csv: csv_link("/partners", uri.query()),
    })
}

/// `/partners.csv`: the partners `/partners` shows with the same filters, every page, as CSV.
pub(crate) async fn partners_csv(
    State(s): State<AppState>,
    Params(q): Params<PartnerQuery>,
) -> Result<Response, Problem> {
    let filter = q.resolve(&s).await?;
    let page = s.store.partners(&filter, PageRequest::all()).await?;
    csv_file("partners.csv", &page.items)
}

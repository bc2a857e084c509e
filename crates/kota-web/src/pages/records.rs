//! Pages of single records: a member state, a city, a project, a partner, an event.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::comment::{Comment, closed_because, may_answer, side_of, threads};
use kota_domain::event::Decision;
use kota_domain::ids::Key;
use kota_domain::network::MemberState;
use kota_domain::page::PageRequest;
use kota_domain::partner::Partner;
use kota_domain::project::{Project, ProjectUpdate};
use kota_domain::suggestion::Suggestions;
use kota_domain::twinning::Twinning;
use kota_domain::views::CityDetail;
use kota_store::filter::{CityFilter, TwinningFilter};
use kota_store::records::story::StoryFilter;

use super::stories::Stories;
use kota_store::matching::{DEFAULT_SUGGESTIONS, SuggestionsFor};

use super::catalogue::{ProjectLine, status_text};
use super::view::{AreaLabel, AreaNames, thousands};
use crate::AppState;
use crate::auth::{CsrfToken, OptionalPrincipal};
use crate::error::PageResult;
use crate::error::Problem;
use crate::extract::KeyPath;

#[derive(Template, WebTemplate)]
#[template(path = "member_state.html")]
pub(crate) struct MemberStatePage {
    title: String,
    section: &'static str,
    state: MemberState,
    cities: Vec<City>,
    map: Option<crate::map::MapView>,
}

pub(crate) async fn member_state(
    State(s): State<AppState>,
    KeyPath(iso2): KeyPath,
) -> PageResult<MemberStatePage> {
    let code = iso2.to_string().to_ascii_uppercase();
    let state = s
        .store
        .member_state(&code)
        .await?
        .ok_or_else(|| Problem::not_found("member state", &iso2))?;
    let filter = CityFilter {
        country: Some(code),
        ..Default::default()
    };
    let cities = s
        .store
        .cities(&filter, PageRequest::all(), None)
        .await?
        .items;
    let map = super::map::map_of(&s, &cities, &state.name).await?;
    Ok(MemberStatePage {
        title: state.name.clone(),
        section: "states",
        state,
        cities,
        map,
    })
}

/// Projects of one focus area, as the city page groups them.
pub(crate) struct ProjectGroup {
    area: AreaLabel,
    projects: Vec<ProjectLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "city.html")]
pub(crate) struct CityPage {
    title: String,
    section: &'static str,
    may_edit: bool,
    may_manage: bool,
    d: CityDetail,
    population: String,
    plan_areas: Vec<AreaLabel>,
    groups: Vec<ProjectGroup>,
    twinnings: Vec<Twinning>,
    suggestions: Suggestions,
    decisions: Vec<Decision>,
    stories: Stories,
    peers: kota_domain::peers::CityPeers,
}

pub(crate) async fn city(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<CityPage> {
    let d = s
        .store
        .city_detail(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("city", &key))?;
    let framework = s.store.framework().await?;
    let names = AreaNames::of(&framework);
    let mut groups: Vec<ProjectGroup> = framework
        .focus_areas
        .iter()
        .map(|f| ProjectGroup {
            area: AreaLabel {
                id: f.id.clone(),
                name: f.name.clone(),
            },
            projects: Vec::new(),
        })
        .collect();
    for p in &d.projects {
        let first = p.focus_areas.first().cloned().unwrap_or_default();
        if let Some(g) = groups.iter_mut().find(|g| g.area.id == first) {
            g.projects.push(ProjectLine::new(p.clone(), &names));
        }
    }
    groups.retain(|g| !g.projects.is_empty());
    let plan_areas = d
        .action_plan
        .as_ref()
        .map(|p| names.labels(&p.focus_areas))
        .unwrap_or_default();
    Ok(CityPage {
        title: d.city.name.clone(),
        section: "cities",
        may_edit: who
            .as_ref()
            .is_some_and(|w| w.may_edit_city(d.city.id, &d.city.country_iso2)),
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
        population: d
            .city
            .population
            .map(thousands)
            .unwrap_or_else(|| "not known".into()),
        plan_areas,
        groups,
        twinnings: twinnings_of(&s, Some(d.city.id), None, who.as_ref()).await?,
        suggestions: suggestions(&s, SuggestionsFor::City, d.city.id, who.as_ref()).await?,
        decisions: s.store.city_decisions(d.city.id).await?,
        stories: Stories::of(
            &s,
            StoryFilter {
                city: Some(d.city.id),
                ..Default::default()
            },
            format!("/stories?city={}", d.city.slug),
            who.as_ref(),
        )
        .await?,
        peers: super::stories::peers_of(&s, d.city.id, who.as_ref()).await?,
        d,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "project.html")]
pub(crate) struct ProjectPage {
    title: String,
    section: &'static str,
    project: Project,
    areas: Vec<AreaLabel>,
    status: String,
    history: Vec<(String, String)>,
    updates: Vec<ProjectUpdate>,
    may_edit: bool,
    may_manage: bool,
    /// Comments, each with its answers.
    threads: Vec<(Comment, Vec<Comment>)>,
    /// Why the project takes no comments now.
    comments_closed: Option<String>,
    /// Whether the viewer may comment (signed in with a role that may).
    may_comment: bool,
    /// Whether the viewer answers for the city (or coordinates).
    may_answer: bool,
    signed_in: bool,
    csrf: CsrfToken,
    business: super::interests::ProjectBusiness,
    stories: Stories,
    /// Records of its city likely the same project (for those who may merge them).
    same_project: Vec<kota_domain::similarity::SimilarProject>,
    /// Similar projects in other cities.
    elsewhere: Vec<kota_domain::similarity::SimilarProject>,
}

/// A project's page; an old link to a record merged into another leads (308) to that one.
pub(crate) async fn project(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> Result<axum::response::Response, crate::error::PageError> {
    use axum::response::IntoResponse;
    let Some((project, comments)) = s.store.project_comments(&key, who.as_ref()).await? else {
        return match s.store.merged_project_slug(&key).await? {
            Some(slug) => Ok(
                axum::response::Redirect::permanent(&format!("/projects/{slug}")).into_response(),
            ),
            None => Err(Problem::not_found("project", &key).into()),
        };
    };
    let names = AreaNames::of(&s.store.framework().await?);
    let (same_project, elsewhere) = s
        .store
        .similar_projects(&Key::Id(project.id), who.as_ref())
        .await?
        .unwrap_or_default()
        .into_iter()
        .partition(|i| i.same_project);
    let history = project
        .focus_area_history
        .iter()
        .map(|(year, id)| {
            (
                year.clone(),
                names.labels(std::slice::from_ref(id)).remove(0).name,
            )
        })
        .collect();
    Ok(ProjectPage {
        title: project.title.clone(),
        section: "projects",
        areas: names.labels(&project.focus_areas),
        status: status_text(&project),
        history,
        updates: s.store.project_updates(project.id).await?,
        may_edit: who
            .as_ref()
            .is_some_and(|w| w.may_edit_city(project.city.id, &project.city.country_iso2)),
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
        threads: threads(comments),
        comments_closed: closed_because(&project),
        may_comment: who.as_ref().is_some_and(|w| side_of(w, &project).is_some()),
        may_answer: who.as_ref().is_some_and(|w| may_answer(w, &project)),
        signed_in: who.is_some(),
        csrf,
        business: super::interests::ProjectBusiness::of(&s, &project, who.as_ref()).await?,
        stories: Stories::of(
            &s,
            StoryFilter {
                project: Some(project.id),
                ..Default::default()
            },
            format!("/stories?project={}", project.slug),
            who.as_ref(),
        )
        .await?,
        same_project,
        elsewhere,
        project,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "partner.html")]
pub(crate) struct PartnerPage {
    title: String,
    section: &'static str,
    partner: Partner,
    areas: Vec<AreaLabel>,
    strengths: Vec<(String, i32)>,
    may_edit: bool,
    may_manage: bool,
    twinnings: Vec<Twinning>,
    suggestions: Suggestions,
    business: super::interests::PartnerBusiness,
    stories: Stories,
}

pub(crate) async fn partner(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<PartnerPage> {
    let partner = s
        .store
        .partner(&key)
        .await?
        .ok_or_else(|| Problem::not_found("partner", &key))?;
    let names = AreaNames::of(&s.store.framework().await?);
    Ok(PartnerPage {
        title: partner.name.clone(),
        section: "partners",
        areas: names.labels(&partner.focus_areas),
        strengths: partner
            .profile
            .strengths
            .iter()
            .map(|(id, v)| (names.labels(std::slice::from_ref(id)).remove(0).name, *v))
            .collect(),
        may_edit: who.as_ref().is_some_and(|w| w.may_edit_partner(partner.id)),
        may_manage: who.as_ref().is_some_and(Principal::may_manage_network),
        twinnings: twinnings_of(&s, None, Some(partner.id), who.as_ref()).await?,
        suggestions: suggestions(&s, SuggestionsFor::Partner, partner.id, who.as_ref()).await?,
        business: super::interests::PartnerBusiness::of(&s, &partner, who.as_ref()).await?,
        stories: Stories::of(
            &s,
            StoryFilter {
                partner: Some(partner.id),
                ..Default::default()
            },
            format!("/stories?partner={}", partner.slug),
            who.as_ref(),
        )
        .await?,
        partner,
    })
}

/// The counterparts that fit a city or a partner best, explained with what `who` may see.
async fn suggestions(
    s: &AppState,
    side: SuggestionsFor,
    id: uuid::Uuid,
    who: Option<&Principal>,
) -> PageResult<Suggestions> {
    Ok(s.store
        .suggestions(side, &Key::Id(id), DEFAULT_SUGGESTIONS, who)
        .await?
        .unwrap_or(Suggestions { items: Vec::new() }))
}

/// The twinnings of a city or a partner that `who` may see.
async fn twinnings_of(
    s: &AppState,
    city: Option<uuid::Uuid>,
    partner: Option<uuid::Uuid>,
    who: Option<&Principal>,
) -> PageResult<Vec<Twinning>> {
    let filter = TwinningFilter {
        city,
        partner,
        ..Default::default()
    };
    Ok(s.store
        .twinnings(&filter, PageRequest::all(), who)
        .await?
        .items)
}

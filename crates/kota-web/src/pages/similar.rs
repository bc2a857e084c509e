//! One project, listed once: the confirm step and the form that merge a record into the
//! project it duplicates, and the coordinators' list of merge candidates across the network.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::Principal;
use kota_domain::ids::Key;
use kota_domain::project::Project;
use kota_domain::similarity::SimilarPair;
use kota_store::records::project_merge::MergeProject;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::error::{PageError, PageResult, Problem};
use crate::extract::{KeyPath, parse_key};
use crate::filters::Params;
use crate::forms::{EditForm, Fields, FormKey, FormValues};
use crate::pages::edit::project::NewProjectForm;

/// `?into=` of the confirm step.
#[derive(Debug, Deserialize)]
pub(crate) struct IntoQuery {
    /// The id or slug of the surviving project.
    into: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "project_merge.html")]
pub(crate) struct MergePage {
    title: String,
    section: &'static str,
    merged: Project,
    survivor: Project,
    reason: Option<String>,
    csrf: CsrfToken,
}

/// The two records of a merge `who` may make; 404 when one is missing, 403 when not theirs.
async fn pair(
    s: &AppState,
    who: &Principal,
    key: &Key,
    into: &Key,
) -> Result<(Project, Project), PageError> {
    let merged = s
        .store
        .project(key, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("project", key))?;
    let survivor = s
        .store
        .project(into, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("project", into))?;
    if !kota_domain::similarity::merge::may_merge(who, &merged) {
        return Err(
            Problem::forbidden("merging is for coordinators and the city's officers").into(),
        );
    }
    Ok((merged, survivor))
}

/// `GET /projects/{key}/merge?into=`: what the merge keeps, to confirm.
pub(crate) async fn confirm(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
    Params(q): Params<IntoQuery>,
) -> PageResult<MergePage> {
    let into = parse_key(&q.into)?;
    let (merged, survivor) = pair(&s, &who, &key, &into).await?;
    let reason = s
        .store
        .similar_projects(&Key::Id(survivor.id), Some(&who))
        .await?
        .unwrap_or_default()
        .into_iter()
        .find(|i| i.project.id == merged.id)
        .map(|i| i.reason);
    Ok(MergePage {
        title: format!("Merge “{}” into “{}”", merged.title, survivor.title),
        section: "projects",
        merged,
        survivor,
        reason,
        csrf,
    })
}

/// `POST /projects/{key}/merge`: merges, then shows the survivor.
pub(crate) async fn merge(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    KeyPath(key): KeyPath,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let into = parse_key(values.text("into"))?;
    let version = values.text("version").parse::<i32>().ok();
    let edit = MergeProject { project: key, into };
    let survivor = s
        .store
        .apply_edit(&who, edit, version)
        .await
        .map_err(Problem::from)?;
    Ok(Redirect::to(&format!("/projects/{}", survivor.slug)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "project_duplicates.html")]
pub(crate) struct DuplicatesPage {
    title: String,
    section: &'static str,
    pairs: Vec<SimilarPair>,
}

/// `GET /projects/duplicates`: every merge candidate of the network (coordinators).
pub(crate) async fn duplicates(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
) -> PageResult<DuplicatesPage> {
    if !who.is_coordinator() {
        return Err(Problem::forbidden("the list of merge candidates is for coordinators").into());
    }
    Ok(DuplicatesPage {
        title: "Possibly the same project".into(),
        section: "projects",
        pairs: s.store.merge_candidates().await?,
    })
}

/// `POST /cities/{key}/projects/new`: before saving, a check step shows similar projects
/// elsewhere (and records of the city likely the same project); submitting again saves.
pub(crate) async fn new_project(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    FormKey(key): FormKey,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    if !values.checked("similar_seen")
        && let Some(city_key) = &key
        && let Some(page) = check_step(&s, &who, &csrf, city_key, &values).await?
    {
        return Ok(page);
    }
    crate::forms::submit::<NewProjectForm>(
        State(s),
        RequiredPrincipal(who),
        csrf,
        FormKey(key),
        CsrfForm(values),
    )
    .await
}

/// The form again with the similar projects of the draft it holds; none when the draft has
/// errors to show first, or nothing is alike.
async fn check_step(
    s: &AppState,
    who: &Principal,
    csrf: &CsrfToken,
    city_key: &Key,
    values: &FormValues,
) -> Result<Option<Response>, PageError> {
    let city = NewProjectForm::load(s, who, Some(city_key)).await?;
    let choices = NewProjectForm::choices(s).await?;
    let (input, unread) = NewProjectForm::input(&choices, values);
    // Only a draft that would save is checked: a form with errors shows them first.
    let valid = unread.is_empty() && input.check(&input.focus_areas).is_ok();
    if !valid || !who.may_edit_city(city.id, &city.country_iso2) {
        return Ok(None);
    }
    let draft = kota_domain::edit::DraftProject {
        city: city.slug.clone(),
        title: input.title.clone(),
        description: input.description.clone(),
        focus_areas: input.focus_areas.clone(),
        stage: input.stage,
        support_sought: input.support_sought.clone(),
    };
    let similar = s
        .store
        .similar_to_draft(&draft.profile(city.clone()), Some(who))
        .await?;
    if similar.is_empty() {
        return Ok(None);
    }
    let build = |f: &mut Fields<'_>| NewProjectForm::fields(&choices, f);
    let mut page = NewProjectForm::spec(&city, &build).page(csrf.clone(), values, &[], None);
    page.similar = similar;
    Ok(Some(page.into_response()))
}

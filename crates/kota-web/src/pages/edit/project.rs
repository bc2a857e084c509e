//! Forms of a project: create one for a city, edit it, and record a dated change of stage or
//! progress (the city's officers, its national representative, coordinators).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::edit::{FieldError, ProjectInput, ProjectUpdateInput};
use kota_domain::project::{Milestone, Project, Seek, Stage};

use super::{allow, area_choices, borrowed, vocabulary};
use crate::AppState;
use crate::api::plans::city_of;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::forms::{Fields, FormSpec, FormValues, Kind, answer, save, version_of};
use crate::pages::PageError;
use crate::problem::Problem;

/// The project `key` names, if `who` may change it.
async fn editable(s: &AppState, who: &Principal, key: &str) -> Result<Project, PageError> {
    let project = s
        .store
        .project(key, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("project", key))?;
    allow(who.may_edit_city(project.city.id, &project.city.country_iso2))?;
    Ok(project)
}

/// A milestone as a line of the milestones box: `title | due date | done date`.
fn milestone_line(m: &Milestone) -> String {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    format!("{} | {} | {}", m.title, date(m.due_on), date(m.done_on))
        .trim_end_matches([' ', '|'])
        .to_owned()
}

fn milestones(v: &FormValues, errors: &mut Vec<FieldError>) -> Vec<Milestone> {
    let mut out = Vec::new();
    for (i, line) in v.lines("milestones").iter().enumerate() {
        let mut parts = line.split('|').map(str::trim);
        let title = parts.next().unwrap_or_default().to_owned();
        let mut date = |what: &str| -> Option<NaiveDate> {
            let text = parts.next().filter(|t| !t.is_empty())?;
            let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if parsed.is_none() {
                errors.push(FieldError {
                    field: format!("milestones[{i}]"),
                    message: format!("line {}: the {what} date `{text}` is not YYYY-MM-DD", i + 1),
                });
            }
            parsed
        };
        let due_on = date("due");
        let done_on = date("done");
        out.push(Milestone {
            title,
            due_on,
            done_on,
        });
    }
    out
}

fn project_values(p: &Project) -> FormValues {
    let mut v = FormValues::default();
    v.set("title", Some(p.title.clone()))
        .set("description", p.description.clone())
        .set_all("focus_areas", &p.focus_areas)
        .set("stage", p.stage.map(|s| s.as_str().to_owned()))
        .set("currency", p.currency.clone())
        .set("budget", p.budget.map(|b| b.to_string()))
        .set("funding_gap", p.funding_gap.map(|b| b.to_string()))
        .set(
            "budget_confidential",
            p.budget_confidential.then(|| "on".to_owned()),
        )
        .set_all("seeks", p.seeks.iter().map(|s| s.as_str()))
        .set(
            "commercially_viable",
            p.commercially_viable
                .map(|b| if b { "yes" } else { "no" }.to_owned()),
        )
        .set("viability_rationale", p.viability_rationale.clone())
        .set("confidential_notes", p.confidential_notes.clone())
        .set(
            "milestones",
            Some(
                p.milestones
                    .iter()
                    .map(milestone_line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        )
        .set("version", Some(p.version.to_string()));
    v
}

fn project_input(v: &FormValues) -> (ProjectInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let input = ProjectInput {
        title: v.text("title").to_owned(),
        description: v.opt("description"),
        focus_areas: v.all("focus_areas"),
        stage: v.choice("stage", Stage::parse, &mut errors),
        currency: v.opt("currency"),
        budget: v.number("budget", &mut errors),
        funding_gap: v.number("funding_gap", &mut errors),
        budget_confidential: v.checked("budget_confidential"),
        seeks: v.choices("seeks", Seek::parse, &mut errors),
        commercially_viable: v.choice(
            "commercially_viable",
            |s| match s {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            &mut errors,
        ),
        viability_rationale: v.opt("viability_rationale"),
        confidential_notes: v.opt("confidential_notes"),
        milestones: milestones(v, &mut errors),
    };
    (input, errors)
}

/// The choices a project form offers.
struct Choices {
    areas: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    seeks: Vec<(String, String)>,
    viable: Vec<(String, String)>,
}

impl Choices {
    async fn load(s: &AppState) -> Result<Self, PageError> {
        Ok(Self {
            areas: area_choices(&s.store.framework().await?),
            stages: vocabulary(Stage::ALL, Stage::as_str, Stage::label),
            seeks: vocabulary(Seek::ALL, Seek::as_str, Seek::label),
            viable: vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
        })
    }

    fn project_fields(&self) -> impl Fn(&mut Fields<'_>) + '_ {
        move |f| {
            f.input("title", "Title", Kind::Text).required();
            f.input("description", "Description", Kind::TextArea);
            f.pick(
                "focus_areas",
                "Focus areas of the framework",
                true,
                borrowed(&self.areas),
            )
            .help("At least one.");
            f.pick("stage", "Stage", false, borrowed(&self.stages));
            f.input("currency", "Currency", Kind::Text)
                .help("ISO 4217 code, e.g. USD, THB, VND; required with an amount.");
            f.input("budget", "Budget", Kind::Number)
                .help("Whole units of the currency.");
            f.input("funding_gap", "Funding still sought", Kind::Number)
                .help("Whole units; at most the budget.");
            f.input(
                "budget_confidential",
                "Keep the amounts confidential (seen only by the city and coordinators)",
                Kind::Checkbox,
            );
            f.pick(
                "seeks",
                "What the project seeks",
                true,
                borrowed(&self.seeks),
            );
            f.pick(
                "commercially_viable",
                "Commercially viable?",
                false,
                borrowed(&self.viable),
            )
            .help("Leave empty when not assessed.");
            f.input(
                "viability_rationale",
                "Why (required when viable)",
                Kind::TextArea,
            );
            f.input(
                "confidential_notes",
                "Confidential notes (the city and coordinators only)",
                Kind::TextArea,
            );
            f.input("milestones", "Milestones", Kind::TextArea)
                .help("One per line: title | due date | done date (dates YYYY-MM-DD, optional).");
        }
    }
}

fn project_spec<'a>(
    title: String,
    action: String,
    back: (String, String),
    build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
) -> FormSpec<'a> {
    FormSpec {
        title,
        section: "projects",
        action,
        intro: None,
        back_href: back.0,
        back_label: back.1,
        submit: "Save the project",
        build,
    }
}

fn new_spec<'a>(city: &CityRef, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    project_spec(
        format!("New project of {}", city.name),
        format!("/cities/{}/projects/new", city.slug),
        (format!("/cities/{}", city.slug), city.name.clone()),
        build,
    )
}

fn edit_spec<'a>(p: &Project, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    project_spec(
        format!("Edit {}", p.title),
        format!("/projects/{}/edit", p.slug),
        (format!("/projects/{}", p.slug), p.title.clone()),
        build,
    )
}

async fn city_to_add_to(s: &AppState, who: &Principal, key: &str) -> Result<CityRef, PageError> {
    let city = city_of(s, key).await?;
    allow(who.may_edit_city(city.id, &city.country_iso2))?;
    Ok(city)
}

/// `GET /cities/{key}/projects/new`.
pub(crate) async fn new(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let city = city_to_add_to(&s, &who, &key).await?;
    let choices = Choices::load(&s).await?;
    let build = choices.project_fields();
    Ok(new_spec(&city, &build)
        .page(csrf, &FormValues::default(), &[], None)
        .into_response())
}

/// `POST /cities/{key}/projects/new`.
pub(crate) async fn create(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let city = city_to_add_to(&s, &who, &key).await?;
    let choices = Choices::load(&s).await?;
    let build = choices.project_fields();
    let result = save(project_input(&values), async |input| {
        s.store.create_project(&who, &key, &input).await
    })
    .await?;
    answer(
        result,
        &new_spec(&city, &build),
        csrf,
        &values,
        async || Ok(FormValues::default()),
        |p: &Project| format!("/projects/{}", p.slug),
    )
    .await
}

/// `GET /projects/{key}/edit`.
pub(crate) async fn edit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let project = editable(&s, &who, &key).await?;
    let choices = Choices::load(&s).await?;
    let build = choices.project_fields();
    Ok(edit_spec(&project, &build)
        .page(csrf, &project_values(&project), &[], Some(project.version))
        .into_response())
}

/// `POST /projects/{key}/edit`.
pub(crate) async fn update(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let project = editable(&s, &who, &key).await?;
    let version = version_of(&values)?;
    let choices = Choices::load(&s).await?;
    let build = choices.project_fields();
    let result = save(project_input(&values), async |input| {
        s.store
            .update_project(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || Ok(project_values(&editable(&s, &who, &key).await?));
    answer(
        result,
        &edit_spec(&project, &build),
        csrf,
        &values,
        stored,
        |p: &Project| format!("/projects/{}", p.slug),
    )
    .await
}

fn progress_input(v: &FormValues) -> (ProjectUpdateInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let on_date = match NaiveDate::parse_from_str(v.text("on_date").trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError {
                field: "on_date".into(),
                message: "a date as YYYY-MM-DD is required".into(),
            });
            None
        }
    };
    let input = ProjectUpdateInput {
        on_date: on_date.unwrap_or_default(),
        stage: v.choice("stage", Stage::parse, &mut errors),
        progress: v.number("progress", &mut errors),
        note: v.text("note").to_owned(),
    };
    (input, errors)
}

fn progress_spec<'a>(p: &Project, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    FormSpec {
        title: format!("Progress of {}", p.title),
        section: "projects",
        action: format!("/projects/{}/progress", p.slug),
        intro: Some(
            "A dated change of stage, a progress figure, or both, with a note of what happened."
                .into(),
        ),
        back_href: format!("/projects/{}", p.slug),
        back_label: p.title.clone(),
        submit: "Record the progress",
        build,
    }
}

impl Choices {
    fn progress_fields(&self) -> impl Fn(&mut Fields<'_>) + '_ {
        move |f| {
            f.input("on_date", "Date", Kind::Date)
                .required()
                .help("YYYY-MM-DD.");
            f.pick("stage", "New stage", false, borrowed(&self.stages))
                .help("Leave empty when the stage stays.");
            f.input("progress", "Progress (percent)", Kind::Number);
            f.input("note", "What happened", Kind::TextArea).required();
        }
    }
}

/// `GET /projects/{key}/progress`.
pub(crate) async fn progress(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let project = editable(&s, &who, &key).await?;
    let choices = Choices::load(&s).await?;
    let build = choices.progress_fields();
    let mut values = FormValues::default();
    values.set("on_date", Some(chrono::Utc::now().date_naive().to_string()));
    Ok(progress_spec(&project, &build)
        .page(csrf, &values, &[], Some(project.version))
        .into_response())
}

/// `POST /projects/{key}/progress`.
pub(crate) async fn record_progress(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let project = editable(&s, &who, &key).await?;
    let version = version_of(&values)?;
    let choices = Choices::load(&s).await?;
    let build = choices.progress_fields();
    let result = save(progress_input(&values), async |input| {
        s.store
            .add_project_update(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || {
        let p = editable(&s, &who, &key).await?;
        let mut v = FormValues::default();
        v.set("stage", p.stage.map(|s| s.as_str().to_owned()));
        Ok(v)
    };
    answer(
        result,
        &progress_spec(&project, &build),
        csrf,
        &values,
        stored,
        |p: &Project| format!("/projects/{}", p.slug),
    )
    .await
}

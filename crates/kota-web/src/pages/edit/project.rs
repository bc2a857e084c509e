//! Forms of a project: create one for a city, edit it, and record a dated change of stage or
//! progress (the city's officers, its national representative, coordinators).

use chrono::NaiveDate;
use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::edit::{Code, FieldError, ProjectInput, ProjectUpdateInput};
use kota_domain::ids::Key;
use kota_domain::money::Money;
use kota_domain::project::{Milestone, Project, Seek, Stage};
use kota_store::records::project::{CreateProject, RecordProgress, UpdateProject};

use super::{area_choices, borrowed, vocabulary};
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};
use crate::plan_versions::city_of;

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
                errors.push(FieldError::new(
                    format!("milestones[{i}]"),
                    Code::InvalidFormat,
                    format!(
                        "Line {}: give the {what} date as YYYY-MM-DD (“{text}” is not one)",
                        i + 1
                    ),
                ));
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
        .set(
            "currency",
            p.budget
                .as_ref()
                .or(p.funding_gap.as_ref())
                .map(|m| m.currency.clone()),
        )
        .set("budget", p.budget.as_ref().map(|m| m.amount.to_string()))
        .set(
            "funding_gap",
            p.funding_gap.as_ref().map(|m| m.amount.to_string()),
        )
        .set(
            "budget_confidential",
            p.budget_confidential.then(|| "on".to_owned()),
        )
        .set_all(
            "support_sought",
            p.support_sought.iter().map(|s| s.as_str()),
        )
        .set(
            "open_to_private_investment",
            p.open_to_private_investment.then(|| "on".to_owned()),
        )
        .set("viability_rationale", p.viability_rationale.clone())
        .set("deadline", p.deadline.map(|d| d.to_string()))
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

/// The amount in field `name`, in the form's one currency; an amount without a currency adds
/// an error naming the currency field.
fn amount(v: &FormValues, name: &str, errors: &mut Vec<FieldError>) -> Option<Money> {
    let amount = v.number(name, errors)?;
    let Some(currency) = v.opt("currency") else {
        errors.push(FieldError::new(
            "currency",
            Code::Required,
            "Give the currency of the amounts as an ISO 4217 code, e.g. USD",
        ));
        return None;
    };
    Some(Money { amount, currency })
}

fn project_input(v: &FormValues) -> (ProjectInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let input = ProjectInput {
        title: v.text("title").to_owned(),
        description: v.opt("description"),
        focus_areas: v.all("focus_areas"),
        stage: v.choice("stage", Stage::parse, &mut errors),
        budget: amount(v, "budget", &mut errors),
        funding_gap: amount(v, "funding_gap", &mut errors),
        budget_confidential: v.checked("budget_confidential"),
        support_sought: v.choices("support_sought", Seek::parse, &mut errors),
        open_to_private_investment: v.checked("open_to_private_investment"),
        viability_rationale: v.opt("viability_rationale"),
        deadline: v
            .opt("deadline")
            .and_then(|_| v.date("deadline", &mut errors)),
        confidential_notes: v.opt("confidential_notes"),
        milestones: milestones(v, &mut errors),
    };
    (input, errors)
}

/// The choices a project form offers.
pub(crate) struct Choices {
    areas: Vec<(String, String)>,
    stages: Vec<(String, String)>,
    seeks: Vec<(String, String)>,
}

impl Choices {
    async fn load(s: &AppState) -> Result<Self, PageError> {
        Ok(Self {
            areas: area_choices(&s.store.framework().await?),
            stages: vocabulary(Stage::ALL, Stage::as_str, Stage::label),
            seeks: vocabulary(Seek::ALL, Seek::as_str, Seek::label),
        })
    }

    fn project_fields(&self, f: &mut Fields<'_>) {
        {
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
                "support_sought",
                "Support the project seeks",
                true,
                borrowed(&self.seeks),
            );
            f.input(
                "open_to_private_investment",
                "Open to private investment (the city regards it as commercially viable)",
                Kind::Checkbox,
            );
            f.input(
                "viability_rationale",
                "What makes it commercially viable (required when open to private investment)",
                Kind::TextArea,
            );
            f.input("deadline", "Deadline for the support", Kind::Date)
                .help("YYYY-MM-DD, optional.");
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

fn progress_input(v: &FormValues) -> (ProjectUpdateInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let on_date = v.date("on_date", &mut errors);
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
    fn progress_fields(&self, f: &mut Fields<'_>) {
        {
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

/// The project the path names, as `who` may see it.
async fn project_for(
    s: &AppState,
    who: &Principal,
    key: Option<&Key>,
) -> Result<Project, PageError> {
    let key = key.ok_or_else(|| Problem::invalid_path("no project named"))?;
    s.store
        .project(key, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("project", key).into())
}

fn saved(p: &Project) -> String {
    format!("/projects/{}", p.slug)
}

/// A new project of a city: `/cities/{key}/projects/new`.
pub(crate) struct NewProjectForm;

impl EditForm for NewProjectForm {
    type Edit = CreateProject;
    type Choices = Choices;
    type Input = ProjectInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<CityRef, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no city named"))?;
        Ok(city_of(s, key).await?)
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.project_fields(f);
    }

    fn spec<'a>(city: &CityRef, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        new_spec(city, build)
    }

    fn values(_: &CityRef) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (ProjectInput, Vec<FieldError>) {
        project_input(values)
    }

    fn edit(city: &CityRef, input: ProjectInput) -> CreateProject {
        CreateProject {
            city: Key::Id(city.id),
            input,
        }
    }

    fn done(_: &CityRef, p: &Project) -> String {
        saved(p)
    }
}

/// A project's fields: `/projects/{key}/edit`.
pub(crate) struct ProjectForm;

impl EditForm for ProjectForm {
    type Edit = UpdateProject;
    type Choices = Choices;
    type Input = ProjectInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Project, PageError> {
        project_for(s, who, key).await
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.project_fields(f);
    }

    fn spec<'a>(p: &Project, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        edit_spec(p, build)
    }

    fn values(p: &Project) -> FormValues {
        project_values(p)
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (ProjectInput, Vec<FieldError>) {
        project_input(values)
    }

    fn edit(p: &Project, input: ProjectInput) -> UpdateProject {
        UpdateProject {
            project: Key::Id(p.id),
            input,
        }
    }

    fn done(_: &Project, p: &Project) -> String {
        saved(p)
    }
}

/// A dated change of stage or progress report: `/projects/{key}/progress`.
pub(crate) struct ProgressForm;

impl EditForm for ProgressForm {
    type Edit = RecordProgress;
    type Choices = Choices;
    type Input = ProjectUpdateInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Project, PageError> {
        project_for(s, who, key).await
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.progress_fields(f);
    }

    fn spec<'a>(p: &Project, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        progress_spec(p, build)
    }

    fn values(p: &Project) -> FormValues {
        let mut v = FormValues::default();
        v.set("on_date", Some(chrono::Utc::now().date_naive().to_string()))
            .set("stage", p.stage.map(|s| s.as_str().to_owned()));
        v
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (ProjectUpdateInput, Vec<FieldError>) {
        progress_input(values)
    }

    fn edit(p: &Project, input: ProjectUpdateInput) -> RecordProgress {
        RecordProgress {
            project: Key::Id(p.id),
            input,
        }
    }

    fn done(_: &Project, p: &Project) -> String {
        saved(p)
    }
}

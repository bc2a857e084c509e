//! A city's action plan: its versions (history), what changed between two, and the form that
//! writes the next version.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::State;
use kota_domain::access::Principal;
use kota_domain::city::{ActionPlan, CityRef};
use kota_domain::edit::{DiffUnit, FieldError, PlanDiff, PlanInput, words};

use kota_domain::ids::Key;
use kota_store::records::plan::{AddPlanVersion, PlanTarget};

use super::{area_choices, borrowed};
use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::diffs::DiffCache;
use crate::error::{PageError, Problem};
use crate::extract::KeyPath;
use crate::filters::DiffQuery;
use crate::filters::Params;
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};
use crate::pages::view::{AreaLabel, AreaNames};
use crate::plan_versions::{city_of, versions_to_compare};

/// One version as the history shows it.
pub(crate) struct VersionView {
    plan: ActionPlan,
    areas: Vec<AreaLabel>,
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_history.html")]
pub(crate) struct HistoryPage {
    title: String,
    section: &'static str,
    city: CityRef,
    versions: Vec<VersionView>,
    may_edit: bool,
}

/// `GET /cities/{key}/plan`: every version, newest first.
pub(crate) async fn history(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> Result<HistoryPage, PageError> {
    let city = city_of(&s, &key).await?;
    let names = AreaNames::of(&s.store.framework().await?);
    let versions = s
        .store
        .action_plan_versions(city.id)
        .await?
        .into_iter()
        .map(|plan| VersionView {
            areas: names.labels(&plan.focus_areas),
            plan,
        })
        .collect();
    Ok(HistoryPage {
        title: format!("Action plan of {}: versions", city.name),
        section: "cities",
        may_edit: who.is_some_and(|w| w.may_edit_city(city.id, &city.country_iso2)),
        city,
        versions,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "plan_diff.html")]
pub(crate) struct DiffPage {
    title: String,
    section: &'static str,
    city: CityRef,
    diff: PlanDiff,
    /// How the visions were compared, when not word by word.
    coarser: Option<&'static str>,
    added: Vec<AreaLabel>,
    removed: Vec<AreaLabel>,
}

/// `GET /cities/{key}/plan/diff?from=&to=`.
pub(crate) async fn diff(
    State(s): State<AppState>,
    Extension(diffs): Extension<DiffCache>,
    KeyPath(key): KeyPath,
    Params(q): Params<DiffQuery>,
) -> Result<DiffPage, PageError> {
    let city = city_of(&s, &key).await?;
    let (older, newer) = versions_to_compare(&s, &city, &q).await?;
    let diff = PlanDiff::clone(&*diffs.between(city.id, older, newer).await?);
    let names = AreaNames::of(&s.store.framework().await?);
    Ok(DiffPage {
        title: format!(
            "Action plan of {}: version {} against {}",
            city.name, diff.to, diff.from
        ),
        section: "cities",
        coarser: (diff.vision_unit != DiffUnit::Words).then(|| diff.vision_unit.label()),
        added: names.labels(&diff.focus_areas_added),
        removed: names.labels(&diff.focus_areas_removed),
        city,
        diff,
    })
}

fn plan_values(plan: Option<&ActionPlan>) -> FormValues {
    let mut v = FormValues::default();
    v.set("version", Some(plan.map_or(0, |p| p.version).to_string()));
    if let Some(p) = plan {
        v.set("year", Some(p.year.to_string()))
            .set("vision", Some(p.vision.clone()))
            .set_all("focus_areas", &p.focus_areas)
            .set("targets", Some(p.targets.join("\n")));
    }
    v
}

fn plan_input(v: &FormValues) -> (PlanInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let year = v.number("year", &mut errors);
    if v.opt("year").is_none() {
        errors.push(words::required("year"));
    }
    let input = PlanInput {
        year: year.unwrap_or_default(),
        vision: v.text("vision").to_owned(),
        focus_areas: v.all("focus_areas"),
        targets: v.lines("targets"),
        change_note: v.opt("change_note"),
    };
    (input, errors)
}

fn plan_fields(areas: &[(String, String)], f: &mut Fields<'_>) {
    {
        f.input("year", "Year of the plan", Kind::Number).required();
        f.input("vision", "Vision", Kind::TextArea).required();
        f.pick(
            "focus_areas",
            "Focus areas of the framework",
            true,
            borrowed(areas),
        )
        .help("At least one.");
        f.input("targets", "Targets", Kind::TextArea)
            .help("One per line, e.g. “Flood-free main roads by 2030”.");
        f.input("change_note", "What changed, and why", Kind::Text);
    }
}

fn plan_spec<'a>(city: &CityRef, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    FormSpec {
        title: format!("New version of the action plan of {}", city.name),
        section: "cities",
        action: format!("/cities/{}/plan/edit", city.slug),
        intro: Some("Saving makes a new version; earlier versions stay in the history.".into()),
        back_href: format!("/cities/{}/plan", city.slug),
        back_label: "Versions of the plan".into(),
        submit: "Save as a new version",
        build,
    }
}

/// A new version of a city's action plan: `/cities/{key}/plan/edit`.
pub(crate) struct PlanForm;

impl EditForm for PlanForm {
    type Edit = AddPlanVersion;
    type Choices = Vec<(String, String)>;
    type Input = PlanInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<PlanTarget, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no city named"))?;
        let city = city_of(s, key).await?;
        let latest = s.store.action_plan(city.id, None).await?;
        Ok(PlanTarget { city, latest })
    }

    async fn choices(s: &AppState) -> Result<Self::Choices, PageError> {
        Ok(area_choices(&s.store.framework().await?))
    }

    fn fields(areas: &Self::Choices, f: &mut Fields<'_>) {
        plan_fields(areas, f);
    }

    fn spec<'a>(t: &PlanTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        plan_spec(&t.city, build)
    }

    fn values(t: &PlanTarget) -> FormValues {
        plan_values(t.latest.as_ref())
    }

    fn input(_: &Self::Choices, values: &FormValues) -> (PlanInput, Vec<FieldError>) {
        plan_input(values)
    }

    fn edit(t: &PlanTarget, input: PlanInput) -> AddPlanVersion {
        AddPlanVersion {
            city: Key::Id(t.city.id),
            input,
        }
    }

    fn done(t: &PlanTarget, _: &ActionPlan) -> String {
        format!("/cities/{}/plan", t.city.slug)
    }
}

//! A city's action plan: its versions (history), what changed between two, and the form that
//! writes the next version.

use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kota_domain::access::Principal;
use kota_domain::city::{ActionPlan, CityRef};
use kota_domain::edit::{DiffUnit, FieldError, PlanDiff, PlanInput};

use super::{allow, area_choices, borrowed};
use crate::AppState;
use crate::api::plans::{DiffQuery, city_of, versions_to_compare};
use crate::auth::{CsrfForm, CsrfToken, OptionalPrincipal, RequiredPrincipal};
use crate::diffs::DiffCache;
use crate::filters::Params;
use crate::forms::{Fields, FormSpec, FormValues, Kind, answer, save, version_of};
use crate::pages::PageError;
use crate::pages::view::{AreaLabel, AreaNames};

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
    Path(key): Path<String>,
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
    Path(key): Path<String>,
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
        errors.push(FieldError {
            field: "year".into(),
            message: "is required".into(),
        });
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

fn plan_fields(areas: &[(String, String)]) -> impl Fn(&mut Fields<'_>) + '_ {
    move |f| {
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

async fn editable(s: &AppState, who: &Principal, key: &str) -> Result<CityRef, PageError> {
    let city = city_of(s, key).await?;
    allow(who.may_edit_city(city.id, &city.country_iso2))?;
    Ok(city)
}

/// `GET /cities/{key}/plan/edit`: the form, filled with the latest version.
pub(crate) async fn edit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let city = editable(&s, &who, &key).await?;
    let latest = s.store.action_plan(city.id, None).await?;
    let areas = area_choices(&s.store.framework().await?);
    let build = plan_fields(&areas);
    let values = plan_values(latest.as_ref());
    let version = latest.map_or(0, |p| p.version);
    Ok(plan_spec(&city, &build)
        .page(csrf, &values, &[], Some(version))
        .into_response())
}

/// `POST /cities/{key}/plan/edit`.
pub(crate) async fn submit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let city = editable(&s, &who, &key).await?;
    let version = version_of(&values)?;
    let areas = area_choices(&s.store.framework().await?);
    let build = plan_fields(&areas);
    let result = save(plan_input(&values), async |input| {
        s.store
            .add_plan_version(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || {
        Ok(plan_values(
            s.store.action_plan(city.id, None).await?.as_ref(),
        ))
    };
    let slug = city.slug.clone();
    answer(
        result,
        &plan_spec(&city, &build),
        csrf,
        &values,
        stored,
        |_| format!("/cities/{slug}/plan"),
    )
    .await
}

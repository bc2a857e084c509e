//! Indicator pages: a city's indicators (a trend chart, a table of the numbers and the
//! targets of each), the upload of a CSV file of values (checked and shown as what would
//! change before anything is written), and one indicator compared across cities of similar
//! size and development level.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::Principal;
use kota_domain::city::{City, CityRef};
use kota_domain::edit::is_code;
use kota_domain::ids::Key;
use kota_domain::indicator::sheet::{self, COLUMNS, SheetError};
use kota_domain::indicator::{
    Change, IndicatorPlan, IndicatorSeries, Verification, may_record, peer_groups,
};
use kota_store::EditRequest;
use kota_store::WriteError;
use kota_store::records::indicator::RecordIndicators;
use serde::Deserialize;

use super::view::thousands;
use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, OptionalPrincipal, RequiredPrincipal};
use crate::charts::trend;
use crate::error::{PageError, PageResult, Problem};
use crate::extract::{KeyPath, parse_key};
use crate::filters::Params;
use crate::forms::FormValues;

/// One indicator on a city's page: its chart, the chart's words, and its numbers.
pub(crate) struct IndicatorBlock {
    series: IndicatorSeries,
    svg: String,
    summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "city_indicators.html")]
pub(crate) struct CityIndicatorsPage {
    title: String,
    section: &'static str,
    city: City,
    blocks: Vec<IndicatorBlock>,
    may_record: bool,
}

/// `/cities/{key}/indicators`.
pub(crate) async fn city(
    State(s): State<AppState>,
    OptionalPrincipal(who): OptionalPrincipal,
    KeyPath(key): KeyPath,
) -> PageResult<CityIndicatorsPage> {
    let (city, series) = s
        .store
        .city_indicators(&key, who.as_ref())
        .await?
        .ok_or_else(|| Problem::not_found("city", &key))?;
    let blocks = series
        .into_iter()
        .map(|series| IndicatorBlock {
            svg: trend::svg(&series, &city.name, &format!("chart-{}", series.code)),
            summary: trend::summary(&series),
            series,
        })
        .collect();
    Ok(CityIndicatorsPage {
        title: format!("Indicators of {}", city.name),
        section: "cities",
        may_record: who
            .as_ref()
            .is_some_and(|w| may_record(w, &CityRef::from(&city))),
        city,
        blocks,
    })
}

/// One value or target of an upload as the check before writing shows it.
pub(crate) struct PlanLine {
    change: Change,
    city: String,
    what: String,
    year: i32,
    /// What changes, in words ("value 24 → 23.1"); the value for a new one.
    says: String,
}

/// The plan's values and targets as lines, new and changed first.
fn plan_lines(plan: &IndicatorPlan) -> Vec<PlanLine> {
    let values = plan.values.iter().map(|v| PlanLine {
        change: v.change,
        city: v.after.city.name.clone(),
        what: v.after.code.clone(),
        year: v.after.year,
        says: v.said(),
    });
    let targets = plan.targets.iter().map(|t| PlanLine {
        change: t.change,
        city: t.after.city.name.clone(),
        what: format!("target of {}", t.after.code),
        year: t.after.year,
        says: t.said(),
    });
    let mut lines: Vec<PlanLine> = values.chain(targets).collect();
    lines.sort_by_key(|l| l.change == Change::Unchanged);
    lines
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator_upload.html")]
pub(crate) struct UploadPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    city: City,
    columns: String,
    text: String,
    errors: Vec<SheetError>,
    /// What the upload would change, once checked.
    lines: Option<Vec<PlanLine>>,
    new: usize,
    changed: usize,
    unchanged: usize,
    changes_anything: bool,
}

impl UploadPage {
    fn new(csrf: CsrfToken, city: City, text: String) -> Self {
        Self {
            title: format!("Upload indicators of {}", city.name),
            section: "cities",
            csrf,
            city,
            columns: COLUMNS.join(","),
            text,
            errors: Vec::new(),
            lines: None,
            new: 0,
            changed: 0,
            unchanged: 0,
            changes_anything: false,
        }
    }

    /// The page with the file refused for `errors` (422).
    fn refused(mut self, errors: Vec<SheetError>) -> Response {
        self.errors = errors;
        (StatusCode::UNPROCESSABLE_ENTITY, self).into_response()
    }
}

/// The city of an upload page, which `who` must be allowed to record indicators of.
async fn upload_city(s: &AppState, who: &Principal, key: &Key) -> Result<City, PageError> {
    let city = s
        .store
        .city(key, Some(who))
        .await?
        .ok_or_else(|| Problem::not_found("city", key))?;
    if may_record(who, &CityRef::from(&city)) {
        Ok(city)
    } else {
        Err(Problem::forbidden(format!(
            "you may not record indicators of {}: its officers, its national representative and \
             coordinators do",
            city.name
        ))
        .into())
    }
}

/// `GET /cities/{key}/indicators/upload`: the form.
pub(crate) async fn upload_form(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
) -> Result<Response, PageError> {
    let city = upload_city(&s, &who, &key).await?;
    Ok(UploadPage::new(csrf, city, String::new()).into_response())
}

/// `POST /cities/{key}/indicators/upload`: checks the file and shows what it would change;
/// with `confirm`, records it and goes to the city's indicators.
pub(crate) async fn upload(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    KeyPath(key): KeyPath,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let city = upload_city(&s, &who, &key).await?;
    let text = values.text("csv").to_owned();
    let confirm = values.checked("confirm");
    let slug = city.slug.clone();
    let mut page = UploadPage::new(csrf, city, text);
    let file = match sheet::read(&page.text) {
        Ok(file) => file,
        Err(errors) => return Ok(page.refused(errors)),
    };
    let edit = RecordIndicators {
        city: Some(Key::Id(page.city.id)),
        rows: file.rows.clone(),
    };
    if confirm {
        return Ok(
            match s
                .store
                .record_indicators(EditRequest::new(&who, edit))
                .await
            {
                Ok(_) => Redirect::to(&format!("/cities/{slug}/indicators")).into_response(),
                Err(WriteError::Invalid(errors)) => page.refused(file.locate(&errors)),
                Err(e) => return Err(Problem::from(e).into()),
            },
        );
    }
    let (upload, _) = s
        .store
        .plan_indicators(&who, &edit)
        .await?
        .ok_or_else(|| Problem::not_found("city", &key))?;
    match upload.plan {
        Err(errors) => Ok(page.refused(file.locate(&errors))),
        Ok(plan) => {
            page.new = plan.count(Change::New);
            page.changed = plan.count(Change::Changed);
            page.unchanged = plan.count(Change::Unchanged);
            page.changes_anything = plan.changes_anything();
            page.lines = Some(plan_lines(&plan));
            Ok(page.into_response())
        }
    }
}

/// A city in the comparison.
pub(crate) struct PeerLine {
    city: CityRef,
    population: String,
    year: i32,
    value: f64,
    verified: bool,
    centre: bool,
}

/// A group of peers in the comparison.
pub(crate) struct PeerSection {
    heading: String,
    lines: Vec<PeerLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "indicator_compare.html")]
pub(crate) struct ComparePage {
    title: String,
    section: &'static str,
    code: String,
    name: String,
    unit: String,
    centre: Option<CityRef>,
    groups: Vec<PeerSection>,
}

/// The query of the comparison: the city to centre on.
#[derive(Debug, Deserialize)]
pub(crate) struct CompareQuery {
    city: Option<String>,
}

/// `/indicators/{code}`: the indicator's latest value in each city that records it, grouped
/// by size and income group; `?city=` puts that city's group first.
pub(crate) async fn compare(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Params(query): Params<CompareQuery>,
) -> PageResult<ComparePage> {
    if !is_code(&code) {
        return Err(Problem::invalid_path(
            "an indicator's code is lowercase letters, digits and underscores, starting with a \
             letter",
        )
        .into());
    }
    let centre = match query
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(raw) => {
            let key = parse_key(raw)?;
            let found = s.store.city(&key, None).await?.ok_or_else(|| {
                Problem::bad_parameter("city", &format!("No city has the id or short name “{raw}”"))
            })?;
            Some(CityRef::from(&found))
        }
    };
    let peers = s.store.indicator_peers(&code).await?;
    let Some(newest) = peers.iter().max_by_key(|p| p.latest.recorded_at) else {
        return Err(Problem::not_found("indicator", &code).into());
    };
    let (name, unit) = (newest.latest.name.clone(), newest.latest.unit.clone());
    let groups = peer_groups(peers, centre.as_ref().map(|c| c.id))
        .into_iter()
        .map(|g| PeerSection {
            heading: format!(
                "{}, {}",
                g.income_group.label(),
                g.band.label().to_lowercase()
            ),
            lines: g
                .cities
                .into_iter()
                .map(|p| PeerLine {
                    centre: centre.as_ref().is_some_and(|c| c.id == p.latest.city.id),
                    population: p
                        .population
                        .map(thousands)
                        .unwrap_or_else(|| "not known".into()),
                    year: p.latest.year,
                    value: p.latest.value,
                    verified: p.latest.verification == Verification::Verified,
                    city: p.latest.city,
                })
                .collect(),
        })
        .collect();
    Ok(ComparePage {
        title: format!("{name} across the network"),
        section: "cities",
        code,
        name,
        unit,
        centre,
        groups,
    })
}

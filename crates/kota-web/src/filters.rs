//! Query parameters of lists, as the pages and the API take them, checked and resolved into
//! store filters. A bad value is a 400 problem naming the parameter; an empty value (an
//! "any" choice in a form) is no filter.
//!
//! Before any handler runs, [`crate::query_guard`] answers 400 (naming the parameter)
//! to a parameter the route does not take — a misspelt filter would otherwise be ignored and
//! the whole list answered — and to a name or value that is not UTF-8 or holds a control
//! character (PostgreSQL refuses NUL where SQLite would store it: both answer alike here).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use kota_domain::city::CityRole;
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_domain::partner::PartnerKind;
use kota_domain::project::{ReportedStatus, Seek, Stage};
use kota_domain::twinning::TwinningState;
use kota_search::{Audience, Kind};
use kota_store::Store;
use kota_store::filter::{
    CityFilter, EventFilter, PartnerFilter, ProjectFilter, StatusFilter, TwinningFilter,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::AppState;
use crate::error::Problem;

/// The longest text filter accepted.
const MAX_QUERY_TEXT: usize = 200;

/// Query parameters, read leniently (every value a string) so that each value can be checked
/// and reported by name.
pub(crate) struct Params<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query).map(Params).map_err(|_| {
            Problem::bad_parameter("query", "The parameters of the address cannot be read")
        })
    }
}

/// Paging parameters shared by every list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// How many items to return (1 to 500, default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// How many items to skip (default 0).
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn number<T: std::str::FromStr>(name: &str, v: &Option<String>) -> Result<Option<T>, Problem> {
    given(v)
        .map(|s| {
            s.parse().map_err(|_| {
                Problem::bad_parameter(name, &format!("Give a whole number (“{s}” is not one)"))
            })
        })
        .transpose()
}

pub(crate) fn vocabulary<T: Copy>(
    name: &str,
    v: &Option<String>,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    show: fn(T) -> &'static str,
) -> Result<Option<T>, Problem> {
    given(v)
        .map(|s| {
            parse(s).ok_or_else(|| {
                let allowed: Vec<&str> = all.iter().map(|v| show(*v)).collect();
                Problem::bad_parameter(
                    name,
                    &format!("Choose one of: {} (“{s}” is not one)", allowed.join(", ")),
                )
            })
        })
        .transpose()
}

/// The ids of the records of `kind` that a list's `q` finds, matched as search matches it;
/// none when no `q` is given.
async fn matching(
    state: &AppState,
    q: &Option<String>,
    kind: Kind,
) -> Result<Option<Vec<Uuid>>, Problem> {
    match text("q", q)? {
        None => Ok(None),
        Some(q) => Ok(Some(
            state.search.matching(q, kind, Audience::Anonymous).await?,
        )),
    }
}

pub(crate) fn text(name: &str, v: &Option<String>) -> Result<Option<String>, Problem> {
    match given(v) {
        Some(s) if s.chars().count() > MAX_QUERY_TEXT => Err(Problem::bad_parameter(
            name,
            &format!("Give at most {MAX_QUERY_TEXT} characters"),
        )),
        Some(s) if s.chars().any(char::is_control) => Err(Problem::bad_parameter(
            name,
            "Take the invisible control characters out",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

impl PageQuery {
    /// The page asked for.
    pub(crate) fn page(&self) -> Result<PageRequest, Problem> {
        let limit = number::<u32>("limit", &self.limit)?;
        let offset = number::<u64>("offset", &self.offset)?;
        PageRequest::new(limit, offset).map_err(|m| Problem::bad_parameter("limit", &m))
    }
}

async fn country(store: &Store, v: &Option<String>) -> Result<Option<String>, Problem> {
    match given(v) {
        None => Ok(None),
        Some(code) => {
            let code = code.to_ascii_uppercase();
            if store.member_state(&code).await?.is_some() {
                Ok(Some(code))
            } else {
                Err(Problem::bad_parameter(
                    "country",
                    &format!("“{code}” is not a member state: give a two-letter code, e.g. TH"),
                ))
            }
        }
    }
}

pub(crate) async fn focus_area(
    store: &Store,
    v: &Option<String>,
) -> Result<Option<String>, Problem> {
    match given(v) {
        None => Ok(None),
        Some(id) => {
            let framework = store.framework().await?;
            if framework.focus_areas.iter().any(|f| f.id == id) {
                Ok(Some(id.to_owned()))
            } else {
                let ids: Vec<&str> = framework
                    .focus_areas
                    .iter()
                    .map(|f| f.id.as_str())
                    .collect();
                Err(Problem::bad_parameter(
                    "focus_area",
                    &format!("Choose one of: {} (“{id}” is not one)", ids.join(", ")),
                ))
            }
        }
    }
}

/// A record's key from the parameter `name`, when given.
pub(crate) fn key_param(name: &str, v: &Option<String>) -> Result<Option<Key>, Problem> {
    given(v)
        .map(|k| Key::parse(k).map_err(|e| Problem::bad_parameter(name, &e.to_string())))
        .transpose()
}

/// The parameter `name` names no record.
pub(crate) fn unknown(name: &str, key: &Key) -> Problem {
    Problem::bad_parameter(name, &format!("No {name} has the id or short name “{key}”"))
}

pub(crate) async fn city(store: &Store, v: &Option<String>) -> Result<Option<Uuid>, Problem> {
    let Some(key) = key_param("city", v)? else {
        return Ok(None);
    };
    let found = store.city_ref(&key).await?;
    found
        .map(|c| Some(c.id))
        .ok_or_else(|| unknown("city", &key))
}

pub(crate) async fn partner(store: &Store, v: &Option<String>) -> Result<Option<Uuid>, Problem> {
    let Some(key) = key_param("partner", v)? else {
        return Ok(None);
    };
    let found = store.partner_ref(&key).await?;
    found
        .map(|p| Some(p.id))
        .ok_or_else(|| unknown("partner", &key))
}

/// Filters of the city list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CityQuery {
    /// Member state, ISO 3166-1 alpha-2 (e.g. `TH`).
    #[param(value_type = Option<String>, example = "TH")]
    pub country: Option<String>,
    /// A documented role.
    #[param(value_type = Option<CityRole>)]
    pub role: Option<String>,
    /// A focus area id of the framework (e.g. `built_infrastructure`).
    #[param(value_type = Option<String>)]
    pub focus_area: Option<String>,
    /// Year the city joined the network (its cohort: 2018 for the pilot cities).
    #[param(value_type = Option<i32>)]
    pub cohort: Option<String>,
    /// Words any of the city's names has, in any language and script, matched as search
    /// matches them.
    #[param(value_type = Option<String>)]
    pub q: Option<String>,
}

impl CityQuery {
    pub(crate) async fn resolve(&self, state: &AppState) -> Result<CityFilter, Problem> {
        let store = &state.store;
        let cohort = number::<i32>("cohort", &self.cohort)?;
        if cohort.is_some_and(|y| !(1900..=2200).contains(&y)) {
            return Err(Problem::bad_parameter(
                "cohort",
                "Give a year from 1900 to 2200",
            ));
        }
        Ok(CityFilter {
            country: country(store, &self.country).await?,
            role: vocabulary(
                "role",
                &self.role,
                CityRole::parse,
                CityRole::ALL,
                CityRole::as_str,
            )?,
            focus_area: focus_area(store, &self.focus_area).await?,
            cohort,
            matching: matching(state, &self.q, Kind::City).await?,
        })
    }
}

/// Filters of the project list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// The city, by id or slug (e.g. `bangkok`).
    #[param(value_type = Option<String>)]
    pub city: Option<String>,
    /// Member state, ISO 3166-1 alpha-2.
    #[param(value_type = Option<String>)]
    pub country: Option<String>,
    /// A focus area id of the framework.
    #[param(value_type = Option<String>)]
    pub focus_area: Option<String>,
    /// Status as the monitoring reports give it: `ongoing_or_planning`, `completed`, or
    /// `unreported` (no report gives one).
    #[param(value_type = Option<String>)]
    pub status: Option<String>,
    /// Stage set by the city.
    #[param(value_type = Option<Stage>)]
    pub stage: Option<String>,
    /// A kind of support the project seeks.
    #[param(value_type = Option<Seek>)]
    pub support_sought: Option<String>,
    /// `true`: open to private investment and not completed; `false`: the others.
    #[param(value_type = Option<bool>)]
    pub open_to_private_investment: Option<String>,
    /// `true`: completed by stage or reported status; `false`: not completed.
    #[param(value_type = Option<bool>)]
    pub completed: Option<String>,
    /// A deadline on or before this day (YYYY-MM-DD).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub deadline_before: Option<String>,
    /// Words the project's title, earlier titles or description has, matched as search
    /// matches them.
    #[param(value_type = Option<String>)]
    pub q: Option<String>,
}

impl ProjectQuery {
    pub(crate) async fn resolve(&self, state: &AppState) -> Result<ProjectFilter, Problem> {
        let store = &state.store;
        let status = match given(&self.status) {
            None => None,
            Some("unreported") => Some(StatusFilter::Unreported),
            Some(s) => Some(StatusFilter::Reported(
                ReportedStatus::parse(s).ok_or_else(|| {
                    Problem::bad_parameter(
                        "status",
                        &format!("Choose one of: ongoing_or_planning, completed, unreported (“{s}” is not one)"),
                    )
                })?,
            )),
        };
        Ok(ProjectFilter {
            city: city(store, &self.city).await?,
            country: country(store, &self.country).await?,
            focus_area: focus_area(store, &self.focus_area).await?,
            status,
            stage: vocabulary(
                "stage",
                &self.stage,
                Stage::parse,
                Stage::ALL,
                Stage::as_str,
            )?,
            support_sought: vocabulary(
                "support_sought",
                &self.support_sought,
                Seek::parse,
                Seek::ALL,
                Seek::as_str,
            )?,
            open_to_private_investment: yes_no(
                "open_to_private_investment",
                &self.open_to_private_investment,
            )?,
            completed: yes_no("completed", &self.completed)?,
            deadline_before: given(&self.deadline_before)
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                        Problem::bad_parameter(
                            "deadline_before",
                            &format!("Give a day as YYYY-MM-DD (“{d}” is not one)"),
                        )
                    })
                })
                .transpose()?,
            matching: matching(state, &self.q, Kind::Project).await?,
        })
    }
}

/// `true` or `false`, or nothing when not given.
fn yes_no(name: &str, v: &Option<String>) -> Result<Option<bool>, Problem> {
    given(v)
        .map(|s| match s {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(Problem::bad_parameter(
                name,
                &format!("Give true or false (“{s}” is neither)"),
            )),
        })
        .transpose()
}

/// Filters of the partner list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    /// Kind of organisation.
    #[param(value_type = Option<PartnerKind>)]
    pub kind: Option<String>,
    /// A focus area id of the framework.
    #[param(value_type = Option<String>)]
    pub focus_area: Option<String>,
    /// A city the partner supports, by id or slug.
    #[param(value_type = Option<String>)]
    pub city: Option<String>,
    /// Words the partner's name or activities have, matched as search matches them.
    #[param(value_type = Option<String>)]
    pub q: Option<String>,
}

impl PartnerQuery {
    pub(crate) async fn resolve(&self, state: &AppState) -> Result<PartnerFilter, Problem> {
        let store = &state.store;
        Ok(PartnerFilter {
            kind: vocabulary(
                "kind",
                &self.kind,
                PartnerKind::parse,
                PartnerKind::ALL,
                PartnerKind::as_str,
            )?,
            focus_area: focus_area(store, &self.focus_area).await?,
            city: city(store, &self.city).await?,
            matching: matching(state, &self.q, Kind::Partner).await?,
        })
    }
}

/// Filters of the twinning list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TwinningQuery {
    /// The member city, by id or slug.
    #[param(value_type = Option<String>)]
    pub city: Option<String>,
    /// The partner, by id or slug.
    #[param(value_type = Option<String>)]
    pub partner: Option<String>,
    /// Where the twinnings stand.
    #[param(value_type = Option<TwinningState>)]
    pub state: Option<String>,
}

impl TwinningQuery {
    pub(crate) async fn resolve(&self, store: &Store) -> Result<TwinningFilter, Problem> {
        Ok(TwinningFilter {
            city: city(store, &self.city).await?,
            partner: partner(store, &self.partner).await?,
            state: vocabulary(
                "state",
                &self.state,
                TwinningState::parse,
                TwinningState::ALL,
                TwinningState::as_str,
            )?,
            ..Default::default()
        })
    }
}

/// Filters of the interest list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InterestQuery {
    /// The project, by id or slug.
    #[param(value_type = Option<String>)]
    pub project: Option<String>,
    /// The firm (a partner), by id or slug.
    #[param(value_type = Option<String>)]
    pub partner: Option<String>,
    /// Where the interests stand.
    #[param(value_type = Option<kota_domain::interest::InterestState>)]
    pub state: Option<String>,
}

impl InterestQuery {
    pub(crate) async fn resolve(
        &self,
        store: &Store,
    ) -> Result<kota_store::records::interest::InterestFilter, Problem> {
        use kota_domain::interest::InterestState;
        let project = match key_param("project", &self.project)? {
            Some(key) => Some(
                store
                    .project(&key, None)
                    .await?
                    .map(|p| p.id)
                    .ok_or_else(|| unknown("project", &key))?,
            ),
            None => None,
        };
        Ok(kota_store::records::interest::InterestFilter {
            project,
            partner: partner(store, &self.partner).await?,
            state: vocabulary(
                "state",
                &self.state,
                InterestState::parse,
                InterestState::ALL,
                InterestState::as_str,
            )?,
        })
    }
}

/// Filters of the event list.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Year the event starts in.
    #[param(value_type = Option<i32>)]
    pub year: Option<String>,
    /// The city it was held in, by id or slug.
    #[param(value_type = Option<String>)]
    pub city: Option<String>,
}

impl EventQuery {
    pub(crate) async fn resolve(&self, store: &Store) -> Result<EventFilter, Problem> {
        let year = number::<i32>("year", &self.year)?;
        if year.is_some_and(|y| !(1900..=2200).contains(&y)) {
            return Err(Problem::bad_parameter(
                "year",
                "Give a year from 1900 to 2200",
            ));
        }
        Ok(EventFilter {
            year,
            city: city(store, &self.city).await?,
        })
    }
}

/// Which object's history to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// Kind of object (`city`, `project`, `action_plan`, `partner`, `focus_area`, `network`);
    /// with `object_id`.
    object_type: Option<String>,
    /// The object's id (a UUID, a focus area's id, or `network`).
    object_id: Option<String>,
}

impl AuditQuery {
    /// The object asked about (kind, id), if any; one without the other is a 400.
    pub(crate) fn object(&self) -> Result<Option<(&str, &str)>, Problem> {
        match (self.object_type.as_deref(), self.object_id.as_deref()) {
            (Some(t), Some(i)) => Ok(Some((t, i))),
            (None, None) => Ok(None),
            (Some(_), None) => Err(Problem::bad_parameter(
                "object_id",
                "Give the object's id with its kind (object_type)",
            )),
            (None, Some(_)) => Err(Problem::bad_parameter(
                "object_type",
                "Give the object's kind with its id (object_id)",
            )),
        }
    }
}

/// Which two versions to compare.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DiffQuery {
    /// The older version (default: the one before `to`).
    pub(crate) from: Option<i32>,
    /// The newer version (default: the latest).
    pub(crate) to: Option<i32>,
}

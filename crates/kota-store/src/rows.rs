//! Rows as stored, and their conversion to domain values.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use kota_domain::city::{ActionPlan, City, CityRef, DocumentedTwinning, RoleEvidence};
use kota_domain::event::{
    AgendaItem, DatePrecision, Event, EventDate, EventKind, in_zone, time_zone,
};
use kota_domain::framework::{ElementKind, FocusArea, FrameworkElement, StrategicOutcome};
use kota_domain::money::Money;
use kota_domain::network::{Chairmanship, IncomeGroup, MemberState};
use kota_domain::partner::{Partner, PartnerKind, PartnerProfile, PartnerRef};
use kota_domain::project::{Milestone, Project, ProjectOrigin, ReportedStatus, Seek, Stage};
use kota_domain::provenance::Source;
use sqlx::types::Json;
use uuid::Uuid;

use crate::{StoreError, StoreResult};

/// Reads a stored vocabulary value back, or reports the stored value as corrupt.
pub(crate) fn parse_stored<T>(
    table: &'static str,
    column: &'static str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> StoreResult<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt {
        table,
        column,
        value: value.to_owned(),
    })
}

#[derive(sqlx::FromRow)]
pub(crate) struct OutcomeRow {
    id: String,
    name: String,
    definition: String,
    source: String,
}

impl From<OutcomeRow> for StrategicOutcome {
    fn from(r: OutcomeRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            definition: r.definition,
            source: Source(r.source),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FocusAreaRow {
    id: String,
    name: String,
    name_in_reports: String,
    definition: String,
    subcategories: Json<Vec<String>>,
    source: String,
    version: i32,
}

/// Columns of [`FocusAreaRow`].
pub(crate) const FOCUS_AREA_COLUMNS: &str =
    "id, name, name_in_reports, definition, subcategories, source, version";

impl From<FocusAreaRow> for FocusArea {
    fn from(r: FocusAreaRow) -> Self {
        Self {
            id: r.id,
            name: r.name,
            name_in_reports: r.name_in_reports,
            definition: r.definition,
            subcategories: r.subcategories.0,
            source: Source(r.source),
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ElementRow {
    kind: String,
    name: String,
    definition: String,
    examples: Json<Vec<String>>,
    source: String,
}

impl TryFrom<ElementRow> for FrameworkElement {
    type Error = StoreError;
    fn try_from(r: ElementRow) -> StoreResult<Self> {
        Ok(Self {
            kind: parse_stored("framework_elements", "kind", &r.kind, ElementKind::parse)?,
            name: r.name,
            definition: r.definition,
            examples: r.examples.0,
            source: Source(r.source),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StateRow {
    iso2: String,
    name: String,
    income_group: String,
    income_group_year: String,
    income_group_source: String,
    income_group_uncertain: bool,
    national_representative: Option<String>,
    note: Option<String>,
}

impl TryFrom<StateRow> for MemberState {
    type Error = StoreError;
    fn try_from(r: StateRow) -> StoreResult<Self> {
        Ok(Self {
            income_group: parse_stored(
                "member_states",
                "income_group",
                &r.income_group,
                IncomeGroup::parse,
            )?,
            iso2: r.iso2,
            name: r.name,
            income_group_year: r.income_group_year,
            income_group_source: Source(r.income_group_source),
            income_group_uncertain: r.income_group_uncertain,
            national_representative: r.national_representative,
            note: r.note,
        })
    }
}

/// Columns of [`CityRow`], for `SELECT … FROM` [`CITY_FROM`].
pub(crate) const CITY_COLUMNS: &str = "c.id, c.slug, c.name, c.aliases, c.country_iso2, \
    c.latitude, c.longitude, c.location_note, c.population, c.population_year, \
    c.population_source, c.geonames_id, c.geonames_name, c.joined_year, c.cohort, c.joined_source, \
    c.role_evidence, c.csco_designation, c.csco_source, c.documented_twinnings, c.uncertain, \
    c.description, c.website, c.contact, c.version, \
    pl.name AS place_name, pl.ascii_name AS place_ascii_name, \
    pl.alternate_names AS place_alternate_names";

/// Cities (`c`) with the place each points at (`pl`), for [`CITY_COLUMNS`].
pub(crate) const CITY_FROM: &str = "cities c LEFT JOIN places pl ON pl.geonames_id = c.geonames_id";

#[derive(sqlx::FromRow)]
pub(crate) struct CityRow {
    pub(crate) id: Uuid,
    slug: String,
    name: String,
    aliases: Json<Vec<String>>,
    country_iso2: String,
    latitude: f64,
    longitude: f64,
    location_note: Option<String>,
    population: Option<i64>,
    population_year: Option<i32>,
    population_source: Option<String>,
    geonames_id: Option<i64>,
    geonames_name: Option<String>,
    joined_year: i32,
    cohort: String,
    joined_source: String,
    role_evidence: Json<Vec<RoleEvidence>>,
    csco_designation: Option<String>,
    csco_source: Option<String>,
    documented_twinnings: Json<Vec<DocumentedTwinning>>,
    uncertain: bool,
    description: Option<String>,
    website: Option<String>,
    contact: Option<String>,
    version: i32,
    place_name: Option<String>,
    place_ascii_name: Option<String>,
    place_alternate_names: Option<Json<Vec<String>>>,
}

impl CityRow {
    /// The city, given its roles (documented, then uncertain).
    pub(crate) fn into_city(self, roles: Vec<(String, bool)>) -> StoreResult<City> {
        let mut documented = Vec::new();
        let mut uncertain = Vec::new();
        for (role, is_uncertain) in roles {
            let role = parse_stored(
                "city_roles",
                "role",
                &role,
                kota_domain::city::CityRole::parse,
            )?;
            if is_uncertain {
                uncertain.push(role)
            } else {
                documented.push(role)
            }
        }
        let place_names = match &self.place_name {
            Some(name) => kota_domain::place::place_names(
                name,
                self.place_ascii_name.as_deref().unwrap_or(""),
                self.place_alternate_names.as_ref().map_or(&[], |a| &a.0),
            ),
            None => Vec::new(),
        };
        Ok(City {
            id: self.id,
            slug: self.slug,
            name: self.name,
            aliases: self.aliases.0,
            names: Vec::new(),
            place_names: Vec::new(),
            country_iso2: self.country_iso2,
            latitude: self.latitude,
            longitude: self.longitude,
            location_note: self.location_note,
            population: self.population,
            population_year: self.population_year,
            population_source: self.population_source.map(Source),
            geonames_id: self.geonames_id,
            geonames_name: self.geonames_name,
            joined_year: self.joined_year,
            cohort: self.cohort,
            joined_source: Source(self.joined_source),
            roles: documented,
            roles_uncertain: uncertain,
            role_evidence: self.role_evidence.0,
            csco_designation: self.csco_designation,
            csco_source: self.csco_source.map(Source),
            documented_twinnings: self.documented_twinnings.0,
            uncertain: self.uncertain,
            description: self.description,
            website: self.website,
            contact: self.contact,
            version: self.version,
        }
        .with_place_names(place_names))
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CityRefRow {
    id: Uuid,
    slug: String,
    name: String,
    country_iso2: String,
}

impl From<CityRefRow> for CityRef {
    fn from(r: CityRefRow) -> Self {
        Self {
            id: r.id,
            slug: r.slug,
            name: r.name,
            country_iso2: r.country_iso2,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PlanRow {
    city_id: Uuid,
    version: i32,
    year: i32,
    vision: String,
    focus_areas_as_written: Json<Vec<String>>,
    land_area_as_reported: Option<String>,
    population_as_reported: Option<String>,
    csco_designation: Option<String>,
    note: Option<String>,
    source: String,
    targets: Json<Vec<String>>,
    change_note: Option<String>,
    author: Option<String>,
    created_at: Option<String>,
}

/// Columns of [`PlanRow`].
pub(crate) const PLAN_COLUMNS: &str = "city_id, version, year, vision, focus_areas_as_written, \
    land_area_as_reported, population_as_reported, csco_designation, note, source, targets, \
    change_note, author, created_at";

impl PlanRow {
    /// The city and version the row is of.
    pub(crate) fn key(&self) -> (Uuid, i32) {
        (self.city_id, self.version)
    }

    pub(crate) fn into_plan(self, focus_areas: Vec<String>) -> ActionPlan {
        ActionPlan {
            city_id: self.city_id,
            version: self.version,
            year: self.year,
            vision: self.vision,
            focus_areas,
            focus_areas_as_written: self.focus_areas_as_written.0,
            land_area_as_reported: self.land_area_as_reported,
            population_as_reported: self.population_as_reported,
            csco_designation: self.csco_designation,
            note: self.note,
            source: Source(self.source),
            targets: self.targets.0,
            change_note: self.change_note,
            author: self.author,
            created_at: self.created_at,
        }
    }
}

/// Columns of [`ProjectRow`], for `SELECT … FROM projects p JOIN cities c`.
pub(crate) const PROJECT_COLUMNS: &str = "p.id, p.slug, c.id AS city_id, c.slug AS city_slug, \
    c.name AS city_name, c.country_iso2 AS city_country, p.title, p.description, p.origin, \
    p.reported_status, p.report_years, p.status_note, p.stage, p.focus_area_note, \
    p.focus_area_history, p.earlier_titles, p.uncertain, p.source, p.currency, p.budget, \
    p.funding_gap, p.budget_confidential, p.support_sought, p.open_to_private_investment, p.viability_rationale, \
    p.deadline, p.confidential_notes, p.aliases, p.merged_records, p.version";

/// The columns of [`ProjectRow`] on `postgres` or SQLite: [`PROJECT_COLUMNS`] and the project's
/// focus areas and milestones as JSON arrays in stored order, so that one query reads a
/// project whole.
pub(crate) fn project_columns(postgres: bool) -> &'static str {
    static POSTGRES: LazyLock<String> = LazyLock::new(|| with_children(true));
    static SQLITE: LazyLock<String> = LazyLock::new(|| with_children(false));
    if postgres { &POSTGRES } else { &SQLITE }
}

fn with_children(postgres: bool) -> String {
    let children = if postgres {
        "COALESCE((SELECT json_agg(f.focus_area_id ORDER BY f.position) \
           FROM project_focus_areas f WHERE f.project_id = p.id), '[]') AS focus_areas, \
         COALESCE((SELECT json_agg(json_build_object('title', m.title, 'due_on', m.due_on, \
           'done_on', m.done_on) ORDER BY m.position) \
           FROM project_milestones m WHERE m.project_id = p.id), '[]') AS milestones"
    } else {
        "(SELECT json_group_array(f.focus_area_id ORDER BY f.position) \
           FROM project_focus_areas f WHERE f.project_id = p.id) AS focus_areas, \
         (SELECT json_group_array(json_object('title', m.title, 'due_on', m.due_on, \
           'done_on', m.done_on) ORDER BY m.position) \
           FROM project_milestones m WHERE m.project_id = p.id) AS milestones"
    };
    format!("{PROJECT_COLUMNS}, {children}")
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProjectRow {
    pub(crate) id: Uuid,
    slug: String,
    city_id: Uuid,
    city_slug: String,
    city_name: String,
    city_country: String,
    title: String,
    description: Option<String>,
    origin: String,
    reported_status: Option<String>,
    report_years: Json<Vec<i32>>,
    status_note: Option<String>,
    stage: Option<String>,
    focus_area_note: Option<String>,
    focus_area_history: Json<BTreeMap<String, String>>,
    earlier_titles: Json<Vec<String>>,
    uncertain: bool,
    source: String,
    currency: Option<String>,
    budget: Option<i64>,
    funding_gap: Option<i64>,
    budget_confidential: bool,
    support_sought: Json<Vec<Seek>>,
    open_to_private_investment: Option<bool>,
    viability_rationale: Option<String>,
    deadline: Option<chrono::NaiveDate>,
    confidential_notes: Option<String>,
    aliases: Json<Vec<String>>,
    merged_records: Json<Vec<kota_domain::project::MergedRecord>>,
    version: i32,
    focus_areas: Json<Vec<String>>,
    milestones: Json<Vec<Milestone>>,
}

/// An amount stored as whole units beside the project's one currency column.
fn money(amount: Option<i64>, currency: &Option<String>) -> Option<Money> {
    Some(Money {
        amount: amount?,
        currency: currency.clone()?,
    })
}

impl ProjectRow {
    pub(crate) fn into_project(self) -> StoreResult<Project> {
        Ok(Project {
            id: self.id,
            slug: self.slug,
            city: CityRef {
                id: self.city_id,
                slug: self.city_slug,
                name: self.city_name,
                country_iso2: self.city_country,
            },
            title: self.title,
            description: self.description,
            focus_areas: self.focus_areas.0,
            origin: parse_stored("projects", "origin", &self.origin, ProjectOrigin::parse)?,
            reported_status: self
                .reported_status
                .map(|s| parse_stored("projects", "reported_status", &s, ReportedStatus::parse))
                .transpose()?,
            report_years: self.report_years.0,
            status_note: self.status_note,
            stage: self
                .stage
                .map(|s| parse_stored("projects", "stage", &s, Stage::parse))
                .transpose()?,
            focus_area_note: self.focus_area_note,
            focus_area_history: self.focus_area_history.0,
            earlier_titles: self.earlier_titles.0,
            uncertain: self.uncertain,
            source: Source(self.source),
            budget: money(self.budget, &self.currency),
            funding_gap: money(self.funding_gap, &self.currency),
            budget_confidential: self.budget_confidential,
            support_sought: self.support_sought.0,
            open_to_private_investment: self.open_to_private_investment == Some(true),
            viability_rationale: self.viability_rationale,
            deadline: self.deadline,
            confidential_notes: self.confidential_notes,
            milestones: self.milestones.0,
            aliases: self.aliases.0,
            merged_records: self.merged_records.0,
            version: self.version,
        })
    }
}

/// Columns of [`PartnerRow`], for `SELECT … FROM partners pa`.
pub(crate) const PARTNER_COLUMNS: &str = "pa.id, pa.slug, pa.name, pa.kind, pa.kind_as_reported, \
    pa.home, pa.activities, pa.sources, pa.uncertain, pa.uncertain_fields, pa.note, pa.profile, \
    pa.version";

#[derive(sqlx::FromRow)]
pub(crate) struct PartnerRow {
    pub(crate) id: Uuid,
    slug: String,
    name: String,
    kind: String,
    kind_as_reported: String,
    home: String,
    activities: Json<Vec<String>>,
    sources: Json<Vec<Source>>,
    uncertain: bool,
    uncertain_fields: Json<Vec<String>>,
    note: Option<String>,
    profile: Json<PartnerProfile>,
    version: i32,
}

impl PartnerRow {
    pub(crate) fn into_partner(
        self,
        focus_areas: Vec<String>,
        cities: Vec<CityRef>,
    ) -> StoreResult<Partner> {
        Ok(Partner {
            id: self.id,
            slug: self.slug,
            name: self.name,
            kind: parse_stored("partners", "kind", &self.kind, PartnerKind::parse)?,
            kind_as_reported: self.kind_as_reported,
            home: self.home,
            focus_areas,
            activities: self.activities.0,
            cities,
            sources: self.sources.0,
            uncertain: self.uncertain,
            uncertain_fields: self.uncertain_fields.0,
            note: self.note,
            profile: self.profile.0,
            version: self.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PartnerRefRow {
    pub(crate) id: Uuid,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) kind: String,
}

impl TryFrom<PartnerRefRow> for PartnerRef {
    type Error = StoreError;
    fn try_from(r: PartnerRefRow) -> StoreResult<Self> {
        Ok(Self {
            kind: parse_stored("partners", "kind", &r.kind, PartnerKind::parse)?,
            id: r.id,
            slug: r.slug,
            name: r.name,
        })
    }
}

/// Columns of [`EventRow`], for `SELECT … FROM events e LEFT JOIN cities c`.
pub(crate) const EVENT_COLUMNS: &str = "e.id, e.slug, e.name, e.date_text, e.starts_on, \
    e.ends_on, e.date_precision, e.place, c.id AS city_id, c.slug AS city_slug, \
    c.name AS city_name, c.country_iso2 AS city_country, e.chair_iso2, e.sources, e.uncertain, e.note, \
    e.kind, e.starts_at, e.ends_at, e.time_zone, e.agenda, e.seeded, e.version";

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: Uuid,
    slug: String,
    name: String,
    date_text: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    date_precision: String,
    place: String,
    city_id: Option<Uuid>,
    city_slug: Option<String>,
    city_name: Option<String>,
    city_country: Option<String>,
    chair_iso2: Option<String>,
    sources: Json<Vec<Source>>,
    uncertain: bool,
    note: Option<String>,
    kind: Option<String>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    time_zone: Option<String>,
    agenda: Json<Vec<AgendaItem>>,
    seeded: bool,
    version: i32,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Self> {
        let city = match (r.city_id, r.city_slug, r.city_name, r.city_country) {
            (Some(id), Some(slug), Some(name), Some(country_iso2)) => Some(CityRef {
                id,
                slug,
                name,
                country_iso2,
            }),
            _ => None,
        };
        let zone = r
            .time_zone
            .as_deref()
            .map(|z| parse_stored("events", "time_zone", z, |z| time_zone(z).ok()))
            .transpose()?;
        let at = |t: Option<DateTime<Utc>>| match (t, zone) {
            (Some(t), Some(zone)) => Some(in_zone(t, zone)),
            (t, _) => t.map(|t| t.fixed_offset()),
        };
        Ok(Event {
            id: r.id,
            slug: r.slug,
            title: r.name.clone(),
            name: r.name,
            kind: r
                .kind
                .map(|k| parse_stored("events", "kind", &k, EventKind::parse))
                .transpose()?,
            starts_at: at(r.starts_at),
            ends_at: at(r.ends_at),
            time_zone: r.time_zone,
            date: EventDate {
                text: r.date_text,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                precision: parse_stored(
                    "events",
                    "date_precision",
                    &r.date_precision,
                    DatePrecision::parse,
                )?,
            },
            place: r.place,
            host_city: city.clone(),
            city,
            chair: r.chair_iso2,
            sources: r.sources.0,
            uncertain: r.uncertain,
            note: r.note,
            participants: Vec::new(),
            agenda: r.agenda.0,
            decisions: Vec::new(),
            seeded: r.seeded,
            version: r.version,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ChairRow {
    year: i32,
    chair: String,
    state_iso2: Option<String>,
    source: String,
    version: i32,
}

impl From<ChairRow> for Chairmanship {
    fn from(r: ChairRow) -> Self {
        Self {
            year: r.year,
            chair: r.chair,
            state_iso2: r.state_iso2,
            source: Source(r.source),
            version: r.version,
        }
    }
}

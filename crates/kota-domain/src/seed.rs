//! The network file: reading and validating a whole network (framework, states, cities,
//! plans, projects, partners, events, chairmanship) as the importer and `kota seed` take it.
//!
//! Every record is checked before anything is stored; the first problem is reported with the
//! file, the record and the field it concerns.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use crate::city::{ActionPlan, City, CityRef, CityRole, DocumentedTwinning, RoleEvidence};
use crate::event::{Event, EventDate, EventKind};
use crate::framework::{ElementKind, FocusArea, Framework, FrameworkElement, StrategicOutcome};
use crate::ids::{slugify, slugify_with_suffix, stable_id};
use crate::network::{Chairmanship, IncomeGroup, MemberState, NetworkDocument};
use crate::partner::{Partner, PartnerKind, PartnerProfile};
use crate::project::{Project, ProjectOrigin, ReportedStatus};
use crate::provenance::Source;

/// A whole network, validated and ready to store.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NetworkData {
    /// The framework.
    pub framework: Framework,
    /// Member states.
    pub member_states: Vec<MemberState>,
    /// Member cities.
    pub cities: Vec<City>,
    /// Action plans (one version per city that has one).
    pub action_plans: Vec<ActionPlan>,
    /// Projects.
    pub projects: Vec<Project>,
    /// Partners, with the cities they support.
    pub partners: Vec<Partner>,
    /// Events.
    pub events: Vec<Event>,
    /// Chairmanship by year.
    pub chairmanship: Vec<Chairmanship>,
    /// Network-level documents kept as given.
    pub documents: Vec<NetworkDocument>,
}

impl NetworkData {
    /// A fingerprint of the whole network (SHA-256 of its canonical JSON): equal for equal data.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let value = serde_json::to_value(self).unwrap_or_default();
        let digest = Sha256::digest(crate::audit::canonical_json(&value).as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Why a network file was refused: the file, the record and the field, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {record}, field `{field}`: {message}")]
pub struct SeedError {
    /// The file.
    pub file: String,
    /// The record (e.g. `cities[3] (Bangkok)`).
    pub record: String,
    /// The field (e.g. `lat`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Reads and validates a network file in Kota's JSON format.
pub fn parse(file: &str, text: &str) -> Result<NetworkData, SeedError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let raw: RawNetwork = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let (record, field) = split_path(&path);
        SeedError {
            file: file.into(),
            record,
            field,
            message: e.inner().to_string(),
        }
    })?;
    Validator { file }.network(raw)
}

/// Splits `cities[3].roles_evidence[0].role` into the record `cities[3]` and the rest.
fn split_path(path: &str) -> (String, String) {
    match path.find("].") {
        Some(i) => (path[..=i].to_owned(), path[i + 2..].to_owned()),
        None => (
            "the file".to_owned(),
            if path == "." {
                "(root)".into()
            } else {
                path.into()
            },
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    meta: serde_json::Map<String, serde_json::Value>,
    strategic_outcomes: Vec<RawOutcome>,
    focus_areas: Vec<RawFocusArea>,
    urban_systems: Vec<RawElement>,
    enablers: Vec<RawElement>,
    member_states: Vec<RawState>,
    cities: Vec<RawCity>,
    partners: Vec<RawPartner>,
    twinning: serde_json::Value,
    events: Vec<RawEvent>,
    chairmanship: Vec<RawChair>,
    network_stats: serde_json::Value,
    governance: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutcome {
    id: String,
    name: String,
    definition: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFocusArea {
    id: String,
    name: String,
    name_me_reports: String,
    definition: String,
    me_subcategories: Vec<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    name: String,
    #[serde(default)]
    definition: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    iso2: String,
    name: String,
    nr_agency_2026: Option<String>,
    income_group: String,
    income_group_fy: String,
    income_group_source: String,
    #[serde(default)]
    income_group_uncertain: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    name: String,
    country_iso2: String,
    lat: f64,
    lon: f64,
    population: Option<i64>,
    population_year: Option<i32>,
    population_source: Option<String>,
    geonames_id: Option<i64>,
    #[serde(default)]
    geonames_name: Option<String>,
    joined_year: i32,
    cohort: String,
    joined_source: String,
    roles: Vec<String>,
    roles_uncertain: Vec<String>,
    roles_evidence: Vec<RawEvidence>,
    #[serde(default)]
    scap_2018: Option<RawPlan>,
    priorities: Vec<RawProject>,
    csco_designation_2026: Option<String>,
    csco_source: Option<String>,
    #[serde(default)]
    partner_links: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    twinning_documented: Vec<RawTwinning>,
    #[serde(default)]
    location_note: Option<String>,
    #[serde(default)]
    uncertain: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    role: String,
    basis: String,
    source: String,
    uncertain: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTwinning {
    programme: String,
    ascn_city: String,
    asean_entity: String,
    us_partner: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    vision_paraphrase: String,
    focus_areas_as_written: Vec<String>,
    land_area_as_reported: Option<String>,
    population_as_reported: Option<String>,
    csco_designation_2018: Option<String>,
    source: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    title: String,
    focus_area: String,
    source: String,
    origin: String,
    #[serde(default)]
    focus_area_note: Option<String>,
    #[serde(default)]
    listed_in_me_reports: Vec<i32>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    uncertain: bool,
    #[serde(default)]
    focus_area_history: BTreeMap<String, String>,
    #[serde(default)]
    earlier_titles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    name: String,
    kind: String,
    country_or_org: String,
    offers: Vec<String>,
    offers_ids: Vec<String>,
    activities: Vec<String>,
    cities: Vec<String>,
    source: String,
    sources: Vec<String>,
    #[serde(default)]
    uncertain: bool,
    #[serde(default)]
    uncertain_fields: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    name: String,
    date: String,
    place: String,
    source: String,
    sources: Vec<String>,
    #[serde(default)]
    chair: Option<String>,
    #[serde(default)]
    uncertain: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChair {
    year: i32,
    chair: String,
    source: String,
}

/// The longest text field Kota accepts from a file.
const MAX_TEXT: usize = 20_000;

struct Validator<'a> {
    file: &'a str,
}

type Checked<T> = Result<T, SeedError>;

impl Validator<'_> {
    fn fail(&self, record: &str, field: &str, message: impl Into<String>) -> SeedError {
        SeedError {
            file: self.file.into(),
            record: record.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    fn text(&self, record: &str, field: &str, value: String) -> Checked<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(self.fail(record, field, "must not be empty"));
        }
        if trimmed.len() > MAX_TEXT {
            return Err(self.fail(record, field, format!("is longer than {MAX_TEXT} bytes")));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(self.fail(record, field, "contains control characters"));
        }
        Ok(trimmed.to_owned())
    }

    fn opt_text(
        &self,
        record: &str,
        field: &str,
        value: Option<String>,
    ) -> Checked<Option<String>> {
        value
            .filter(|v| !v.trim().is_empty())
            .map(|v| self.text(record, field, v))
            .transpose()
    }

    fn texts(&self, record: &str, field: &str, values: Vec<String>) -> Checked<Vec<String>> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| self.text(record, &format!("{field}[{i}]"), v))
            .collect()
    }

    fn source(&self, record: &str, field: &str, value: String) -> Checked<Source> {
        self.text(record, field, value).map(Source)
    }

    fn sources(&self, record: &str, first: String, rest: Vec<String>) -> Checked<Vec<Source>> {
        let mut all = vec![self.source(record, "source", first)?];
        for (i, s) in rest.into_iter().enumerate() {
            let s = self.source(record, &format!("sources[{i}]"), s)?;
            if !all.contains(&s) {
                all.push(s);
            }
        }
        Ok(all)
    }

    fn year(&self, record: &str, field: &str, year: i32) -> Checked<i32> {
        if (1900..=2200).contains(&year) {
            Ok(year)
        } else {
            Err(self.fail(record, field, format!("{year} is not a plausible year")))
        }
    }

    fn unique<'k>(
        &self,
        seen: &mut BTreeSet<String>,
        record: &str,
        field: &str,
        key: &'k str,
    ) -> Checked<&'k str> {
        if seen.insert(key.to_owned()) {
            Ok(key)
        } else {
            Err(self.fail(
                record,
                field,
                format!("`{key}` is used by an earlier record"),
            ))
        }
    }

    fn network(&self, raw: RawNetwork) -> Checked<NetworkData> {
        let framework = self.framework(
            raw.strategic_outcomes,
            raw.focus_areas,
            raw.urban_systems,
            raw.enablers,
        )?;
        let member_states = self.states(raw.member_states)?;
        let mut index = Index::default();
        let mut cities = Vec::new();
        let mut action_plans = Vec::new();
        let mut projects = Vec::new();
        let mut city_partner_links = Vec::new();
        let mut slugs = BTreeSet::new();
        for (i, raw_city) in raw.cities.into_iter().enumerate() {
            let record = format!("cities[{i}] ({})", raw_city.name.trim());
            let (city, plan, priorities, links) =
                self.city(&record, raw_city, &member_states, &framework)?;
            self.unique(&mut slugs, &record, "name", &city.slug)?;
            for name in std::iter::once(&city.name).chain(&city.aliases) {
                if index
                    .cities
                    .insert(name.to_lowercase(), CityRef::from(&city))
                    .is_some()
                {
                    return Err(self.fail(
                        &record,
                        "aliases",
                        format!("`{name}` names another city too"),
                    ));
                }
            }
            action_plans.extend(plan);
            city_partner_links.push((record.clone(), CityRef::from(&city), links));
            for (j, p) in priorities.into_iter().enumerate() {
                projects.push(self.project(
                    &format!("{record}.priorities[{j}] ({})", p.title.trim()),
                    p,
                    &city,
                    &framework,
                )?);
            }
            cities.push(city);
        }
        self.unique_project_slugs(&mut projects)?;
        let mut partners = self.partners(raw.partners, &framework, &index)?;
        self.link_partners(&mut partners, city_partner_links)?;
        let events = self.events(raw.events, &member_states, &index)?;
        let chairmanship = self.chairmanship(raw.chairmanship, &member_states)?;
        let documents = vec![
            NetworkDocument {
                key: "about".into(),
                body: serde_json::Value::Object(raw.meta),
            },
            NetworkDocument {
                key: "governance".into(),
                body: raw.governance,
            },
            NetworkDocument {
                key: "twinning".into(),
                body: raw.twinning,
            },
            NetworkDocument {
                key: "network_stats".into(),
                body: raw.network_stats,
            },
        ];
        Ok(NetworkData {
            framework,
            member_states,
            cities,
            action_plans,
            projects,
            partners,
            events,
            chairmanship,
            documents,
        })
    }

    fn framework(
        &self,
        outcomes: Vec<RawOutcome>,
        focus_areas: Vec<RawFocusArea>,
        urban_systems: Vec<RawElement>,
        enablers: Vec<RawElement>,
    ) -> Checked<Framework> {
        let mut ids = BTreeSet::new();
        let outcomes = outcomes
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                let record = format!("strategic_outcomes[{i}]");
                self.identifier(&record, &o.id)?;
                self.unique(&mut ids, &record, "id", &o.id)?;
                Ok(StrategicOutcome {
                    name: self.text(&record, "name", o.name)?,
                    definition: self.text(&record, "definition", o.definition)?,
                    source: self.source(&record, "source", o.source)?,
                    id: o.id,
                })
            })
            .collect::<Checked<Vec<_>>>()?;
        let focus_areas = focus_areas
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let record = format!("focus_areas[{i}]");
                self.identifier(&record, &f.id)?;
                self.unique(&mut ids, &record, "id", &f.id)?;
                Ok(FocusArea {
                    name: self.text(&record, "name", f.name)?,
                    name_in_reports: self.text(&record, "name_me_reports", f.name_me_reports)?,
                    definition: self.text(&record, "definition", f.definition)?,
                    subcategories: self.texts(&record, "me_subcategories", f.me_subcategories)?,
                    source: self.source(&record, "source", f.source)?,
                    version: 1,
                    id: f.id,
                })
            })
            .collect::<Checked<Vec<_>>>()?;
        if focus_areas.is_empty() {
            return Err(self.fail(
                "the file",
                "focus_areas",
                "the framework needs at least one focus area",
            ));
        }
        let mut elements = Vec::new();
        for (kind, list, field) in [
            (ElementKind::UrbanSystem, urban_systems, "urban_systems"),
            (ElementKind::Enabler, enablers, "enablers"),
        ] {
            for (i, e) in list.into_iter().enumerate() {
                let record = format!("{field}[{i}]");
                elements.push(FrameworkElement {
                    kind,
                    name: self.text(&record, "name", e.name)?,
                    definition: self
                        .opt_text(&record, "definition", e.definition)?
                        .unwrap_or_default(),
                    examples: self.texts(&record, "examples", e.examples)?,
                    source: self.source(&record, "source", e.source)?,
                });
            }
        }
        Ok(Framework {
            outcomes,
            focus_areas,
            elements,
        })
    }

    fn identifier(&self, record: &str, id: &str) -> Checked<()> {
        let ok = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(())
        } else {
            Err(self.fail(
                record,
                "id",
                format!("`{id}` is not a lower-case identifier"),
            ))
        }
    }

    fn states(&self, raw: Vec<RawState>) -> Checked<Vec<MemberState>> {
        let mut seen = BTreeSet::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, s)| {
                let record = format!("member_states[{i}] ({})", s.name.trim());
                if s.iso2.len() != 2 || !s.iso2.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(self.fail(
                        &record,
                        "iso2",
                        format!("`{}` is not an ISO 3166-1 alpha-2 code", s.iso2),
                    ));
                }
                self.unique(&mut seen, &record, "iso2", &s.iso2)?;
                let income_group = IncomeGroup::parse(&s.income_group.replace('-', "_"))
                    .ok_or_else(|| {
                        self.fail(
                            &record,
                            "income_group",
                            format!(
                                "`{}` is not one of low, lower-middle, upper-middle, high",
                                s.income_group
                            ),
                        )
                    })?;
                Ok(MemberState {
                    name: self.text(&record, "name", s.name)?,
                    income_group,
                    income_group_year: self.text(&record, "income_group_fy", s.income_group_fy)?,
                    income_group_source: self.source(
                        &record,
                        "income_group_source",
                        s.income_group_source,
                    )?,
                    income_group_uncertain: s.income_group_uncertain,
                    national_representative: self.opt_text(
                        &record,
                        "nr_agency_2026",
                        s.nr_agency_2026,
                    )?,
                    note: self.opt_text(&record, "note", s.note)?,
                    iso2: s.iso2,
                })
            })
            .collect()
    }

    fn role(&self, record: &str, field: &str, role: &str) -> Checked<CityRole> {
        CityRole::parse(role).ok_or_else(|| {
            self.fail(
                record,
                field,
                format!(
                    "`{role}` is not a city role (capital, administrative, commercial, tourism)"
                ),
            )
        })
    }

    #[allow(clippy::type_complexity)]
    fn city(
        &self,
        record: &str,
        c: RawCity,
        states: &[MemberState],
        framework: &Framework,
    ) -> Checked<(City, Option<ActionPlan>, Vec<RawProject>, Vec<String>)> {
        let name = self.text(record, "name", c.name)?;
        if !states.iter().any(|s| s.iso2 == c.country_iso2) {
            return Err(self.fail(
                record,
                "country_iso2",
                format!("`{}` is not a member state of the file", c.country_iso2),
            ));
        }
        if !(-90.0..=90.0).contains(&c.lat) {
            return Err(self.fail(record, "lat", "must be between -90 and 90"));
        }
        if !(-180.0..=180.0).contains(&c.lon) {
            return Err(self.fail(record, "lon", "must be between -180 and 180"));
        }
        if c.population.is_some_and(|p| p <= 0) {
            return Err(self.fail(record, "population", "must be a positive number"));
        }
        let population_year = c
            .population_year
            .map(|y| self.year(record, "population_year", y))
            .transpose()?;
        let roles = c
            .roles
            .iter()
            .map(|r| self.role(record, "roles", r))
            .collect::<Checked<Vec<_>>>()?;
        let roles_uncertain = c
            .roles_uncertain
            .iter()
            .map(|r| self.role(record, "roles_uncertain", r))
            .collect::<Checked<Vec<_>>>()?;
        let role_evidence = c
            .roles_evidence
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let field = format!("roles_evidence[{i}]");
                Ok(RoleEvidence {
                    role: self.role(record, &format!("{field}.role"), &e.role)?,
                    basis: self.text(record, &format!("{field}.basis"), e.basis)?,
                    source: self.source(record, &format!("{field}.source"), e.source)?,
                    uncertain: e.uncertain,
                })
            })
            .collect::<Checked<Vec<_>>>()?;
        let documented_twinnings = c
            .twinning_documented
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let field = format!("twinning_documented[{i}]");
                if t.ascn_city.trim() != name {
                    return Err(self.fail(
                        record,
                        &format!("{field}.ascn_city"),
                        format!("names `{}`, not this city", t.ascn_city),
                    ));
                }
                Ok(DocumentedTwinning {
                    programme: self.text(record, &format!("{field}.programme"), t.programme)?,
                    local_entity: self.text(
                        record,
                        &format!("{field}.asean_entity"),
                        t.asean_entity,
                    )?,
                    partner: self.text(record, &format!("{field}.us_partner"), t.us_partner)?,
                    source: self.source(record, &format!("{field}.source"), t.source)?,
                })
            })
            .collect::<Checked<Vec<_>>>()?;
        let city = City {
            id: stable_id("city", &name),
            slug: slugify(&name),
            aliases: self.texts(record, "aliases", c.aliases)?,
            names: Vec::new(),
            place_names: Vec::new(),
            country_iso2: c.country_iso2,
            latitude: c.lat,
            longitude: c.lon,
            location_note: self.opt_text(record, "location_note", c.location_note)?,
            population: c.population,
            population_year,
            population_source: self
                .opt_text(record, "population_source", c.population_source)?
                .map(Source),
            geonames_id: c.geonames_id,
            geonames_name: self.opt_text(record, "geonames_name", c.geonames_name)?,
            joined_year: self.year(record, "joined_year", c.joined_year)?,
            cohort: self.text(record, "cohort", c.cohort)?,
            joined_source: self.source(record, "joined_source", c.joined_source)?,
            roles,
            roles_uncertain,
            role_evidence,
            csco_designation: self.opt_text(
                record,
                "csco_designation_2026",
                c.csco_designation_2026,
            )?,
            csco_source: self
                .opt_text(record, "csco_source", c.csco_source)?
                .map(Source),
            documented_twinnings,
            uncertain: c.uncertain,
            description: None,
            website: None,
            contact: None,
            version: 1,
            name,
        }
        .with_place_names(Vec::new());
        let plan = c
            .scap_2018
            .map(|p| self.plan(&format!("{record}.scap_2018"), p, &city, framework))
            .transpose()?;
        let links = self.texts(record, "partner_links", c.partner_links)?;
        Ok((city, plan, c.priorities, links))
    }

    fn plan(
        &self,
        record: &str,
        p: RawPlan,
        city: &City,
        framework: &Framework,
    ) -> Checked<ActionPlan> {
        let as_written = self.texts(record, "focus_areas_as_written", p.focus_areas_as_written)?;
        let mut focus_areas: Vec<String> = Vec::new();
        for name in &as_written {
            if let Some(f) = framework.focus_area_named(name)
                && !focus_areas.contains(&f.id)
            {
                focus_areas.push(f.id.clone());
            }
        }
        Ok(ActionPlan {
            city_id: city.id,
            version: 1,
            year: 2018,
            vision: self.text(record, "vision_paraphrase", p.vision_paraphrase)?,
            focus_areas,
            focus_areas_as_written: as_written,
            land_area_as_reported: self.opt_text(
                record,
                "land_area_as_reported",
                p.land_area_as_reported,
            )?,
            population_as_reported: self.opt_text(
                record,
                "population_as_reported",
                p.population_as_reported,
            )?,
            csco_designation: self.opt_text(
                record,
                "csco_designation_2018",
                p.csco_designation_2018,
            )?,
            note: self.opt_text(record, "note", p.note)?,
            source: self.source(record, "source", p.source)?,
            targets: Vec::new(),
            change_note: None,
            author: None,
            created_at: None,
        })
    }

    fn focus_area_id(
        &self,
        record: &str,
        field: &str,
        name: &str,
        framework: &Framework,
    ) -> Checked<String> {
        framework
            .focus_area_named(name)
            .map(|f| f.id.clone())
            .ok_or_else(|| {
                self.fail(
                    record,
                    field,
                    format!("`{name}` is not a focus area of the framework"),
                )
            })
    }

    fn project(
        &self,
        record: &str,
        p: RawProject,
        city: &City,
        framework: &Framework,
    ) -> Checked<Project> {
        let title = self.text(record, "title", p.title)?;
        let origin = match p.origin.as_str() {
            "SCAP 2018 priority project" => ProjectOrigin::ActionPlan2018,
            "ASCN M&E report appendix" => ProjectOrigin::MonitoringReport,
            other => {
                return Err(self.fail(
                    record,
                    "origin",
                    format!("`{other}` is not a known origin"),
                ));
            }
        };
        let (reported_status, status_note) = match p.status.as_deref().map(str::trim) {
            None | Some("") => (None, None),
            Some(s) => match ReportedStatus::parse(s) {
                Some(status) => (Some(status), None),
                None if s.contains("ongoing/planning") => {
                    (Some(ReportedStatus::OngoingOrPlanning), Some(s.to_owned()))
                }
                None if s.contains("not listed") => (None, Some(s.to_owned())),
                None => {
                    return Err(self.fail(
                        record,
                        "status",
                        format!("`{s}` is not a reported status"),
                    ));
                }
            },
        };
        let mut report_years = p.listed_in_me_reports;
        for y in &report_years {
            self.year(record, "listed_in_me_reports", *y)?;
        }
        report_years.sort_unstable();
        report_years.dedup();
        let focus_area_history = p
            .focus_area_history
            .into_iter()
            .map(|(year, name)| {
                let field = format!("focus_area_history.{year}");
                let y: i32 = year
                    .parse()
                    .map_err(|_| self.fail(record, &field, "the key must be a year"))?;
                self.year(record, &field, y)?;
                Ok((year, self.focus_area_id(record, &field, &name, framework)?))
            })
            .collect::<Checked<BTreeMap<_, _>>>()?;
        Ok(Project {
            id: stable_id(
                "project",
                &format!("{}|{}|{}", city.name, origin.as_str(), title),
            ),
            slug: slugify(&format!("{} {}", city.name, title)),
            city: CityRef::from(city),
            description: None,
            focus_areas: vec![self.focus_area_id(
                record,
                "focus_area",
                &p.focus_area,
                framework,
            )?],
            origin,
            reported_status,
            report_years,
            status_note,
            stage: None,
            focus_area_note: self.opt_text(record, "focus_area_note", p.focus_area_note)?,
            focus_area_history,
            earlier_titles: self.texts(record, "earlier_titles", p.earlier_titles)?,
            uncertain: p.uncertain,
            source: self.source(record, "source", p.source)?,
            budget: None,
            funding_gap: None,
            budget_confidential: false,
            support_sought: Vec::new(),
            open_to_private_investment: false,
            deadline: None,
            viability_rationale: None,
            confidential_notes: None,
            milestones: Vec::new(),
            aliases: Vec::new(),
            merged_records: Vec::new(),
            version: 1,
            title,
        })
    }

    /// Two projects of a city may share a title (a 2018 plan priority and the project the
    /// reports list): the plan's record then gets the origin in its slug.
    fn unique_project_slugs(&self, projects: &mut [Project]) -> Checked<()> {
        let mut count: HashMap<String, usize> = HashMap::new();
        for p in projects.iter() {
            *count.entry(p.slug.clone()).or_default() += 1;
        }
        let mut seen = BTreeSet::new();
        for p in projects.iter_mut() {
            if count[&p.slug] > 1 && p.origin == ProjectOrigin::ActionPlan2018 {
                p.slug = slugify_with_suffix(&format!("{} {}", p.city.name, p.title), "plan 2018");
            }
            let record = format!("project `{}` of {}", p.title, p.city.name);
            self.unique(&mut seen, &record, "title", &p.slug)?;
        }
        Ok(())
    }

    fn partners(
        &self,
        raw: Vec<RawPartner>,
        framework: &Framework,
        index: &Index,
    ) -> Checked<Vec<Partner>> {
        let mut slugs = BTreeSet::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, p)| {
                let record = format!("partners[{i}] ({})", p.name.trim());
                let name = self.text(&record, "name", p.name)?;
                let kind = PartnerKind::from_description(&p.kind).ok_or_else(|| {
                    self.fail(
                        &record,
                        "kind",
                        format!("`{}` is not a known kind of partner", p.kind),
                    )
                })?;
                if p.offers.len() != p.offers_ids.len() {
                    return Err(self.fail(
                        &record,
                        "offers_ids",
                        "must name the same focus areas as `offers`",
                    ));
                }
                let mut focus_areas = Vec::new();
                for (j, (offer, id)) in p.offers.iter().zip(&p.offers_ids).enumerate() {
                    let named =
                        self.focus_area_id(&record, &format!("offers[{j}]"), offer, framework)?;
                    if &named != id {
                        return Err(self.fail(
                            &record,
                            &format!("offers_ids[{j}]"),
                            format!("`{id}` does not match offer `{offer}`"),
                        ));
                    }
                    focus_areas.push(named);
                }
                let mut cities = Vec::new();
                for (j, c) in p.cities.iter().enumerate() {
                    let city = index.city(c).ok_or_else(|| {
                        self.fail(
                            &record,
                            &format!("cities[{j}]"),
                            format!("`{c}` is not a member city"),
                        )
                    })?;
                    if !cities.contains(city) {
                        cities.push(city.clone());
                    }
                }
                let slug = slugify(&name);
                self.unique(&mut slugs, &record, "name", &slug)?;
                Ok(Partner {
                    id: stable_id("partner", &name),
                    slug,
                    kind,
                    kind_as_reported: self.text(&record, "kind", p.kind)?,
                    home: self.text(&record, "country_or_org", p.country_or_org)?,
                    focus_areas,
                    activities: self.texts(&record, "activities", p.activities)?,
                    cities,
                    sources: self.sources(&record, p.source, p.sources)?,
                    uncertain: p.uncertain,
                    uncertain_fields: self.texts(
                        &record,
                        "uncertain_fields",
                        p.uncertain_fields,
                    )?,
                    note: self.opt_text(&record, "note", p.note)?,
                    profile: PartnerProfile::default(),
                    version: 1,
                    name,
                })
            })
            .collect()
    }

    /// Cities also name the partners that support them; both sides together give the links.
    fn link_partners(
        &self,
        partners: &mut [Partner],
        links: Vec<(String, CityRef, Vec<String>)>,
    ) -> Checked<()> {
        for (record, city, names) in links {
            for (j, name) in names.iter().enumerate() {
                let partner = partners
                    .iter_mut()
                    .find(|p| &p.name == name)
                    .ok_or_else(|| {
                        self.fail(
                            &record,
                            &format!("partner_links[{j}]"),
                            format!("`{name}` is not a partner of the file"),
                        )
                    })?;
                if !partner.cities.contains(&city) {
                    partner.cities.push(city.clone());
                }
            }
        }
        Ok(())
    }

    fn state_named<'s>(&self, states: &'s [MemberState], name: &str) -> Option<&'s MemberState> {
        let bare = name.split(" (").next().unwrap_or(name).trim();
        states
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(bare) || s.iso2 == bare)
    }

    fn events(
        &self,
        raw: Vec<RawEvent>,
        states: &[MemberState],
        index: &Index,
    ) -> Checked<Vec<Event>> {
        let mut slugs = BTreeSet::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, e)| {
                let record = format!("events[{i}] ({})", e.name.trim());
                let name = self.text(&record, "name", e.name)?;
                let date = EventDate::parse(&e.date).map_err(|m| self.fail(&record, "date", m))?;
                let place = self.text(&record, "place", e.place)?;
                let chair = match e.chair {
                    Some(c) => Some(
                        self.state_named(states, &c)
                            .ok_or_else(|| {
                                self.fail(&record, "chair", format!("`{c}` is not a member state"))
                            })?
                            .iso2
                            .clone(),
                    ),
                    None => None,
                };
                let slug = slugify(&format!("{} {}", date.starts_on, name));
                self.unique(&mut slugs, &record, "name", &slug)?;
                let city = index.city_in_place(&place).cloned();
                Ok(Event {
                    id: stable_id("event", &format!("{}|{}", date.text, name)),
                    slug,
                    kind: EventKind::infer(&name),
                    starts_at: None,
                    ends_at: None,
                    time_zone: None,
                    host_city: city.clone(),
                    city,
                    date,
                    place,
                    chair,
                    sources: self.sources(&record, e.source, e.sources)?,
                    uncertain: e.uncertain,
                    note: self.opt_text(&record, "note", e.note)?,
                    participants: Vec::new(),
                    agenda: Vec::new(),
                    decisions: Vec::new(),
                    seeded: true,
                    version: 1,
                    title: name.clone(),
                    name,
                })
            })
            .collect()
    }

    fn chairmanship(
        &self,
        raw: Vec<RawChair>,
        states: &[MemberState],
    ) -> Checked<Vec<Chairmanship>> {
        let mut years = BTreeSet::new();
        raw.into_iter()
            .enumerate()
            .map(|(i, c)| {
                let record = format!("chairmanship[{i}] ({})", c.year);
                self.year(&record, "year", c.year)?;
                self.unique(&mut years, &record, "year", &c.year.to_string())?;
                Ok(Chairmanship {
                    year: c.year,
                    state_iso2: self.state_named(states, &c.chair).map(|s| s.iso2.clone()),
                    chair: self.text(&record, "chair", c.chair)?,
                    source: self.source(&record, "source", c.source)?,
                    version: 1,
                })
            })
            .collect()
    }
}

/// Member cities by lower-cased name and alias.
#[derive(Default)]
struct Index {
    cities: HashMap<String, CityRef>,
}

impl Index {
    fn city(&self, name: &str) -> Option<&CityRef> {
        self.cities.get(&name.trim().to_lowercase())
    }

    /// The member city a place names as a whole word (`Bangkok (GMM Live House)`), unless the
    /// event was held online.
    fn city_in_place(&self, place: &str) -> Option<&CityRef> {
        let lower = place.to_lowercase();
        if lower.starts_with("online") {
            return None;
        }
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let joined = format!(" {} ", words.join(" "));
        let mut best: Option<(&str, &CityRef)> = None;
        for (name, city) in &self.cities {
            let needle = format!(
                " {} ",
                name.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            if joined.contains(&needle) && best.is_none_or(|(b, _)| name.len() > b.len()) {
                best = Some((name, city));
            }
        }
        best.map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASCN: &str = include_str!("../../../data/ascn/ascn_seed.json");

    fn ascn() -> NetworkData {
        parse("ascn_seed.json", ASCN).expect("the shipped network file is valid")
    }

    #[test]
    fn the_shipped_network_loads_whole() {
        let n = ascn();
        assert_eq!(n.framework.outcomes.len(), 3);
        assert_eq!(n.framework.focus_areas.len(), 6);
        assert_eq!(n.framework.elements.len(), 4);
        assert_eq!(n.member_states.len(), 11);
        assert_eq!(n.cities.len(), 38);
        assert_eq!(n.action_plans.len(), 26);
        assert_eq!(n.projects.len(), 215);
        assert_eq!(n.partners.len(), 36);
        assert_eq!(n.events.len(), 31);
        assert_eq!(n.chairmanship.len(), 9);
        assert!(
            n.chairmanship.iter().all(|c| c.state_iso2.is_some()),
            "every chair is a member state"
        );
    }

    #[test]
    fn the_project_list_matches_the_csv_copy() {
        let csv = include_str!("../../../data/ascn/ascn_projects.csv");
        assert_eq!(
            csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count(),
            ascn().projects.len()
        );
    }

    #[test]
    fn bangkok_is_a_capital_with_projects_and_partners() {
        let n = ascn();
        let bangkok = n
            .cities
            .iter()
            .find(|c| c.slug == "bangkok")
            .expect("Bangkok");
        assert_eq!(bangkok.country_iso2, "TH");
        assert!(bangkok.roles.contains(&CityRole::Capital));
        assert!(n.projects.iter().any(|p| p.city.id == bangkok.id));
        assert!(
            n.partners
                .iter()
                .any(|p| p.cities.iter().any(|c| c.id == bangkok.id))
        );
        assert!(
            n.events
                .iter()
                .any(|e| e.city.as_ref().is_some_and(|c| c.id == bangkok.id))
        );
    }

    #[test]
    fn reported_statuses_keep_the_reports_words() {
        let n = ascn();
        let with_note = n
            .projects
            .iter()
            .filter(|p| p.status_note.is_some())
            .count();
        assert!(with_note > 0);
        assert!(
            n.projects.iter().all(|p| p.stage.is_none()),
            "no stage is invented"
        );
        assert!(
            n.projects
                .iter()
                .any(|p| p.reported_status == Some(ReportedStatus::Completed))
        );
        assert!(
            n.projects
                .iter()
                .any(|p| p.reported_status.is_none() && p.report_years.is_empty())
        );
    }

    fn refused(text: &str) -> SeedError {
        parse("bad.json", text).expect_err("the file must be refused")
    }

    fn with(edit: impl FnOnce(&mut serde_json::Value)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(ASCN).expect("json");
        edit(&mut v);
        v.to_string()
    }

    #[test]
    fn a_wrong_type_names_the_record_and_field() {
        let e = refused(&with(|v| v["cities"][3]["lat"] = "north".into()));
        assert_eq!(
            (e.file.as_str(), e.record.as_str(), e.field.as_str()),
            ("bad.json", "cities[3]", "lat")
        );
    }

    #[test]
    fn a_bad_value_names_the_record_and_field() {
        let e = refused(&with(|v| v["cities"][0]["lat"] = 123.0.into()));
        assert_eq!(e.record, "cities[0] (Bandar Seri Begawan)");
        assert_eq!(e.field, "lat");
        let e = refused(&with(|v| v["cities"][1]["country_iso2"] = "XX".into()));
        assert_eq!(e.field, "country_iso2");
        let e = refused(&with(|v| {
            v["cities"][0]["priorities"][0]["focus_area"] = "Space".into()
        }));
        assert!(
            e.record
                .starts_with("cities[0] (Bandar Seri Begawan).priorities[0]"),
            "{e}"
        );
        assert_eq!(e.field, "focus_area");
        let e = refused(&with(|v| v["events"][0]["date"] = "2019-02-30".into()));
        assert_eq!(e.field, "date");
        let e = refused(&with(|v| v["partners"][0]["cities"][0] = "Atlantis".into()));
        assert_eq!(e.field, "cities[0]");
    }

    #[test]
    fn unknown_fields_and_duplicates_are_refused() {
        let e = refused(&with(|v| v["cities"][2]["mayor"] = "someone".into()));
        assert_eq!(e.record, "cities[2]");
        assert!(e.message.contains("mayor"), "{e}");
        let e = refused(&with(|v| {
            let first = v["cities"][0].clone();
            v["cities"].as_array_mut().expect("cities").push(first);
        }));
        assert!(e.message.contains("earlier record"), "{e}");
    }

    #[test]
    fn broken_json_is_refused() {
        let e = refused("{ \"meta\": ");
        assert_eq!(e.file, "bad.json");
    }
}

//! City indicators over time: each city reports values of indicators (air quality, transit
//! ridership, …) by year, with their source and whether coordinators verified them, and the
//! values it aims at by target years. A value is keyed by its city, code and year: uploading
//! the same key again updates the value in place (a new version, audited), and uploading it
//! unchanged changes nothing. One indicator can then be compared across cities of similar
//! size and development level.

pub mod sheet;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Principal;
use crate::city::CityRef;
use crate::edit::{Code, FieldError, IndicatorRow, at_row, row_path};
use crate::network::IncomeGroup;

crate::vocabulary! {
    /// Who vouches for a value.
    pub enum Verification {
        /// As the city reports it.
        SelfReported = ("self_reported", "Self-reported"),
        /// Checked by the network's coordinators against its source.
        Verified = ("verified", "Verified"),
    }
}

/// One value of one indicator of one city for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorValue {
    /// Stable id.
    pub id: Uuid,
    /// The city.
    pub city: CityRef,
    /// The indicator's code.
    pub code: String,
    /// The indicator's name.
    pub name: String,
    /// The unit of the value.
    pub unit: String,
    /// The year the value is for.
    pub year: i32,
    /// The value.
    pub value: f64,
    /// Where the value comes from.
    pub source: String,
    /// Who vouches for it.
    pub verification: Verification,
    /// Version, raised by every change of the value.
    pub version: i32,
    /// Who recorded this version (name, role, place).
    pub recorded_by: String,
    /// When this version was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl IndicatorValue {
    /// Whether `other` says something else than this value: another number, name, unit,
    /// source or verification.
    pub fn differs_from(&self, other: &Self) -> bool {
        self.value != other.value
            || self.name != other.name
            || self.unit != other.unit
            || self.source != other.source
            || self.verification != other.verification
    }
}

/// The value a city aims at for an indicator by a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorTarget {
    /// The city.
    pub city: CityRef,
    /// The indicator's code.
    pub code: String,
    /// The year the target is for.
    pub year: i32,
    /// The value aimed at.
    pub value: f64,
}

/// One year of a city's series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SeriesPoint {
    /// The year.
    pub year: i32,
    /// The value.
    pub value: f64,
    /// Where the value comes from.
    pub source: String,
    /// Who vouches for it.
    pub verification: Verification,
    /// The value's version.
    pub version: i32,
}

/// A target of a city's series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetPoint {
    /// The year.
    pub year: i32,
    /// The value aimed at.
    pub value: f64,
}

/// One indicator of one city: its values by year and its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorSeries {
    /// The indicator's code.
    pub code: String,
    /// Its name, as the latest value gives it.
    pub name: String,
    /// The unit of its values.
    pub unit: String,
    /// The values, oldest year first.
    pub values: Vec<SeriesPoint>,
    /// The targets, earliest year first.
    pub targets: Vec<TargetPoint>,
}

impl IndicatorSeries {
    /// The value of the latest year.
    pub fn latest(&self) -> Option<&SeriesPoint> {
        self.values.last()
    }
}

/// A city's values and targets as series, one per indicator, by code.
pub fn series(values: Vec<IndicatorValue>, targets: Vec<IndicatorTarget>) -> Vec<IndicatorSeries> {
    let mut by_code: BTreeMap<String, IndicatorSeries> = BTreeMap::new();
    let mut values = values;
    values.sort_by_key(|v| v.year);
    for v in values {
        let s = by_code
            .entry(v.code.clone())
            .or_insert_with(|| IndicatorSeries {
                code: v.code.clone(),
                name: String::new(),
                unit: String::new(),
                values: Vec::new(),
                targets: Vec::new(),
            });
        s.name = v.name;
        s.unit = v.unit;
        s.values.push(SeriesPoint {
            year: v.year,
            value: v.value,
            source: v.source,
            verification: v.verification,
            version: v.version,
        });
    }
    let mut targets = targets;
    targets.sort_by_key(|t| t.year);
    for t in targets {
        if let Some(s) = by_code.get_mut(&t.code) {
            s.targets.push(TargetPoint {
                year: t.year,
                value: t.value,
            });
        }
    }
    by_code.into_values().collect()
}

/// Whether `who` may record indicators of a city: its officers, its member state's national
/// representative, and coordinators.
pub fn may_record(who: &Principal, city: &CityRef) -> bool {
    who.may_edit_city(city.id, &city.country_iso2)
}

/// Whether `who` may mark values verified: coordinators.
pub fn may_verify(who: &Principal) -> bool {
    who.is_coordinator()
}

crate::vocabulary! {
    /// What an upload does to one value or target.
    pub enum Change {
        /// Not recorded before.
        New = ("new", "New"),
        /// Recorded before with something else.
        Changed = ("changed", "Changed"),
        /// Recorded before just so.
        Unchanged = ("unchanged", "Unchanged"),
    }
}

/// What an upload would do to one value.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlannedValue {
    /// New, changed or unchanged.
    pub change: Change,
    /// The value recorded now, if any.
    pub before: Option<IndicatorValue>,
    /// The value as the upload leaves it.
    pub after: IndicatorValue,
}

impl PlannedValue {
    /// What the upload does to the value, in words: what changes (`value 24 → 23.1; source
    /// A → B`) for a changed one, the value with its unit otherwise.
    pub fn said(&self) -> String {
        let after = &self.after;
        match &self.before {
            Some(before) if self.change == Change::Changed => {
                let mut said = Vec::new();
                let mut compare = |field: &str, b: String, a: String| {
                    if b != a {
                        said.push(format!("{field} {b} → {a}"));
                    }
                };
                compare("value", before.value.to_string(), after.value.to_string());
                compare("name", before.name.clone(), after.name.clone());
                compare("unit", before.unit.clone(), after.unit.clone());
                compare("source", before.source.clone(), after.source.clone());
                compare(
                    "verification",
                    before.verification.as_str().into(),
                    after.verification.as_str().into(),
                );
                said.join("; ")
            }
            _ => format!("{} {}", after.value, after.unit),
        }
    }
}

/// What an upload would do to one target.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlannedTarget {
    /// New, changed or unchanged.
    pub change: Change,
    /// The value aimed at now, if a target for that year is recorded.
    pub before: Option<f64>,
    /// The target as the upload leaves it.
    pub after: IndicatorTarget,
}

impl PlannedTarget {
    /// What the upload does to the target, in words: `15 → 12` for a changed one, the value
    /// otherwise.
    pub fn said(&self) -> String {
        match self.before {
            Some(b) if self.change == Change::Changed => format!("{b} → {}", self.after.value),
            _ => self.after.value.to_string(),
        }
    }
}

/// What an upload would change, value by value, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorPlan {
    /// Each value of the upload, in its order.
    pub values: Vec<PlannedValue>,
    /// Each target the upload names, once.
    pub targets: Vec<PlannedTarget>,
}

/// What an upload recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorUpload {
    /// The upload's id (the audit log names it).
    pub id: Uuid,
    /// The cities it is for.
    pub cities: Vec<CityRef>,
    /// How many values were new.
    pub new: usize,
    /// How many values changed.
    pub changed: usize,
    /// How many values were recorded just so already.
    pub unchanged: usize,
    /// The new and changed values, as recorded.
    pub values: Vec<IndicatorValue>,
    /// The new and changed targets, as recorded.
    pub targets: Vec<IndicatorTarget>,
}

impl IndicatorPlan {
    /// How many values the upload does `change` to.
    pub fn count(&self, change: Change) -> usize {
        self.values.iter().filter(|v| v.change == change).count()
    }

    /// Whether writing the upload would change anything.
    pub fn changes_anything(&self) -> bool {
        self.values.iter().any(|v| v.change != Change::Unchanged)
            || self.targets.iter().any(|t| t.change != Change::Unchanged)
    }

    /// The values and targets the upload writes (new or changed).
    pub fn written(&self) -> (Vec<&PlannedValue>, Vec<&PlannedTarget>) {
        (
            self.values
                .iter()
                .filter(|v| v.change != Change::Unchanged)
                .collect(),
            self.targets
                .iter()
                .filter(|t| t.change != Change::Unchanged)
                .collect(),
        )
    }

    /// What the upload `id` records.
    pub fn upload(&self, id: Uuid) -> IndicatorUpload {
        let mut cities: Vec<CityRef> = Vec::new();
        for v in &self.values {
            if !cities.iter().any(|c| c.id == v.after.city.id) {
                cities.push(v.after.city.clone());
            }
        }
        let (values, targets) = self.written();
        IndicatorUpload {
            id,
            cities,
            new: self.count(Change::New),
            changed: self.count(Change::Changed),
            unchanged: self.count(Change::Unchanged),
            values: values.into_iter().map(|v| v.after.clone()).collect(),
            targets: targets.into_iter().map(|t| t.after.clone()).collect(),
        }
    }
}

/// What the planning of an upload knows of the network, read before it.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The city each row names, as found (none: no city has that id or slug).
    pub cities: Vec<Option<CityRef>>,
    /// The city the upload is for, when it is for one (a city's page, the API's path).
    pub scope: Option<CityRef>,
    /// The values recorded for the cities named.
    pub values: Vec<IndicatorValue>,
    /// The targets recorded for the cities named.
    pub targets: Vec<IndicatorTarget>,
    /// The unit each code is recorded in across the network.
    pub units: HashMap<String, String>,
}

/// What `rows` would change, uploaded by `who` at `now`; or every invalid field, each at
/// its row (`[2].year`). Nothing is written either way.
pub fn plan(
    rows: &[IndicatorRow],
    known: &Known,
    who: &Principal,
    now: DateTime<Utc>,
) -> Result<IndicatorPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    if rows.is_empty() {
        errors.push(FieldError::new(
            "values",
            Code::TooFew,
            "Give at least one indicator value",
        ));
    }
    let mut units = known.units.clone();
    let mut seen: HashMap<(Uuid, &str, i32), usize> = HashMap::new();
    let mut aims: HashMap<(Uuid, &str, i32), f64> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let input = &row.input;
        if let Err(e) = input.check() {
            errors.extend(at_row(i, e));
        }
        let mut refuse = |field: &str, code, message: String| {
            errors.push(FieldError::new(row_path(i, field), code, message));
        };
        let Some(city) = known.cities.get(i).cloned().flatten() else {
            refuse(
                "city",
                Code::UnknownRecord,
                format!("No city has the id or short name “{}”", row.city),
            );
            continue;
        };
        if let Some(scope) = known.scope.as_ref().filter(|s| s.id != city.id) {
            refuse(
                "city",
                Code::Conflict,
                format!(
                    "These are the indicators of {}: record those of {} on its own page",
                    scope.name, city.name
                ),
            );
        } else if !may_record(who, &city) {
            refuse(
                "city",
                Code::Conflict,
                format!(
                    "You may not record indicators of {}: its officers, its national \
                     representative and coordinators do",
                    city.name
                ),
            );
        }
        if input.verification() == Verification::Verified && !may_verify(who) {
            refuse(
                "verification",
                Code::Conflict,
                "Only coordinators mark a value verified: give self_reported".into(),
            );
        }
        match units.get(&input.code) {
            Some(unit) if *unit != input.unit => refuse(
                "unit",
                Code::Conflict,
                format!(
                    "{} is recorded in {unit} in the network: give the value in {unit}, or \
                     use another code",
                    input.code
                ),
            ),
            Some(_) => {}
            None => {
                units.insert(input.code.clone(), input.unit.clone());
            }
        }
        if let Some(earlier) = seen.insert((city.id, &input.code, input.year), i) {
            refuse(
                "year",
                Code::Duplicate,
                format!(
                    "{} of {} for {} is given twice (row {} gives it too)",
                    input.code,
                    city.name,
                    input.year,
                    earlier + 1
                ),
            );
        }
        if let (Some(year), Some(value)) = (input.target_year, input.target_value)
            && let Some(other) = aims.insert((city.id, &input.code, year), value)
            && other != value
        {
            refuse(
                "target_value",
                Code::Conflict,
                format!(
                    "Another row aims at {other} for {} of {} by {year}: give one target a year",
                    input.code, city.name
                ),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut values = Vec::new();
    let mut targets: Vec<PlannedTarget> = Vec::new();
    for (row, city) in rows.iter().zip(&known.cities) {
        let (input, Some(city)) = (&row.input, city) else {
            continue;
        };
        let before = known
            .values
            .iter()
            .find(|v| v.city.id == city.id && v.code == input.code && v.year == input.year);
        let (name, unit, source) = (input.name.trim(), input.unit.trim(), input.source.trim());
        // Left out, the verification of a value sent again as it stands is kept (a city
        // uploading its file again does not undo a coordinator's check); a new or changed
        // value is self-reported.
        let verification = input.verification.unwrap_or(match before {
            Some(b) if b.value == input.value && b.unit == unit && b.source == source => {
                b.verification
            }
            _ => Verification::SelfReported,
        });
        let after = IndicatorValue {
            id: before.map_or_else(Uuid::new_v4, |b| b.id),
            city: city.clone(),
            code: input.code.clone(),
            name: name.to_owned(),
            unit: unit.to_owned(),
            year: input.year,
            value: input.value,
            source: source.to_owned(),
            verification,
            version: before.map_or(1, |b| b.version + 1),
            recorded_by: who.public_label(),
            recorded_at: now,
        };
        values.push(match before {
            None => PlannedValue {
                change: Change::New,
                before: None,
                after,
            },
            Some(b) if b.differs_from(&after) => PlannedValue {
                change: Change::Changed,
                before: Some(b.clone()),
                after,
            },
            Some(b) => PlannedValue {
                change: Change::Unchanged,
                before: Some(b.clone()),
                after: b.clone(),
            },
        });
        if let (Some(year), Some(value)) = (input.target_year, input.target_value)
            && !targets.iter().any(|t| {
                t.after.city.id == city.id && t.after.code == input.code && t.after.year == year
            })
        {
            let before = known
                .targets
                .iter()
                .find(|t| t.city.id == city.id && t.code == input.code && t.year == year)
                .map(|t| t.value);
            targets.push(PlannedTarget {
                change: match before {
                    None => Change::New,
                    Some(b) if b != value => Change::Changed,
                    Some(_) => Change::Unchanged,
                },
                before,
                after: IndicatorTarget {
                    city: city.clone(),
                    code: input.code.clone(),
                    year,
                    value,
                },
            });
        }
    }
    Ok(IndicatorPlan { values, targets })
}

crate::vocabulary! {
    /// A city's size, by the OECD's classes of urban areas.
    pub enum PopulationBand {
        /// Fewer than 200,000 people (the OECD's small urban areas, and smaller towns).
        Small = ("small", "Under 200,000 people"),
        /// 200,000 to 500,000 people.
        Medium = ("medium", "200,000 to 500,000 people"),
        /// 500,000 to 1.5 million people.
        Metropolitan = ("metropolitan", "500,000 to 1.5 million people"),
        /// 1.5 million people or more.
        LargeMetropolitan = ("large_metropolitan", "1.5 million people or more"),
        /// No population on record.
        Unknown = ("unknown", "Population not on record"),
    }
}

/// The size class of a city of `population`.
pub fn band(population: Option<i64>) -> PopulationBand {
    match population {
        None => PopulationBand::Unknown,
        Some(p) if p < 200_000 => PopulationBand::Small,
        Some(p) if p < 500_000 => PopulationBand::Medium,
        Some(p) if p < 1_500_000 => PopulationBand::Metropolitan,
        Some(_) => PopulationBand::LargeMetropolitan,
    }
}

/// A city's latest value of an indicator, with what places it among its peers.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerValue {
    /// The latest value.
    pub latest: IndicatorValue,
    /// The city's population, when on record.
    pub population: Option<i64>,
    /// Its member state's income group.
    pub income_group: IncomeGroup,
}

/// Cities of one size class in member states of one income group.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerGroup {
    /// The income group.
    pub income_group: IncomeGroup,
    /// The size class.
    pub band: PopulationBand,
    /// The cities, by name.
    pub cities: Vec<PeerValue>,
}

/// The cities' latest values grouped by income group (lowest first) and size class
/// (smallest first); with `centre`, that city's group comes first.
pub fn peer_groups(values: Vec<PeerValue>, centre: Option<Uuid>) -> Vec<PeerGroup> {
    let mut by_group: BTreeMap<(IncomeGroup, PopulationBand), Vec<PeerValue>> = BTreeMap::new();
    for v in values {
        by_group
            .entry((v.income_group, band(v.population)))
            .or_default()
            .push(v);
    }
    let mut groups: Vec<PeerGroup> = by_group
        .into_iter()
        .map(|((income_group, band), mut cities)| {
            cities.sort_by(|a, b| a.latest.city.name.cmp(&b.latest.city.name));
            PeerGroup {
                income_group,
                band,
                cities,
            }
        })
        .collect();
    if let Some(at) = centre.and_then(|id| {
        groups
            .iter()
            .position(|g| g.cities.iter().any(|c| c.latest.city.id == id))
    }) {
        let first = groups.remove(at);
        groups.insert(0, first);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::edit::IndicatorInput;
    use crate::ids::Key;

    fn city(n: u128, name: &str, iso2: &str) -> CityRef {
        CityRef {
            id: Uuid::from_u128(n),
            slug: name.to_lowercase(),
            name: name.into(),
            country_iso2: iso2.into(),
        }
    }

    fn who(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    fn row(city: &CityRef, year: i32, value: f64) -> IndicatorRow {
        IndicatorRow {
            city: Key::Slug(city.slug.clone()),
            input: IndicatorInput {
                code: "pm25_annual_mean".into(),
                name: "Annual mean PM2.5".into(),
                unit: "µg/m³".into(),
                year,
                value,
                source: "Example".into(),
                verification: None,
                target_year: Some(2030),
                target_value: Some(15.0),
            },
        }
    }

    #[test]
    fn a_second_upload_changes_only_what_differs() {
        let bangkok = city(1, "Bangkok", "TH");
        let officer = who(Scope::CityOfficer {
            city_id: bangkok.id,
        });
        let rows = vec![row(&bangkok, 2022, 24.0), row(&bangkok, 2023, 21.5)];
        let mut known = Known {
            cities: vec![Some(bangkok.clone()); 2],
            ..Known::default()
        };
        let first = plan(&rows, &known, &officer, Utc::now()).unwrap();
        assert_eq!(first.count(Change::New), 2);
        assert_eq!(first.targets.len(), 1, "one target for both rows");
        known.values = first.upload(Uuid::nil()).values;
        known.targets = first.upload(Uuid::nil()).targets;
        let again = plan(&rows, &known, &officer, Utc::now()).unwrap();
        assert!(!again.changes_anything());
        let fixed = vec![row(&bangkok, 2022, 23.1), row(&bangkok, 2023, 21.5)];
        let fix = plan(&fixed, &known, &officer, Utc::now()).unwrap();
        assert_eq!(fix.values[0].change, Change::Changed);
        assert_eq!(fix.values[0].after.version, 2);
        assert_eq!(fix.values[0].after.id, known.values[0].id);
        assert_eq!(fix.values[0].said(), "value 24 → 23.1");
        assert_eq!(fix.values[1].change, Change::Unchanged);

        // A coordinator verified 2023; the city sends its file again: the check stays, and
        // only a changed value goes back to self-reported.
        known.values[1].verification = Verification::Verified;
        let again = plan(&rows, &known, &officer, Utc::now()).unwrap();
        assert!(!again.changes_anything());
        let changed = vec![row(&bangkok, 2022, 24.0), row(&bangkok, 2023, 20.0)];
        let change = plan(&changed, &known, &officer, Utc::now()).unwrap();
        assert_eq!(
            change.values[1].after.verification,
            Verification::SelfReported
        );
    }

    #[test]
    fn refusals_name_each_row() {
        let bangkok = city(1, "Bangkok", "TH");
        let cebu = city(2, "Cebu City", "PH");
        let officer = who(Scope::CityOfficer {
            city_id: bangkok.id,
        });
        let mut verified = row(&bangkok, 2023, 1.0);
        verified.input.verification = Some(Verification::Verified);
        let mut other_unit = row(&bangkok, 2021, 1.0);
        other_unit.input.unit = "ppm".into();
        let rows = vec![
            row(&cebu, 2023, 1.0),
            verified,
            row(&bangkok, 2023, 2.0),
            other_unit,
            row(&bangkok, 2020, 1.0),
        ];
        let known = Known {
            cities: vec![
                Some(cebu),
                Some(bangkok.clone()),
                Some(bangkok.clone()),
                Some(bangkok),
                None,
            ],
            ..Known::default()
        };
        let errors = plan(&rows, &known, &officer, Utc::now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "[0].city",
                "[1].verification",
                "[2].year",
                "[3].unit",
                "[4].city"
            ]
        );
        assert!(errors[2].message.contains("row 2"), "{}", errors[2].message);
    }

    #[test]
    fn peers_group_by_income_and_size() {
        let value = |c: &CityRef| IndicatorValue {
            id: Uuid::nil(),
            city: c.clone(),
            code: "x".into(),
            name: "X".into(),
            unit: "u".into(),
            year: 2023,
            value: 1.0,
            source: "s".into(),
            verification: Verification::SelfReported,
            version: 1,
            recorded_by: "r".into(),
            recorded_at: DateTime::UNIX_EPOCH,
        };
        let peer = |c: &CityRef, population, income_group| PeerValue {
            latest: value(c),
            population,
            income_group,
        };
        let (a, b, c) = (
            city(1, "Chiang Mai", "TH"),
            city(2, "Bangkok", "TH"),
            city(3, "Phuket", "TH"),
        );
        let groups = peer_groups(
            vec![
                peer(&a, Some(127_240), IncomeGroup::UpperMiddle),
                peer(&b, Some(5_104_476), IncomeGroup::UpperMiddle),
                peer(&c, Some(79_308), IncomeGroup::UpperMiddle),
            ],
            None,
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].band, PopulationBand::Small);
        let names: Vec<&str> = groups[0]
            .cities
            .iter()
            .map(|c| c.latest.city.name.as_str())
            .collect();
        assert_eq!(names, ["Chiang Mai", "Phuket"]);
        let centred = peer_groups(
            vec![
                peer(&a, Some(127_240), IncomeGroup::UpperMiddle),
                peer(&b, Some(5_104_476), IncomeGroup::UpperMiddle),
            ],
            Some(b.id),
        );
        assert_eq!(centred[0].band, PopulationBand::LargeMetropolitan);
    }
}

//! The columns of each list's CSV file: the facts the list page shows, as plain values
//! (vocabulary ids, ISO codes and dates as the API writes them; several values joined by
//! `;`), and the address of each record's page.

use kota_domain::city::City;
use kota_domain::event::Event;
use kota_domain::interest::Interest;
use kota_domain::money::Money;
use kota_domain::network::{Chairmanship, MemberState};
use kota_domain::partner::Partner;
use kota_domain::project::Project;
use kota_domain::twinning::Twinning;

use super::CsvRow;

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn joined<T: AsRef<str>>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.as_ref().to_owned())
        .collect::<Vec<_>>()
        .join(";")
}

fn money(m: Option<&Money>) -> [String; 2] {
    match m {
        Some(m) => [m.amount.to_string(), m.currency.clone()],
        None => [String::new(), String::new()],
    }
}

impl CsvRow for City {
    const HEADER: &'static [&'static str] = &[
        "slug",
        "name",
        "country",
        "latitude",
        "longitude",
        "population",
        "population_year",
        "joined_year",
        "cohort",
        "roles",
        "website",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.slug.clone(),
            self.name.clone(),
            self.country_iso2.clone(),
            self.latitude.to_string(),
            self.longitude.to_string(),
            opt(self.population),
            opt(self.population_year),
            self.joined_year.to_string(),
            self.cohort.clone(),
            joined(self.roles.iter().map(|r| r.as_str())),
            opt(self.website.as_ref()),
            format!("/cities/{}", self.slug),
        ]
    }
}

impl CsvRow for Project {
    const HEADER: &'static [&'static str] = &[
        "slug",
        "title",
        "city",
        "city_name",
        "country",
        "focus_areas",
        "stage",
        "reported_status",
        "report_years",
        "support_sought",
        "open_to_private_investment",
        "budget",
        "budget_currency",
        "funding_gap",
        "funding_gap_currency",
        "deadline",
        "source",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        let [budget, budget_currency] = money(self.budget.as_ref());
        let [gap, gap_currency] = money(self.funding_gap.as_ref());
        vec![
            self.slug.clone(),
            self.title.clone(),
            self.city.slug.clone(),
            self.city.name.clone(),
            self.city.country_iso2.clone(),
            joined(&self.focus_areas),
            opt(self.stage.map(|s| s.as_str())),
            opt(self.reported_status.map(|s| s.as_str())),
            joined(self.report_years.iter().map(i32::to_string)),
            joined(self.support_sought.iter().map(|s| s.as_str())),
            self.is_open_to_private_investment().to_string(),
            budget,
            budget_currency,
            gap,
            gap_currency,
            opt(self.deadline),
            self.source.as_str().to_owned(),
            format!("/projects/{}", self.slug),
        ]
    }
}

impl CsvRow for Partner {
    const HEADER: &'static [&'static str] = &[
        "slug",
        "name",
        "kind",
        "home",
        "focus_areas",
        "cities",
        "website",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.slug.clone(),
            self.name.clone(),
            self.kind.as_str().to_owned(),
            self.home.clone(),
            joined(&self.focus_areas),
            joined(self.cities.iter().map(|c| c.slug.as_str())),
            opt(self.profile.website.as_ref()),
            format!("/partners/{}", self.slug),
        ]
    }
}

/// A member state with the number of its cities in the network.
pub(crate) struct StateLine(pub(crate) MemberState, pub(crate) u64);

impl CsvRow for StateLine {
    const HEADER: &'static [&'static str] = &[
        "iso2",
        "name",
        "income_group",
        "income_group_year",
        "cities",
        "national_representative",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        let StateLine(s, cities) = self;
        vec![
            s.iso2.clone(),
            s.name.clone(),
            s.income_group.as_str().to_owned(),
            s.income_group_year.clone(),
            cities.to_string(),
            opt(s.national_representative.as_ref()),
            format!("/member-states/{}", s.iso2),
        ]
    }
}

impl CsvRow for Event {
    const HEADER: &'static [&'static str] = &[
        "slug",
        "title",
        "kind",
        "starts",
        "ends",
        "time_zone",
        "date_as_written",
        "place",
        "host_city",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        let (starts, ends) = match (self.starts_at, self.ends_at) {
            (Some(s), Some(e)) => (s.to_rfc3339(), e.to_rfc3339()),
            _ => (
                self.date.starts_on.to_string(),
                self.date.ends_on.to_string(),
            ),
        };
        vec![
            self.slug.clone(),
            self.title.clone(),
            opt(self.kind.map(|k| k.as_str())),
            starts,
            ends,
            opt(self.time_zone.as_ref()),
            self.date.text.clone(),
            self.place.clone(),
            opt(self.host_city.as_ref().map(|c| &c.slug)),
            format!("/events/{}", self.slug),
        ]
    }
}

impl CsvRow for Twinning {
    const HEADER: &'static [&'static str] = &[
        "id",
        "city",
        "partner",
        "state",
        "dormant",
        "focus_areas",
        "objectives",
        "proposed_at",
        "last_active_on",
        "outcome",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.city.slug.clone(),
            self.partner.slug.clone(),
            self.state.as_str().to_owned(),
            self.dormant.to_string(),
            joined(&self.focus_areas),
            self.objectives.clone(),
            self.proposed_at.to_rfc3339(),
            self.last_active_on.to_string(),
            opt(self.outcome.as_ref()),
            format!("/twinnings/{}", self.id),
        ]
    }
}

impl CsvRow for Interest {
    const HEADER: &'static [&'static str] = &[
        "id",
        "project",
        "city",
        "partner",
        "state",
        "instrument",
        "amount",
        "currency",
        "note",
        "submitted_at",
        "decided_at",
        "page",
    ];
    fn row(&self) -> Vec<String> {
        let [amount, currency] = money(self.amount.as_ref());
        vec![
            self.id.to_string(),
            self.project.slug.clone(),
            self.project.city.slug.clone(),
            self.partner.slug.clone(),
            self.state.as_str().to_owned(),
            self.instrument.as_str().to_owned(),
            amount,
            currency,
            self.note.clone(),
            self.submitted_at.to_rfc3339(),
            opt(self.decided_at.map(|d| d.to_rfc3339())),
            format!("/interests/{}", self.id),
        ]
    }
}

impl CsvRow for Chairmanship {
    const HEADER: &'static [&'static str] = &["year", "chair", "state", "source"];
    fn row(&self) -> Vec<String> {
        vec![
            self.year.to_string(),
            self.chair.clone(),
            opt(self.state_iso2.as_ref()),
            self.source.as_str().to_owned(),
        ]
    }
}

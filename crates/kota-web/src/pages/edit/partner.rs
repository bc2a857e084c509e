//! The form of a partner's profile and offers (its representatives, coordinators).

use std::collections::BTreeMap;

use kota_domain::access::Principal;
use kota_domain::edit::{FieldError, PartnerProfileInput};
use kota_domain::network::IncomeGroup;
use kota_domain::partner::{Instrument, Partner};

use kota_domain::ids::Key;
use kota_store::records::partner_profile::UpdatePartnerProfile;

use super::{area_choices, borrowed, state_choices, vocabulary};
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

fn strength_field(area: &str) -> String {
    format!("strengths.{area}")
}

fn profile_values(p: &Partner) -> FormValues {
    let profile = &p.profile;
    let mut v = FormValues::default();
    v.set("description", profile.description.clone())
        .set("website", profile.website.clone())
        .set_all(
            "instruments",
            profile.instruments.iter().map(|i| i.as_str()),
        )
        .set(
            "ticket_min",
            profile.ticket.as_ref().map(|t| t.min.to_string()),
        )
        .set(
            "ticket_max",
            profile.ticket.as_ref().map(|t| t.max.to_string()),
        )
        .set(
            "ticket_currency",
            profile.ticket.as_ref().map(|t| t.currency.clone()),
        )
        .set_all("countries_of_interest", &profile.countries_of_interest)
        .set_all(
            "levels_served",
            profile.levels_served.iter().map(|l| l.as_str()),
        )
        .set(
            "twinning_capacity",
            profile.twinning_capacity.map(|c| c.to_string()),
        )
        .set("version", Some(p.version.to_string()));
    for (area, strength) in &profile.strengths {
        v.set(&strength_field(area), Some(strength.to_string()));
    }
    v
}

fn profile_input(
    v: &FormValues,
    areas: &[(String, String)],
) -> (PartnerProfileInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut strengths = BTreeMap::new();
    for (id, _) in areas {
        if let Some(value) = v.number(&strength_field(id), &mut errors) {
            strengths.insert(id.clone(), value);
        }
    }
    let input = PartnerProfileInput {
        description: v.opt("description"),
        website: v.opt("website"),
        strengths,
        instruments: v.choices("instruments", Instrument::parse, &mut errors),
        ticket_min: v.number("ticket_min", &mut errors),
        ticket_max: v.number("ticket_max", &mut errors),
        ticket_currency: v.opt("ticket_currency"),
        countries_of_interest: v.all("countries_of_interest"),
        levels_served: v.choices("levels_served", IncomeGroup::parse, &mut errors),
        twinning_capacity: v.number("twinning_capacity", &mut errors),
    };
    (input, errors)
}

/// The choices the form offers.
pub(crate) struct Choices {
    areas: Vec<(String, String)>,
    instruments: Vec<(String, String)>,
    states: Vec<(String, String)>,
    levels: Vec<(String, String)>,
}

impl Choices {
    async fn load(s: &AppState) -> Result<Self, PageError> {
        Ok(Self {
            areas: area_choices(&s.store.framework().await?),
            instruments: vocabulary(Instrument::ALL, Instrument::as_str, Instrument::label),
            states: state_choices(s).await?,
            levels: vocabulary(IncomeGroup::ALL, IncomeGroup::as_str, IncomeGroup::label),
        })
    }

    fn fields(&self, f: &mut Fields<'_>) {
        {
            f.input("description", "About the partner", Kind::TextArea);
            f.input("website", "Web site", Kind::Url)
                .help("An http or https address.");
            for (id, name) in &self.areas {
                f.input(
                    &strength_field(id),
                    &format!("Strength in {name} (0–100)"),
                    Kind::Number,
                );
            }
            f.pick(
                "instruments",
                "How you support",
                true,
                borrowed(&self.instruments),
            );
            f.input("ticket_min", "Smallest ticket", Kind::Number)
                .help("Amount per project, in whole units of the currency.");
            f.input("ticket_max", "Largest ticket", Kind::Number);
            f.input("ticket_currency", "Currency of the tickets", Kind::Text)
                .help("ISO 4217 code, e.g. USD.");
            f.pick(
                "countries_of_interest",
                "Member states of interest",
                true,
                borrowed(&self.states),
            )
            .help("None ticked: any.");
            f.pick(
                "levels_served",
                "Levels of development served",
                true,
                borrowed(&self.levels),
            )
            .help("By income group; none ticked: any.");
            f.input(
                "twinning_capacity",
                "How many more cities you can twin with",
                Kind::Number,
            );
        }
    }
}

fn spec<'a>(p: &Partner, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    FormSpec {
        title: format!("Profile and offers of {}", p.name),
        section: "partners",
        action: format!("/partners/{}/edit", p.slug),
        intro: Some("What cities and firms see when they look for partners, and what twinning and business matching use.".into()),
        back_href: format!("/partners/{}", p.slug),
        back_label: p.name.clone(),
        submit: "Save the profile",
        build,
    }
}

/// A partner's profile and offers: `/partners/{key}/edit`.
pub(crate) struct PartnerForm;

impl EditForm for PartnerForm {
    type Edit = UpdatePartnerProfile;
    type Choices = Choices;
    type Input = PartnerProfileInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<Partner, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no partner named"))?;
        s.store
            .partner(key)
            .await?
            .ok_or_else(|| Problem::not_found("partner", key).into())
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.fields(f);
    }

    fn spec<'a>(p: &Partner, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        spec(p, build)
    }

    fn values(p: &Partner) -> FormValues {
        profile_values(p)
    }

    fn input(choices: &Choices, values: &FormValues) -> (PartnerProfileInput, Vec<FieldError>) {
        profile_input(values, &choices.areas)
    }

    fn edit(p: &Partner, input: PartnerProfileInput) -> UpdatePartnerProfile {
        UpdatePartnerProfile {
            partner: Key::Id(p.id),
            input,
        }
    }

    fn done(_: &Partner, p: &Partner) -> String {
        format!("/partners/{}", p.slug)
    }
}

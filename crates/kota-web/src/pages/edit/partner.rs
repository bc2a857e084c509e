//! The form of a partner's profile and offers (its representatives, coordinators).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kota_domain::access::Principal;
use kota_domain::edit::{FieldError, PartnerProfileInput};
use kota_domain::network::IncomeGroup;
use kota_domain::partner::{Instrument, Partner};

use super::{allow, area_choices, borrowed, state_choices, vocabulary};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::forms::{Fields, FormSpec, FormValues, Kind, answer, save, version_of};
use crate::pages::PageError;
use crate::problem::Problem;

async fn editable(s: &AppState, who: &Principal, key: &str) -> Result<Partner, PageError> {
    let partner = s
        .store
        .partner(key)
        .await?
        .ok_or_else(|| Problem::not_found("partner", key))?;
    allow(who.may_edit_partner(partner.id))?;
    Ok(partner)
}

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
struct Choices {
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

    fn fields(&self) -> impl Fn(&mut Fields<'_>) + '_ {
        move |f| {
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

/// `GET /partners/{key}/edit`.
pub(crate) async fn edit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    let partner = editable(&s, &who, &key).await?;
    let choices = Choices::load(&s).await?;
    let build = choices.fields();
    Ok(spec(&partner, &build)
        .page(csrf, &profile_values(&partner), &[], Some(partner.version))
        .into_response())
}

/// `POST /partners/{key}/edit`.
pub(crate) async fn update(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(key): Path<String>,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let partner = editable(&s, &who, &key).await?;
    let version = version_of(&values)?;
    let choices = Choices::load(&s).await?;
    let build = choices.fields();
    let result = save(profile_input(&values, &choices.areas), async |input| {
        s.store
            .update_partner_profile(&who, &key, Some(version), &input)
            .await
    })
    .await?;
    let stored = async || Ok(profile_values(&editable(&s, &who, &key).await?));
    answer(
        result,
        &spec(&partner, &build),
        csrf,
        &values,
        stored,
        |p: &Partner| format!("/partners/{}", p.slug),
    )
    .await
}

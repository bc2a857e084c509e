//! The forms of twinnings: a proposal from a partner's page (its representatives,
//! coordinators), and one form per step of a twinning's life, which the twinning's page
//! shows inline to those who may take it.

use kota_domain::access::Principal;
use kota_domain::edit::{ActivityInput, Code, ConclusionInput, FieldError, Input, ProposalInput};
use kota_domain::ids::Key;
use kota_domain::twinning::{ActivityKind, Transition, Twinning};
use kota_store::records::twinning::{
    Accept, ChangeTwinning, Conclude, Decline, Endorse, LogActivity, ProposeTwinning, Sides,
    TwinningStep, Withdraw,
};

use super::{area_choices, borrowed, vocabulary};
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// The form that proposes a twinning of the partner in the path.
pub(crate) struct ProposeForm;

/// A proposal as the form takes it: the city chosen, and the terms.
pub(crate) struct Proposal {
    city: Key,
    terms: ProposalInput,
}

impl Input for Proposal {
    fn field_errors(&self) -> Vec<FieldError> {
        self.terms.field_errors()
    }
}

/// What the proposal form offers: member cities and focus areas.
pub(crate) struct ProposalChoices {
    cities: Vec<(String, String)>,
    areas: Vec<(String, String)>,
}

impl EditForm for ProposeForm {
    type Edit = ProposeTwinning;
    type Choices = ProposalChoices;
    type Input = Proposal;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<Sides, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("partner", ""))?;
        let partner = s.store.partner_ref(key).await?;
        partner
            .map(|p| Sides {
                partner: Some(p),
                city: None,
            })
            .ok_or_else(|| Problem::not_found("partner", key).into())
    }

    async fn choices(s: &AppState) -> Result<ProposalChoices, PageError> {
        Ok(ProposalChoices {
            cities: s
                .store
                .city_refs()
                .await?
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect(),
            areas: area_choices(&s.store.framework().await?),
        })
    }

    fn fields(c: &ProposalChoices, f: &mut Fields<'_>) {
        f.pick("city", "Member city", false, borrowed(&c.cities))
            .required();
        f.pick("focus_areas", "Focus areas", true, borrowed(&c.areas))
            .help("At least one.");
        f.input("objectives", "Objectives", Kind::TextArea)
            .required()
            .help("What the partner and the city would set out to do together.");
    }

    fn spec<'a>(sides: &Sides, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let (slug, name) = sides
            .partner
            .as_ref()
            .map(|p| (p.slug.clone(), p.name.clone()))
            .unwrap_or_default();
        FormSpec {
            title: format!("Propose a twinning: {name}"),
            section: "twinnings",
            action: format!("/partners/{slug}/twinnings/new"),
            intro: Some(
                "The city's officers and its national representative see the proposal in their \
                 inbox and accept or decline it."
                    .into(),
            ),
            back_href: format!("/partners/{slug}"),
            back_label: name,
            submit: "Propose the twinning",
            build,
        }
    }

    fn values(_: &Sides) -> FormValues {
        FormValues::default()
    }

    fn input(_: &ProposalChoices, v: &FormValues) -> (Proposal, Vec<FieldError>) {
        let mut errors = Vec::new();
        let city = Key::parse(v.text("city")).unwrap_or_else(|_| {
            errors.push(FieldError::new(
                "city",
                Code::Required,
                "Choose a member city",
            ));
            Key::Slug(String::new())
        });
        let terms = ProposalInput {
            focus_areas: v.all("focus_areas"),
            objectives: v.text("objectives").to_owned(),
        };
        (Proposal { city, terms }, errors)
    }

    fn edit(sides: &Sides, input: Proposal) -> ProposeTwinning {
        let partner = sides.partner.as_ref().map(|p| Key::Id(p.id));
        ProposeTwinning {
            partner: partner.unwrap_or_else(|| Key::Slug(String::new())),
            city: input.city,
            input: input.terms,
            from_round: false,
        }
    }

    fn done(_: &Sides, t: &Twinning) -> String {
        format!("/twinnings/{}", t.id)
    }
}

/// A step's form: its fields and how its values become the step's input.
pub(crate) trait StepFields: TwinningStep {
    /// What the submit button says.
    const SUBMIT: &'static str;
    /// The step's fields (none for a step that takes nothing).
    fn fields(_: &mut Fields<'_>) {}
    /// The step's input from the submitted values, with what could not be read.
    fn input(v: &FormValues) -> (Self::Input, Vec<FieldError>);
}

macro_rules! bare_steps {
    ($($step:ty => $submit:literal,)+) => {
        $(
            impl StepFields for $step {
                const SUBMIT: &'static str = $submit;
                fn input(_: &FormValues) -> ((), Vec<FieldError>) {
                    ((), Vec::new())
                }
            }
        )+
    };
}

bare_steps! {
    Accept => "Accept the twinning",
    Decline => "Decline the twinning",
    Endorse => "Endorse the twinning",
    Withdraw => "Withdraw the twinning",
}

impl StepFields for LogActivity {
    const SUBMIT: &'static str = "Log the activity";

    fn fields(f: &mut Fields<'_>) {
        let kinds = vocabulary(ActivityKind::ALL, ActivityKind::as_str, ActivityKind::label);
        f.pick("kind", "Kind", false, borrowed(&kinds)).required();
        f.input("on_date", "Date", Kind::Date)
            .required()
            .help("YYYY-MM-DD, not in the future.");
        f.input("note", "What happened", Kind::TextArea).required();
    }

    fn input(v: &FormValues) -> (ActivityInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let on_date = v.date("on_date", &mut errors).unwrap_or_default();
        let kind = v.choice("kind", ActivityKind::parse, &mut errors);
        if kind.is_none() && !errors.iter().any(|e| e.field == "kind") {
            errors.push(FieldError::new(
                "kind",
                Code::Required,
                "Choose the kind of activity",
            ));
        }
        let input = ActivityInput {
            kind: kind.unwrap_or(ActivityKind::Visit),
            on_date,
            note: v.text("note").to_owned(),
        };
        (input, errors)
    }
}

impl StepFields for Conclude {
    const SUBMIT: &'static str = "Conclude the twinning";

    fn fields(f: &mut Fields<'_>) {
        f.input("outcome", "Outcome", Kind::TextArea)
            .required()
            .help("What the twinning achieved.");
    }

    fn input(v: &FormValues) -> (ConclusionInput, Vec<FieldError>) {
        let input = ConclusionInput {
            outcome: v.text("outcome").to_owned(),
        };
        (input, Vec::new())
    }
}

/// The form of the step `S` on the twinning in the path.
pub(crate) struct StepForm<S>(std::marker::PhantomData<S>);

/// Where a step's form is posted.
pub(crate) fn step_path(t: &Twinning, step: Transition) -> String {
    let tail = match step {
        Transition::LogActivity => "activities",
        other => other.as_str(),
    };
    format!("/twinnings/{}/{tail}", t.id)
}

impl<S: StepFields> EditForm for StepForm<S>
where
    S::Input: Input,
{
    type Edit = ChangeTwinning<S>;
    type Choices = ();
    type Input = S::Input;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Twinning, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("twinning", ""))?;
        s.store
            .twinning(key, Some(who))
            .await?
            .ok_or_else(|| Problem::not_found("twinning", key).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields((): &(), f: &mut Fields<'_>) {
        S::fields(f);
    }

    fn spec<'a>(t: &Twinning, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let name = format!("{} with {}", t.partner.name, t.city.name);
        FormSpec {
            title: format!("{}: {name}", S::TRANSITION.label()),
            section: "twinnings",
            action: step_path(t, S::TRANSITION),
            intro: None,
            back_href: format!("/twinnings/{}", t.id),
            back_label: name,
            submit: S::SUBMIT,
            build,
        }
    }

    fn values(t: &Twinning) -> FormValues {
        let mut v = FormValues::default();
        v.set("version", Some(t.version.to_string()));
        v
    }

    fn input((): &(), v: &FormValues) -> (S::Input, Vec<FieldError>) {
        S::input(v)
    }

    fn edit(t: &Twinning, input: S::Input) -> ChangeTwinning<S> {
        ChangeTwinning::new(Key::Id(t.id), input)
    }

    fn done(_: &Twinning, t: &Twinning) -> String {
        format!("/twinnings/{}", t.id)
    }
}

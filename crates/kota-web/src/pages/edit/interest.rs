//! The forms of business matching: expressing a firm's interest from a project's page (the
//! firm's representatives, coordinators naming the firm), and one form per step of an
//! interest's life, which the interest's page shows inline to those who may take it.

use kota_domain::access::Principal;
use kota_domain::edit::{Code, FieldError, Input, InterestInput, MessageInput};
use kota_domain::ids::Key;
use kota_domain::interest::{Interest, InterestStep, project_closure};
use kota_domain::partner::Instrument;
use kota_store::filter::PartnerFilter;
use kota_store::records::interest::{
    Agree, ChangeInterest, Decline, InterestAction, Message, Shortlist, Submission, SubmitInterest,
    Withdraw,
};

use super::{borrowed, vocabulary};
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// The form that expresses a firm's interest in the project in the path.
pub(crate) struct SubmitForm;

/// What the interest form offers: the instruments and, for coordinators, the firms.
pub(crate) struct SubmitChoices {
    instruments: Vec<(String, String)>,
    partners: Vec<(String, String)>,
}

impl EditForm for SubmitForm {
    type Edit = SubmitInterest;
    type Choices = SubmitChoices;
    type Input = InterestInput;

    async fn load(
        s: &AppState,
        who: &Principal,
        key: Option<&Key>,
    ) -> Result<Submission, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("project", ""))?;
        let project = s
            .store
            .project(key, Some(who))
            .await?
            .ok_or_else(|| Problem::not_found("project", key))?;
        let partner = match who.partner_id() {
            Some(id) => s.store.partner_ref(&Key::Id(id)).await?,
            None => None,
        };
        Ok(Submission { project, partner })
    }

    async fn choices(s: &AppState) -> Result<SubmitChoices, PageError> {
        Ok(SubmitChoices {
            instruments: vocabulary(Instrument::ALL, Instrument::as_str, Instrument::label),
            partners: s
                .store
                .partners(
                    &PartnerFilter::default(),
                    kota_domain::page::PageRequest::all(),
                )
                .await?
                .items
                .into_iter()
                .map(|p| (p.slug, p.name))
                .collect(),
        })
    }

    fn fields(c: &SubmitChoices, f: &mut Fields<'_>) {
        f.pick(
            "instrument",
            "How the firm would take part",
            false,
            borrowed(&c.instruments),
        )
        .required();
        f.input("amount", "Indicative amount", Kind::Number)
            .help("Whole units of the currency; leave empty if not known yet.");
        f.input("currency", "Currency", Kind::Text)
            .help("ISO 4217 code, e.g. USD; required with an amount.");
        f.input("note", "What the firm proposes", Kind::TextArea)
            .required();
        f.pick(
            "partner",
            "Firm (coordinators acting for a firm)",
            false,
            borrowed(&c.partners),
        )
        .help("Firms' representatives leave this as it is: the interest is their firm's.");
    }

    fn spec<'a>(s: &Submission, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let p = &s.project;
        FormSpec {
            title: format!("Express interest: {}", p.title),
            section: "interests",
            action: format!("/projects/{}/interests/new", p.slug),
            intro: Some(match project_closure(p) {
                Some(closure) => format!("This form will be refused: {}.", closure.reason()),
                None => "The city's officers see the interest among their incoming interests, \
                         and may shortlist, agree or decline it. Only the two sides and the \
                         network's coordinators see it and its amount."
                    .into(),
            }),
            back_href: format!("/projects/{}", p.slug),
            back_label: p.title.clone(),
            submit: "Express interest",
            build,
        }
    }

    fn values(s: &Submission) -> FormValues {
        let mut v = FormValues::default();
        v.set("partner", s.partner.as_ref().map(|p| p.slug.clone()));
        v
    }

    fn input(_: &SubmitChoices, v: &FormValues) -> (InterestInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let instrument = v.choice("instrument", Instrument::parse, &mut errors);
        if instrument.is_none() && !errors.iter().any(|e| e.field == "instrument") {
            errors.push(FieldError::new(
                "instrument",
                Code::Required,
                "Choose how the firm would take part",
            ));
        }
        let input = InterestInput {
            instrument: instrument.unwrap_or(Instrument::Equity),
            amount: v.number("amount", &mut errors),
            currency: v.opt("currency"),
            note: v.text("note").to_owned(),
            partner: v.opt("partner"),
        };
        (input, errors)
    }

    fn edit(s: &Submission, input: InterestInput) -> SubmitInterest {
        SubmitInterest {
            project: Key::Id(s.project.id),
            input,
        }
    }

    fn done(_: &Submission, i: &Interest) -> String {
        format!("/interests/{}", i.id)
    }
}

/// A step's form: its fields and how its values become the step's input.
pub(crate) trait StepFields: InterestAction {
    /// What the submit button says.
    const SUBMIT: &'static str;
    /// The step's fields (none for a step that takes nothing).
    fn fields(_: &mut Fields<'_>) {}
    /// The step's input from the submitted values.
    fn input(v: &FormValues) -> Self::Input;
}

macro_rules! bare_steps {
    ($($step:ty => $submit:literal,)+) => {
        $(
            impl StepFields for $step {
                const SUBMIT: &'static str = $submit;
                fn input(_: &FormValues) {}
            }
        )+
    };
}

bare_steps! {
    Shortlist => "Shortlist the interest",
    Agree => "Agree: record the partnership",
    Decline => "Decline the interest",
    Withdraw => "Withdraw the interest",
}

impl StepFields for Message {
    const SUBMIT: &'static str = "Send the message";

    fn fields(f: &mut Fields<'_>) {
        f.input("text", "Message", Kind::TextArea).required();
    }

    fn input(v: &FormValues) -> MessageInput {
        MessageInput {
            text: v.text("text").to_owned(),
        }
    }
}

/// Where a step's form is posted.
pub(crate) fn step_path(i: &Interest, step: InterestStep) -> String {
    let tail = match step {
        InterestStep::Message => "messages",
        other => other.as_str(),
    };
    format!("/interests/{}/{tail}", i.id)
}

/// The form of the step `A` on the interest in the path.
pub(crate) struct StepForm<A>(std::marker::PhantomData<A>);

impl<A: StepFields> EditForm for StepForm<A>
where
    A::Input: Input,
{
    type Edit = ChangeInterest<A>;
    type Choices = ();
    type Input = A::Input;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Interest, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("interest", ""))?;
        s.store
            .interest(key, Some(who))
            .await?
            .ok_or_else(|| Problem::not_found("interest", key).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields((): &(), f: &mut Fields<'_>) {
        A::fields(f);
    }

    fn spec<'a>(i: &Interest, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let name = format!("{} on {}", i.partner.name, i.project.title);
        FormSpec {
            title: format!("{}: {name}", A::STEP.label()),
            section: "interests",
            action: step_path(i, A::STEP),
            intro: None,
            back_href: format!("/interests/{}", i.id),
            back_label: name,
            submit: A::SUBMIT,
            build,
        }
    }

    fn values(i: &Interest) -> FormValues {
        let mut v = FormValues::default();
        v.set("version", Some(i.version.to_string()));
        v
    }

    fn input((): &(), v: &FormValues) -> (A::Input, Vec<FieldError>) {
        (A::input(v), Vec::new())
    }

    fn edit(i: &Interest, input: A::Input) -> ChangeInterest<A> {
        ChangeInterest::new(Key::Id(i.id), input)
    }

    fn done(_: &Interest, i: &Interest) -> String {
        format!("/interests/{}", i.id)
    }
}

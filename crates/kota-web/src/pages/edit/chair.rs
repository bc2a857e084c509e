//! Forms of the chairmanship (coordinators): recording a year's chair, and the outgoing
//! chair's handover.

use kota_domain::access::Principal;
use kota_domain::chair::Handover;
use kota_domain::edit::{ChairInput, FieldError, HandoverInput};
use kota_domain::ids::Key;
use kota_domain::network::Chairmanship;
use kota_store::records::chair::{HandoverTarget, RecordChair, RecordHandover};

use super::state_choices;
use crate::AppState;
use crate::api::chair::year_of;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// `/chairmanship/new`: the chair of a year, new or corrected.
pub(crate) struct ChairForm;

impl EditForm for ChairForm {
    type Edit = RecordChair;
    type Choices = Vec<(String, String)>;
    type Input = ChairInput;

    async fn load(
        _: &AppState,
        _: &Principal,
        _: Option<&Key>,
    ) -> Result<Option<Chairmanship>, PageError> {
        Ok(None)
    }

    async fn choices(s: &AppState) -> Result<Self::Choices, PageError> {
        state_choices(s).await
    }

    fn fields(states: &Self::Choices, f: &mut Fields<'_>) {
        f.input("year", "Year", Kind::Number).required();
        f.pick(
            "state",
            "Chairing member state",
            false,
            super::borrowed(states),
        )
        .required();
        f.input("source", "Source", Kind::Text)
            .required()
            .help("A web address or a citation of the document that names the chair.");
    }

    fn spec<'a>(
        _: &Option<Chairmanship>,
        build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
    ) -> FormSpec<'a> {
        FormSpec {
            title: "Record a year's chair".into(),
            section: "chairmanship",
            action: "/chairmanship/new".into(),
            intro: Some(
                "The chair follows the ASEAN chairmanship. A year already recorded is corrected; \
                 the audit log keeps what it was."
                    .into(),
            ),
            back_href: "/chairmanship".into(),
            back_label: "Chairmanship".into(),
            submit: "Record the chair",
            build,
        }
    }

    fn values(_: &Option<Chairmanship>) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Self::Choices, v: &FormValues) -> (ChairInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let year = v.number("year", &mut errors).unwrap_or(0);
        let input = ChairInput {
            year,
            state: v.text("state").trim().to_ascii_uppercase(),
            source: v.text("source").to_owned(),
        };
        (input, errors)
    }

    fn edit(_: &Option<Chairmanship>, input: ChairInput) -> RecordChair {
        RecordChair { input }
    }

    fn done(_: &Option<Chairmanship>, c: &Chairmanship) -> String {
        format!("/chairmanship/{}", c.year)
    }
}

/// `/chairmanship/{year}/handover`: the outgoing chair's notes; the open work is added as it
/// stands when the form is sent.
pub(crate) struct HandoverForm;

impl EditForm for HandoverForm {
    type Edit = RecordHandover;
    type Choices = ();
    type Input = HandoverInput;

    async fn load(
        s: &AppState,
        _: &Principal,
        key: Option<&Key>,
    ) -> Result<HandoverTarget, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no year named"))?;
        let year = year_of(key)?;
        s.store
            .handover_target(year)
            .await?
            .ok_or_else(|| Problem::not_found("chairmanship year", year).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields(_: &(), f: &mut Fields<'_>) {
        f.input("notes", "Notes for the next chair", Kind::TextArea)
            .required()
            .help("What you pass on in your own words: priorities, commitments, contacts.");
    }

    fn spec<'a>(t: &HandoverTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        FormSpec {
            title: format!("Handover of the {} chair ({})", t.chair.year, t.chair.chair),
            section: "chairmanship",
            action: format!("/chairmanship/{}/handover", t.chair.year),
            intro: Some(
                "The handover keeps your notes with the network's open work as it stands when \
                 you send this form: decisions without an outcome, matching rounds in draft, \
                 twinning proposals not yet answered and open interests in projects. It is \
                 recorded once and kept as it was handed over."
                    .into(),
            ),
            back_href: format!("/chairmanship/{}", t.chair.year),
            back_label: format!("Chairmanship {}", t.chair.year),
            submit: "Record the handover",
            build,
        }
    }

    fn values(_: &HandoverTarget) -> FormValues {
        FormValues::default()
    }

    fn input(_: &(), v: &FormValues) -> (HandoverInput, Vec<FieldError>) {
        (
            HandoverInput {
                notes: v.text("notes").to_owned(),
            },
            Vec::new(),
        )
    }

    fn edit(t: &HandoverTarget, input: HandoverInput) -> RecordHandover {
        RecordHandover {
            year: t.chair.year,
            input,
        }
    }

    fn done(_: &HandoverTarget, h: &Handover) -> String {
        format!("/chairmanship/{}", h.year)
    }
}

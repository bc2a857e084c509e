//! The form of a focus area of the framework (coordinators).

use kota_domain::access::Principal;
use kota_domain::edit::{FieldError, FocusAreaInput};
use kota_domain::framework::FocusArea;
use kota_domain::ids::Key;
use kota_store::records::focus_area::UpdateFocusArea;

use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

fn values(a: &FocusArea) -> FormValues {
    let mut v = FormValues::default();
    v.set("name", Some(a.name.clone()))
        .set("definition", Some(a.definition.clone()))
        .set("subcategories", Some(a.subcategories.join("\n")))
        .set("version", Some(a.version.to_string()));
    v
}

fn input(v: &FormValues) -> (FocusAreaInput, Vec<FieldError>) {
    let input = FocusAreaInput {
        name: v.text("name").to_owned(),
        definition: v.text("definition").to_owned(),
        subcategories: v.lines("subcategories"),
    };
    (input, Vec::new())
}

fn fields(f: &mut Fields<'_>) {
    f.input("name", "Name", Kind::Text).required();
    f.input("definition", "What it covers", Kind::TextArea)
        .required();
    f.input(
        "subcategories",
        "Sub-categories used in monitoring",
        Kind::TextArea,
    )
    .help("One per line.");
}

fn spec<'a>(a: &FocusArea, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
    FormSpec {
        title: format!("Edit the focus area {}", a.name),
        section: "framework",
        action: format!("/framework/focus-areas/{}/edit", a.id),
        intro: Some("The framework every city's plan and projects are tagged against.".into()),
        back_href: format!("/framework#{}", a.id),
        back_label: "Framework".into(),
        submit: "Save the focus area",
        build,
    }
}

/// A focus area of the framework: `/framework/focus-areas/{id}/edit`.
pub(crate) struct FocusAreaForm;

impl EditForm for FocusAreaForm {
    type Edit = UpdateFocusArea;
    type Choices = ();
    type Input = FocusAreaInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<FocusArea, PageError> {
        let id = key.map(Key::to_string).unwrap_or_default();
        s.store
            .focus_area(&id)
            .await?
            .ok_or_else(|| Problem::not_found("focus area", id).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields(_: &(), f: &mut Fields<'_>) {
        fields(f);
    }

    fn spec<'a>(a: &FocusArea, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        spec(a, build)
    }

    fn values(a: &FocusArea) -> FormValues {
        values(a)
    }

    fn input(_: &(), v: &FormValues) -> (FocusAreaInput, Vec<FieldError>) {
        input(v)
    }

    fn edit(a: &FocusArea, input: FocusAreaInput) -> UpdateFocusArea {
        UpdateFocusArea {
            id: a.id.clone(),
            input,
        }
    }

    fn done(_: &FocusArea, a: &FocusArea) -> String {
        format!("/framework#{}", a.id)
    }
}

//! The form of a focus area of the framework (coordinators).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kota_domain::edit::{FieldError, FocusAreaInput};
use kota_domain::framework::FocusArea;

use super::coordinator;
use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::forms::{Fields, FormSpec, FormValues, Kind, answer, save, version_of};
use crate::pages::PageError;
use crate::problem::Problem;

async fn area(s: &AppState, id: &str) -> Result<FocusArea, PageError> {
    s.store
        .focus_area(id)
        .await?
        .ok_or_else(|| Problem::not_found("focus area", id).into())
}

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

fn spec(a: &FocusArea) -> FormSpec<'static> {
    FormSpec {
        title: format!("Edit the focus area {}", a.name),
        section: "framework",
        action: format!("/framework/focus-areas/{}/edit", a.id),
        intro: Some("The framework every city's plan and projects are tagged against.".into()),
        back_href: format!("/framework#{}", a.id),
        back_label: "Framework".into(),
        submit: "Save the focus area",
        build: &fields,
    }
}

/// `GET /framework/focus-areas/{id}/edit`.
pub(crate) async fn edit(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let a = area(&s, &id).await?;
    Ok(spec(&a)
        .page(csrf, &values(&a), &[], Some(a.version))
        .into_response())
}

/// `POST /framework/focus-areas/{id}/edit`.
pub(crate) async fn update(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    coordinator(&who)?;
    let a = area(&s, &id).await?;
    let version = version_of(&form)?;
    let result = save(input(&form), async |i| {
        s.store
            .update_focus_area(&who, &id, Some(version), &i)
            .await
    })
    .await?;
    let stored = async || Ok(values(&area(&s, &id).await?));
    answer(result, &spec(&a), csrf, &form, stored, |a: &FocusArea| {
        format!("/framework#{}", a.id)
    })
    .await
}

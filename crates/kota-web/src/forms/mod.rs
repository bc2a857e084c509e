//! HTML forms that change records: one page shape and one submission flow for all of them.
//! A form carries the record's version; a submission based on an older version is shown as
//! a conflict (with what is stored now) instead of overwriting it, and invalid input comes
//! back with the user's values and a message beside each field.

mod edit_form;
mod field;
mod values;

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::edit::FieldError;
use kota_store::WriteError;

pub(crate) use edit_form::{EditForm, FormKey, routes, show, submit};
pub(crate) use field::{Field, Fields, Kind};
pub(crate) use values::FormValues;

use crate::auth::CsrfToken;
use crate::error::PageError;
use crate::error::Problem;

/// A record changed by someone else since the form was opened.
pub(crate) struct Conflict {
    /// The version it is at now.
    pub(crate) current: i32,
    /// What is stored now, field by field (label, value).
    pub(crate) stored: Vec<(String, String)>,
}

/// A form page.
#[derive(Template, WebTemplate)]
#[template(path = "form.html")]
pub(crate) struct FormPage {
    pub(crate) title: String,
    pub(crate) section: &'static str,
    pub(crate) csrf: CsrfToken,
    pub(crate) action: String,
    pub(crate) intro: Option<String>,
    pub(crate) back_href: String,
    pub(crate) back_label: String,
    pub(crate) submit: String,
    pub(crate) version: Option<i32>,
    pub(crate) fields: Vec<Field>,
    pub(crate) unplaced: Vec<FieldError>,
    pub(crate) error_count: usize,
    pub(crate) conflict: Option<Conflict>,
    /// Similar projects found before saving a new one (shown once; submitting again saves).
    pub(crate) similar: Vec<kota_domain::similarity::SimilarProject>,
}

/// What a form is: where it goes, what it says, and its fields built from values.
pub(crate) struct FormSpec<'a> {
    pub(crate) title: String,
    pub(crate) section: &'static str,
    pub(crate) action: String,
    pub(crate) intro: Option<String>,
    pub(crate) back_href: String,
    pub(crate) back_label: String,
    pub(crate) submit: &'a str,
    pub(crate) build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
}

impl FormSpec<'_> {
    /// The page with `values`, `errors` beside their fields, and the version the form is based
    /// on (none for a form that creates).
    pub(crate) fn page(
        &self,
        csrf: CsrfToken,
        values: &FormValues,
        errors: &[FieldError],
        version: Option<i32>,
    ) -> FormPage {
        let mut fields = Fields::new(values, errors);
        (self.build)(&mut fields);
        let (fields, unplaced) = fields.finish();
        FormPage {
            title: self.title.clone(),
            section: self.section,
            csrf,
            action: self.action.clone(),
            intro: self.intro.clone(),
            back_href: self.back_href.clone(),
            back_label: self.back_label.clone(),
            submit: self.submit.to_owned(),
            version,
            error_count: errors.len(),
            fields,
            unplaced,
            conflict: None,
            similar: Vec::new(),
        }
    }

    /// The fields of `values` as a reader sees them (label, value), for a conflict.
    pub(crate) fn shown(&self, values: &FormValues) -> Vec<(String, String)> {
        let mut fields = Fields::new(values, &[]);
        (self.build)(&mut fields);
        fields
            .finish()
            .0
            .iter()
            .map(|f| (f.label.clone(), f.shown()))
            .collect()
    }
}

/// Why a submission is shown again instead of saved.
pub(crate) enum Trouble {
    /// Fields are invalid.
    Invalid(Vec<FieldError>),
    /// The record is at this version now.
    Stale(i32),
}

/// Splits a write's result into what the form shows again and what is an error page.
pub(crate) fn outcome<T>(result: Result<T, WriteError>) -> Result<Result<T, Trouble>, PageError> {
    match result {
        Ok(t) => Ok(Ok(t)),
        Err(WriteError::Invalid(errors)) => Ok(Err(Trouble::Invalid(errors))),
        Err(WriteError::Stale { current }) => Ok(Err(Trouble::Stale(current))),
        Err(e) => Err(Problem::from(e).into()),
    }
}

/// Saves input read from a form with `save`, unless reading it found errors: then those are
/// shown together with every other invalid field of the input (so one round names them all).
pub(crate) async fn save<I: kota_domain::edit::Input, T, F>(
    (input, mut errors): (I, Vec<FieldError>),
    save: impl FnOnce(I) -> F,
) -> Result<Result<T, Trouble>, PageError>
where
    F: Future<Output = Result<T, WriteError>>,
{
    if errors.is_empty() {
        return outcome(save(input).await);
    }
    for e in input.field_errors() {
        if !errors.iter().any(|known| known.field == e.field) {
            errors.push(e);
        }
    }
    Ok(Err(Trouble::Invalid(errors)))
}

/// The answer to a submission: on success a redirect (303) to `done`; else the form again
/// with the user's `values`: 422 with each invalid field marked, or 409 with what is stored
/// now (`stored`) and the version moved on, so that submitting again overwrites knowingly.
pub(crate) async fn answer<T>(
    result: Result<T, Trouble>,
    spec: &FormSpec<'_>,
    csrf: CsrfToken,
    values: &FormValues,
    stored: impl AsyncFnOnce() -> Result<FormValues, PageError>,
    done: impl FnOnce(&T) -> String,
) -> Result<Response, PageError> {
    Ok(match result {
        Ok(t) => Redirect::to(&done(&t)).into_response(),
        Err(Trouble::Invalid(errors)) => {
            let version = values.text("version").parse().ok();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                spec.page(csrf, values, &errors, version),
            )
                .into_response()
        }
        Err(Trouble::Stale(current)) => {
            let mut page = spec.page(csrf, values, &[], Some(current));
            page.conflict = Some(Conflict {
                current,
                stored: spec.shown(&stored().await?),
            });
            (StatusCode::CONFLICT, page).into_response()
        }
    })
}

/// The version a submitted form is based on (its hidden `version` field).
pub(crate) fn version_of(values: &FormValues) -> Result<i32, PageError> {
    values.text("version").parse().map_err(|_| {
        PageError::from(Problem::invalid_body(
            "the form lacks the version it was based on: reload the page and try again",
        ))
    })
}

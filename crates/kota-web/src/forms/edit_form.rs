//! The two handlers every edit form shares: show the form, take its submission. A record's
//! form implements [`EditForm`] (what it loads, its fields, how values become input and
//! input an edit) and registers with [`routes`]; who may use it is the edit's own rule
//! ([`Edit::allowed`]), decided once for the page and the store alike.

use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use kota_domain::access::Principal;
use kota_domain::edit::{FieldError, Input};
use kota_domain::ids::Key;
use kota_store::Edit;

use super::{Fields, FormSpec, FormValues, answer, save, version_of};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfToken, RequiredPrincipal};
use crate::error::{PageError, Problem, Refused};
use crate::extract::parse_key;

/// What a record's form is.
pub(crate) trait EditForm: Send + Sync + 'static {
    /// The change the form submits.
    type Edit: Edit;
    /// What the form's fields offer to choose from, loaded once per request.
    type Choices: Send + Sync;
    /// The input the form's values become.
    type Input: Input + Send;

    /// What the form changes (or adds to), as the person may see it; a 404 page when the
    /// path names nothing.
    fn load(
        s: &AppState,
        who: &Principal,
        key: Option<&Key>,
    ) -> impl Future<Output = Result<<Self::Edit as Edit>::Target, PageError>> + Send;

    /// The choices the fields offer.
    fn choices(s: &AppState) -> impl Future<Output = Result<Self::Choices, PageError>> + Send;

    /// The form's fields.
    fn fields(choices: &Self::Choices, f: &mut Fields<'_>);

    /// The form around its fields: title, address, the way back.
    fn spec<'a>(
        target: &<Self::Edit as Edit>::Target,
        build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
    ) -> FormSpec<'a>;

    /// The values the form opens with (and shows as stored, beside a conflict).
    fn values(target: &<Self::Edit as Edit>::Target) -> FormValues;

    /// The input the submitted values make, with what could not be read.
    fn input(choices: &Self::Choices, values: &FormValues) -> (Self::Input, Vec<FieldError>);

    /// The change the input asks for, of `target` (as loaded for the form).
    fn edit(target: &<Self::Edit as Edit>::Target, input: Self::Input) -> Self::Edit;

    /// Where to go once `target` is saved as `saved`.
    fn done(target: &<Self::Edit as Edit>::Target, saved: &<Self::Edit as Edit>::Output) -> String;
}

/// `GET` shows the form of `F`, `POST` takes it.
pub(crate) fn routes<F: EditForm>() -> MethodRouter<AppState> {
    get(show::<F>).post(submit::<F>)
}

/// The record's key in the path, when the route has one.
pub(crate) struct FormKey(pub(crate) Option<Key>);

impl<S: Send + Sync> FromRequestParts<S> for FormKey {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        let path = parts.uri.path().to_owned();
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| Refused::at(&path, Problem::invalid_path(&e.body_text())))?;
        match params.iter().next() {
            None => Ok(Self(None)),
            Some((_, raw)) => parse_key(raw)
                .map(|k| Self(Some(k)))
                .map_err(|p| Refused::at(&path, p)),
        }
    }
}

/// Refuses, with a 403 page, unless `who` may make `F`'s change to `target`.
fn allow<F: EditForm>(
    who: &Principal,
    target: &<F::Edit as Edit>::Target,
) -> Result<(), PageError> {
    if <F::Edit as Edit>::allowed(who, target) {
        Ok(())
    } else {
        Err(Problem::forbidden("you may not change this record").into())
    }
}

/// Shows the form of `F`.
pub(crate) async fn show<F: EditForm>(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    FormKey(key): FormKey,
) -> Result<Response, PageError> {
    let target = F::load(&s, &who, key.as_ref()).await?;
    allow::<F>(&who, &target)?;
    let choices = F::choices(&s).await?;
    let build = |f: &mut Fields<'_>| F::fields(&choices, f);
    let version = <F::Edit as Edit>::version(&target);
    Ok(F::spec(&target, &build)
        .page(csrf, &F::values(&target), &[], version)
        .into_response())
}

/// Takes the form of `F`: saves, or shows it again with what is wrong.
pub(crate) async fn submit<F: EditForm>(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    FormKey(key): FormKey,
    CsrfForm(values): CsrfForm<FormValues>,
) -> Result<Response, PageError> {
    let target = F::load(&s, &who, key.as_ref()).await?;
    allow::<F>(&who, &target)?;
    let version = match <F::Edit as Edit>::version(&target) {
        Some(_) => Some(version_of(&values)?),
        None => None,
    };
    let choices = F::choices(&s).await?;
    let build = |f: &mut Fields<'_>| F::fields(&choices, f);
    let spec = F::spec(&target, &build);
    let result = save(F::input(&choices, &values), async |input| {
        let edit = F::edit(&target, input);
        s.store.apply_edit(&who, edit, version).await
    })
    .await?;
    let stored = async || Ok(F::values(&F::load(&s, &who, key.as_ref()).await?));
    answer(result, &spec, csrf, &values, stored, |saved| {
        F::done(&target, saved)
    })
    .await
}

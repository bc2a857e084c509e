//! `/account`: who you are, the name others see you by (change it here), your password
//! (change it, with the rules said up front), how notices reach you by e-mail, your API
//! tokens (make one, its secret shown exactly once, or revoke one), and "sign out everywhere"
//! (every session and token ends). The only page that shows your e-mail address.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::Principal;
use kota_domain::account::{ApiToken, IssuedToken};
use kota_domain::invitation::PASSWORD_RULES;
use kota_domain::notice::Delivery;
use kota_store::AccountError;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::login::{NoFields, sign_in_session};
use super::people::account_failed;
use super::principal::RequiredPrincipal;
use super::{CsrfForm, CsrfToken};
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub(super) struct AccountPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    email: String,
    display_name: String,
    public_label: String,
    name_message: Option<String>,
    role: &'static str,
    scope: Option<String>,
    tokens: Vec<ApiToken>,
    issued: Option<IssuedToken>,
    token_name: String,
    message: Option<String>,
    rules: &'static str,
    current_error: Option<String>,
    new_error: Option<String>,
    password_done: Option<&'static str>,
    delivery: Delivery,
    deliveries: [Delivery; 3],
}

/// The page of the signed-in user, with their tokens.
async fn page(s: &AppState, who: &Principal, csrf: CsrfToken) -> Result<AccountPage, PageError> {
    let user = s
        .store
        .user_by_id(who.user_id)
        .await?
        .ok_or_else(|| Problem::unauthorized("this account no longer exists"))?;
    Ok(AccountPage {
        title: "Your account".into(),
        section: "account",
        csrf,
        email: user.email.clone(),
        display_name: user.display_name().to_owned(),
        public_label: user
            .principal()
            .map_or_else(|| user.display_name().to_owned(), |p| p.public_label()),
        name_message: None,
        role: user.role.label(),
        scope: user.scope_label(),
        tokens: s.store.api_tokens(user.id).await?,
        issued: None,
        token_name: String::new(),
        message: None,
        rules: PASSWORD_RULES,
        current_error: None,
        new_error: None,
        password_done: None,
        delivery: s.store.delivery(user.id).await?,
        deliveries: Delivery::ALL,
    })
}

/// `GET /account`.
pub(super) async fn show(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
) -> Result<AccountPage, PageError> {
    page(&s, &who, csrf).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct NameForm {
    display_name: String,
}

/// `POST /account/name`: changes the name others see you by.
pub(super) async fn rename(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<Response, PageError> {
    match s
        .store
        .set_display_name(who.user_id, &form.display_name)
        .await
    {
        Ok(_) => Ok(Redirect::to("/account").into_response()),
        Err(AccountError::Rule(rule)) => {
            let mut account = page(&s, &who, csrf).await?;
            account.display_name = form.display_name;
            account.name_message = Some(rule.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account).into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "renaming failed");
            Err(Problem::internal().into())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct NewTokenForm {
    name: String,
}

/// `POST /account/tokens`: makes a token and shows its secret, this once.
pub(super) async fn create_token(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<NewTokenForm>,
) -> Result<Response, PageError> {
    match s.store.create_api_token(who.user_id, &form.name).await {
        Ok(issued) => {
            let mut account = page(&s, &who, csrf).await?;
            account.issued = Some(issued);
            Ok((StatusCode::CREATED, account).into_response())
        }
        Err(AccountError::Rule(rule)) => {
            let mut account = page(&s, &who, csrf).await?;
            account.token_name = form.name;
            account.message = Some(rule.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, account).into_response())
        }
        Err(e) => {
            tracing::error!(error = %e, "token creation failed");
            Err(Problem::internal().into())
        }
    }
}

/// `POST /account/tokens/{id}/revoke`: revokes one of your own tokens.
pub(super) async fn revoke_token(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Redirect, PageError> {
    let not_yours = || PageError::from(Problem::not_found("API token of yours", &id));
    let token_id = Uuid::parse_str(&id).map_err(|_| not_yours())?;
    s.store
        .revoke_api_token(who.user_id, token_id)
        .await?
        .ok_or_else(not_yours)?;
    Ok(Redirect::to("/account"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /account/password`: changes the password, given the current one. Every other session
/// of the account ends; this one goes on with the new password.
pub(super) async fn change_password(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    session: Session,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let changed = s
        .store
        .change_password(who.user_id, &form.current_password, &form.new_password)
        .await;
    let (status, current_error, new_error) = match changed {
        Ok(user) => {
            sign_in_session(&session, &user).await?;
            let csrf = CsrfToken::of(&session).await?;
            let mut account = page(&s, &who, csrf).await?;
            account.password_done =
                Some("Your password is changed. Every other session of your account has ended.");
            return Ok(account.into_response());
        }
        Err(AccountError::WrongPassword) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(AccountError::WrongPassword.to_string()),
            None,
        ),
        Err(AccountError::Rule(rule)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(rule.to_string()),
        ),
        Err(e) => return Err(account_failed(e).into()),
    };
    let mut account = page(&s, &who, csrf).await?;
    account.current_error = current_error;
    account.new_error = new_error;
    Ok((status, account).into_response())
}

/// `POST /account/sessions/end`: ends every session of the account, on every server and
/// this one too, and revokes every API token; then the sign-in page.
pub(super) async fn end_sessions(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    session: Session,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Redirect, PageError> {
    s.store.end_every_session(who.user_id).await?;
    session.flush().await.map_err(|e| {
        tracing::error!(error = %e, "session storage failed");
        PageError::from(Problem::internal())
    })?;
    tracing::info!(user = %who.user_id, "signed out everywhere");
    Ok(Redirect::to("/login"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct DeliveryForm {
    delivery: String,
}

/// `POST /account/delivery`: how notices reach you by e-mail.
pub(super) async fn set_delivery(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    CsrfForm(form): CsrfForm<DeliveryForm>,
) -> Result<Redirect, PageError> {
    let delivery = Delivery::parse(&form.delivery).ok_or_else(|| {
        PageError::from(Problem::invalid(vec![super::people::field_error(
            "delivery",
            kota_domain::edit::Code::NotAChoice,
            "Choose how e-mail about what concerns you reaches you: each at once, one a day, \
             or none"
                .into(),
        )]))
    })?;
    s.store.set_delivery(who.user_id, delivery).await?;
    Ok(Redirect::to("/account#delivery"))
}

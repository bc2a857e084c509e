//! Signing in and out: the `/login` form (no JavaScript needed) and `POST /logout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kota_store::accounts::{LoginLimits, SignIn};
use serde::Deserialize;
use tower_sessions::Session;

use super::OptionalPrincipal;
use super::people::ClientAddress;
use super::principal::SessionUser;
use super::{CsrfForm, CsrfToken};
use crate::AppState;
use crate::error::PageError;
use crate::error::Problem;

/// The one answer to a wrong login or password, whichever it was.
const REFUSED: &str = "The e-mail address or the password is not right.";
/// Where people go after signing in when they came from nowhere in particular.
const HOME_OF_SIGNED_IN: &str = "/me";
/// The longest `next` address followed.
const MAX_NEXT_BYTES: usize = 2048;

/// `next` if it is a path on this site (`/…`, not `//host` or `/\host`), else nothing.
pub(super) fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && n.len() <= MAX_NEXT_BYTES
            && !n.chars().any(char::is_control)
    })
}

/// The sign-in page, coming back to `next` (when safe) afterwards.
pub(super) fn login_href(next: Option<&str>) -> String {
    match safe_next(next) {
        Some(n) => format!(
            "/login?{}",
            serde_urlencoded::to_string([("next", n)]).unwrap_or_default()
        ),
        None => "/login".to_owned(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub(super) struct LoginPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    next: Option<String>,
    email: String,
    message: Option<String>,
}

impl LoginPage {
    fn new(csrf: CsrfToken, next: Option<&str>, email: &str, message: Option<String>) -> Self {
        Self {
            title: "Sign in".into(),
            section: "login",
            csrf,
            next: safe_next(next).map(str::to_owned),
            email: email.trim().replace(char::is_control, ""),
            message,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
}

/// `GET /login`: the form; someone signed in already goes on to where they were going.
pub(super) async fn form(
    OptionalPrincipal(who): OptionalPrincipal,
    Query(q): Query<NextQuery>,
    csrf: CsrfToken,
) -> Response {
    if who.is_some() {
        let to = safe_next(q.next.as_deref()).unwrap_or(HOME_OF_SIGNED_IN);
        return Redirect::to(to).into_response();
    }
    LoginPage::new(csrf, q.next.as_deref(), "", None).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

fn session_failed(e: tower_sessions::session::Error) -> PageError {
    tracing::error!(error = %e, "session storage failed");
    Problem::internal().into()
}

/// `POST /login`: checks the login and password within the limits on failed attempts; on
/// success starts a new session (new id, new CSRF token) and goes on to `next`.
pub(super) async fn submit(
    State(s): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: Session,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, PageError> {
    // No login has a control character (PostgreSQL cannot even look one up with a NUL).
    if form.email.chars().any(char::is_control) {
        return Ok(again(csrf, &form, REFUSED.to_owned()).into_response());
    }
    let outcome = s
        .store
        .sign_in(
            &form.email,
            &form.password,
            &address,
            &LoginLimits::default(),
        )
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "sign-in failed");
            PageError::from(Problem::internal())
        })?;
    match outcome {
        SignIn::Accepted(user) => {
            sign_in_session(&session, &user).await?;
            tracing::info!(user = %user.id, "signed in");
            let to = safe_next(form.next.as_deref()).unwrap_or(HOME_OF_SIGNED_IN);
            Ok(Redirect::to(to).into_response())
        }
        SignIn::Refused => Ok(again(csrf, &form, REFUSED.to_owned()).into_response()),
        SignIn::Throttled { retry_after } => {
            let minutes = retry_after.as_secs().div_ceil(60);
            let message = format!(
                "Too many failed sign-ins for this account or from this address. Try again in \
                 {minutes} minute{}.",
                if minutes == 1 { "" } else { "s" }
            );
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, again(csrf, &form, message)).into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after.as_secs()),
            );
            Ok(response)
        }
    }
}

/// Signs `session` in as `user`: a new session id (no fixation), the user with their stamp,
/// and a new CSRF token.
pub(super) async fn sign_in_session(
    session: &Session,
    user: &kota_store::User,
) -> Result<(), PageError> {
    session.cycle_id().await.map_err(session_failed)?;
    SessionUser::start(session, user).await?;
    CsrfToken::renew(session).await.map(|_| ())
}

/// The form again, with what was typed (not the password) and a message.
fn again(csrf: CsrfToken, form: &LoginForm, message: String) -> LoginPage {
    LoginPage::new(csrf, form.next.as_deref(), &form.email, Some(message))
}

/// The fields of a form that carries nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub(super) struct NoFields {}

/// `POST /logout`: ends the session (in the database too) and goes to the home page.
pub(super) async fn logout(
    session: Session,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Redirect, PageError> {
    session.flush().await.map_err(session_failed)?;
    Ok(Redirect::to("/"))
}

#[cfg(test)]
mod tests {
    use super::{login_href, safe_next};

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/cities/bangkok")), Some("/cities/bangkok"));
        assert_eq!(safe_next(Some("/a?b=c")), Some("/a?b=c"));
        for unsafe_next in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "evil",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(Some(unsafe_next)), None, "{unsafe_next}");
        }
        assert_eq!(login_href(Some("/a?b=c")), "/login?next=%2Fa%3Fb%3Dc");
        assert_eq!(login_href(Some("//x")), "/login");
    }
}

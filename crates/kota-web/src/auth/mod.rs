//! Who is asking, and proof that a form came from this site.
//!
//! - Sessions: server-side, in the database (several servers on one database share them); the
//!   cookie `kota_session` holds only a random id and is `HttpOnly`, `SameSite=Lax`, and
//!   `Secure` when configured.
//! - The principal: [`OptionalPrincipal`] and [`RequiredPrincipal`] extract who a request acts
//!   for — the session's user on pages, the bearer token's owner on the API.
//!   A session is stored only for someone who signs in: visiting, even the sign-in form,
//!   stores nothing.
//! - CSRF: every HTML form carries [`CsrfToken`]; handlers take [`CsrfForm`], which refuses a
//!   submission without the right token (403): the session's when signed in, else that of a
//!   signed cookie (see `csrf`).
//! - Pages: `/login`, `POST /logout`, `/account` (display name, password, delivery of
//!   notices, API tokens, sign out everywhere), `/me` (the workspace), `/invitations`,
//!   `/invitations/{token}`, `/password-reset`, `/password-reset/{token}`.

mod account;
pub(crate) mod banner;
mod csrf;
mod login;
pub(crate) mod people;
mod principal;
mod session_store;
mod workspace;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use kota_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::AppState;

pub(crate) use csrf::{CookieKey, CsrfForm, CsrfToken, anonymous_cookie, same};
pub(crate) use principal::authenticate;
pub(crate) use principal::{OptionalPrincipal, RequiredPrincipal};

/// The name of the session cookie.
const SESSION_COOKIE: &str = "kota_session";
/// How long a session lasts after it last changed (signing in changes it).
const SESSION_LIFETIME: Duration = Duration::days(7);

/// The session layer: sessions in `store`, cookies marked `Secure` when `secure_cookies`.
pub(crate) fn session_layer(
    store: Store,
    secure_cookies: bool,
) -> SessionManagerLayer<session_store::DatabaseSessions> {
    SessionManagerLayer::new(session_store::DatabaseSessions(store))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(SESSION_LIFETIME))
}

/// The sign-in, sign-out and account pages; none of their answers is cached.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account", get(account::show))
        .route("/account/name", post(account::rename))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/password", post(account::change_password))
        .route("/account/sessions/end", post(account::end_sessions))
        .route("/account/delivery", post(account::set_delivery))
        .route("/me", get(workspace::show))
        .route("/invitations", get(people::list).post(people::send))
        .route(
            "/invitations/{token}",
            get(people::accept_form).post(people::accept),
        )
        .route("/invitations/{id}/revoke", post(people::revoke))
        .route("/invitations/{id}/resend", post(people::resend))
        .route(
            "/password-reset",
            get(people::reset_ask_form).post(people::reset_ask),
        )
        .route(
            "/password-reset/{token}",
            get(people::reset_choose_form).post(people::reset_choose),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

//! People in the network, as pages: `/invitations` (send, see, revoke, send again),
//! `/invitations/{token}` (accept: a name and a password, then signed in and on to `/me`),
//! `/password-reset` (ask for a link) and `/password-reset/{token}` (choose a new password).
//! A used, expired or revoked link answers 410 with a page that says which and whom to ask.
//! The mapping of their refusals to problems is here too, for the API alike.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use kota_domain::access::{Principal, Role, Scope};
use kota_domain::edit::{Code, FieldError};
use kota_domain::invitation::{Invitation, PASSWORD_RULES, may_invite_anyone};
use kota_store::WriteError;
use kota_store::accounts::{InvitationError, NewInvitation, ResetError, ResetLink};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use super::login::{NoFields, sign_in_session};
use super::principal::RequiredPrincipal;
use super::{CsrfForm, CsrfToken};
use crate::AppState;
use crate::error::{PageError, PageResult, Problem};

/// The one answer to a reset asked for, whether or not the address has an account.
pub(crate) const RESET_ASKED: &str = "If an account has this address, a link to choose a new \
     password is on its way. It works once, for an hour. Nothing arrived? Look in the spam \
     folder, or ask again in a few minutes.";

/// The client's address, the key sign-ins and reset asks are counted under.
pub(crate) struct ClientAddress(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        Ok(Self(ip))
    }
}

/// Words for whom to ask when an invitation's link no longer works.
fn ask_for_invitation(invited_by: &str) -> String {
    format!(
        "Ask {invited_by} (who invited you) or a coordinator of the network to send you a new \
         invitation."
    )
}

/// A refused invitation step as a problem, for the API and the pages alike.
pub(crate) fn invitation_problem(e: InvitationError) -> Problem {
    match e {
        InvitationError::Forbidden(why) => Problem::forbidden(why),
        InvitationError::Gone(state) => Problem::with_status(
            StatusCode::GONE,
            "gone",
            format!(
                "{} Ask whoever invited you, or a coordinator of the network, to send a new \
                 invitation.",
                state
                    .why_gone()
                    .unwrap_or("This invitation no longer works.")
            ),
        ),
        InvitationError::Unknown => Problem::with_status(
            StatusCode::NOT_FOUND,
            "not-found",
            "No invitation has this link or id: a link may have been copied incompletely, or \
             replaced when the invitation was sent again.",
        ),
        InvitationError::Write(e) => e.into(),
    }
}

/// A refused reset as a problem.
pub(crate) fn reset_problem(e: ResetError) -> Problem {
    match e {
        ResetError::Link(ResetLink::Unknown) => Problem::with_status(
            StatusCode::NOT_FOUND,
            "not-found",
            ResetLink::Unknown.why_not().unwrap_or_default(),
        ),
        ResetError::Link(link) => Problem::with_status(
            StatusCode::GONE,
            "gone",
            format!(
                "{} Ask for a new link at /password-reset.",
                link.why_not().unwrap_or_default()
            ),
        ),
        ResetError::Account(kota_store::AccountError::Rule(rule)) => {
            Problem::invalid(vec![field_error("password", rule.code(), rule.to_string())])
        }
        ResetError::Account(e) => account_failed(e),
    }
}

/// A storage failure of an account operation.
pub(super) fn account_failed(e: kota_store::AccountError) -> Problem {
    match e {
        kota_store::AccountError::Store(e) => e.into(),
        e => {
            tracing::error!(error = %e, "account operation failed");
            Problem::internal()
        }
    }
}

/// One field's refusal in words.
pub(super) fn field_error(field: &str, code: Code, message: String) -> FieldError {
    FieldError::new(field, code, message)
}

/// The message of `field` among `errors`.
fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.clone())
        .reduce(|a, b| format!("{a} {b}"))
}

/// The roles `who` may invite, as the form offers them.
fn roles_for(who: &Principal) -> Vec<Role> {
    match who.scope {
        Scope::Coordinator | Scope::Admin => vec![
            Role::CityOfficer,
            Role::NationalRepresentative,
            Role::PartnerRepresentative,
            Role::Coordinator,
        ],
        Scope::NationalRepresentative { .. } => vec![Role::CityOfficer],
        Scope::PartnerRepresentative { .. } => vec![Role::PartnerRepresentative],
        Scope::CityOfficer { .. } => Vec::new(),
    }
}

/// What the invitation form holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct InviteForm {
    email: String,
    role: String,
    city: String,
    state: String,
    partner: String,
}

/// An invitation as a row of the list, with what the viewer may do with it.
pub(super) struct InvitationRow {
    invitation: Invitation,
    manageable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "invitations.html")]
pub(super) struct InvitationsPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    rows: Vec<InvitationRow>,
    roles: Vec<Role>,
    form: InviteForm,
    errors: Vec<(String, String)>,
    problem: Option<String>,
    sent: Option<String>,
}

impl InvitationsPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    }

    fn offers(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.as_str() == role)
    }

    fn fixed_role(&self) -> Option<&Role> {
        (self.roles.len() == 1).then(|| &self.roles[0])
    }
}

async fn invitations_page(
    s: &AppState,
    who: &Principal,
    csrf: CsrfToken,
) -> PageResult<InvitationsPage> {
    let rows = s
        .store
        .invitations(who)
        .await?
        .into_iter()
        .map(|invitation| InvitationRow {
            manageable: kota_domain::invitation::may_manage_invitation(
                who,
                invitation.invited_by_id,
            ),
            invitation,
        })
        .collect();
    Ok(InvitationsPage {
        title: "Invitations".into(),
        section: "invitations",
        csrf,
        rows,
        roles: roles_for(who),
        form: InviteForm::default(),
        errors: Vec::new(),
        problem: None,
        sent: None,
    })
}

/// `GET /invitations`: the invitations the viewer may see, and the form to send one.
pub(super) async fn list(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
) -> PageResult<InvitationsPage> {
    invitations_page(&s, &who, csrf).await
}

/// `POST /invitations`: sends an invitation; the form comes back with the words of what is
/// wrong, or the list with the new one.
pub(super) async fn send(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> PageResult<Response> {
    if !may_invite_anyone(&who) {
        return Err(Problem::forbidden(
            "City officers do not send invitations; ask your national representative or a \
             coordinator",
        )
        .into());
    }
    let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let new = NewInvitation {
        email: form.email.clone(),
        role: form.role.clone(),
        city: given(&form.city),
        state: given(&form.state),
        partner: given(&form.partner),
    };
    let outcome = s.store.invite(&who, &new).await;
    let mut page = invitations_page(&s, &who, csrf).await?;
    let status = match outcome {
        Ok(sent) => {
            page.sent = Some(format!(
                "The invitation to {} is on its way; its link works until {} UTC.",
                sent.email,
                sent.expires_at.format("%Y-%m-%d %H:%M")
            ));
            return Ok((StatusCode::CREATED, page).into_response());
        }
        Err(InvitationError::Write(WriteError::Invalid(errors))) => {
            page.errors = errors.into_iter().map(|e| (e.field, e.message)).collect();
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => {
            let problem = invitation_problem(e);
            page.problem = Some(problem.detail.clone());
            problem.status_code()
        }
    };
    page.form = form;
    Ok((status, page).into_response())
}

/// `POST /invitations/{id}/revoke` and `/resend`.
async fn manage(s: &AppState, who: &Principal, id: &str, resend: bool) -> PageResult<Redirect> {
    let unknown = || PageError::from(invitation_problem(InvitationError::Unknown));
    let id = Uuid::parse_str(id).map_err(|_| unknown())?;
    s.store
        .manage_invitation(who, id, resend)
        .await
        .map_err(invitation_problem)?;
    Ok(Redirect::to("/invitations"))
}

/// `POST /invitations/{id}/revoke`: its link stops working.
pub(super) async fn revoke(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> PageResult<Redirect> {
    manage(&s, &who, &id, false).await
}

/// `POST /invitations/{id}/resend`: a new link, for another 7 days; the old one stops working.
pub(super) async fn resend(
    State(s): State<AppState>,
    RequiredPrincipal(who): RequiredPrincipal,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> PageResult<Redirect> {
    manage(&s, &who, &id, true).await
}

#[derive(Template, WebTemplate)]
#[template(path = "invitation.html")]
pub(super) struct AcceptPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    token: String,
    invitation: Option<Invitation>,
    /// Why the link no longer works, and whom to ask.
    gone: Option<(String, String)>,
    rules: &'static str,
    name: String,
    name_error: Option<String>,
    password_error: Option<String>,
}

fn accept_page(csrf: CsrfToken, token: &str, invitation: Option<Invitation>) -> AcceptPage {
    let gone = invitation.as_ref().and_then(|i| {
        i.state
            .why_gone()
            .map(|why| (why.to_owned(), ask_for_invitation(&i.invited_by)))
    });
    AcceptPage {
        title: "Your invitation".into(),
        section: "",
        csrf,
        token: token.to_owned(),
        invitation,
        gone,
        rules: PASSWORD_RULES,
        name: String::new(),
        name_error: None,
        password_error: None,
    }
}

/// The page of a link: the form, or 410 saying why the link no longer works, or 404.
fn shown(page: AcceptPage) -> PageResult<Response> {
    if page.invitation.is_none() {
        return Err(invitation_problem(InvitationError::Unknown).into());
    }
    let status = if page.gone.is_some() {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// `GET /invitations/{token}`.
pub(super) async fn accept_form(
    State(s): State<AppState>,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let invitation = s.store.invitation_by_token(&token).await?;
    shown(accept_page(csrf, &token, invitation))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AcceptForm {
    name: String,
    password: String,
}

/// `POST /invitations/{token}`: makes the account, signs it in and goes on to `/me`.
pub(super) async fn accept(
    State(s): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> PageResult<Response> {
    match s
        .store
        .accept_invitation(&token, &form.name, &form.password)
        .await
    {
        Ok(user) => {
            sign_in_session(&session, &user).await?;
            tracing::info!(user = %user.id, "joined by invitation");
            Ok(Redirect::to("/me").into_response())
        }
        Err(InvitationError::Write(WriteError::Invalid(errors))) => {
            let invitation = s.store.invitation_by_token(&token).await?;
            let mut page = accept_page(csrf, &token, invitation);
            page.name = form.name;
            page.name_error = error_of(&errors, "name");
            page.password_error = error_of(&errors, "password");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(InvitationError::Gone(_)) => {
            let invitation = s.store.invitation_by_token(&token).await?;
            shown(accept_page(csrf, &token, invitation))
        }
        Err(e) => Err(invitation_problem(e).into()),
    }
}

/// What the reset pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ResetStep {
    /// The form to ask for a link.
    Ask,
    /// The answer to an ask (the same whatever the address).
    Asked,
    /// The form to choose a new password.
    Choose,
    /// The password is changed.
    Done,
    /// The link does not work, with why.
    Gone(&'static str),
}

#[derive(Template, WebTemplate)]
#[template(path = "password_reset.html")]
pub(super) struct ResetPage {
    title: String,
    section: &'static str,
    csrf: CsrfToken,
    step: ResetStep,
    token: String,
    rules: &'static str,
    asked: &'static str,
    error: Option<String>,
}

fn reset_page(csrf: CsrfToken, step: ResetStep, token: &str) -> ResetPage {
    ResetPage {
        title: "Choose a new password".into(),
        section: "login",
        csrf,
        step,
        token: token.to_owned(),
        rules: PASSWORD_RULES,
        asked: RESET_ASKED,
        error: None,
    }
}

/// `GET /password-reset`.
pub(super) async fn reset_ask_form(csrf: CsrfToken) -> ResetPage {
    reset_page(csrf, ResetStep::Ask, "")
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AskForm {
    email: String,
}

/// `POST /password-reset`: the same page whatever the address.
pub(super) async fn reset_ask(
    State(s): State<AppState>,
    ClientAddress(client): ClientAddress,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<AskForm>,
) -> PageResult<ResetPage> {
    if !form.email.chars().any(char::is_control) {
        s.store.ask_password_reset(&form.email, &client).await?;
    }
    Ok(reset_page(csrf, ResetStep::Asked, ""))
}

fn link_page(csrf: CsrfToken, link: ResetLink, token: &str) -> PageResult<Response> {
    match link {
        ResetLink::Open => Ok(reset_page(csrf, ResetStep::Choose, token).into_response()),
        ResetLink::Unknown => Err(reset_problem(ResetError::Link(link)).into()),
        gone => Ok((
            StatusCode::GONE,
            reset_page(
                csrf,
                ResetStep::Gone(gone.why_not().unwrap_or_default()),
                "",
            ),
        )
            .into_response()),
    }
}

/// `GET /password-reset/{token}`.
pub(super) async fn reset_choose_form(
    State(s): State<AppState>,
    Path(token): Path<String>,
    csrf: CsrfToken,
) -> PageResult<Response> {
    let link = s.store.reset_link(&token).await?;
    link_page(csrf, link, &token)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ChooseForm {
    password: String,
}

/// `POST /password-reset/{token}`: sets the password; every session of the account ends.
pub(super) async fn reset_choose(
    State(s): State<AppState>,
    Path(token): Path<String>,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<ChooseForm>,
) -> PageResult<Response> {
    match s
        .store
        .complete_password_reset(&token, &form.password)
        .await
    {
        Ok(user) => {
            tracing::info!(user = %user.id, "password reset");
            Ok(reset_page(csrf, ResetStep::Done, "").into_response())
        }
        Err(ResetError::Link(link)) => link_page(csrf, link, &token),
        Err(ResetError::Account(kota_store::AccountError::Rule(rule))) => {
            let mut page = reset_page(csrf, ResetStep::Choose, &token);
            page.error = Some(rule.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(ResetError::Account(e)) => Err(account_failed(e).into()),
    }
}

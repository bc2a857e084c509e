//! Server-rendered pages: every page works without JavaScript, links every name it shows,
//! and shows the source behind each fact.

mod catalogue;
mod edit;
mod home;
mod records;
pub(crate) mod view;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::problem::Problem;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/about", get(home::about))
        .route("/member-states", get(catalogue::member_states))
        .route("/member-states/{iso2}", get(records::member_state))
        .route("/cities", get(catalogue::cities))
        .route("/cities/{key}", get(records::city))
        .route("/framework", get(home::framework))
        .route("/projects", get(catalogue::projects))
        .route("/projects/{key}", get(records::project))
        .route("/partners", get(catalogue::partners))
        .route("/partners/{key}", get(records::partner))
        .route("/events", get(catalogue::events))
        .route("/events/{key}", get(records::event))
        .route("/chairmanship", get(home::chairmanship))
        .route(
            "/cities/new",
            get(edit::city::new_city).post(edit::city::create_city),
        )
        .route(
            "/cities/{key}/edit",
            get(edit::city::edit_profile).post(edit::city::save_profile),
        )
        .route(
            "/cities/{key}/membership",
            get(edit::city::edit_membership).post(edit::city::save_membership),
        )
        .route("/cities/{key}/plan", get(edit::plan::history))
        .route("/cities/{key}/plan/diff", get(edit::plan::diff))
        .route(
            "/cities/{key}/plan/edit",
            get(edit::plan::edit).post(edit::plan::submit),
        )
        .route(
            "/cities/{key}/projects/new",
            get(edit::project::new).post(edit::project::create),
        )
        .route(
            "/projects/{key}/edit",
            get(edit::project::edit).post(edit::project::update),
        )
        .route(
            "/projects/{key}/progress",
            get(edit::project::progress).post(edit::project::record_progress),
        )
        .route(
            "/partners/{key}/edit",
            get(edit::partner::edit).post(edit::partner::update),
        )
        .route(
            "/framework/focus-areas/{id}/edit",
            get(edit::framework::edit).post(edit::framework::update),
        )
        .route("/audit", get(edit::audit::audit))
}

/// A page that could not be shown, rendered for people with the problem's status.
#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    section: &'static str,
    status: u16,
    detail: String,
}

/// A failed page: the problem, shown as HTML.
pub(crate) struct PageError(Problem);

impl From<Problem> for PageError {
    fn from(p: Problem) -> Self {
        Self(p)
    }
}

impl From<kota_store::StoreError> for PageError {
    fn from(e: kota_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status_code();
        let page = ErrorPage {
            title: self.0.title.clone(),
            section: "",
            status: self.0.status,
            detail: self.0.detail,
        };
        (status, page).into_response()
    }
}

type PageResult<T> = Result<T, PageError>;

/// Anything not routed: a problem for API paths, a page for the rest.
pub(crate) async fn not_found(uri: Uri) -> Response {
    let problem = Problem::no_route(uri.path());
    if uri.path().starts_with("/api/") {
        problem.into_response()
    } else {
        let mut response = PageError(problem).into_response();
        *response.status_mut() = StatusCode::NOT_FOUND;
        response
    }
}

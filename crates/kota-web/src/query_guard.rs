//! The route guard of query strings: a query parameter a route does not take, or one that is
//! not UTF-8 text or holds a control character, is answered 400 naming it, so that nobody
//! believes they filtered when they did not. The API's routes take what their OpenAPI
//! operation declares; pages take what their query structs name.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use utoipa::IntoParams;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Operation, ParameterIn};

use crate::error::{PageError, Problem};
use crate::filters::{
    AuditQuery, CityQuery, DiffQuery, EventQuery, InterestQuery, PageQuery, PartnerQuery,
    ProjectQuery, TwinningQuery,
};

/// The query parameter names of `T`.
fn names<T: IntoParams>() -> Vec<String> {
    T::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|p| p.name)
        .collect()
}

/// The query parameters each page takes (pages not listed take none).
fn page_parameters() -> Vec<(&'static str, Vec<String>)> {
    let list = |filters: Vec<String>| [filters, names::<PageQuery>()].concat();
    vec![
        ("/cities", list(names::<CityQuery>())),
        ("/projects", list(names::<ProjectQuery>())),
        ("/partners", list(names::<PartnerQuery>())),
        ("/events", list(names::<EventQuery>())),
        ("/twinnings", list(names::<TwinningQuery>())),
        ("/interests", list(names::<InterestQuery>())),
        ("/audit", list(names::<AuditQuery>())),
        ("/stories", list(names::<crate::api::stories::StoryQuery>())),
        ("/search", list(names::<crate::api::search::SearchQuery>())),
        ("/cities.csv", names::<CityQuery>()),
        ("/projects.csv", names::<ProjectQuery>()),
        ("/partners.csv", names::<PartnerQuery>()),
        ("/events.csv", names::<EventQuery>()),
        ("/twinnings.csv", names::<TwinningQuery>()),
        ("/interests.csv", names::<InterestQuery>()),
        ("/cities/{key}/plan/diff", names::<DiffQuery>()),
        ("/login", vec!["next".to_owned()]),
        ("/indicators/{code}", vec!["city".to_owned()]),
        ("/projects/{key}/merge", vec!["into".to_owned()]),
        (
            "/events/{key}/agenda",
            names::<crate::api::brokerage::AgendaQuery>(),
        ),
        (
            "/events/{key}/agenda.ics",
            names::<crate::api::brokerage::AgendaQuery>(),
        ),
    ]
}

/// Routes outside `/api/` that answer machines, so with problems rather than pages.
const MACHINE_ROUTES: &[&str] = &[
    "/healthz",
    "/metrics",
    "/cities.csv",
    "/projects.csv",
    "/partners.csv",
    "/member-states.csv",
    "/events.csv",
    "/events.ics",
    "/twinnings.csv",
    "/interests.csv",
    "/chairmanship.csv",
];

/// Routes that ignore their query (static assets, which may be asked for with a cache buster).
const ANY_QUERY: &[&str] = &["/assets/kota.css", "/favicon.svg"];

/// What a route takes, by (method, route template): the API's as its OpenAPI document
/// declares them, the pages' from [`page_parameters`].
static PARAMETERS: LazyLock<HashMap<(Method, String), Vec<String>>> = LazyLock::new(|| {
    let mut table = HashMap::new();
    for (path, item) in crate::api::openapi().paths.paths {
        let operations: [(Method, &Option<Operation>); 5] = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let query = operation
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                    _ => None,
                })
                .collect();
            table.insert((method, path.clone()), query);
        }
    }
    for (route, query) in page_parameters() {
        table.insert((Method::GET, route.to_owned()), query);
    }
    table
});

/// One `name=value` of a query string, decoded; `Err` names what cannot be read.
fn decode(part: &str) -> Result<(String, String), Problem> {
    let (name, value) = part.split_once('=').unwrap_or((part, ""));
    let text = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|t| t.into_owned())
    };
    let name = text(name).map_err(|_| {
        Problem::bad_parameter(
            &String::from_utf8_lossy(
                &percent_encoding::percent_decode_str(name).collect::<Vec<u8>>(),
            ),
            "The name of this parameter is not readable text (UTF-8)",
        )
    })?;
    let value = text(value)
        .map_err(|_| Problem::bad_parameter(&name, "The value is not readable text (UTF-8)"))?;
    if name.chars().any(char::is_control) {
        return Err(Problem::bad_parameter(
            &name.replace(char::is_control, "\u{fffd}"),
            "The name of this parameter has invisible control characters",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Problem::bad_parameter(
            &name,
            "Take the invisible control characters out of the value",
        ));
    }
    Ok((name, value))
}

/// The first problem of a query string for a route that takes `allowed`, if any.
fn check_query(query: &str, allowed: Option<&[String]>) -> Result<(), Problem> {
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (name, _) = decode(part)?;
        let Some(allowed) = allowed else { continue };
        if !allowed.contains(&name) {
            let takes = if allowed.is_empty() {
                "This address takes no parameters".to_owned()
            } else {
                format!(
                    "This address does not take it: it takes {}",
                    allowed.join(", ")
                )
            };
            return Err(Problem::bad_parameter(&name, &takes));
        }
    }
    Ok(())
}

/// Route middleware: answers 400 to a query parameter the route does not take, to one that
/// is not UTF-8 text or holds a control character, and to a path with a control character —
/// a problem for the API, a page for the rest.
pub(crate) async fn refuse_unknown_parameters(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("", MatchedPath::as_str);
    let machine = request.uri().path().starts_with("/api/") || MACHINE_ROUTES.contains(&route);
    let refuse = |problem: Problem| {
        if machine {
            problem.into_response()
        } else {
            PageError::from(problem).into_response()
        }
    };
    // A path segment (an id or slug) is text too: no record has a control character in it.
    let path = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy();
    if path.chars().any(char::is_control) {
        return refuse(Problem::with_status(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid-path",
            "the address contains control characters",
        ));
    }
    let Some(query) = request.uri().query() else {
        return next.run(request).await;
    };
    // HEAD is answered as GET, so it takes what GET takes.
    let method = match request.method() {
        &Method::HEAD => Method::GET,
        other => other.clone(),
    };
    let allowed = if ANY_QUERY.contains(&route) {
        None
    } else {
        Some(
            PARAMETERS
                .get(&(method, route.to_owned()))
                .map_or(&[][..], Vec::as_slice),
        )
    };
    match check_query(query, allowed) {
        Ok(()) => next.run(request).await,
        Err(problem) => refuse(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::check_query;

    fn refused(query: &str, allowed: &[&str]) -> Option<String> {
        let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
        check_query(query, Some(&allowed))
            .err()
            .and_then(|p| p.parameter)
    }

    #[test]
    fn parameters_are_known_and_clean() {
        assert_eq!(refused("q=a+b&limit=5&&", &["q", "limit"]), None);
        assert_eq!(refused("q=caf%C3%A9", &["q"]), None);
        assert_eq!(refused("seeks=funding", &["q"]).as_deref(), Some("seeks"));
        assert_eq!(refused("q=ok&x", &["q"]).as_deref(), Some("x"));
        assert_eq!(refused("q=%00", &["q"]).as_deref(), Some("q"));
        assert_eq!(refused("q=a%0Ab", &["q"]).as_deref(), Some("q"));
        assert_eq!(refused("q=%FF", &["q"]).as_deref(), Some("q"));
        assert_eq!(refused("%71=1", &["q"]), None, "names are decoded");
        assert!(check_query("anything=1", None).is_ok());
        assert!(check_query("anything=%00", None).is_err());
    }
}

//! Suggested counterparts, from the matching engine: the cities a partner fits best and the
//! partners a city fits best, each explained in words from what the caller may see.

use axum::Json;
use axum::extract::State;
use kota_domain::ids::Key;
use kota_domain::suggestion::Suggestions;
use kota_store::matching::{DEFAULT_SUGGESTIONS, MAX_SUGGESTIONS, SuggestionsFor};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::OptionalPrincipal;
use crate::error::Problem;
use crate::extract::KeyPath;
use crate::filters::Params;

/// How many suggestions to return.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SuggestionQuery {
    /// How many (1 to 20, default 5).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20)]
    limit: Option<String>,
}

impl SuggestionQuery {
    pub(crate) fn limit(&self) -> Result<usize, Problem> {
        let Some(v) = self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        else {
            return Ok(DEFAULT_SUGGESTIONS);
        };
        v.parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_SUGGESTIONS).contains(n))
            .ok_or_else(|| {
                Problem::bad_parameter(
                    "limit",
                    &format!("`{v}` is not a whole number from 1 to {MAX_SUGGESTIONS}"),
                )
            })
    }
}

async fn answer(
    s: &AppState,
    side: SuggestionsFor,
    who: OptionalPrincipal,
    key: Key,
    q: SuggestionQuery,
) -> Result<Json<Suggestions>, Problem> {
    let limit = q.limit()?;
    let kind = match side {
        SuggestionsFor::Partner => "partner",
        SuggestionsFor::City => "city",
    };
    s.store
        .suggestions(side, &key, limit, who.0.as_ref())
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found(kind, &key))
}

/// The member cities that fit a partner best, best first, each with a `score` (0–100), the
/// reasons in words (`explanation`) and what would raise the score (`what_would_change`).
/// Cities the partner works with already are left out.
#[utoipa::path(get, path = "/api/v1/partners/{id}/suggestions", tag = "twinning",
    params(("id" = String, Path, description = "The partner's UUID or slug"), SuggestionQuery),
    responses(
        (status = 200, description = "The best-fitting cities", body = Suggestions),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn partner_suggestions(
    State(s): State<AppState>,
    who: OptionalPrincipal,
    KeyPath(id): KeyPath,
    Params(q): Params<SuggestionQuery>,
) -> Result<Json<Suggestions>, Problem> {
    answer(&s, SuggestionsFor::Partner, who, id, q).await
}

/// The partners that fit a member city best, best first, each with a `score` (0–100), the
/// reasons in words (`explanation`) and what would raise the score (`what_would_change`).
/// Partners the city works with already are left out.
#[utoipa::path(get, path = "/api/v1/cities/{id}/suggestions", tag = "twinning",
    params(("id" = String, Path, description = "The city's UUID or slug"), SuggestionQuery),
    responses(
        (status = 200, description = "The best-fitting partners", body = Suggestions),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such city", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn city_suggestions(
    State(s): State<AppState>,
    who: OptionalPrincipal,
    KeyPath(id): KeyPath,
    Params(q): Params<SuggestionQuery>,
) -> Result<Json<Suggestions>, Problem> {
    answer(&s, SuggestionsFor::City, who, id, q).await
}

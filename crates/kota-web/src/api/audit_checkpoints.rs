//! The audit chain's signed heads, published for anyone to keep a copy of (a witness that
//! `kota audit verify --witness FILE` compares with the log later).

use axum::Json;
use axum::extract::State;
use kota_domain::audit::checkpoint::SignedHeads;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::Problem;
use crate::filters::Params;

/// The most checkpoints one answer lists.
const MAX_LIMIT: u32 = 1000;
/// How many checkpoints an answer lists when `limit` is not given.
const DEFAULT_LIMIT: u32 = 100;

/// Which checkpoints to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CheckpointQuery {
    /// List the checkpoints of entries after this one (default 0: from the first); follow
    /// `next_since` for the next page.
    #[param(value_type = Option<i64>, minimum = 0)]
    since: Option<String>,
    /// How many checkpoints to list (1 to 1000, default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

fn number<T: std::str::FromStr + PartialOrd>(
    name: &str,
    value: Option<&str>,
    range: std::ops::RangeInclusive<T>,
    default: T,
) -> Result<T, Problem> {
    let Some(text) = value.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(default);
    };
    match text.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(Problem::bad_parameter(
            name,
            &format!("`{text}` is not a whole number in the allowed range"),
        )),
    }
}

/// The audit chain's signed heads (anyone): each change's new head hash, signed with the
/// server's Ed25519 key, with the newest one and the public keys, so that a saved copy is
/// self-contained. Each checkpoint signs the text
/// `kota-audit-checkpoint/1\n{seq}\n{head}\n{at}` (`at` in RFC 3339, UTC, microseconds).
#[utoipa::path(get, path = "/api/v1/audit/checkpoints", tag = "audit", params(CheckpointQuery),
    responses(
        (status = 200, description = "A page of signed heads, oldest first, with the newest and the keys", body = SignedHeads),
        (status = 400, description = "A parameter has a bad value", body = Problem, content_type = "application/problem+json")
    ))]
pub(crate) async fn list_checkpoints(
    State(s): State<AppState>,
    Params(q): Params<CheckpointQuery>,
) -> Result<Json<SignedHeads>, Problem> {
    let since = number("since", q.since.as_deref(), 0..=i64::MAX, 0)?;
    let limit = number("limit", q.limit.as_deref(), 1..=MAX_LIMIT, DEFAULT_LIMIT)?;
    Ok(Json(s.store.signed_heads(since, limit).await?))
}

//! A city's plan versions as pages and the API look them up: the city a path names, and the
//! two versions a diff compares.

use kota_domain::city::{ActionPlan, CityRef};
use kota_domain::ids::Key;

use crate::AppState;
use crate::error::Problem;
use crate::filters::DiffQuery;

/// The city `key` names, or a 404.
pub(crate) async fn city_of(s: &AppState, key: &Key) -> Result<CityRef, Problem> {
    s.store
        .city_ref(key)
        .await?
        .ok_or_else(|| Problem::not_found("city", key))
}

/// The two versions a diff query names, older first.
pub(crate) async fn versions_to_compare(
    s: &AppState,
    city: &CityRef,
    q: &DiffQuery,
) -> Result<(ActionPlan, ActionPlan), Problem> {
    let version = |v: Option<i32>, name: &'static str| async move {
        match s.store.action_plan(city.id, v).await? {
            Some(p) => Ok(p),
            None => Err(match v {
                Some(v) => Problem::bad_parameter(name, &format!("the plan has no version {v}")),
                None => Problem::not_found("action plan of", &city.slug),
            }),
        }
    };
    let newer = version(q.to, "to").await?;
    let from = q.from.unwrap_or(newer.version - 1).max(1);
    if q.from.is_some_and(|f| f < 1 || f > newer.version) {
        return Err(Problem::bad_parameter(
            "from",
            &format!("must be a version from 1 to {}", newer.version),
        ));
    }
    let older = version(Some(from), "from").await?;
    Ok((older, newer))
}

//! The pages that change records: each shows a form to those allowed (others get 403, and
//! anonymous visitors are sent to sign in), and takes its submission through the store's
//! checked writes.

pub(crate) mod audit;
pub(crate) mod city;
pub(crate) mod framework;
pub(crate) mod partner;
pub(crate) mod plan;
pub(crate) mod project;

use kota_domain::access::Principal;
use kota_domain::framework::Framework;

use crate::AppState;
use crate::pages::PageError;
use crate::problem::Problem;

/// Refuses, with a 403 page, unless `allowed`.
pub(crate) fn allow(allowed: bool) -> Result<(), PageError> {
    if allowed {
        Ok(())
    } else {
        Err(Problem::forbidden("you may not change this record").into())
    }
}

/// Refuses, with a 403 page, anyone who is not a coordinator.
pub(crate) fn coordinator(who: &Principal) -> Result<(), PageError> {
    allow(who.may_manage_network())
}

/// The framework's focus areas as (id, name) choices.
pub(crate) fn area_choices(framework: &Framework) -> Vec<(String, String)> {
    framework
        .focus_areas
        .iter()
        .map(|f| (f.id.clone(), f.name.clone()))
        .collect()
}

/// The member states as (ISO code, name) choices.
pub(crate) async fn state_choices(s: &AppState) -> Result<Vec<(String, String)>, PageError> {
    Ok(s.store
        .member_states()
        .await?
        .into_iter()
        .map(|m| (m.iso2, m.name))
        .collect())
}

/// A closed vocabulary as (stored name, label) choices.
pub(crate) fn vocabulary<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&v| (name(v).to_owned(), label(v).to_owned()))
        .collect()
}

/// Borrowed (value, label) pairs, as form choices take them.
pub(crate) fn borrowed(pairs: &[(String, String)]) -> impl Iterator<Item = (&str, &str)> {
    pairs.iter().map(|(v, l)| (v.as_str(), l.as_str()))
}

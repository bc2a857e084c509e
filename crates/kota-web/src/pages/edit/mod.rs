//! The pages that change records: each form implements [`crate::forms::EditForm`] and is
//! shown to those its edit allows (others get 403, anonymous visitors are sent to sign in);
//! submissions go through the store's one edit pipeline. Also the audit pages.

pub(crate) mod audit;
pub(crate) mod chair;
pub(crate) mod city;
pub(crate) mod comment;
pub(crate) mod event;
pub(crate) mod framework;
pub(crate) mod interest;
pub(crate) mod meeting_request;
pub(crate) mod partner;
pub(crate) mod plan;
pub(crate) mod project;
pub(crate) mod round;
pub(crate) mod story;
pub(crate) mod twinning;

use kota_domain::framework::Framework;

use crate::AppState;
use crate::error::PageError;

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

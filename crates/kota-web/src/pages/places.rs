//! A place of the world from GeoNames: a candidate city, not a member of the network, with its
//! names in other scripts and where the data comes from.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::place::PlaceDetail;

use super::view::thousands;
use crate::AppState;
use crate::api::places::geonames_id_of;
use crate::error::{PageResult, Problem};
use crate::extract::KeyPath;

#[derive(Template, WebTemplate)]
#[template(path = "place.html")]
pub(crate) struct PlacePage {
    title: String,
    section: &'static str,
    d: PlaceDetail,
    other_names: Vec<String>,
    population: String,
    geonames_url: String,
}

/// `/places/{geonames_id}`.
pub(crate) async fn place(
    State(s): State<AppState>,
    KeyPath(key): KeyPath,
) -> PageResult<PlacePage> {
    let id = geonames_id_of(&key)?;
    let d = s
        .store
        .place(id)
        .await?
        .ok_or_else(|| Problem::not_found("place", &key))?;
    Ok(PlacePage {
        title: d.place.name.clone(),
        section: "cities",
        other_names: d.place.other_names(),
        population: thousands(d.place.population),
        geonames_url: d.place.geonames_url(),
        d,
    })
}

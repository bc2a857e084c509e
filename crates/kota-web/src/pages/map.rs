//! The map of the network at `/map`, and the maps of member states' pages.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use kota_domain::city::City;
use kota_domain::page::PageRequest;
use kota_store::filter::CityFilter;

use crate::AppState;
use crate::error::PageResult;
use crate::map::{MapContext, MapView};

/// The map of `cities`, titled as a map of `what`; `None` when there is no city to draw.
pub(crate) async fn map_of(
    s: &AppState,
    cities: &[City],
    what: &str,
) -> PageResult<Option<MapView>> {
    let states = s.store.member_states().await?;
    let first_year = s.store.cohort_years().await?.first().copied();
    let state_name = |iso2: &str| {
        states
            .iter()
            .find(|st| st.iso2 == iso2)
            .map_or_else(|| iso2.to_owned(), |st| st.name.clone())
    };
    Ok(MapView::of(
        cities,
        &MapContext {
            first_year,
            state_name: &state_name,
            what,
        },
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "map.html")]
pub(crate) struct MapPage {
    title: String,
    section: &'static str,
    map: Option<MapView>,
}

/// `/map`: every city of the network on the map, with the same cities as a table.
pub(crate) async fn network(State(s): State<AppState>) -> PageResult<MapPage> {
    let cities = s
        .store
        .cities(&CityFilter::default(), PageRequest::all(), None)
        .await?
        .items;
    Ok(MapPage {
        title: "Map".into(),
        section: "map",
        map: map_of(&s, &cities, "the network").await?,
    })
}

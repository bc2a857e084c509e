//! What the engine's input is built from: the network's records as one viewer may see them,
//! read on one connection.

use std::collections::HashMap;

use kota_domain::access::Principal;
use kota_domain::city::City;
use kota_domain::framework::Framework;
use kota_domain::network::MemberState;
use kota_domain::page::PageRequest;
use kota_domain::partner::Partner;
use kota_domain::project::Project;
use kota_domain::twinning::TwinningState;
use uuid::Uuid;

use crate::StoreResult;
use crate::args::{Sql, bind_args};
use crate::conn::{Conn, on_conn};
use crate::filter::{CityFilter, PartnerFilter, ProjectFilter};

/// The network's records as one viewer may see them (confidential fields the viewer may not
/// see are already gone, so nothing built from a snapshot can reveal them).
#[derive(Debug, Clone)]
pub struct NetworkSnapshot {
    /// The framework (focus areas and their names).
    pub framework: Framework,
    /// The member states.
    pub states: Vec<MemberState>,
    /// The member cities.
    pub cities: Vec<City>,
    /// Per city: the focus areas of its current action plan.
    pub plan_areas: HashMap<Uuid, Vec<String>>,
    /// Every project.
    pub projects: Vec<Project>,
    /// Every partner, with the cities the network's documents link it to.
    pub partners: Vec<Partner>,
    /// Twinnings that bear on matching: (partner, city, state) of the proposed, active and
    /// declined ones.
    pub twinnings: Vec<(Uuid, Uuid, TwinningState)>,
}

impl NetworkSnapshot {
    /// The member state of a country code.
    pub fn state(&self, iso2: &str) -> Option<&MemberState> {
        self.states.iter().find(|s| s.iso2 == iso2)
    }

    /// The name people read for a focus area id.
    pub fn area_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.framework
            .focus_areas
            .iter()
            .find(|a| a.id == id)
            .map_or(id, |a| a.name.as_str())
    }
}

impl Conn<'_> {
    /// The network as `viewer` may see it.
    pub async fn network_snapshot(
        &mut self,
        viewer: Option<&Principal>,
    ) -> StoreResult<NetworkSnapshot> {
        let framework = self.framework().await?;
        let states = self.member_states().await?;
        let cities = self
            .cities(&CityFilter::default(), PageRequest::all(), viewer)
            .await?
            .items;
        let projects = self
            .projects(&ProjectFilter::default(), PageRequest::all(), viewer)
            .await?
            .items;
        let partners = self
            .partners(&PartnerFilter::default(), PageRequest::all())
            .await?
            .items;
        let rows: Vec<(Uuid, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT f.city_id, f.focus_area_id FROM action_plan_focus_areas f \
             WHERE f.version = (SELECT MAX(p.version) FROM action_plans p WHERE p.city_id = f.city_id) \
             ORDER BY f.city_id, f.position",
        ).fetch_all(&mut *c).await)?;
        let mut plan_areas: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (city, area) in rows {
            plan_areas.entry(city).or_default().push(area);
        }
        // Only the twinnings the viewer may see: a proposal or a refusal must not show
        // through as a pair left out of someone else's suggestions.
        let mut sql = Sql::default();
        let seen = crate::records::twinning::visible(&mut sql, viewer)
            .map(|v| format!(" AND {v}"))
            .unwrap_or_default();
        sql.text = format!(
            "SELECT t.partner_id, t.city_id, t.state FROM twinnings t JOIN cities c ON c.id = t.city_id \
             WHERE t.state IN ('proposed', 'active', 'declined'){seen} ORDER BY t.partner_id, t.city_id"
        );
        let rows: Vec<(Uuid, Uuid, String)> = on_conn!(self, c => bind_args!(sqlx::query_as(&sql.text), &sql.args).fetch_all(&mut *c).await)?;
        let twinnings = rows
            .into_iter()
            .filter_map(|(p, c, state)| Some((p, c, TwinningState::parse(&state)?)))
            .collect();
        Ok(NetworkSnapshot {
            framework,
            states,
            cities,
            plan_areas,
            projects,
            partners,
            twinnings,
        })
    }
}

crate::reads_on_a_pooled_connection! {
    /// The network as `viewer` may see it.
    fn network_snapshot(viewer: Option<&Principal>) -> NetworkSnapshot;
}

//! Peer learning over the network as a viewer may see it: every city with its size, roles,
//! income group, projects and the stories the viewer may read, handed to the domain's
//! [`kota_domain::peers`] rules.

use std::collections::HashMap;

use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_domain::peers::{CityPeers, Network, PeerCity, PeerProject, PeerStory, advise};

use crate::StoreResult;
use crate::conn::Conn;
use crate::filter::{CityFilter, ProjectFilter};
use crate::records::story::StoryFilter;

impl Conn<'_> {
    /// The network as peer learning reads it, with the stories `viewer` may read.
    pub async fn peer_network(&mut self, viewer: Option<&Principal>) -> StoreResult<Network> {
        let all = PageRequest::all();
        let framework = self.framework().await?;
        let income: HashMap<String, _> = self
            .member_states()
            .await?
            .into_iter()
            .map(|m| (m.iso2, m.income_group))
            .collect();
        let cities = self.cities(&CityFilter::default(), all, None).await?.items;
        let projects = self
            .projects(&ProjectFilter::default(), all, None)
            .await?
            .items;
        let stories = self
            .stories(&StoryFilter::default(), all, viewer)
            .await?
            .items;
        let mut peers: Vec<PeerCity> = cities
            .into_iter()
            .filter_map(|c| {
                Some(PeerCity {
                    income_group: *income.get(&c.country_iso2)?,
                    population: c.population,
                    roles: c.roles.clone(),
                    city: CityRef::from(&c),
                    projects: Vec::new(),
                    stories: Vec::new(),
                })
            })
            .collect();
        let mut at: HashMap<uuid::Uuid, usize> = HashMap::new();
        for (i, p) in peers.iter().enumerate() {
            at.insert(p.city.id, i);
        }
        for p in projects {
            if let Some(&i) = at.get(&p.city.id) {
                peers[i].projects.push(PeerProject {
                    completed: p.is_completed(),
                    slug: p.slug,
                    title: p.title,
                    focus_areas: p.focus_areas,
                });
            }
        }
        for s in stories {
            if let Some(&i) = at.get(&s.city.id) {
                peers[i].stories.push(PeerStory {
                    slug: s.slug,
                    title: s.title,
                    kind: s.kind,
                    focus_areas: s.focus_areas,
                });
            }
        }
        Ok(Network {
            cities: peers,
            area_names: framework
                .focus_areas
                .into_iter()
                .map(|f| (f.id, f.name))
                .collect(),
        })
    }

    /// Whom a city can learn from and its peers, as `viewer` may see the network; `None`
    /// when no city has this id or slug.
    pub async fn city_peers(
        &mut self,
        key: &Key,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<CityPeers>> {
        let Some(city) = self.city_ref(key).await? else {
            return Ok(None);
        };
        let network = self.peer_network(viewer).await?;
        Ok(Some(advise(&network, city.id)))
    }
}

crate::reads_on_a_pooled_connection! {
    /// Whom a city can learn from (cities that completed a project or wrote a story in a
    /// focus area where it has open projects) and its peers (the cities most alike it), as
    /// `viewer` may see the network.
    fn city_peers(key: &Key, viewer: Option<&Principal>) -> Option<CityPeers>;
}

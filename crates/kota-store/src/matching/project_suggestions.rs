//! Business matching over the stored network: the firms that fit a project best and the
//! projects that fit a firm best, explained in words like twinning suggestions. Built from the
//! viewer's snapshot, so a confidential amount never reaches a reason; firms already partnered
//! on a project are left out of its suggestions.

use kota_domain::access::Principal;
use kota_domain::ids::Key;
use kota_domain::interest::{ProjectRef, ProjectSuggestion, ProjectSuggestions};
use kota_domain::partner::{Partner, PartnerRef};
use kota_domain::project::{Project, Seek};
use kota_domain::suggestion::{Suggestion, Suggestions};
use kota_match::network::Network;
use kota_match::profile::{Exclusion, ExclusionReason, FocusWeights};
use kota_match::scoring::{Explanation, Factor};
use kota_match::topk::Query;

use super::MAX_SUGGESTIONS;
use super::explain::{country_reason, list, money, sources_reason};
use super::input::{Capacities, ProfileSources, engine_input};
use super::snapshot::NetworkSnapshot;
use crate::{Store, StoreResult};

/// A firm and a project, and what the engine made of them.
struct BusinessPair<'a> {
    snapshot: &'a NetworkSnapshot,
    firm: &'a Partner,
    project: &'a Project,
    strengths: &'a FocusWeights,
    sources: Option<&'a ProfileSources>,
    explanation: &'a Explanation,
}

impl BusinessPair<'_> {
    fn value(&self, factor: Factor) -> u8 {
        self.explanation
            .terms
            .iter()
            .find(|t| t.factor == factor)
            .map_or(0, |t| t.value)
    }

    fn country(&self) -> &str {
        let iso2 = &self.project.city.country_iso2;
        self.snapshot
            .state(iso2)
            .map_or(iso2.as_str(), |s| s.name.as_str())
    }

    fn names(&self, areas: &[&String]) -> Vec<String> {
        areas
            .iter()
            .map(|a| self.snapshot.area_name(a).to_owned())
            .collect()
    }

    fn offered(&self) -> Vec<String> {
        self.firm
            .profile
            .instruments
            .iter()
            .map(|i| i.label().to_lowercase())
            .collect()
    }

    fn unanswered(&self) -> Vec<Seek> {
        self.project
            .support_sought
            .iter()
            .copied()
            .filter(|s| {
                !self
                    .firm
                    .profile
                    .instruments
                    .iter()
                    .any(|&i| s.answered_by(i))
            })
            .collect()
    }

    /// Why the two fit, one reason per line.
    fn reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        let title = &self.project.title;
        let strong: Vec<&String> = self
            .project
            .focus_areas
            .iter()
            .filter(|a| self.strengths.get(*a).copied().unwrap_or(0) > 0)
            .collect();
        out.push(if strong.is_empty() {
            format!(
                "The firm states no strength in the project's focus areas ({}).",
                list(&self.names(&self.project.focus_areas.iter().collect::<Vec<_>>()))
            )
        } else {
            format!(
                "The firm works on {}, the focus of “{title}”.",
                list(&self.names(&strong))
            )
        });
        if !self.project.support_sought.is_empty() {
            let wanted: Vec<String> = self
                .project
                .support_sought
                .iter()
                .map(|s| s.label().to_lowercase())
                .collect();
            let offered = self.offered();
            out.push(if offered.is_empty() {
                format!(
                    "The project seeks {}; the firm has not said how it takes part.",
                    list(&wanted)
                )
            } else {
                format!(
                    "The project seeks {}; the firm offers {}.",
                    list(&wanted),
                    list(&offered)
                )
            });
        }
        if let Some(gap) = &self.project.funding_gap
            && gap.amount > 0
        {
            out.push(format!(
                "The project still seeks {} in funding.",
                gap.readable()
            ));
        }
        if let Some(t) = &self.firm.profile.ticket
            && self.firm.profile.instruments.iter().any(|i| i.is_funding())
        {
            out.push(format!(
                "The firm funds {} to {} per project.",
                money(t.min, &t.currency),
                money(t.max, &t.currency)
            ));
        }
        if let Some(stage) = self.project.stage {
            out.push(format!(
                "The project is at the {} stage.",
                stage.label().to_lowercase()
            ));
        }
        out.push(country_reason(
            self.value(Factor::CountryInterest),
            self.country(),
            "firm",
        ));
        out.extend(sources_reason(self.sources, "firm"));
        out
    }

    /// What would raise the score most: the two factors with the most points left, in words.
    fn what_would_change(&self) -> Vec<String> {
        let mut open: Vec<(i64, Factor)> = self
            .explanation
            .terms
            .iter()
            .filter(|t| t.value < 100 && t.weight > 0)
            .map(|t| (i64::from(t.weight) * i64::from(100 - t.value), t.factor))
            .collect();
        open.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        open.into_iter()
            .take(2)
            .filter_map(|(gain, factor)| {
                let points = (gain as f64 / 100.0).round();
                let what = match factor {
                    Factor::FocusMatch => {
                        let weak: Vec<&String> = self
                            .project
                            .focus_areas
                            .iter()
                            .filter(|a| self.strengths.get(*a).copied().unwrap_or(0) < 100)
                            .collect();
                        format!("the firm being stronger in {}", list(&self.names(&weak)))
                    }
                    Factor::OfferFit => {
                        let missing: Vec<String> = self
                            .unanswered()
                            .iter()
                            .map(|s| s.label().to_lowercase())
                            .collect();
                        if missing.is_empty() {
                            "the project saying what support it seeks".to_owned()
                        } else {
                            format!("the firm offering {}", list(&missing))
                        }
                    }
                    Factor::TicketFit => {
                        "the firm's ticket size matching the funding the project seeks".to_owned()
                    }
                    Factor::StageFit => "the project moving on to its funding stage".to_owned(),
                    Factor::CountryInterest => {
                        format!("the firm naming {} among its countries", self.country())
                    }
                    _ => return None,
                };
                Some(format!("Up to {points} points more with {what}."))
            })
            .collect()
    }
}

/// A pair's score and its reasons in words.
struct Explained {
    score: f64,
    explanation: Vec<String>,
    what_would_change: Vec<String>,
}

/// What business matching runs on: the engine over the snapshot, with the pairs already
/// partnered left out.
struct Business {
    snapshot: NetworkSnapshot,
    network: Network,
    sources: std::collections::BTreeMap<String, ProfileSources>,
}

impl Business {
    fn new(snapshot: NetworkSnapshot, partnered: &[(uuid::Uuid, uuid::Uuid)]) -> StoreResult<Self> {
        let mut input = engine_input(&snapshot, Capacities::default());
        for (project, partner) in partnered {
            let p = snapshot.projects.iter().find(|p| p.id == *project);
            let f = snapshot.partners.iter().find(|f| f.id == *partner);
            if let (Some(p), Some(f)) = (p, f) {
                input.data.exclusions.push(Exclusion {
                    partner: f.slug.clone(),
                    target: p.slug.clone(),
                    reason: ExclusionReason::AlreadyTwinned,
                });
            }
        }
        let network = Network::new(input.data)?;
        Ok(Self {
            snapshot,
            network,
            sources: input.sources,
        })
    }

    /// The pair in words, when the engine scores it.
    fn pair(
        &self,
        query: Query,
        firm: &Partner,
        project: &Project,
    ) -> StoreResult<Option<Explained>> {
        let (subject, other) = match query {
            Query::FirmsForProject => (&project.slug, &firm.slug),
            _ => (&firm.slug, &project.slug),
        };
        let explanation = self.network.explain(query, subject, other)?;
        let Some(engine_firm) = self
            .network
            .data()
            .partners
            .iter()
            .find(|p| p.id == firm.slug)
        else {
            return Ok(None);
        };
        let pair = BusinessPair {
            snapshot: &self.snapshot,
            firm,
            project,
            strengths: &engine_firm.strengths,
            sources: self.sources.get(&firm.slug),
            explanation: &explanation,
        };
        Ok(Some(Explained {
            score: explanation.score as f64 / 100.0,
            explanation: pair.reasons(),
            what_would_change: pair.what_would_change(),
        }))
    }
}

impl Store {
    /// The `limit` firms that fit the project `key` best, explained with what `viewer` may
    /// see; `None` when no such project exists. A project not open to private investment has
    /// none.
    pub async fn firm_suggestions(
        &self,
        key: &Key,
        limit: usize,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<Suggestions>> {
        let snapshot = self.network_snapshot(viewer).await?;
        let Some(project) = snapshot
            .projects
            .iter()
            .find(|p| key.names(p.id, &p.slug))
            .cloned()
        else {
            return Ok(None);
        };
        let partnered: Vec<_> = self
            .project_partnerships(project.id, viewer)
            .await?
            .into_iter()
            .map(|p| (p.project.id, p.partner.id))
            .collect();
        let business = Business::new(snapshot, &partnered)?;
        let mut items = Vec::new();
        let query = Query::FirmsForProject;
        for r in business
            .network
            .recommend(query, &project.slug, limit.min(MAX_SUGGESTIONS))?
        {
            let Some(firm) = business.snapshot.partners.iter().find(|p| p.slug == r.id) else {
                continue;
            };
            let Some(Explained {
                score,
                explanation,
                what_would_change,
            }) = business.pair(query, firm, &project)?
            else {
                continue;
            };
            items.push(Suggestion {
                city: None,
                partner: Some(PartnerRef {
                    id: firm.id,
                    slug: firm.slug.clone(),
                    name: firm.name.clone(),
                    kind: firm.kind,
                }),
                score,
                explanation,
                what_would_change,
            });
        }
        Ok(Some(Suggestions { items }))
    }

    /// The `limit` projects that fit the firm `key` best, explained with what `viewer` may
    /// see; `None` when no such partner exists. A partner that is not a firm has none.
    pub async fn project_suggestions(
        &self,
        key: &Key,
        limit: usize,
        viewer: Option<&Principal>,
    ) -> StoreResult<Option<ProjectSuggestions>> {
        let Some(named) = self.partner_ref(key).await? else {
            return Ok(None);
        };
        // The engine takes the network's default firm kinds (`engine_input`): a partner of
        // another kind has no projects suggested, and no engine need be built for it.
        let firm_kinds = kota_match::network::NetworkData::default().firm_kinds;
        if !firm_kinds.iter().any(|k| k == named.kind.as_str()) {
            return Ok(Some(ProjectSuggestions { items: Vec::new() }));
        }
        let snapshot = self.network_snapshot(viewer).await?;
        let Some(firm) = snapshot.partners.iter().find(|p| p.id == named.id).cloned() else {
            return Ok(None);
        };
        let partnered: Vec<_> = self
            .partner_partnerships(firm.id, viewer)
            .await?
            .into_iter()
            .map(|p| (p.project.id, p.partner.id))
            .collect();
        let business = Business::new(snapshot, &partnered)?;
        let mut items = Vec::new();
        let query = Query::ProjectsForFirm;
        for r in business
            .network
            .recommend(query, &firm.slug, limit.min(MAX_SUGGESTIONS))?
        {
            let Some(project) = business.snapshot.projects.iter().find(|p| p.slug == r.id) else {
                continue;
            };
            let Some(Explained {
                score,
                explanation,
                what_would_change,
            }) = business.pair(query, &firm, project)?
            else {
                continue;
            };
            items.push(ProjectSuggestion {
                project: ProjectRef::from(project),
                score,
                explanation,
                what_would_change,
            });
        }
        Ok(Some(ProjectSuggestions { items }))
    }
}

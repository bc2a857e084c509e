//! What search indexes, read from the database: every searchable record as a
//! [`kota_search::Doc`], and the audit log as the feed of what changed since a point of it.
//!
//! Confidential fields (a project's confidential notes and budgets) are never read here, so
//! no search can reveal them.

mod docs;

use std::collections::BTreeSet;

use kota_search::{Doc, Kind, Update};
use uuid::Uuid;

use crate::conn::{Conn, on_conn};
use crate::{Db, Store, StoreResult};

pub(crate) use docs::Which;

/// Every searchable record, with the audit log's last sequence number read in the same
/// snapshot of the database.
#[derive(Debug, Clone)]
pub struct Documents {
    /// The audit log's last entry the records reflect (0 for an empty log).
    pub seq: i64,
    /// The records.
    pub docs: Vec<Doc>,
}

/// What changed after a point of the audit log, as an update of the index.
#[derive(Debug, Clone)]
pub struct Changes {
    /// The audit log's last entry the update reflects.
    pub seq: i64,
    /// The update.
    pub update: Update,
}

/// Runs `$body` on a [`Conn`] of a read-only transaction that sees one snapshot of the database.
macro_rules! in_snapshot {
    ($store:expr, $conn:ident => $body:expr) => {
        match &$store.db {
            Db::Sqlite { read, .. } => {
                let mut tx = read.begin().await?;
                let answer = {
                    let mut $conn = Conn::from(&mut *tx);
                    $body
                };
                tx.commit().await?;
                answer
            }
            Db::Postgres { read, .. } => {
                let mut tx = read
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?;
                let answer = {
                    let mut $conn = Conn::from(&mut *tx);
                    $body
                };
                tx.commit().await?;
                answer
            }
        }
    };
}

impl Store {
    /// Every searchable record and the audit entry it reflects, read in one snapshot.
    pub async fn search_documents(&self) -> StoreResult<Documents> {
        in_snapshot!(self, conn => {
            let seq = conn.last_audit_seq().await?;
            let docs = conn.search_docs(&Which::All).await?;
            Ok(Documents { seq, docs })
        })
    }

    /// The audit log's last sequence number (0 for an empty log): one indexed lookup.
    pub async fn last_audit_seq(&self) -> StoreResult<i64> {
        self.pooled().await?.conn().last_audit_seq().await
    }

    /// What changed after audit entry `seq`, as the records to re-index (read in one
    /// snapshot). Kinds of change search does not know are passed over.
    pub async fn search_changes_since(&self, seq: i64) -> StoreResult<Changes> {
        in_snapshot!(self, conn => {
            // A city's record before its change tells which place it may have let go.
            let entries: Vec<(i64, String, String, Option<String>)> = on_conn!(conn, c => sqlx::query_as(
                "SELECT seq, object_type, object_id, \
                 CASE WHEN object_type = 'city' THEN CAST(before AS TEXT) END \
                 FROM audit_log WHERE seq > $1 ORDER BY seq"
            ).bind(seq).fetch_all(&mut *c).await)?;
            let last = entries.last().map_or(seq, |e| e.0);
            let update = conn.update_for(entries.iter().map(|(_, t, id, before)| {
                (t.as_str(), id.as_str(), before.as_deref())
            })).await?;
            Ok(Changes { seq: last, update })
        })
    }
}

/// The records one audit entry touches.
#[derive(Default)]
struct Touched {
    everything: bool,
    places: bool,
    /// Places the changed cities had before their change.
    earlier_places: BTreeSet<i64>,
    cities: BTreeSet<Uuid>,
    projects: BTreeSet<Uuid>,
    partners: BTreeSet<Uuid>,
    stories: BTreeSet<Uuid>,
    events: BTreeSet<Uuid>,
}

impl Touched {
    fn note(&mut self, object_type: &str, object_id: &str, before: Option<&str>) {
        let id = Uuid::parse_str(object_id).ok();
        let earlier_place = before
            .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
            .and_then(|b| b["geonames_id"].as_i64());
        self.earlier_places.extend(earlier_place);
        let set = match object_type {
            "network" => {
                self.everything = true;
                return;
            }
            "places" | "place" => {
                self.places = true;
                return;
            }
            "city" => &mut self.cities,
            "project" => &mut self.projects,
            "partner" => &mut self.partners,
            "story" => &mut self.stories,
            "event" => &mut self.events,
            _ => return,
        };
        if let Some(id) = id {
            set.insert(id);
        }
    }
}

impl Conn<'_> {
    async fn last_audit_seq(&mut self) -> StoreResult<i64> {
        Ok(on_conn!(self, c => sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(seq) FROM audit_log"
        ).fetch_one(&mut *c).await)?
        .unwrap_or(0))
    }

    /// The update that brings an index up to date with the changes `entries` name.
    async fn update_for<'a>(
        &mut self,
        entries: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
    ) -> StoreResult<Update> {
        let mut touched = Touched::default();
        for (object_type, object_id, before) in entries {
            touched.note(object_type, object_id, before);
        }
        if touched.everything {
            return Ok(Update {
                kinds: Kind::ALL.to_vec(),
                removed: Vec::new(),
                docs: self.search_docs(&Which::All).await?,
            });
        }
        let survivors: Vec<Uuid> = touched.projects.iter().copied().collect();
        touched.projects.extend(self.merged_into(&survivors).await?);
        let mut update = Update::default();
        if touched.places {
            update.kinds.extend([Kind::Place, Kind::City]);
            update.docs.extend(self.places_docs().await?);
            update.docs.extend(self.city_docs(&Which::All).await?);
        } else if !touched.cities.is_empty() {
            let cities: Vec<Uuid> = touched.cities.iter().copied().collect();
            // A place a city took is no longer a candidate; one it let go is one again.
            let taken = self.places_of(&cities).await?;
            update
                .removed
                .extend(taken.iter().map(|id| (Kind::Place, id.to_string())));
            let freed: Vec<i64> = touched
                .earlier_places
                .iter()
                .copied()
                .filter(|id| !taken.contains(id))
                .collect();
            update.docs.extend(self.candidate_docs(&freed).await?);
            update
                .docs
                .extend(self.city_docs(&Which::Ids(cities)).await?);
        }
        let in_cities = |ids: &BTreeSet<Uuid>| ids.iter().copied().collect::<Vec<_>>();
        let cities = in_cities(&touched.cities);
        for (kind, ids) in [
            (Kind::City, &touched.cities),
            (Kind::Project, &touched.projects),
            (Kind::Partner, &touched.partners),
            (Kind::Story, &touched.stories),
            (Kind::Event, &touched.events),
        ] {
            update
                .removed
                .extend(ids.iter().map(|id| (kind, id.to_string())));
        }
        let projects = self
            .project_docs(&Which::Ids(touched.projects.iter().copied().collect()))
            .await?;
        update.docs.extend(projects);
        update.docs.extend(
            self.partner_docs(&Which::Ids(touched.partners.iter().copied().collect()))
                .await?,
        );
        update.docs.extend(
            self.story_docs(&Which::Ids(touched.stories.iter().copied().collect()))
                .await?,
        );
        update.docs.extend(
            self.event_docs(&Which::Ids(touched.events.iter().copied().collect()))
                .await?,
        );
        if !cities.is_empty() {
            // A city's name is in its projects', stories' and events' records too.
            update
                .docs
                .extend(self.project_docs(&Which::InCities(cities.clone())).await?);
            update
                .docs
                .extend(self.story_docs(&Which::InCities(cities.clone())).await?);
            update
                .docs
                .extend(self.event_docs(&Which::InCities(cities)).await?);
        }
        Ok(update)
    }
}

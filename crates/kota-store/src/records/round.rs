//! Matching rounds: started by a coordinator over the network as it is (the engine input is
//! kept with the round), changed by pins, forbids and re-runs while a draft, and published as
//! twinning proposals. Every change goes through the one edit pipeline; the solving happens in
//! `check`, so that a pin the engine cannot honour is refused with the field it names.

use std::sync::Mutex;

use kota_domain::access::Principal;
use kota_domain::city::CityRef;
use kota_domain::edit::{Code, FieldError, ProposalInput, words};
use kota_domain::ids::Key;
use kota_domain::partner::PartnerRef;
use kota_domain::round::{
    Coverage, Round, RoundMode, RoundPair, RoundProposal, RoundStatus, WhatIfAnswer, may_run_rounds,
};
use kota_match::network::{Network, NetworkData};
use kota_match::round::RoundError;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::now;
use crate::conn::{Conn, on_conn};
use crate::edit::{Audited, Edit, WriteError, WriteResult};
use crate::matching::input::{Capacities, engine_input};
use crate::matching::round::{SlugPairs, WhatIfChange, describe, reasons, solve, what_if};
use crate::matching::snapshot::NetworkSnapshot;
use crate::records::twinning::ProposeTwinning;
use crate::{Store, StoreError, StoreResult};

/// The most partners per city or cities per partner a round may set.
pub const MAX_CAPACITY: u32 = 50;

/// The most extra partner slots a what-if may place.
pub const MAX_SLOTS: u32 = 100;

/// A round with the engine input it is solved from (kept with it, never shown).
#[derive(Debug, Clone)]
pub struct StoredRound {
    /// The round.
    pub round: Round,
    /// The engine's input, fixed when the round started.
    pub input: NetworkData,
}

impl Serialize for StoredRound {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.round.serialize(s)
    }
}

/// What a change applies to: the stored round and the network as the coordinator sees it
/// (for the words of the explanations).
#[derive(Serialize)]
pub struct RoundTarget {
    /// The round.
    #[serde(flatten)]
    pub stored: StoredRound,
    #[serde(skip)]
    snapshot: Option<NetworkSnapshot>,
}

impl RoundTarget {
    /// A round as a form shows it (the pipeline loads it again, with the network, to change it).
    pub fn of(stored: StoredRound) -> Self {
        Self {
            stored,
            snapshot: None,
        }
    }
}

fn pairs_of(pairs: &[RoundPair]) -> SlugPairs {
    pairs
        .iter()
        .map(|p| (p.partner.slug.clone(), p.city.slug.clone()))
        .collect()
}

fn engine_refused(e: RoundError) -> WriteError {
    match e {
        RoundError::Network(kota_match::network::NetworkError::Excluded(_)) => {
            WriteError::Invalid(vec![FieldError::new(
                "city",
                Code::Conflict,
                "The two work together already, or the city declined the partner: \
                 the pair cannot be pinned",
            )])
        }
        RoundError::OverCapacity {
            kind, id, capacity, ..
        } => WriteError::Invalid(vec![FieldError::new(
            if kind == "partner" { "partner" } else { "city" },
            Code::Conflict,
            format!("“{id}” takes {capacity} in this round and has that many pins already"),
        )]),
        RoundError::Network(kota_match::network::NetworkError::UnknownId { kind, id }) => {
            WriteError::Invalid(vec![words::unknown_record(
                if kind == "partner" { "partner" } else { "city" },
                &id,
                "taking part in this round",
            )])
        }
        other => WriteError::Conflict(other.to_string()),
    }
}

/// Solves `stored` with its pins and forbids, `added` being the ones this change adds, and
/// fills in its pairs, unmatched cities and coverage.
fn solved(
    mut stored: StoredRound,
    snapshot: &NetworkSnapshot,
    added: (&SlugPairs, &SlugPairs),
) -> WriteResult<StoredRound> {
    let r = &stored.round;
    let (pins, forbids) = (pairs_of(&r.pins), pairs_of(&r.forbids));
    let result =
        solve(r.id, &stored.input, r.mode, (&pins, &forbids), added).map_err(engine_refused)?;
    let d = describe(
        snapshot,
        &stored.input,
        &r.cities,
        &r.partners,
        &pins,
        &forbids,
        &result.pairs,
    )
    .map_err(engine_refused)?;
    stored.round.warm_start = result.warm;
    stored.round.pairs = d.pairs;
    stored.round.unmatched = d.unmatched;
    stored.round.coverage = d.coverage;
    Ok(stored)
}

fn find<'a, T>(
    keys: &'a Option<Vec<Key>>,
    field: &str,
    all: &'a [T],
    id: impl Fn(&T) -> (Uuid, &str),
    errors: &mut Vec<FieldError>,
) -> Option<Vec<&'a T>> {
    let keys = keys.as_ref()?;
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        match all.iter().find(|t| key.names(id(t).0, id(t).1)) {
            Some(t) => out.push(t),
            None => errors.push(words::unknown_record(
                &format!("participants.{field}[{i}]"),
                &key.to_string(),
                &format!("a member {} of the network", &field[..field.len() - 1]),
            )),
        }
    }
    Some(out)
}

/// Starts a round: who takes part (default every member city and every partner with
/// capacity), how many cities a partner takes (default its profile's), and the mode.
pub struct StartRound {
    /// How it pairs.
    pub mode: RoundMode,
    /// One capacity for every partner (none: each partner's own).
    pub capacity: Option<u32>,
    /// The cities taking part (none: every member city).
    pub cities: Option<Vec<Key>>,
    /// The partners taking part (none: every partner with capacity).
    pub partners: Option<Vec<Key>>,
    result: Mutex<Option<StoredRound>>,
}

impl StartRound {
    /// A round to start.
    pub fn new(
        mode: RoundMode,
        capacity: Option<u32>,
        cities: Option<Vec<Key>>,
        partners: Option<Vec<Key>>,
    ) -> Self {
        Self {
            mode,
            capacity,
            cities,
            partners,
            result: Mutex::new(None),
        }
    }
}

fn take(slot: &Mutex<Option<StoredRound>>) -> StoreResult<StoredRound> {
    slot.lock()
        .ok()
        .and_then(|mut s| s.take())
        .ok_or_else(|| StoreError::Task("a round change without its solution".into()))
}

fn keep(slot: &Mutex<Option<StoredRound>>, stored: StoredRound) {
    if let Ok(mut s) = slot.lock() {
        *s = Some(stored);
    }
}

impl Edit for StartRound {
    type Target = NetworkSnapshotTarget;
    type Output = StoredRound;
    const OBJECT_TYPE: &'static str = "round";
    const ACTION: &'static str = "start";

    async fn load(
        &self,
        conn: &mut Conn<'_>,
        who: &Principal,
    ) -> StoreResult<Option<NetworkSnapshotTarget>> {
        Ok(Some(NetworkSnapshotTarget(
            conn.network_snapshot(Some(who)).await?,
        )))
    }

    fn allowed(who: &Principal, _: &NetworkSnapshotTarget) -> bool {
        may_run_rounds(who)
    }

    fn version(_: &NetworkSnapshotTarget) -> Option<i32> {
        None
    }

    async fn check(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        target: &NetworkSnapshotTarget,
    ) -> WriteResult<()> {
        let snapshot = &target.0;
        let mut errors = Vec::new();
        if let Some(c) = self.capacity
            && !(1..=MAX_CAPACITY).contains(&c)
        {
            errors.push(FieldError::new(
                "capacity",
                Code::OutOfRange,
                format!("Give the number of cities per partner from 1 to {MAX_CAPACITY}"),
            ));
        }
        let cities = find(
            &self.cities,
            "cities",
            &snapshot.cities,
            |c| (c.id, &c.slug),
            &mut errors,
        );
        let partners = find(
            &self.partners,
            "partners",
            &snapshot.partners,
            |p| (p.id, &p.slug),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(WriteError::Invalid(errors));
        }
        let mut input = engine_input(
            snapshot,
            Capacities {
                per_city: 1,
                per_partner_unstated: 1,
            },
        )
        .data;
        let city_slugs: Vec<&str> = match &cities {
            Some(list) => list.iter().map(|c| c.slug.as_str()).collect(),
            None => snapshot.cities.iter().map(|c| c.slug.as_str()).collect(),
        };
        input.cities.retain(|c| city_slugs.contains(&c.id.as_str()));
        match &partners {
            Some(list) => {
                let slugs: Vec<&str> = list.iter().map(|p| p.slug.as_str()).collect();
                input.partners.retain(|p| slugs.contains(&p.id.as_str()));
            }
            None => input.partners.retain(|p| p.capacity > 0),
        }
        // One capacity for all applies to those taking part: a partner that said it has no
        // room is not given some.
        if let Some(c) = self.capacity {
            input.partners.iter_mut().for_each(|p| p.capacity = c);
        }
        input
            .projects
            .retain(|p| city_slugs.contains(&p.city.as_str()));
        let taking_part: Vec<String> = input.partners.iter().map(|p| p.id.clone()).collect();
        input.exclusions.retain(|e| {
            city_slugs.contains(&e.target.as_str()) && taking_part.contains(&e.partner)
        });
        let city_refs: Vec<CityRef> = snapshot
            .cities
            .iter()
            .filter(|c| city_slugs.contains(&c.slug.as_str()))
            .map(|c| CityRef {
                id: c.id,
                slug: c.slug.clone(),
                name: c.name.clone(),
                country_iso2: c.country_iso2.clone(),
            })
            .collect();
        let partner_refs: Vec<PartnerRef> = snapshot
            .partners
            .iter()
            .filter(|p| input.partners.iter().any(|e| e.id == p.slug))
            .map(|p| PartnerRef {
                id: p.id,
                slug: p.slug.clone(),
                name: p.name.clone(),
                kind: p.kind,
            })
            .collect();
        let round = Round {
            id: Uuid::new_v4(),
            status: RoundStatus::Draft,
            mode: self.mode,
            capacity: self.capacity,
            cities: city_refs,
            partners: partner_refs,
            pins: Vec::new(),
            forbids: Vec::new(),
            pairs: Vec::new(),
            unmatched: Vec::new(),
            coverage: Coverage {
                cities: 0,
                before: 0,
                after: 0,
            },
            warm_start: false,
            weights: serde_json::to_value(&input.weights).unwrap_or_default(),
            engine_version: format!("kota-match {}", env!("CARGO_PKG_VERSION")),
            created_by: String::new(),
            created_at: now(),
            published_at: None,
            proposals: Vec::new(),
            version: 1,
        };
        let stored = solved(StoredRound { round, input }, snapshot, (&vec![], &vec![]))?;
        keep(&self.result, stored);
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        who: &Principal,
        _: &NetworkSnapshotTarget,
    ) -> StoreResult<StoredRound> {
        let mut stored = take(&self.result)?;
        stored.round.created_by = who.public_label();
        Ok(stored)
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &NetworkSnapshotTarget,
        s: &StoredRound,
    ) -> StoreResult<()> {
        let input = serde_json::to_string(&s.input).unwrap_or_default();
        let body = serde_json::to_string(&s.round).unwrap_or_default();
        on_conn!(conn, c => sqlx::query(
            "INSERT INTO rounds (id, status, created_at, engine_input, body, version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.round.id).bind(s.round.status.as_str()).bind(s.round.created_at)
        .bind(input).bind(body).bind(s.round.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(_: &NetworkSnapshotTarget, s: &StoredRound) -> Audited {
        Audited::creation(s.round.id)
    }
}

/// The network a round starts from (not recorded in the audit log: the round is).
pub struct NetworkSnapshotTarget(pub NetworkSnapshot);

impl Serialize for NetworkSnapshotTarget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

/// A change of a round.
#[derive(Debug, Clone)]
pub enum RoundChange {
    /// The pair must be in the result.
    Pin {
        /// The partner.
        partner: Key,
        /// The city.
        city: Key,
    },
    /// The pair must not be in the result.
    Forbid {
        /// The partner.
        partner: Key,
        /// The city.
        city: Key,
    },
    /// Solve again over the kept input (with the network's current words).
    Rerun,
    /// Send the pairs to both sides as proposals.
    Publish,
    /// Record the proposals publishing made.
    Proposals(Vec<RoundProposal>),
}

/// Changes a draft round (or records a published round's proposals).
pub struct ChangeRound {
    /// The round.
    pub round: Key,
    /// The change.
    pub change: RoundChange,
    result: Mutex<Option<StoredRound>>,
}

impl ChangeRound {
    /// A change of `round`.
    pub fn new(round: Key, change: RoundChange) -> Self {
        Self {
            round,
            change,
            result: Mutex::new(None),
        }
    }
}

fn pair_in(round: &Round, partner: &Key, city: &Key) -> Result<RoundPair, Vec<FieldError>> {
    let p = round.partners.iter().find(|p| partner.names(p.id, &p.slug));
    let c = round.cities.iter().find(|c| city.names(c.id, &c.slug));
    let mut errors = Vec::new();
    if p.is_none() {
        errors.push(words::unknown_record(
            "partner",
            &partner.to_string(),
            "a partner taking part in this round",
        ));
    }
    if c.is_none() {
        errors.push(words::unknown_record(
            "city",
            &city.to_string(),
            "a city taking part in this round",
        ));
    }
    match (p, c) {
        (Some(p), Some(c)) => Ok(RoundPair {
            partner: p.clone(),
            city: c.clone(),
        }),
        _ => Err(errors),
    }
}

impl Edit for ChangeRound {
    type Target = RoundTarget;
    type Output = StoredRound;
    const OBJECT_TYPE: &'static str = "round";
    const ACTION: &'static str = "change";

    async fn load(&self, conn: &mut Conn<'_>, who: &Principal) -> StoreResult<Option<RoundTarget>> {
        let Some(stored) = conn.stored_round(&self.round).await? else {
            return Ok(None);
        };
        let snapshot = match self.change {
            RoundChange::Proposals(_) | RoundChange::Publish => None,
            _ => Some(conn.network_snapshot(Some(who)).await?),
        };
        Ok(Some(RoundTarget { stored, snapshot }))
    }

    fn allowed(who: &Principal, _: &RoundTarget) -> bool {
        may_run_rounds(who)
    }

    fn version(t: &RoundTarget) -> Option<i32> {
        Some(t.stored.round.version)
    }

    async fn check(&self, _: &mut Conn<'_>, _: &Principal, t: &RoundTarget) -> WriteResult<()> {
        let round = &t.stored.round;
        let draft = round.status == RoundStatus::Draft;
        if matches!(self.change, RoundChange::Proposals(_)) == draft {
            return Err(WriteError::Conflict(if draft {
                "the round is not published".into()
            } else {
                "the round is published: start a new round to change its pairs".into()
            }));
        }
        let mut stored = t.stored.clone();
        let (mut pins, mut forbids) = (Vec::new(), Vec::new());
        match &self.change {
            RoundChange::Pin { partner, city } | RoundChange::Forbid { partner, city } => {
                let pair = pair_in(round, partner, city).map_err(WriteError::Invalid)?;
                if round.pins.contains(&pair) || round.forbids.contains(&pair) {
                    return Err(WriteError::Conflict(format!(
                        "{} and {} are pinned or forbidden already",
                        pair.partner.name, pair.city.name
                    )));
                }
                let slugs = (pair.partner.slug.clone(), pair.city.slug.clone());
                if matches!(self.change, RoundChange::Pin { .. }) {
                    pins.push(slugs);
                    stored.round.pins.push(pair);
                } else {
                    forbids.push(slugs);
                    stored.round.forbids.push(pair);
                }
            }
            RoundChange::Rerun => {}
            RoundChange::Publish => {
                stored.round.status = RoundStatus::Published;
                stored.round.published_at = Some(now());
            }
            RoundChange::Proposals(list) => stored.round.proposals = list.clone(),
        }
        if let Some(snapshot) = &t.snapshot {
            stored = solved(stored, snapshot, (&pins, &forbids))?;
        }
        stored.round.version += 1;
        keep(&self.result, stored);
        Ok(())
    }

    async fn apply(
        &self,
        _: &mut Conn<'_>,
        _: &Principal,
        _: &RoundTarget,
    ) -> StoreResult<StoredRound> {
        take(&self.result)
    }

    async fn save(
        &self,
        conn: &mut Conn<'_>,
        _: &Principal,
        _: &RoundTarget,
        s: &StoredRound,
    ) -> StoreResult<()> {
        let body = serde_json::to_string(&s.round).unwrap_or_default();
        on_conn!(conn, c => sqlx::query(
            "UPDATE rounds SET status = $2, body = $3, version = $4 WHERE id = $1",
        )
        .bind(s.round.id).bind(s.round.status.as_str()).bind(body).bind(s.round.version)
        .execute(&mut *c).await.map(|_| ()))?;
        Ok(())
    }

    fn audited(t: &RoundTarget, _: &StoredRound) -> Audited {
        Audited::update(t.stored.round.id, &t.stored.round)
    }
}

fn parse_round(body: &str, input: &str) -> StoreResult<StoredRound> {
    let corrupt = |column: &'static str, value: &str| StoreError::Corrupt {
        table: "rounds",
        column,
        value: value.chars().take(80).collect(),
    };
    Ok(StoredRound {
        round: serde_json::from_str(body).map_err(|_| corrupt("body", body))?,
        input: serde_json::from_str(input).map_err(|_| corrupt("engine_input", input))?,
    })
}

impl Conn<'_> {
    /// A round with its engine input (rounds have no slug).
    pub async fn stored_round(&mut self, key: &Key) -> StoreResult<Option<StoredRound>> {
        let Key::Id(id) = key else {
            return Ok(None);
        };
        let row: Option<(String, String)> = on_conn!(self, c => sqlx::query_as(
            "SELECT body, engine_input FROM rounds WHERE id = $1",
        ).bind(*id).fetch_optional(&mut *c).await)?;
        row.map(|(body, input)| parse_round(&body, &input))
            .transpose()
    }

    /// Every round, newest first.
    pub async fn rounds(&mut self) -> StoreResult<Vec<Round>> {
        let rows: Vec<(String,)> = on_conn!(self, c => sqlx::query_as(
            "SELECT body FROM rounds ORDER BY created_at DESC, id",
        ).fetch_all(&mut *c).await)?;
        rows.into_iter()
            .map(|(body,)| parse_round(&body, "{}").map(|s| s.round))
            .collect()
    }
}

impl Conn<'_> {
    /// The open twinning of a pair proposed at or after `since`, if there is one.
    pub async fn open_twinning_since(
        &mut self,
        partner: Uuid,
        city: Uuid,
        since: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<Uuid>> {
        Ok(on_conn!(self, c => sqlx::query_scalar(
            "SELECT id FROM twinnings WHERE partner_id = $1 AND city_id = $2 \
             AND state IN ('proposed', 'active') AND proposed_at >= $3",
        ).bind(partner).bind(city).bind(since).fetch_optional(&mut *c).await)?)
    }
}

crate::reads_on_a_pooled_connection! {
    /// A round with its engine input (rounds have no slug).
    fn stored_round(key: &Key) -> Option<StoredRound>;
    /// Every round, newest first.
    fn rounds() -> Vec<Round>;
    /// The open twinning of a pair proposed at or after `since`, if there is one.
    fn open_twinning_since(partner: Uuid, city: Uuid, since: chrono::DateTime<chrono::Utc>) -> Option<Uuid>;
}

impl Store {
    /// A round, for those who run rounds (coordinators).
    pub async fn round(&self, who: &Principal, key: &Key) -> WriteResult<Round> {
        if !may_run_rounds(who) {
            return Err(WriteError::Forbidden);
        }
        let stored = self.stored_round(key).await?.ok_or(WriteError::NotFound)?;
        Ok(stored.round)
    }

    /// Every round, newest first, for those who run rounds (coordinators).
    pub async fn rounds_for(&self, who: &Principal) -> WriteResult<Vec<Round>> {
        if !may_run_rounds(who) {
            return Err(WriteError::Forbidden);
        }
        Ok(self.rounds().await?)
    }

    /// Publishes a draft round: marks it published, proposes each pair as a twinning through
    /// the one pipeline (each proposal checked and audited like one a partner makes), and
    /// records the proposals on the round.
    pub async fn publish_round(
        &self,
        who: &Principal,
        key: &Key,
        based_on: Option<i32>,
    ) -> WriteResult<Round> {
        let stored = self.stored_round(key).await?.ok_or(WriteError::NotFound)?;
        // A publish that stopped before its proposals were recorded (the database was busy)
        // is taken up where it stopped; otherwise the draft is published first.
        let resumed =
            stored.round.status == RoundStatus::Published && stored.round.proposals.is_empty();
        let published = if resumed && may_run_rounds(who) {
            stored
        } else {
            self.apply_edit(
                who,
                ChangeRound::new(key.clone(), RoundChange::Publish),
                based_on,
            )
            .await?
        };
        let round = published.round;
        crate::matching::round::forget(round.id);
        let since = round.published_at.unwrap_or(round.created_at);
        // The proposals are read by both sides (and by everyone once active): their words come
        // from the network as the public sees it, never from what only coordinators may read.
        let public = self.network_snapshot(None).await?;
        let network = Network::new(published.input.clone()).map_err(StoreError::from)?;
        let mut proposals = Vec::new();
        for pair in &round.pairs {
            let areas = common_areas(&published.input, &pair.partner.slug, &pair.city.slug);
            let words = reasons(&public, &network, &pair.partner.slug, &pair.city.slug)
                .map_err(engine_refused)?;
            let objectives = format!(
                "Proposed by the matching round of {}. {}",
                round.created_at.format("%-d %B %Y"),
                words.join(" ")
            );
            let proposal = ProposeTwinning {
                partner: Key::Id(pair.partner.id),
                city: Key::Id(pair.city.id),
                input: ProposalInput {
                    focus_areas: areas,
                    objectives: objectives.chars().take(5000).collect(),
                },
                from_round: true,
            };
            let (twinning, refused) = match self.apply_edit(who, proposal, None).await {
                Ok(t) => (Some(t.id), None),
                Err(WriteError::Conflict(m)) => {
                    // Opened since the round was published: by the publish that stopped.
                    match self
                        .open_twinning_since(pair.partner.id, pair.city.id, since)
                        .await?
                    {
                        Some(id) => (Some(id), None),
                        None => (None, Some(m)),
                    }
                }
                Err(WriteError::Invalid(e)) => (
                    None,
                    Some(
                        e.into_iter()
                            .map(|e| e.message)
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                ),
                Err(e) => return Err(e),
            };
            proposals.push(RoundProposal {
                partner: pair.partner.clone(),
                city: pair.city.clone(),
                twinning,
                refused,
            });
        }
        let done = self
            .apply_edit(
                who,
                ChangeRound::new(Key::Id(round.id), RoundChange::Proposals(proposals)),
                Some(round.version),
            )
            .await?;
        Ok(done.round)
    }

    /// What more capacity would do to a draft round (nothing is saved).
    pub async fn round_what_if(
        &self,
        who: &Principal,
        key: &Key,
        change: &WhatIfChange,
    ) -> WriteResult<WhatIfAnswer> {
        if !may_run_rounds(who) {
            return Err(WriteError::Forbidden);
        }
        let stored = self.stored_round(key).await?.ok_or(WriteError::NotFound)?;
        let r = &stored.round;
        let mut change = change.clone();
        if let WhatIfChange::Partner { partner, .. } = &mut change {
            let Some(p) = r
                .partners
                .iter()
                .find(|p| p.slug == *partner || p.id.to_string() == *partner)
            else {
                return Err(WriteError::Invalid(vec![words::unknown_record(
                    "partner",
                    partner,
                    "a partner taking part in this round",
                )]));
            };
            *partner = p.slug.clone();
        }
        let outcome = what_if(
            &stored.input,
            r.mode,
            (&pairs_of(&r.pins), &pairs_of(&r.forbids)),
            &change,
        )
        .map_err(engine_refused)?;
        let named = |slugs: &[String]| -> Vec<CityRef> {
            r.cities
                .iter()
                .filter(|c| slugs.contains(&c.slug))
                .cloned()
                .collect()
        };
        let (cities_added, cities_lost) = (named(&outcome.added), named(&outcome.lost));
        let before = r
            .pairs
            .iter()
            .map(|p| p.city.id)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u32;
        Ok(WhatIfAnswer {
            served_before: before,
            served_after: before + cities_added.len() as u32 - cities_lost.len() as u32,
            cities_added,
            cities_lost,
        })
    }
}

/// The focus areas a twinning of the pair would work on: where the partner is strong and the
/// city has needs, strongest first (at most six); the city's needs when none overlap, the
/// partner's strengths when the city states none.
fn common_areas(input: &NetworkData, partner: &str, city: &str) -> Vec<String> {
    let (Some(p), Some(c)) = (
        input.partners.iter().find(|p| p.id == partner),
        input.cities.iter().find(|c| c.id == city),
    ) else {
        return Vec::new();
    };
    let mut both: Vec<(u32, &String)> = c
        .needs
        .iter()
        .filter_map(|(a, &n)| {
            let s = *p.strengths.get(a)?;
            (s > 0 && n > 0).then_some((u32::from(s) * u32::from(n), a))
        })
        .collect();
    if both.is_empty() {
        both = c.needs.iter().map(|(a, &n)| (u32::from(n), a)).collect();
    }
    if both.is_empty() {
        both = p
            .strengths
            .iter()
            .map(|(a, &s)| (u32::from(s), a))
            .collect();
    }
    both.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    both.into_iter().take(6).map(|(_, a)| a.clone()).collect()
}

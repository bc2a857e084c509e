//! The forms of matching rounds (coordinators): start a round, and pin, forbid or re-run one,
//! each shown inline on the round's page and as a page of its own.

use kota_domain::access::Principal;
use kota_domain::edit::{Code, FieldError, Input};
use kota_domain::ids::Key;
use kota_domain::round::RoundMode;
use kota_store::records::round::{
    ChangeRound, MAX_CAPACITY, NetworkSnapshotTarget, RoundChange, RoundTarget, StartRound,
    StoredRound,
};

use super::{borrowed, vocabulary};
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// The form that starts a round.
pub(crate) struct StartForm;

/// A round's start as the form takes it.
pub(crate) struct Start {
    mode: RoundMode,
    capacity: Option<u32>,
    cities: Option<Vec<Key>>,
    partners: Option<Vec<Key>>,
}

impl Input for Start {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl EditForm for StartForm {
    type Edit = StartRound;
    type Choices = PairChoices;
    type Input = Start;

    async fn load(
        s: &AppState,
        who: &Principal,
        _: Option<&Key>,
    ) -> Result<NetworkSnapshotTarget, PageError> {
        Ok(NetworkSnapshotTarget(
            s.store.network_snapshot(Some(who)).await?,
        ))
    }

    async fn choices(s: &AppState) -> Result<PairChoices, PageError> {
        PairChoices::of(s).await
    }

    fn fields(c: &PairChoices, f: &mut Fields<'_>) {
        let modes = vocabulary(RoundMode::ALL, RoundMode::as_str, RoundMode::label);
        f.pick("mode", "How to pair", false, borrowed(&modes))
            .required()
            .help("Most cities served pairs as many cities as it can, then by best fit.");
        f.input("capacity", "Cities per partner (optional)", Kind::Number).help(
            "The same for every partner; leave empty to use each partner's stated capacity (one when it states none).",
        );
        f.pick("cities", "Cities taking part", true, borrowed(&c.cities))
            .help("None ticked: every member city.");
        f.pick(
            "partners",
            "Partners taking part",
            true,
            borrowed(&c.partners),
        )
        .help("None ticked: every partner with capacity.");
    }

    fn spec<'a>(
        _: &NetworkSnapshotTarget,
        build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
    ) -> FormSpec<'a> {
        FormSpec {
            title: "Start a matching round".into(),
            section: "twinnings",
            action: "/rounds/new".into(),
            intro: Some(
                "Every member city and every partner with capacity take part. The round stays a \
                 draft only coordinators see until you publish it."
                    .into(),
            ),
            back_href: "/rounds".into(),
            back_label: "Matching rounds".into(),
            submit: "Run the round",
            build,
        }
    }

    fn values(_: &NetworkSnapshotTarget) -> FormValues {
        let mut v = FormValues::default();
        v.set("mode", Some(RoundMode::Fair.as_str().to_owned()));
        v
    }

    fn input(_: &PairChoices, v: &FormValues) -> (Start, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mode = RoundMode::parse(v.text("mode")).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "mode",
                Code::Required,
                "Choose how to pair",
            ));
            RoundMode::Fair
        });
        let capacity = v.number::<u32>("capacity", &mut errors);
        if capacity.is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c)) {
            errors.push(FieldError::new(
                "capacity",
                Code::OutOfRange,
                format!("Give the number of cities per partner from 1 to {MAX_CAPACITY}"),
            ));
        }
        let keys = |name: &str| {
            let picked: Vec<Key> = v
                .all(name)
                .iter()
                .filter_map(|s| Key::parse(s).ok())
                .collect();
            (!picked.is_empty()).then_some(picked)
        };
        let (cities, partners) = (keys("cities"), keys("partners"));
        (
            Start {
                mode,
                capacity,
                cities,
                partners,
            },
            errors,
        )
    }

    fn edit(_: &NetworkSnapshotTarget, input: Start) -> StartRound {
        StartRound::new(input.mode, input.capacity, input.cities, input.partners)
    }

    fn done(_: &NetworkSnapshotTarget, saved: &StoredRound) -> String {
        format!("/rounds/{}", saved.round.id)
    }
}

/// A change a round's form makes.
pub(crate) trait RoundStep: Send + Sync + 'static {
    /// Where its form goes (after `/rounds/{id}/`).
    const PATH: &'static str;
    /// The form's title and button.
    const SUBMIT: &'static str;
    /// Whether it takes a pair.
    const PAIR: bool;
    /// The change, with the pair when it takes one.
    fn change(pair: Option<(Key, Key)>) -> RoundChange;
}

/// Pins a pair.
pub(crate) struct Pin;
/// Forbids a pair.
pub(crate) struct Forbid;
/// Runs the round again.
pub(crate) struct Rerun;

impl RoundStep for Pin {
    const PATH: &'static str = "pins";
    const SUBMIT: &'static str = "Pin the pair";
    const PAIR: bool = true;
    fn change(pair: Option<(Key, Key)>) -> RoundChange {
        let (partner, city) = pair.unwrap_or((Key::Slug(String::new()), Key::Slug(String::new())));
        RoundChange::Pin { partner, city }
    }
}

impl RoundStep for Forbid {
    const PATH: &'static str = "forbids";
    const SUBMIT: &'static str = "Forbid the pair";
    const PAIR: bool = true;
    fn change(pair: Option<(Key, Key)>) -> RoundChange {
        let (partner, city) = pair.unwrap_or((Key::Slug(String::new()), Key::Slug(String::new())));
        RoundChange::Forbid { partner, city }
    }
}

impl RoundStep for Rerun {
    const PATH: &'static str = "rerun";
    const SUBMIT: &'static str = "Run the round again";
    const PAIR: bool = false;
    fn change(_: Option<(Key, Key)>) -> RoundChange {
        RoundChange::Rerun
    }
}

/// The pair a form names.
pub(crate) struct PairInput(Option<(Key, Key)>);

impl Input for PairInput {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// The form of the change `S` on the round in the path.
pub(crate) struct RoundStepForm<S>(std::marker::PhantomData<S>);

/// Member cities and partners, as choices.
pub(crate) struct PairChoices {
    partners: Vec<(String, String)>,
    cities: Vec<(String, String)>,
}

impl PairChoices {
    async fn of(s: &AppState) -> Result<Self, PageError> {
        let snapshot = s.store.network_snapshot(None).await?;
        Ok(Self {
            partners: snapshot
                .partners
                .into_iter()
                .map(|p| (p.slug, p.name))
                .collect(),
            cities: snapshot
                .cities
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect(),
        })
    }
}

impl<S: RoundStep> EditForm for RoundStepForm<S> {
    type Edit = ChangeRound;
    type Choices = PairChoices;
    type Input = PairInput;

    async fn load(
        s: &AppState,
        _: &Principal,
        key: Option<&Key>,
    ) -> Result<RoundTarget, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("round", ""))?;
        s.store
            .stored_round(key)
            .await?
            .map(RoundTarget::of)
            .ok_or_else(|| Problem::not_found("round", key).into())
    }

    async fn choices(s: &AppState) -> Result<PairChoices, PageError> {
        let snapshot = s.store.network_snapshot(None).await?;
        Ok(PairChoices {
            partners: snapshot
                .partners
                .into_iter()
                .map(|p| (p.slug, p.name))
                .collect(),
            cities: snapshot
                .cities
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect(),
        })
    }

    fn fields(c: &PairChoices, f: &mut Fields<'_>) {
        if S::PAIR {
            f.pick("partner", "Partner", false, borrowed(&c.partners))
                .required();
            f.pick("city", "City", false, borrowed(&c.cities))
                .required();
        }
    }

    fn spec<'a>(t: &RoundTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let id = t.stored.round.id;
        FormSpec {
            title: S::SUBMIT.into(),
            section: "twinnings",
            action: format!("/rounds/{id}/{}", S::PATH),
            intro: None,
            back_href: format!("/rounds/{id}"),
            back_label: "The round".into(),
            submit: S::SUBMIT,
            build,
        }
    }

    fn values(t: &RoundTarget) -> FormValues {
        let mut v = FormValues::default();
        v.set("version", Some(t.stored.round.version.to_string()));
        v
    }

    fn input(_: &PairChoices, v: &FormValues) -> (PairInput, Vec<FieldError>) {
        if !S::PAIR {
            return (PairInput(None), Vec::new());
        }
        let mut errors = Vec::new();
        let mut key = |field: &str, what: &str| {
            Key::parse(v.text(field)).map_err(|_| {
                errors.push(FieldError::new(
                    field,
                    Code::Required,
                    format!("Choose a {what}"),
                ))
            })
        };
        let pair = match (key("partner", "partner"), key("city", "city")) {
            (Ok(p), Ok(c)) => Some((p, c)),
            _ => None,
        };
        (PairInput(pair), errors)
    }

    fn edit(t: &RoundTarget, input: PairInput) -> ChangeRound {
        ChangeRound::new(Key::Id(t.stored.round.id), S::change(input.0))
    }

    fn done(_: &RoundTarget, saved: &StoredRound) -> String {
        format!("/rounds/{}", saved.round.id)
    }
}

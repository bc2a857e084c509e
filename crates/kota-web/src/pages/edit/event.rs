//! Forms of events (coordinators): create one, edit one, and record a decision taken there.
//! Times are entered as the clocks of the event's place read them (`2026-03-10 09:00`) with
//! its IANA time zone; participants and the cities a decision concerns are ticked; an agenda
//! and the projects, plans and twinnings a decision concerns are one per line.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use kota_domain::access::Principal;
use kota_domain::edit::{
    AgendaItemInput, Code, ConcernInput, DecisionInput, EventInput, FieldError, ParticipantInput,
    words,
};
use kota_domain::event::{ConcernType, Decision, Event, EventKind, ParticipantType, time_zone};
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_store::filter::PartnerFilter;
use kota_store::records::event::{CreateEvent, RecordDecision, UpdateEvent};

use super::{borrowed, vocabulary};
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// How the forms write a local date and time.
const LOCAL: &str = "%Y-%m-%d %H:%M";

/// A local date and time as typed (`2026-03-10 09:00`, or the `T` form a browser sends).
fn local_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim().replacen('T', " ", 1);
    NaiveDateTime::parse_from_str(&text, LOCAL).ok()
}

/// The offset-bearing time a local time names in the zone typed (UTC while the zone is not
/// one, so that only the zone's own error is shown).
fn zoned(zone: &str, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    match time_zone(zone) {
        Ok(tz) => tz
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.fixed_offset()),
        Err(_) => Some(local.and_utc().fixed_offset()),
    }
}

fn field_error(field: &str, message: String) -> FieldError {
    FieldError::new(field, Code::InvalidFormat, message)
}

/// An agenda item as a line: `2026-03-10 09:00 | title | note` (time and note optional).
fn agenda_line(item: &kota_domain::event::AgendaItem) -> String {
    let at = item
        .starts_at
        .map(|t| t.format(LOCAL).to_string())
        .unwrap_or_default();
    let mut line = format!("{at} | {}", item.title);
    if let Some(note) = &item.note {
        line.push_str(&format!(" | {note}"));
    }
    line
}

/// The agenda lines as items: a line of one part is a title; of two or three, time (a local
/// date and time, or a time of the first day), title, note.
fn agenda(
    v: &FormValues,
    zone: &str,
    first_day: Option<NaiveDate>,
    errors: &mut Vec<FieldError>,
) -> Vec<AgendaItemInput> {
    let mut items = Vec::new();
    for (i, line) in v.lines("agenda").iter().enumerate() {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let (at, title, note) = match parts.as_slice() {
            [title] => ("", *title, None),
            [at, title] => (*at, *title, None),
            [at, title, note, ..] => (*at, *title, Some(*note)),
            [] => continue,
        };
        let starts_at = if at.is_empty() {
            None
        } else {
            let local = local_time(at).or_else(|| {
                let time = NaiveTime::parse_from_str(at, "%H:%M").ok()?;
                first_day.map(|d| d.and_time(time))
            });
            match local.and_then(|l| zoned(zone, l)) {
                Some(t) => Some(t),
                None => {
                    errors.push(field_error(
                        "agenda",
                        format!(
                            "Line {}: give the time as YYYY-MM-DD HH:MM or HH:MM (“{at}” is not one)",
                            i + 1
                        ),
                    ));
                    None
                }
            }
        };
        items.push(AgendaItemInput {
            starts_at,
            title: title.to_owned(),
            note: note.filter(|n| !n.is_empty()).map(str::to_owned),
        });
    }
    items
}

fn event_values(e: &Event) -> FormValues {
    let local = |t: Option<DateTime<FixedOffset>>| t.map(|t| t.format(LOCAL).to_string());
    let participants = |kind: ParticipantType| {
        e.participants
            .iter()
            .filter(move |p| p.kind == kind)
            .map(|p| p.slug.clone())
    };
    let mut v = FormValues::default();
    v.set("title", Some(e.title.clone()))
        .set("kind", e.kind.map(|k| k.as_str().to_owned()))
        .set("time_zone", e.time_zone.clone())
        .set("starts_at", local(e.starts_at))
        .set("ends_at", local(e.ends_at))
        .set("place", Some(e.place.clone()))
        .set("host_city", e.host_city.as_ref().map(|c| c.slug.clone()))
        .set_all("cities", participants(ParticipantType::City))
        .set_all("partners", participants(ParticipantType::Partner))
        .set(
            "agenda",
            Some(
                e.agenda
                    .iter()
                    .map(agenda_line)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        )
        .set("note", e.note.clone())
        .set("version", Some(e.version.to_string()));
    v
}

fn event_input(v: &FormValues) -> (EventInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let zone = v.text("time_zone").trim().to_owned();
    let mut time = |name: &str| {
        let text = v.opt(name)?;
        let parsed = local_time(&text).and_then(|l| zoned(&zone, l));
        if parsed.is_none() {
            errors.push(field_error(
                name,
                format!(
                    "Give {} as YYYY-MM-DD HH:MM (“{text}” is not one)",
                    words::noun(name)
                ),
            ));
        }
        parsed
    };
    let starts_at = time("starts_at");
    let ends_at = time("ends_at");
    let agenda = agenda(v, &zone, starts_at.map(|t| t.date_naive()), &mut errors);
    let participant = |kind: ParticipantType, name: &str| {
        v.all(name)
            .into_iter()
            .map(move |id| ParticipantInput { kind, id })
    };
    let input = EventInput {
        title: v.text("title").to_owned(),
        kind: v.choice("kind", EventKind::parse, &mut errors),
        starts_at,
        ends_at,
        time_zone: v.opt("time_zone"),
        place: v.opt("place"),
        host_city: v.opt("host_city"),
        participants: participant(ParticipantType::City, "cities")
            .chain(participant(ParticipantType::Partner, "partners"))
            .collect(),
        agenda,
        note: v.opt("note"),
    };
    (input, errors)
}

/// What the event forms offer: kinds, cities, partners.
pub(crate) struct Choices {
    kinds: Vec<(String, String)>,
    cities: Vec<(String, String)>,
    partners: Vec<(String, String)>,
}

impl Choices {
    async fn load(s: &AppState) -> Result<Self, PageError> {
        Ok(Self {
            kinds: vocabulary(EventKind::ALL, EventKind::as_str, EventKind::label),
            cities: s
                .store
                .city_refs()
                .await?
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect(),
            partners: s
                .store
                .partners(&PartnerFilter::default(), PageRequest::all())
                .await?
                .items
                .into_iter()
                .map(|p| (p.slug, p.name))
                .collect(),
        })
    }

    fn event_fields(&self, f: &mut Fields<'_>) {
        f.input("title", "Title", Kind::Text).required();
        f.pick("kind", "Kind", false, borrowed(&self.kinds));
        f.input("time_zone", "Time zone", Kind::Text).help(
            "The IANA name of the place's zone, e.g. Asia/Manila, Asia/Jakarta, Asia/Bangkok.",
        );
        f.input("starts_at", "Starts", Kind::Text)
            .help("On the clocks of the place: YYYY-MM-DD HH:MM.");
        f.input("ends_at", "Ends", Kind::Text)
            .help("On the clocks of the place: YYYY-MM-DD HH:MM.");
        f.input("place", "Place", Kind::Text)
            .help("Venue and town, in words.");
        f.pick("host_city", "Host city", false, borrowed(&self.cities))
            .help("Leave empty when no member city hosts it.");
        f.pick("cities", "Cities taking part", true, borrowed(&self.cities));
        f.pick(
            "partners",
            "Partners taking part",
            true,
            borrowed(&self.partners),
        );
        f.input("agenda", "Agenda", Kind::TextArea).help(
            "One item per line: time | title | note (time as YYYY-MM-DD HH:MM, or HH:MM on the first day; time and note optional).",
        );
        f.input("note", "Note", Kind::TextArea);
    }
}

fn event_spec<'a>(
    title: String,
    action: String,
    back: (String, String),
    build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
) -> FormSpec<'a> {
    FormSpec {
        title,
        section: "events",
        action,
        intro: None,
        back_href: back.0,
        back_label: back.1,
        submit: "Save the event",
        build,
    }
}

/// The event the path names.
async fn event_for(s: &AppState, key: Option<&Key>) -> Result<Event, PageError> {
    let key = key.ok_or_else(|| Problem::invalid_path("no event named"))?;
    s.store
        .event(key)
        .await?
        .ok_or_else(|| Problem::not_found("event", key).into())
}

fn saved(e: &Event) -> String {
    format!("/events/{}", e.slug)
}

/// A new event: `/events/new`.
pub(crate) struct NewEventForm;

impl EditForm for NewEventForm {
    type Edit = CreateEvent;
    type Choices = Choices;
    type Input = EventInput;

    async fn load(_: &AppState, _: &Principal, _: Option<&Key>) -> Result<(), PageError> {
        Ok(())
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.event_fields(f);
    }

    fn spec<'a>((): &(), build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        event_spec(
            "New event".into(),
            "/events/new".into(),
            ("/events".into(), "Events".into()),
            build,
        )
    }

    fn values((): &()) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Choices, values: &FormValues) -> (EventInput, Vec<FieldError>) {
        event_input(values)
    }

    fn edit((): &(), input: EventInput) -> CreateEvent {
        CreateEvent { input }
    }

    fn done((): &(), e: &Event) -> String {
        saved(e)
    }
}

/// An event's fields: `/events/{key}/edit`.
pub(crate) struct EventForm;

impl EditForm for EventForm {
    type Edit = UpdateEvent;
    type Choices = Choices;
    type Input = EventInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<Event, PageError> {
        event_for(s, key).await
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.event_fields(f);
    }

    fn spec<'a>(e: &Event, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        event_spec(
            format!("Edit {}", e.title),
            format!("/events/{}/edit", e.slug),
            (saved(e), e.title.clone()),
            build,
        )
    }

    fn values(e: &Event) -> FormValues {
        event_values(e)
    }

    fn input(_: &Choices, values: &FormValues) -> (EventInput, Vec<FieldError>) {
        event_input(values)
    }

    fn edit(e: &Event, input: EventInput) -> UpdateEvent {
        UpdateEvent {
            event: Key::Id(e.id),
            input,
        }
    }

    fn done(_: &Event, e: &Event) -> String {
        saved(e)
    }
}

/// A decision taken at an event: `/events/{key}/decisions/new`.
pub(crate) struct DecisionForm;

impl EditForm for DecisionForm {
    type Edit = RecordDecision;
    type Choices = Vec<(String, String)>;
    type Input = DecisionInput;

    async fn load(s: &AppState, _: &Principal, key: Option<&Key>) -> Result<Event, PageError> {
        event_for(s, key).await
    }

    async fn choices(s: &AppState) -> Result<Vec<(String, String)>, PageError> {
        Ok(s.store
            .city_refs()
            .await?
            .into_iter()
            .map(|c| (c.slug, c.name))
            .collect())
    }

    fn fields(cities: &Vec<(String, String)>, f: &mut Fields<'_>) {
        f.input("text", "What was decided", Kind::TextArea)
            .required();
        f.input("outcome", "What came of it", Kind::TextArea);
        f.pick("cities", "Cities it concerns", true, borrowed(cities));
        f.input(
            "concerns",
            "Projects, plans and twinnings it concerns",
            Kind::TextArea,
        )
        .help("One per line: project: <slug>, plan: <city slug>, or twinning: <id>.");
    }

    fn spec<'a>(e: &Event, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        FormSpec {
            title: format!("A decision of {}", e.title),
            section: "events",
            action: format!("/events/{}/decisions/new", e.slug),
            intro: Some(
                "The decision shows on the event's page and on the page of every city it \
                 concerns, directly or through a project, plan or twinning."
                    .into(),
            ),
            back_href: saved(e),
            back_label: e.title.clone(),
            submit: "Record the decision",
            build,
        }
    }

    fn values(_: &Event) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Vec<(String, String)>, v: &FormValues) -> (DecisionInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut concerns: Vec<ConcernInput> = v
            .all("cities")
            .into_iter()
            .map(|id| ConcernInput {
                kind: ConcernType::City,
                id,
            })
            .collect();
        for (i, line) in v.lines("concerns").iter().enumerate() {
            let parsed = line.split_once(':').and_then(|(kind, id)| {
                let kind = ConcernType::parse(kind.trim().to_lowercase().as_str())?;
                Some(ConcernInput {
                    kind,
                    id: id.trim().to_owned(),
                })
            });
            match parsed {
                Some(c) => concerns.push(c),
                None => errors.push(field_error(
                    "concerns",
                    format!(
                        "Line {}: write each concern as “project: short name”, “plan: city's short name” or “twinning: id” (“{line}” is none of these)",
                        i + 1
                    ),
                )),
            }
        }
        let input = DecisionInput {
            text: v.text("text").to_owned(),
            outcome: v.opt("outcome"),
            concerns,
        };
        (input, errors)
    }

    fn edit(e: &Event, input: DecisionInput) -> RecordDecision {
        RecordDecision {
            event: Key::Id(e.id),
            input,
        }
    }

    fn done(e: &Event, _: &Decision) -> String {
        saved(e)
    }
}

//! What coordinators enter about events: the event itself (kind, times in its time zone,
//! place, host city, participants, agenda) and the decisions taken there.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Checked, Code, FieldError, clean, done, no_control, paragraphs, report, title_text};
use crate::city::CityRef;
use crate::event::{
    AgendaItem, Concern, ConcernType, Decision, Event, EventDate, EventKind, EventRef, Participant,
    ParticipantType, in_zone, time_zone,
};
use crate::ids::Key;

/// A city or partner named as a participant: `{"type": "city", "id": "manila"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    /// City or partner.
    #[serde(rename = "type")]
    #[garde(skip)]
    pub kind: ParticipantType,
    /// Its UUID or slug.
    #[garde(length(chars, min = 1, max = 200))]
    pub id: String,
}

/// An agenda item as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemInput {
    /// When it starts (RFC 3339), if timed.
    #[serde(default)]
    #[garde(skip)]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// What it is.
    #[garde(length(chars, min = 1, max = 300), custom(title_text))]
    pub title: String,
    /// A note.
    #[serde(default)]
    #[garde(length(chars, max = 2000), custom(no_control))]
    pub note: Option<String>,
}

/// An event as a coordinator creates or edits it (every field is replaced on edit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// Title.
    #[garde(length(chars, min = 1, max = 300), custom(title_text))]
    pub title: String,
    /// Workshop, annual meeting, brokerage session, study visit or webinar.
    #[serde(default)]
    #[garde(skip)]
    pub kind: Option<EventKind>,
    /// When it starts (RFC 3339). Required, except to keep a documented event's written date.
    #[serde(default)]
    #[garde(skip)]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// When it ends (RFC 3339), at or after the start.
    #[serde(default)]
    #[garde(skip)]
    pub ends_at: Option<DateTime<FixedOffset>>,
    /// The IANA time zone of its place (`Asia/Manila`), required with the times.
    #[serde(default)]
    #[garde(length(max = 64))]
    pub time_zone: Option<String>,
    /// Where, in words.
    #[serde(default)]
    #[garde(length(chars, max = 300), custom(no_control))]
    pub place: Option<String>,
    /// The member city that hosts it (UUID or slug).
    #[serde(default)]
    #[garde(length(chars, max = 200))]
    pub host_city: Option<String>,
    /// The cities and partners taking part.
    #[serde(default)]
    #[garde(length(max = 200), dive)]
    pub participants: Vec<ParticipantInput>,
    /// The agenda, in order.
    #[serde(default)]
    #[garde(length(max = 100), dive)]
    pub agenda: Vec<AgendaItemInput>,
    /// A note.
    #[serde(default)]
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub note: Option<String>,
}

/// The times of an event, checked: start and end in its zone.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Times {
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zone: chrono_tz::Tz,
}

fn field(field: &str, code: Code, message: impl Into<String>) -> FieldError {
    FieldError::new(field, code, message)
}

/// A reference given as text, parsed into a key; an error names the field.
pub fn key_of(path: &str, text: &str) -> Result<Key, FieldError> {
    Key::parse(text.trim()).map_err(|e| super::words::key(path, &e))
}

impl EventInput {
    /// Every invalid field on its own; `before` is the event edited (none when creating): a
    /// documented event known only by its written date may stay without times.
    pub fn check(&self, before: Option<&Event>) -> Checked {
        let mut errors = report(self.validate());
        if let Err(e) = self.times(before) {
            errors.extend(e);
        }
        if let Some(city) = clean(&self.host_city)
            && let Err(e) = key_of("host_city", &city)
        {
            errors.push(e);
        }
        for (i, p) in self.participants.iter().enumerate() {
            if let Err(e) = key_of(&format!("participants[{i}].id"), &p.id) {
                errors.push(e);
            }
        }
        done(errors)
    }

    /// The host city's key, if one is named.
    pub fn host_city_key(&self) -> Option<Key> {
        clean(&self.host_city).and_then(|c| Key::parse(&c).ok())
    }

    /// The participants' keys with their field paths.
    pub fn participant_keys(&self) -> Vec<(String, ParticipantType, Key)> {
        self.participants
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                Key::parse(p.id.trim())
                    .ok()
                    .map(|k| (format!("participants[{i}].id"), p.kind, k))
            })
            .collect()
    }

    fn times(&self, before: Option<&Event>) -> Result<Option<Times>, Vec<FieldError>> {
        let zone_name = clean(&self.time_zone);
        let mut errors = Vec::new();
        let zone = match &zone_name {
            Some(name) => time_zone(name)
                .map_err(|m| errors.push(field("time_zone", Code::NotAChoice, m)))
                .ok(),
            None => None,
        };
        let untimed_allowed = before.is_some_and(|e| e.seeded && e.starts_at.is_none());
        match (self.starts_at, self.ends_at, &zone_name) {
            (None, None, None) if untimed_allowed => return Ok(None),
            (start, end, zone_given) => {
                if start.is_none() {
                    errors.push(field(
                        "starts_at",
                        Code::Required,
                        "Give the day and time the event starts",
                    ));
                }
                if end.is_none() {
                    errors.push(field(
                        "ends_at",
                        Code::Required,
                        "Give the day and time the event ends",
                    ));
                }
                if zone_given.is_none() {
                    errors.push(field(
                        "time_zone",
                        Code::Required,
                        "Give the event's time zone, e.g. Asia/Bangkok",
                    ));
                }
                if let (Some(s), Some(e)) = (start, end)
                    && e < s
                {
                    errors.push(field(
                        "ends_at",
                        Code::Conflict,
                        "The event must end after it starts",
                    ));
                }
            }
        }
        match (self.starts_at, self.ends_at, zone) {
            (Some(s), Some(e), Some(zone)) if errors.is_empty() => Ok(Some(Times {
                starts_at: s.with_timezone(&Utc),
                ends_at: e.with_timezone(&Utc),
                zone,
            })),
            _ => Err(errors),
        }
    }

    /// A new event, with its host city and participants as resolved (its days follow from
    /// its times, which a new event has: `check(None)` requires them).
    pub fn create(
        &self,
        id: Uuid,
        slug: String,
        host_city: Option<CityRef>,
        participants: Vec<Participant>,
    ) -> Event {
        let blank = Event {
            id,
            slug,
            title: String::new(),
            name: String::new(),
            kind: None,
            starts_at: None,
            ends_at: None,
            time_zone: None,
            date: EventDate::of_days(NaiveDate::default(), NaiveDate::default()),
            place: String::new(),
            host_city: None,
            city: None,
            chair: None,
            sources: Vec::new(),
            uncertain: false,
            note: None,
            participants: Vec::new(),
            agenda: Vec::new(),
            decisions: Vec::new(),
            seeded: false,
            version: 0,
        };
        self.apply(&blank, host_city, participants)
    }

    /// The event after this edit (its sources, chair and decisions are kept).
    pub fn apply(
        &self,
        before: &Event,
        host_city: Option<CityRef>,
        participants: Vec<Participant>,
    ) -> Event {
        let title = self.title.trim().to_owned();
        let mut after = Event {
            title: title.clone(),
            name: title,
            kind: self.kind,
            place: clean(&self.place).unwrap_or_default(),
            host_city: host_city.clone(),
            city: host_city,
            note: clean(&self.note),
            participants,
            agenda: self
                .agenda
                .iter()
                .map(|item| AgendaItem {
                    starts_at: item.starts_at,
                    title: item.title.trim().to_owned(),
                    note: clean(&item.note),
                })
                .collect(),
            version: before.version + 1,
            ..before.clone()
        };
        if let Ok(Some(t)) = self.times(Some(before)) {
            let (start, end) = (in_zone(t.starts_at, t.zone), in_zone(t.ends_at, t.zone));
            after.date = EventDate::of_days(start.date_naive(), end.date_naive());
            after.starts_at = Some(start);
            after.ends_at = Some(end);
            after.time_zone = Some(t.zone.name().to_owned());
            for item in &mut after.agenda {
                item.starts_at = item
                    .starts_at
                    .map(|s| in_zone(s.with_timezone(&Utc), t.zone));
            }
        }
        after
    }
}

/// A record a decision concerns, as named: `{"type": "project", "id": "<id or slug>"}` (a
/// plan is named by its city).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConcernInput {
    /// City, project, plan or twinning.
    #[serde(rename = "type")]
    #[garde(skip)]
    pub kind: ConcernType,
    /// Its UUID or slug (for a plan: its city's).
    #[garde(length(chars, min = 1, max = 200))]
    pub id: String,
}

/// A decision as a coordinator records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// What was decided.
    #[garde(length(chars, min = 1, max = 5000), custom(paragraphs))]
    pub text: String,
    /// What came of it.
    #[serde(default)]
    #[garde(length(chars, max = 5000), custom(no_control))]
    pub outcome: Option<String>,
    /// The cities, projects, plans and twinnings it concerns.
    #[serde(default)]
    #[garde(length(max = 50), dive)]
    pub concerns: Vec<ConcernInput>,
}

impl DecisionInput {
    /// Every invalid field on its own.
    pub fn check(&self) -> Checked {
        let mut errors = report(self.validate());
        for (i, c) in self.concerns.iter().enumerate() {
            if let Err(e) = key_of(&format!("concerns[{i}].id"), &c.id) {
                errors.push(e);
            }
        }
        done(errors)
    }

    /// The concerns' keys with their field paths.
    pub fn concern_keys(&self) -> Vec<(String, ConcernType, Key)> {
        self.concerns
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                Key::parse(c.id.trim())
                    .ok()
                    .map(|k| (format!("concerns[{i}].id"), c.kind, k))
            })
            .collect()
    }

    /// The decision, taken at `event`, concerning what the concerns resolved to.
    pub fn create(
        &self,
        id: Uuid,
        event: EventRef,
        concerns: Vec<Concern>,
        recorded_by: String,
        now: DateTime<Utc>,
    ) -> Decision {
        let mut unique: Vec<Concern> = Vec::new();
        for c in concerns {
            if !unique.iter().any(|u| u.kind == c.kind && u.id == c.id) {
                unique.push(c);
            }
        }
        Decision {
            id,
            event,
            text: self.text.trim().to_owned(),
            outcome: clean(&self.outcome),
            concerns: unique,
            recorded_by,
            recorded_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(body: serde_json::Value) -> EventInput {
        serde_json::from_value(body).expect("input")
    }

    fn manila() -> EventInput {
        input(serde_json::json!({
            "title": "Brokerage session", "kind": "brokerage_session",
            "starts_at": "2026-03-10T09:00:00+08:00", "ends_at": "2026-03-11T17:00:00+08:00",
            "time_zone": "Asia/Manila", "place": "Manila"
        }))
    }

    fn messages(result: Checked) -> Vec<(String, String)> {
        result
            .expect_err("invalid")
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn an_event_takes_its_days_from_its_times_in_its_zone() {
        let e = manila().create(Uuid::nil(), "s".into(), None, Vec::new());
        assert_eq!(e.date.text, "2026-03-10/2026-03-11");
        assert_eq!(e.time_zone.as_deref(), Some("Asia/Manila"));
        assert_eq!(
            e.starts_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-03-10T09:00:00+08:00")
        );
        assert_eq!(
            (e.title.as_str(), e.name.as_str(), e.version),
            ("Brokerage session", "Brokerage session", 1)
        );
    }

    #[test]
    fn an_unknown_time_zone_is_named_in_words() {
        let mut bad = manila();
        bad.time_zone = Some("Asia/Manilla".into());
        assert_eq!(
            messages(bad.check(None)),
            vec![(
                "time_zone".into(),
                "Give the time zone by its IANA name, e.g. Asia/Manila (“Asia/Manilla” is not one)"
                    .into()
            )]
        );
    }

    #[test]
    fn an_event_may_not_end_before_it_starts_nor_lack_times() {
        let mut bad = manila();
        bad.ends_at = bad.starts_at.map(|s| s - chrono::Duration::hours(1));
        assert_eq!(
            messages(bad.check(None)),
            vec![(
                "ends_at".into(),
                "The event must end after it starts".into()
            )]
        );
        let untimed = input(serde_json::json!({"title": "Workshop"}));
        let fields: Vec<String> = messages(untimed.check(None))
            .into_iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(fields, ["starts_at", "ends_at", "time_zone"]);
        let blank = input(serde_json::json!({"title": "  "}));
        assert!(messages(blank.check(None)).iter().any(|e| e.0 == "title"));
    }
}

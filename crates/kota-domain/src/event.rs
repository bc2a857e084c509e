//! Network events: annual meetings, workshops, brokerage sessions and milestones, with their
//! agendas, participants and the decisions taken there.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Principal;
use crate::city::CityRef;
use crate::notice::{self, Audience, Notice};
use crate::provenance::Source;

crate::vocabulary! {
    /// What kind of gathering an event is.
    pub enum EventKind {
        /// A working session on one subject.
        Workshop = ("workshop", "Workshop"),
        /// The network's annual meeting.
        AnnualMeeting = ("annual_meeting", "Annual meeting"),
        /// Cities and partners meet to match projects with offers.
        BrokerageSession = ("brokerage_session", "Brokerage session"),
        /// A visit to see a city's work on the ground.
        StudyVisit = ("study_visit", "Study visit"),
        /// An online session.
        Webinar = ("webinar", "Webinar"),
    }
}

impl EventKind {
    /// The kind a documented event's name makes clear, if any (`1st ASCN Annual Meeting` is
    /// an annual meeting; a summit is none of the kinds).
    pub fn infer(name: &str) -> Option<Self> {
        let name = name.to_lowercase();
        [
            ("annual meeting", Self::AnnualMeeting),
            ("workshop", Self::Workshop),
            ("brokerage", Self::BrokerageSession),
            ("study visit", Self::StudyVisit),
            ("webinar", Self::Webinar),
        ]
        .into_iter()
        .find(|(words, _)| name.contains(words))
        .map(|(_, kind)| kind)
    }
}

crate::vocabulary! {
    /// What kind of record takes part in an event.
    pub enum ParticipantType {
        /// A member city.
        City = ("city", "City"),
        /// A partner.
        Partner = ("partner", "Partner"),
    }
}

crate::vocabulary! {
    /// What kind of record a decision concerns.
    pub enum ConcernType {
        /// A member city.
        City = ("city", "City"),
        /// A project.
        Project = ("project", "Project"),
        /// A city's action plan (named by the city).
        Plan = ("plan", "Action plan"),
        /// A twinning.
        Twinning = ("twinning", "Twinning"),
    }
}

/// A city or partner taking part in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    /// City or partner.
    #[serde(rename = "type")]
    pub kind: ParticipantType,
    /// Its id.
    pub id: Uuid,
    /// Its URL slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// One item of an event's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    /// When it starts (RFC 3339), if timed.
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// What it is.
    pub title: String,
    /// A note.
    pub note: Option<String>,
}

/// A record a decision concerns, with the city it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Concern {
    /// City, project, plan or twinning.
    #[serde(rename = "type")]
    pub kind: ConcernType,
    /// Its id (for a plan: its city's id).
    pub id: Uuid,
    /// What it is called (as when the decision was recorded).
    pub name: String,
    /// The city it is, or belongs to.
    pub city: CityRef,
}

impl Concern {
    /// The address of its page.
    pub fn path(&self) -> String {
        match self.kind {
            ConcernType::City | ConcernType::Plan => format!("/cities/{}", self.city.slug),
            ConcernType::Project => format!("/projects/{}", self.id),
            ConcernType::Twinning => format!("/twinnings/{}", self.id),
        }
    }
}

/// The event a decision was taken at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventRef {
    /// Its id.
    pub id: Uuid,
    /// Its URL slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// When it took place.
    pub date: String,
}

/// A decision taken at an event, and its outcome, linked to what it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    /// Stable id.
    pub id: Uuid,
    /// The event it was taken at.
    pub event: EventRef,
    /// What was decided.
    pub text: String,
    /// What came of it.
    pub outcome: Option<String>,
    /// The cities, projects, plans and twinnings it concerns.
    pub concerns: Vec<Concern>,
    /// Who recorded it (name, role, place).
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// The IANA time zone `name` names, or the words that say it names none.
pub fn time_zone(name: &str) -> Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!(
            "Give the time zone by its IANA name, e.g. Asia/Manila (“{}” is not one)",
            name.trim()
        )
    })
}

/// An instant as read on the clocks of `zone`.
pub fn in_zone(at: DateTime<Utc>, zone: Tz) -> DateTime<FixedOffset> {
    at.with_timezone(&zone).fixed_offset()
}

crate::vocabulary! {
    /// How precisely an event's date is known.
    pub enum DatePrecision {
        /// The day (or days) are known.
        Day = ("day", "Day"),
        /// Only the month is known.
        Month = ("month", "Month"),
        /// Only the year is known.
        Year = ("year", "Year"),
    }
}

/// When an event took place, as written, with the first and last day it can mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventDate {
    /// The date as written: `2019-06-06`, `2019-06-06/2019-06-07`, `2018-11` or `2022`.
    pub text: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// How precisely the date is known.
    pub precision: DatePrecision,
}

impl EventDate {
    /// Reads a date or a `start/end` range of days, months or years.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (first, last) = match text.split_once('/') {
            Some((a, b)) => (parse_part(a)?, parse_part(b)?),
            None => {
                let p = parse_part(text)?;
                (p, p)
            }
        };
        if first.1 != last.1 {
            return Err(format!(
                "`{text}`: both ends of a range need the same precision"
            ));
        }
        let (starts_on, ends_on) = (first.0, last_day(last.0, last.1));
        if ends_on < starts_on {
            return Err(format!("`{text}`: the range ends before it starts"));
        }
        Ok(Self {
            text: text.to_owned(),
            starts_on,
            ends_on,
            precision: first.1,
        })
    }

    /// The days from `start` to `end` as read on the clocks of the place (`2026-03-10` or
    /// `2026-03-10/2026-03-12`).
    pub fn of_days(start: NaiveDate, end: NaiveDate) -> Self {
        let text = if start == end {
            start.to_string()
        } else {
            format!("{start}/{end}")
        };
        Self {
            text,
            starts_on: start,
            ends_on: end.max(start),
            precision: DatePrecision::Day,
        }
    }
}

fn parse_part(s: &str) -> Result<(NaiveDate, DatePrecision), String> {
    let bad = || format!("`{s}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    let nums: Vec<&str> = s.split('-').collect();
    let num = |i: usize, len: usize| -> Result<u32, String> {
        let part = nums[i];
        if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let year = i32::try_from(num(0, 4)?).map_err(|_| bad())?;
    let (month, day, precision) = match nums.len() {
        1 => (1, 1, DatePrecision::Year),
        2 => (num(1, 2)?, 1, DatePrecision::Month),
        3 => (num(1, 2)?, num(2, 2)?, DatePrecision::Day),
        _ => return Err(bad()),
    };
    NaiveDate::from_ymd_opt(year, month, day)
        .map(|d| (d, precision))
        .ok_or_else(bad)
}

fn last_day(start: NaiveDate, precision: DatePrecision) -> NaiveDate {
    let next = |y: i32, m: u32| {
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        NaiveDate::from_ymd_opt(y, m, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(start)
    };
    match precision {
        DatePrecision::Day => start,
        DatePrecision::Month => next(start.year(), start.month()),
        DatePrecision::Year => next(start.year(), 12),
    }
}

/// A network event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// Stable id.
    pub id: Uuid,
    /// URL slug, accepted wherever the id is.
    pub slug: String,
    /// Title.
    pub title: String,
    /// The title, under the name earlier readers know it by.
    pub name: String,
    /// Workshop, annual meeting, brokerage session, study visit or webinar, when known.
    pub kind: Option<EventKind>,
    /// When it starts, in the event's time zone (RFC 3339); none for a documented event known
    /// only by its date.
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// When it ends, in the event's time zone (RFC 3339).
    pub ends_at: Option<DateTime<FixedOffset>>,
    /// The IANA time zone of its place (`Asia/Manila`).
    pub time_zone: Option<String>,
    /// When, as written (for an event with times: its days in its time zone).
    pub date: EventDate,
    /// Where, as written.
    pub place: String,
    /// The member city that hosts it, when one does.
    pub host_city: Option<CityRef>,
    /// The host city, under the name earlier readers know it by.
    pub city: Option<CityRef>,
    /// The chairing member state, when the source names one.
    pub chair: Option<String>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Whether facts about the event are uncertain.
    pub uncertain: bool,
    /// A note.
    pub note: Option<String>,
    /// The cities and partners taking part.
    pub participants: Vec<Participant>,
    /// The agenda, in order.
    pub agenda: Vec<AgendaItem>,
    /// Decisions taken there, oldest first.
    pub decisions: Vec<Decision>,
    /// Whether it is one of the network's documented events.
    pub seeded: bool,
    /// Version, for `If-Match`.
    pub version: i32,
}

impl Event {
    /// Whether it is a brokerage session, where participants request one-to-one meetings.
    pub fn is_brokerage(&self) -> bool {
        self.kind == Some(EventKind::BrokerageSession)
    }

    /// Its time zone, when it has a valid one.
    pub fn zone(&self) -> Option<Tz> {
        self.time_zone.as_deref().and_then(|z| time_zone(z).ok())
    }

    /// A reference to it, for the decisions taken there.
    pub fn reference(&self) -> EventRef {
        EventRef {
            id: self.id,
            slug: self.slug.clone(),
            title: self.title.clone(),
            date: self.date.text.clone(),
        }
    }

    /// Its entry in a calendar: timed in its zone, all-day for a documented event known to
    /// the day, none for one known only to the month or year.
    pub fn calendar_entry(&self) -> Option<crate::ical::CalendarEntry> {
        let when = match (self.starts_at, self.ends_at, self.zone()) {
            (Some(start), Some(end), Some(zone)) => crate::ical::EntryTime::Timed {
                start: start.with_timezone(&Utc),
                end: end.with_timezone(&Utc),
                zone,
            },
            _ if self.date.precision == DatePrecision::Day => crate::ical::EntryTime::AllDay {
                first: self.date.starts_on,
                last: self.date.ends_on,
            },
            _ => return None,
        };
        let agenda: Vec<String> = self
            .agenda
            .iter()
            .map(|item| {
                let at = item
                    .starts_at
                    .map(|t| format!("{} ", t.format("%Y-%m-%d %H:%M")))
                    .unwrap_or_default();
                match &item.note {
                    Some(note) => format!("{at}{}: {note}", item.title),
                    None => format!("{at}{}", item.title),
                }
            })
            .collect();
        Some(crate::ical::CalendarEntry {
            uid: format!("event-{}@kota", self.id),
            summary: self.title.clone(),
            location: Some(self.place.clone()).filter(|p| !p.is_empty()),
            description: Some(agenda.join("\n")).filter(|d| !d.is_empty()),
            when,
        })
    }
}

/// The instant a date and time on the clocks of `zone` names (the earlier one when clocks go
/// back; none for a time skipped when they go forward): forms take local times.
pub fn local_to_utc(zone: Tz, local: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

impl Decision {
    /// What a recorded decision tells the cities it concerns (each once). `who` recorded it
    /// and is not told.
    pub fn notices(&self, who: &Principal) -> Vec<Notice> {
        let mut cities: Vec<&CityRef> = self.concerns.iter().map(|c| &c.city).collect();
        cities.sort_by_key(|c| c.id);
        cities.dedup_by_key(|c| c.id);
        let event = &self.event.title;
        let text = format!(
            "{} records a decision of {event}:\n\n{}{}",
            notice::acting(who),
            notice::excerpt(&self.text, 800),
            self.outcome.as_ref().map_or_else(String::new, |o| format!(
                "\n\nOutcome: {}",
                notice::excerpt(o, 400)
            ))
        );
        cities
            .into_iter()
            .map(|city| {
                Notice::new(
                    Audience::City(city.id),
                    "decision_recorded",
                    format!("A decision of {event} concerns {}", city.name),
                    text.clone(),
                    format!("/events/{}", self.event.slug),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn dates_of_every_written_shape_parse() {
        let e = EventDate::parse("2019-06-06/2019-06-07").expect("range");
        assert_eq!(
            (e.starts_on, e.ends_on, e.precision),
            (d(2019, 6, 6), d(2019, 6, 7), DatePrecision::Day)
        );
        let e = EventDate::parse("2018-11").expect("month");
        assert_eq!((e.starts_on, e.ends_on), (d(2018, 11, 1), d(2018, 11, 30)));
        let e = EventDate::parse("2023-02/2023-06").expect("months");
        assert_eq!((e.starts_on, e.ends_on), (d(2023, 2, 1), d(2023, 6, 30)));
        let e = EventDate::parse("2022").expect("year");
        assert_eq!(
            (e.starts_on, e.ends_on, e.precision),
            (d(2022, 1, 1), d(2022, 12, 31), DatePrecision::Year)
        );
        assert_eq!(
            EventDate::parse("2024-12").expect("december").ends_on,
            d(2024, 12, 31)
        );
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in [
            "",
            "2019-13-01",
            "2019-02-30",
            "19-01-01",
            "2019/2018",
            "2019-06-07/2019-06-06",
            "2019-06/2019-06-07",
            "soon",
        ] {
            assert!(EventDate::parse(bad).is_err(), "{bad}");
        }
    }
}

//! Brokerage sessions at an event: member cities and partners request one-to-one meetings,
//! the invitee's side accepts or declines (or the event accepts every request at once), a
//! coordinator schedules the accepted ones into slots and tables, and each participant gets
//! an agenda, on a page and as iCalendar. Who may take each step, and in which state, is
//! decided here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{Principal, Scope};
use crate::city::CityRef;
use crate::ical::{CalendarEntry, EntryTime, named_calendar};
use crate::notice::{self, Audience, Notice};
use crate::partner::PartnerRef;

crate::vocabulary! {
    /// What kind of member takes part in a brokerage.
    pub enum ParticipantKind {
        /// A member city.
        City = ("city", "City"),
        /// A partner.
        Partner = ("partner", "Partner"),
    }
}

crate::vocabulary! {
    /// Where a meeting request stands.
    pub enum MeetingState {
        /// Waiting for the invitee's answer.
        Requested = ("requested", "Requested"),
        /// Accepted: it goes into the schedule.
        Accepted = ("accepted", "Accepted"),
        /// Declined by the invitee.
        Declined = ("declined", "Declined"),
    }
}

crate::vocabulary! {
    /// The invitee's answer to a meeting request.
    pub enum Answer {
        /// The invitee meets.
        Accept = ("accept", "Accept"),
        /// The invitee does not.
        Decline = ("decline", "Decline"),
    }
}

crate::vocabulary! {
    /// Why an accepted meeting found no place in the schedule.
    pub enum UnplacedReason {
        /// In every slot one side or the other meets someone else already.
        NoCommonSlot = ("no_common_slot", "Both sides are busy in every slot left"),
        /// Both sides are free in some slot, but its tables are all taken.
        NoTable = ("no_table", "No table free in the slots both sides have open"),
    }
}

/// A member city or partner taking part in a brokerage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Participant {
    /// City or partner.
    pub kind: ParticipantKind,
    /// Its id.
    pub id: Uuid,
    /// Its URL slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The member state of a city (none for a partner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_iso2: Option<String>,
}

impl From<&CityRef> for Participant {
    fn from(c: &CityRef) -> Self {
        Self {
            kind: ParticipantKind::City,
            id: c.id,
            slug: c.slug.clone(),
            name: c.name.clone(),
            country_iso2: Some(c.country_iso2.clone()),
        }
    }
}

impl From<&PartnerRef> for Participant {
    fn from(p: &PartnerRef) -> Self {
        Self {
            kind: ParticipantKind::Partner,
            id: p.id,
            slug: p.slug.clone(),
            name: p.name.clone(),
            country_iso2: None,
        }
    }
}

impl Participant {
    /// Whether `who` speaks for it: a city's officers and its member state's national
    /// representative; a partner's representatives.
    pub fn speaks_for(&self, who: &Principal) -> bool {
        match (&who.scope, self.kind) {
            (Scope::CityOfficer { city_id }, ParticipantKind::City) => *city_id == self.id,
            (Scope::NationalRepresentative { state_iso2 }, ParticipantKind::City) => {
                self.country_iso2.as_deref() == Some(state_iso2.as_str())
            }
            (Scope::PartnerRepresentative { partner_id }, ParticipantKind::Partner) => {
                *partner_id == self.id
            }
            _ => false,
        }
    }

    /// Its page's address.
    pub fn path(&self) -> String {
        match self.kind {
            ParticipantKind::City => format!("/cities/{}", self.slug),
            ParticipantKind::Partner => format!("/partners/{}", self.slug),
        }
    }

    /// Whether `who` may request meetings for it, or read its agenda: its own side and
    /// coordinators.
    pub fn open_to(&self, who: &Principal) -> bool {
        who.is_coordinator() || self.speaks_for(who)
    }
}

/// An event as a brokerage names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EventRef {
    /// Its id.
    pub id: Uuid,
    /// Its URL slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// A project a meeting is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProjectLink {
    /// Its id.
    pub id: Uuid,
    /// Its URL slug.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// A request for a one-to-one meeting at an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MeetingRequest {
    /// Stable id.
    pub id: Uuid,
    /// The event.
    pub event: EventRef,
    /// Who asks to meet.
    pub requester: Participant,
    /// Who is asked.
    pub invitee: Participant,
    /// What the meeting is about, in words (may be empty).
    pub about: String,
    /// The project it is about, if any.
    pub project: Option<ProjectLink>,
    /// The twinning it is about (its id), if any.
    pub twinning: Option<Uuid>,
    /// Where it stands.
    pub state: MeetingState,
    /// Who requested it (name, role, place).
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Who accepted or declined it (the event's setting, when it accepts every request).
    pub answered_by: Option<String>,
    /// When.
    pub answered_at: Option<DateTime<Utc>>,
    /// Version, raised by every change (`ETag`).
    pub version: i32,
}

/// How the answer of an event that accepts every request is recorded.
pub const ACCEPTED_BY_EVENT: &str = "The event accepts every request";

impl MeetingRequest {
    /// Whether `who` may see it: either side and coordinators.
    pub fn visible_to(&self, who: &Principal) -> bool {
        who.is_coordinator() || self.requester.speaks_for(who) || self.invitee.speaks_for(who)
    }

    /// A one-line summary of what it is about, for agendas.
    pub fn topic(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.about.is_empty() {
            parts.push(self.about.clone());
        }
        if let Some(p) = &self.project {
            parts.push(format!("Project: {}", p.name));
        }
        if let Some(t) = self.twinning {
            parts.push(format!("Twinning {t}"));
        }
        parts.join(" · ")
    }
}

impl Answer {
    /// Whether `who` may give this answer: the invitee's side only.
    pub fn allowed(self, who: &Principal, r: &MeetingRequest) -> bool {
        r.invitee.speaks_for(who)
    }

    /// Why `r`'s state does not allow an answer, or nothing when it does.
    pub fn refusal(self, r: &MeetingRequest) -> Option<String> {
        (r.state != MeetingState::Requested).then(|| {
            format!(
                "The meeting request is {}: it can no longer be answered",
                r.state.as_str()
            )
        })
    }

    /// `r` with this answer by `who` at `now`.
    pub fn apply(self, r: &MeetingRequest, who: &Principal, now: DateTime<Utc>) -> MeetingRequest {
        MeetingRequest {
            state: match self {
                Self::Accept => MeetingState::Accepted,
                Self::Decline => MeetingState::Declined,
            },
            answered_by: Some(who.public_label()),
            answered_at: Some(now),
            version: r.version + 1,
            ..r.clone()
        }
    }
}

/// An event's brokerage settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BrokerageSettings {
    /// The event.
    pub event: EventRef,
    /// Whether every request is accepted as it is made.
    pub accept_all: bool,
    /// How many waiting requests this change accepted.
    pub accepted_now: u64,
    /// Version, raised by every change.
    pub version: i32,
}

/// A time slot of a brokerage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// When it starts (RFC 3339).
    pub starts_at: DateTime<Utc>,
    /// When it ends (RFC 3339), after it starts.
    pub ends_at: DateTime<Utc>,
}

/// A meeting with its place in the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlacedMeeting {
    /// The meeting request.
    pub request: Uuid,
    /// The slot, numbered from 1 in the order given.
    pub slot: u32,
    /// When the slot starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The table, numbered from 1.
    pub table: u32,
    /// Who asked to meet.
    pub requester: Participant,
    /// Who was asked.
    pub invitee: Participant,
    /// What it is about.
    pub about: String,
}

/// An accepted meeting that found no place, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnplacedMeeting {
    /// The meeting request.
    pub request: Uuid,
    /// Who asked to meet.
    pub requester: Participant,
    /// Who was asked.
    pub invitee: Participant,
    /// What it is about.
    pub about: String,
    /// Why, as a code.
    pub reason: UnplacedReason,
    /// Why, in words.
    pub why: String,
}

/// The schedule of an event's accepted meetings, as last run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BrokerageSchedule {
    /// The event.
    pub event: EventRef,
    /// The slots, in order.
    pub slots: Vec<Slot>,
    /// How many tables there are.
    pub tables: u32,
    /// The meetings placed, by slot then table.
    pub placed: Vec<PlacedMeeting>,
    /// The accepted meetings that found no place, with the reason.
    pub unplaced: Vec<UnplacedMeeting>,
    /// Who ran it.
    pub run_by: String,
    /// When.
    pub run_at: DateTime<Utc>,
    /// Version, raised by every run.
    pub version: i32,
}

/// One meeting on a participant's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    /// The meeting request.
    pub request: Uuid,
    /// The slot, numbered from 1.
    pub slot: u32,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The table, numbered from 1.
    pub table: u32,
    /// Whom the participant meets.
    pub counterpart: Participant,
    /// What it is about.
    pub about: String,
}

/// A participant's meetings at an event, by time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agenda {
    /// The event.
    pub event: EventRef,
    /// Whose agenda it is.
    pub participant: Participant,
    /// Its meetings, by time.
    pub items: Vec<AgendaItem>,
    /// When the schedule was run (none: not yet, the agenda is empty).
    pub scheduled_at: Option<DateTime<Utc>>,
}

impl BrokerageSchedule {
    /// The agenda of `participant` in this schedule.
    pub fn agenda(&self, participant: &Participant) -> Agenda {
        let items = self
            .placed
            .iter()
            .filter_map(|m| {
                let counterpart = if m.requester.id == participant.id {
                    &m.invitee
                } else if m.invitee.id == participant.id {
                    &m.requester
                } else {
                    return None;
                };
                Some(AgendaItem {
                    request: m.request,
                    slot: m.slot,
                    starts_at: m.starts_at,
                    ends_at: m.ends_at,
                    table: m.table,
                    counterpart: counterpart.clone(),
                    about: m.about.clone(),
                })
            })
            .collect();
        Agenda {
            event: self.event.clone(),
            participant: participant.clone(),
            items,
            scheduled_at: Some(self.run_at),
        }
    }
}

impl Agenda {
    /// The agenda as an iCalendar file (RFC 5545): one event per meeting, times in UTC,
    /// stamped `stamp`.
    pub fn to_ics(&self, stamp: DateTime<Utc>) -> String {
        let entries: Vec<CalendarEntry> = self
            .items
            .iter()
            .map(|item| CalendarEntry {
                uid: format!("{}-{}@kota", item.request, self.participant.id),
                summary: format!("Meeting with {}", item.counterpart.name),
                location: Some(format!("{}, table {}", self.event.name, item.table)),
                description: (!item.about.is_empty()).then(|| item.about.clone()),
                when: EntryTime::Utc {
                    start: item.starts_at,
                    end: item.ends_at,
                },
            })
            .collect();
        let name = format!("{} · {}", self.event.name, self.participant.name);
        named_calendar(&name, &entries, stamp)
    }
}

impl Participant {
    /// The people who act for this side.
    fn audience(&self) -> Audience {
        match self.kind {
            ParticipantKind::City => Audience::City(self.id),
            ParticipantKind::Partner => Audience::Partner(self.id),
        }
    }
}

impl MeetingRequest {
    /// What a change of this request tells the other side: the invitee when it is made
    /// (`made`), the requester when it is answered. `who` acted and is not told.
    pub fn notices(&self, made: bool, who: &Principal) -> Vec<Notice> {
        let (requester, invitee, event) =
            (&self.requester.name, &self.invitee.name, &self.event.name);
        let about = if self.about.is_empty() {
            String::new()
        } else {
            format!("\n\nAbout: {}", notice::excerpt(&self.about, 400))
        };
        let (audience, kind, subject, text) = match self.state {
            _ if made => (
                self.invitee.audience(),
                "meeting_requested",
                format!("{requester} asks to meet {invitee} at {event}"),
                format!(
                    "{} asks for a meeting at {event}{}.{about}",
                    self.requested_by,
                    if self.state == MeetingState::Accepted {
                        " (the event accepts every request: it is on the agenda)"
                    } else {
                        ""
                    }
                ),
            ),
            state => (
                self.requester.audience(),
                "meeting_answered",
                format!(
                    "{invitee} {} the meeting at {event}",
                    if state == MeetingState::Accepted {
                        "accepts"
                    } else {
                        "declines"
                    }
                ),
                format!(
                    "{}: {}.{about}",
                    notice::acting(who),
                    state.label().to_lowercase()
                ),
            ),
        };
        vec![Notice::new(
            audience,
            kind,
            subject,
            text,
            format!("/events/{}/brokerage", self.event.slug),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(scope: Scope) -> Principal {
        Principal {
            user_id: Uuid::nil(),
            email: "a@example.org".into(),
            name: "A".into(),
            place: None,
            scope,
        }
    }

    fn city() -> Participant {
        Participant {
            kind: ParticipantKind::City,
            id: Uuid::from_u128(3),
            slug: "bangkok".into(),
            name: "Bangkok".into(),
            country_iso2: Some("TH".into()),
        }
    }

    fn partner() -> Participant {
        Participant {
            kind: ParticipantKind::Partner,
            id: Uuid::from_u128(2),
            slug: "jica".into(),
            name: "JICA".into(),
            country_iso2: None,
        }
    }

    fn request(state: MeetingState) -> MeetingRequest {
        MeetingRequest {
            id: Uuid::from_u128(1),
            event: EventRef {
                id: Uuid::from_u128(9),
                slug: "expo".into(),
                name: "Expo".into(),
            },
            requester: partner(),
            invitee: city(),
            about: "Flood sensors".into(),
            project: None,
            twinning: None,
            state,
            requested_by: "A".into(),
            requested_at: DateTime::UNIX_EPOCH,
            answered_by: None,
            answered_at: None,
            version: 1,
        }
    }

    #[test]
    fn only_the_invitee_side_answers_and_only_once() {
        let r = request(MeetingState::Requested);
        let officer = who(Scope::CityOfficer { city_id: city().id });
        let national = who(Scope::NationalRepresentative {
            state_iso2: "TH".into(),
        });
        let rep = who(Scope::PartnerRepresentative {
            partner_id: partner().id,
        });
        assert!(Answer::Accept.allowed(&officer, &r) && Answer::Decline.allowed(&national, &r));
        assert!(!Answer::Accept.allowed(&rep, &r));
        assert!(!Answer::Accept.allowed(&who(Scope::Coordinator), &r));
        assert!(r.visible_to(&rep) && r.visible_to(&who(Scope::Coordinator)));
        let other = who(Scope::NationalRepresentative {
            state_iso2: "VN".into(),
        });
        assert!(!r.visible_to(&other));
        let accepted = Answer::Accept.apply(&r, &officer, DateTime::UNIX_EPOCH);
        assert_eq!(
            (accepted.state, accepted.version),
            (MeetingState::Accepted, 2)
        );
        assert!(Answer::Decline.refusal(&accepted).is_some());
        assert!(Answer::Accept.refusal(&r).is_none());
    }

    #[test]
    fn agendas_are_icalendar_folded_and_escaped() {
        let at = |h| DateTime::UNIX_EPOCH + chrono::Duration::hours(h);
        let mut about = "Flood; sensors, canals\nand a very long description ".to_owned();
        about.push_str(&"ผังเมือง".repeat(12));
        let agenda = Agenda {
            event: request(MeetingState::Accepted).event,
            participant: city(),
            items: vec![AgendaItem {
                request: Uuid::from_u128(1),
                slot: 1,
                starts_at: at(9),
                ends_at: at(10),
                table: 4,
                counterpart: partner(),
                about,
            }],
            scheduled_at: None,
        };
        let ics = agenda.to_ics(at(0));
        assert!(ics.contains("DTSTART:19700101T090000Z\r\n"));
        assert!(ics.contains("DESCRIPTION:Flood\\; sensors\\, canals\\nand"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}

//! What people enter for a brokerage: a meeting request, the event's settings, the slots and
//! tables of a schedule.

use garde::Validate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Checked, Code, FieldError, done, no_control, report};
use crate::brokerage::Slot;
use crate::ids::Key;

/// Most slots a schedule may have.
pub const MAX_SLOTS: usize = 96;
/// Most tables a schedule may have.
pub const MAX_TABLES: u32 = 2000;

/// A meeting request as the API takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequestInput {
    /// The city or partner that asks (slug or UUID): by default the one you act for; a
    /// coordinator names it.
    #[serde(default)]
    #[garde(skip)]
    pub from: Option<String>,
    /// The city or partner asked to meet (slug or UUID).
    #[garde(skip)]
    pub with: String,
    /// What the meeting is about, in words.
    #[serde(default)]
    #[garde(length(chars, max = 2000), custom(no_control))]
    pub about: Option<String>,
    /// A project the meeting is about (slug or UUID).
    #[serde(default)]
    #[garde(skip)]
    pub project: Option<String>,
    /// A twinning the meeting is about (UUID).
    #[serde(default)]
    #[garde(skip)]
    pub twinning: Option<String>,
}

/// A meeting request's references, parsed: who asks (if named), whom, what about.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRequestKeys {
    /// The side that asks, when named.
    pub from: Option<Key>,
    /// The side asked.
    pub with: Key,
    /// What it is about, trimmed (may be empty).
    pub about: String,
    /// The project it is about.
    pub project: Option<Key>,
    /// The twinning it is about.
    pub twinning: Option<Key>,
}

impl MeetingRequestInput {
    /// The references parsed into keys, with every invalid field listed.
    pub fn parts(self) -> Result<MeetingRequestKeys, Vec<FieldError>> {
        let mut errors = report(self.validate());
        let mut key = |field: &str, text: &str| {
            Key::parse(text)
                .map_err(|e| errors.push(super::words::key(field, &e)))
                .ok()
        };
        let from = self.from.as_deref().map(|f| key("from", f));
        let with = key("with", &self.with);
        let project = self.project.as_deref().map(|p| key("project", p));
        let twinning = self.twinning.as_deref().map(|t| key("twinning", t));
        match (with, from, project, twinning) {
            (Some(with), from, project, twinning) if errors.is_empty() => Ok(MeetingRequestKeys {
                from: from.flatten(),
                with,
                about: self.about.unwrap_or_default().trim().to_owned(),
                project: project.flatten(),
                twinning: twinning.flatten(),
            }),
            _ => Err(errors),
        }
    }
}

/// An event's brokerage settings as set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct BrokerageSettingsInput {
    /// Accept every request as it is made (and the waiting ones now).
    #[garde(skip)]
    pub accept_all: bool,
}

/// The slots and tables a schedule is run with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// The time slots, in order, none overlapping another.
    pub slots: Vec<Slot>,
    /// How many tables there are.
    pub tables: u32,
}

impl ScheduleInput {
    /// Every invalid field: at least one slot and one table, each slot ending after it
    /// starts, and starting no earlier than the one before it ends.
    pub fn check(&self) -> Checked {
        let mut errors = Vec::new();
        let mut push = |field: String, code: Code, message: String| {
            errors.push(FieldError::new(field, code, message))
        };
        if self.slots.is_empty() || self.slots.len() > MAX_SLOTS {
            push(
                "slots".into(),
                Code::OutOfRange,
                format!("Give 1 to {MAX_SLOTS} slots"),
            );
        }
        if self.tables == 0 || self.tables > MAX_TABLES {
            push(
                "tables".into(),
                Code::OutOfRange,
                format!("Give 1 to {MAX_TABLES} tables"),
            );
        }
        for (i, s) in self.slots.iter().enumerate() {
            if s.ends_at <= s.starts_at {
                push(
                    format!("slots[{i}].ends_at"),
                    Code::Conflict,
                    "A slot must end after it starts".into(),
                );
            }
            if i > 0 && s.starts_at < self.slots[i - 1].ends_at {
                push(
                    format!("slots[{i}].starts_at"),
                    Code::Conflict,
                    "A slot must start no earlier than the slot before it ends".into(),
                );
            }
        }
        done(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration};

    #[test]
    fn slots_must_run_forward_without_overlap() {
        let at = |m| DateTime::UNIX_EPOCH + Duration::minutes(m);
        let slot = |a, b| Slot {
            starts_at: at(a),
            ends_at: at(b),
        };
        let good = ScheduleInput {
            slots: vec![slot(0, 20), slot(20, 40)],
            tables: 3,
        };
        assert!(good.check().is_ok());
        let bad = ScheduleInput {
            slots: vec![slot(0, 20), slot(10, 5)],
            tables: 0,
        };
        let fields: Vec<String> = bad
            .check()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["tables", "slots[1].ends_at", "slots[1].starts_at"]);
    }

    #[test]
    fn a_request_names_whom_it_asks() {
        let input = MeetingRequestInput {
            from: None,
            with: "bangkok".into(),
            about: Some("  Flood sensors\n".into()),
            project: None,
            twinning: None,
        };
        let keys = input.clone().parts().ok();
        assert_eq!(keys.map(|k| k.about), Some("Flood sensors".to_owned()));
        let blank = MeetingRequestInput {
            with: String::new(),
            ..input
        };
        assert!(blank.parts().is_err());
    }
}

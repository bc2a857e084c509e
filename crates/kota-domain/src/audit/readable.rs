//! An audit entry as a person reads it: what was done to which record, named by its title
//! or name and linked to its page, and the fields that changed as before and after text
//! (field names in words, lists joined, nested objects flattened to lines, long texts cut
//! short), taken from the record the entry holds, with no lookup.

use serde_json::{Map, Value};

use super::AuditEntry;
use crate::edit::words;

/// Text longer than this many characters is cut short.
const LONGEST: usize = 200;

/// Fields that say nothing to a reader of the log.
const UNSAID: &[&str] = &["version", "id", "slug"];

/// One field's change, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadableChange {
    /// The field's name in words ("Funding gap").
    pub field: String,
    /// What it was ("—" when nothing).
    pub before: String,
    /// What it became ("—" when nothing).
    pub after: String,
}

/// An entry in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    /// The record: "Project “Smart traffic lights” of Bangkok".
    pub subject: String,
    /// What was done to it: "updated".
    pub done: String,
    /// Where the record is shown, when it has a page.
    pub href: Option<String>,
    /// The fields that changed; for a creation the fields it was made with, for a removal
    /// the fields it had.
    pub changes: Vec<ReadableChange>,
}

impl Readable {
    /// What was done to which record: "Project “Smart traffic lights” of Bangkok: updated".
    pub fn heading(&self) -> String {
        format!("{}: {}", self.subject, self.done)
    }
}

/// `entry` in words.
pub fn readable(entry: &AuditEntry) -> Readable {
    let record = entry.after.as_ref().or(entry.before.as_ref());
    let kind = words::capital(&entry.object_type.replace('_', " "));
    let subject = match record.and_then(|r| name(&entry.object_type, r)) {
        Some(name) => format!("{kind} {name}"),
        None => kind,
    };
    Readable {
        subject,
        done: done(&entry.action),
        href: href(&entry.object_type, &entry.object_id, record),
        changes: changes(entry),
    }
}

/// What was done, in words: `update` → "updated".
fn done(action: &str) -> String {
    match action {
        "create" => "created",
        "update" => "updated",
        "delete" => "removed",
        "accept" => "accepted",
        "decline" => "declined",
        "endorse" => "endorsed",
        "conclude" => "concluded",
        "withdraw" => "withdrawn",
        "activity" => "activity logged",
        "change" => "changed",
        "new_version" => "new version",
        "progress" => "progress reported",
        "propose" => "proposed",
        "record" => "recorded",
        "request" => "requested",
        "run" => "run",
        "settings" => "settings changed",
        "start" => "started",
        "submit" => "submitted",
        "message" => "message written",
        "update_membership" => "membership updated",
        "import" => "imported",
        other => return other.replace('_', " "),
    }
    .into()
}

fn text<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn name_of<'a>(record: &'a Value, field: &str) -> Option<&'a str> {
    record
        .get(field)
        .and_then(|r| text(r, "name").or_else(|| text(r, "title")))
}

/// The record's name as the log shows it: its title or name in quotes, with the city or the
/// two sides it belongs to.
fn name(kind: &str, record: &Value) -> Option<String> {
    let own = text(record, "title").or_else(|| text(record, "name"));
    let city = name_of(record, "city");
    match (kind, own) {
        ("twinning", _) => Some(format!(
            "between {} and {}",
            name_of(record, "partner")?,
            city?
        )),
        ("interest", _) => Some(format!(
            "of {} in “{}”",
            name_of(record, "partner")?,
            name_of(record, "project")?
        )),
        (_, Some(own)) => Some(match city {
            Some(city) if kind != "city" => format!("“{own}” of {city}"),
            _ => format!("“{own}”"),
        }),
        ("indicator_upload", _) => Some(format!(
            "of {}",
            record
                .get("cities")?
                .as_array()?
                .iter()
                .filter_map(|c| text(c, "name"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        ("chairmanship" | "chair_handover", _) => record
            .get("year")
            .and_then(Value::as_i64)
            .map(|y| format!("of {y}")),
        ("action_plan", None) => record
            .get("year")
            .and_then(Value::as_i64)
            .map(|y| format!("of {y}")),
        _ => None,
    }
}

/// Where a record of `kind` is shown, by its slug when it has one.
fn href(kind: &str, id: &str, record: Option<&Value>) -> Option<String> {
    let key = record
        .and_then(|r| text(r, "slug"))
        .unwrap_or(id)
        .to_owned();
    match kind {
        "city" => Some(format!("/cities/{key}")),
        "project" => Some(format!("/projects/{key}")),
        "partner" => Some(format!("/partners/{key}")),
        "event" => Some(format!("/events/{key}")),
        "story" => Some(format!("/stories/{key}")),
        "twinning" => Some(format!("/twinnings/{id}")),
        "interest" => Some(format!("/interests/{id}")),
        "action_plan" => Some(format!("/cities/{id}/plan")),
        // A comment is shown on its project's page.
        "comment" => record
            .and_then(|r| text(r, "project"))
            .map(|project| format!("/projects/{project}")),
        "focus_area" => Some(format!("/framework#{id}")),
        // An upload of one city's indicators is shown on that city's indicators page.
        "indicator_upload" => match record?.get("cities")?.as_array()?.as_slice() {
            [city] => text(city, "slug").map(|slug| format!("/cities/{slug}/indicators")),
            _ => None,
        },
        "chairmanship" | "chair_handover" => Some(format!("/chairmanship/{id}")),
        _ => None,
    }
}

/// The fields that differ (all that have a value, for a creation or a removal), in name
/// order, each in words.
fn changes(entry: &AuditEntry) -> Vec<ReadableChange> {
    entry
        .changed_fields()
        .into_iter()
        .filter(|c| !UNSAID.contains(&c.field.as_str()))
        .map(|c| {
            (
                words::label(&c.field),
                shown(c.before.as_ref()),
                shown(c.after.as_ref()),
            )
        })
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| ReadableChange {
            field,
            before,
            after,
        })
        .collect()
}

/// A value as text: "—" for nothing, yes or no, lists joined, objects as lines, cut short.
pub fn shown(value: Option<&Value>) -> String {
    let text = match value {
        None => String::new(),
        Some(v) => said(v),
    };
    if text.is_empty() {
        return "—".into();
    }
    if text.chars().count() > LONGEST {
        format!(
            "{}…",
            text.chars().take(LONGEST).collect::<String>().trim_end()
        )
    } else {
        text
    }
}

fn said(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(|i| !i.is_object()) => items
            .iter()
            .map(said)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(items) => items
            .iter()
            .map(said)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        Value::Object(m) => object(m),
    }
}

/// An object on one line: a reference by its name, an amount as "1000 USD", anything else as
/// its fields in words ("Title: Survey; Due on: 2026-05-01").
fn object(m: &Map<String, Value>) -> String {
    let get = |k: &str| m.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    if m.contains_key("id")
        && m.contains_key("slug")
        && let Some(name) = get("name").or_else(|| get("title"))
    {
        return name.to_owned();
    }
    if let (Some(amount), Some(currency), 2) = (m.get("amount"), get("currency"), m.len()) {
        return format!("{} {currency}", said(amount));
    }
    m.iter()
        .filter(|(k, _)| !UNSAID.contains(&k.as_str()))
        .map(|(k, v)| (k, said(v)))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}: {}", words::label(k), v.replace('\n', "; ")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(action: &str, kind: &str, before: Option<Value>, after: Option<Value>) -> AuditEntry {
        AuditEntry {
            seq: 7,
            at: chrono::DateTime::UNIX_EPOCH,
            actor_id: None,
            actor: "Somchai, city officer, Bangkok".into(),
            action: action.into(),
            object_type: kind.into(),
            object_id: "0000".into(),
            before,
            after,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn project(stage: &str, gap: i64, areas: &[&str]) -> Value {
        json!({
            "id": "0000", "slug": "bangkok-smart-traffic-lights", "version": 3,
            "title": "Smart traffic lights",
            "city": {"id": "1", "slug": "bangkok", "name": "Bangkok", "country_iso2": "TH"},
            "stage": stage,
            "focus_areas": areas,
            "budget_confidential": false,
            "funding_gap": {"amount": gap, "currency": "USD"},
            "milestones": [{"title": "Survey", "due_on": "2026-05-01", "done_on": null}],
            "description": "x".repeat(300),
        })
    }

    fn table(r: &Readable) -> String {
        let mut out = format!("{}\n{}\n", r.heading(), r.href.as_deref().unwrap_or("-"));
        for c in &r.changes {
            out.push_str(&format!("{} | {} | {}\n", c.field, c.before, c.after));
        }
        out
    }

    #[test]
    fn an_update_names_the_record_and_shows_only_what_changed() {
        let before = project("planning", 400, &["quality_environment"]);
        let after = project(
            "implementation",
            300,
            &["quality_environment", "civic_social"],
        );
        let r = readable(&entry("update", "project", Some(before), Some(after)));
        assert_eq!(
            table(&r),
            "Project “Smart traffic lights” of Bangkok: updated\n\
             /projects/bangkok-smart-traffic-lights\n\
             Focus areas | quality_environment | quality_environment, civic_social\n\
             Funding gap | 400 USD | 300 USD\n\
             Stage | planning | implementation\n"
        );
    }

    #[test]
    fn a_creation_shows_the_fields_it_was_made_with() {
        let r = readable(&entry(
            "create",
            "project",
            None,
            Some(project("idea", 10, &["civic_social"])),
        ));
        let t = table(&r);
        assert!(t.starts_with("Project “Smart traffic lights” of Bangkok: created\n"));
        assert!(
            t.contains("Whether the amounts are confidential | — | no\n"),
            "{t}"
        );
        assert!(t.contains("City | — | Bangkok\n"), "{t}");
        assert!(
            t.contains("Milestones | — | Due on: 2026-05-01; Title: Survey\n"),
            "{t}"
        );
        assert!(!t.contains("Version") && !t.contains("{"), "{t}");
        let description = r
            .changes
            .iter()
            .find(|c| c.field == "Description")
            .map(|c| c.after.clone())
            .unwrap_or_default();
        assert_eq!(description.chars().count(), LONGEST + 1);
        assert!(description.ends_with('…'));
    }

    #[test]
    fn a_twinning_is_named_by_its_two_sides() {
        let t = |state: &str| {
            json!({
                "id": "9", "state": state, "objectives": "Train staff",
                "partner": {"id": "2", "slug": "jica", "name": "JICA", "kind": "agency"},
                "city": {"id": "1", "slug": "da-nang", "name": "Da Nang", "country_iso2": "VN"},
            })
        };
        let r = readable(&entry(
            "withdraw",
            "twinning",
            Some(t("proposed")),
            Some(t("withdrawn")),
        ));
        assert_eq!(
            table(&r),
            "Twinning between JICA and Da Nang: withdrawn\n/twinnings/0000\nState | proposed | withdrawn\n"
        );
    }

    #[test]
    fn a_record_without_a_name_is_named_by_its_kind() {
        let r = readable(&entry("update", "network", None, Some(json!({"a": 1}))));
        assert_eq!(r.heading(), "Network: updated");
        assert_eq!(r.href, None);
        let comment =
            json!({"id": "5", "project": "p-1", "text": "Which sensors?", "side": "partner"});
        let r = readable(&entry("create", "comment", None, Some(comment)));
        assert_eq!(r.heading(), "Comment: created");
        assert_eq!(r.href.as_deref(), Some("/projects/p-1"));
        assert_eq!(r.changes.len(), 3, "{r:?}");
    }
}

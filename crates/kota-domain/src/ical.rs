//! iCalendar (RFC 5545) text for calendars of events: one `VEVENT` per entry, timed entries in
//! their IANA time zone with a `VTIMEZONE` for each zone used, all-day entries as dates.
//!
//! Written here rather than with a calendar crate because the time zones must be described
//! from chrono-tz's own rules (its offsets and their changes around the entries' years), which
//! no light crate builds; the rest is escaping (§3.3.11) and line folding (§3.1). Pure: the
//! caller gives the entries and the time stamp.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// The `PRODID` of Kota's calendars.
pub const PRODUCT_ID: &str = "-//ASEAN Smart Cities Network//Kota//EN";

/// When a calendar entry takes place.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryTime {
    /// From `start` to `end`, shown on the clocks of `zone`.
    Timed {
        /// Start.
        start: DateTime<Utc>,
        /// End (at or after the start).
        end: DateTime<Utc>,
        /// The time zone of the place.
        zone: Tz,
    },
    /// From `start` to `end` in UTC, for a calendar that names no zone (each reader's
    /// calendar shows it on its own clocks).
    Utc {
        /// Start.
        start: DateTime<Utc>,
        /// End (at or after the start).
        end: DateTime<Utc>,
    },
    /// Whole days, `first` to `last` inclusive.
    AllDay {
        /// First day.
        first: NaiveDate,
        /// Last day.
        last: NaiveDate,
    },
}

/// One entry of a calendar (a `VEVENT`).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    /// Globally unique and stable across downloads, so calendars update the entry in place.
    pub uid: String,
    /// Title.
    pub summary: String,
    /// Where.
    pub location: Option<String>,
    /// What happens (lines separated by `\n`).
    pub description: Option<String>,
    /// When.
    pub when: EntryTime,
}

/// The calendar of `entries` as iCalendar text (CRLF line ends, lines folded at 75 octets),
/// stamped `stamp` (the `DTSTAMP` of every entry).
pub fn calendar(entries: &[CalendarEntry], stamp: DateTime<Utc>) -> String {
    write(None, entries, stamp)
}

/// [`calendar`] with the name calendar applications show for it (`X-WR-CALNAME`).
pub fn named_calendar(name: &str, entries: &[CalendarEntry], stamp: DateTime<Utc>) -> String {
    write(Some(name), entries, stamp)
}

fn write(name: Option<&str>, entries: &[CalendarEntry], stamp: DateTime<Utc>) -> String {
    let mut out = Lines::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line(&format!("PRODID:{PRODUCT_ID}"));
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    if let Some(name) = name {
        out.line(&format!("X-WR-CALNAME:{}", text(name)));
    }
    for (zone, (first, last)) in zones_used(entries) {
        time_zone(&mut out, zone, first, last);
    }
    for entry in entries {
        event(&mut out, entry, stamp);
    }
    out.line("END:VCALENDAR");
    out.text
}

/// Each zone the timed entries use (by name), with the first and last year they fall in.
fn zones_used(entries: &[CalendarEntry]) -> Vec<(Tz, (i32, i32))> {
    let mut zones: BTreeMap<&'static str, (Tz, (i32, i32))> = BTreeMap::new();
    for entry in entries {
        if let EntryTime::Timed { start, end, zone } = &entry.when {
            let (_, years) = zones
                .entry(zone.name())
                .or_insert((*zone, (start.year(), end.year())));
            years.0 = years.0.min(start.year());
            years.1 = years.1.max(end.year());
        }
    }
    zones.into_values().collect()
}

fn event(out: &mut Lines, entry: &CalendarEntry, stamp: DateTime<Utc>) {
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{}", text(&entry.uid)));
    out.line(&format!("DTSTAMP:{}", utc(stamp)));
    match &entry.when {
        EntryTime::Timed { start, end, zone } => {
            let local = |t: &DateTime<Utc>| t.with_timezone(zone).format("%Y%m%dT%H%M%S");
            let name = zone.name();
            out.line(&format!("DTSTART;TZID={name}:{}", local(start)));
            out.line(&format!("DTEND;TZID={name}:{}", local(end.max(start))));
        }
        EntryTime::Utc { start, end } => {
            out.line(&format!("DTSTART:{}", utc(*start)));
            out.line(&format!("DTEND:{}", utc(*end.max(start))));
        }
        EntryTime::AllDay { first, last } => {
            let after = last.max(first).succ_opt().unwrap_or(*last);
            out.line(&format!("DTSTART;VALUE=DATE:{}", first.format("%Y%m%d")));
            out.line(&format!("DTEND;VALUE=DATE:{}", after.format("%Y%m%d")));
        }
    }
    out.line(&format!("SUMMARY:{}", text(&entry.summary)));
    if let Some(location) = &entry.location {
        out.line(&format!("LOCATION:{}", text(location)));
    }
    if let Some(description) = &entry.description {
        out.line(&format!("DESCRIPTION:{}", text(description)));
    }
    out.line("END:VEVENT");
}

/// A UTC time as iCalendar writes it (`20270301T090000Z`).
fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A `VTIMEZONE` for `zone`: the offset in force at the start of `first_year`, and every
/// change of offset until the end of `last_year`, each as a `STANDARD` or `DAYLIGHT`
/// observance.
fn time_zone(out: &mut Lines, zone: Tz, first_year: i32, last_year: i32) {
    let start = year_start(first_year);
    let end = year_start(last_year.saturating_add(1));
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{}", zone.name()));
    let initial = zone.offset_from_utc_datetime(&start.naive_utc());
    observance(out, start, &initial, &initial);
    let mut before = initial;
    for at in transitions(zone, start, end) {
        let after = zone.offset_from_utc_datetime(&at.naive_utc());
        observance(out, at, &before, &after);
        before = after;
    }
    out.line("END:VTIMEZONE");
}

fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.and_utc())
}

/// One observance: from `at` on, the zone's clocks are `to` (they were `from` before).
fn observance(
    out: &mut Lines,
    at: DateTime<Utc>,
    from: &chrono_tz::TzOffset,
    to: &chrono_tz::TzOffset,
) {
    let kind = if to.dst_offset().is_zero() {
        "STANDARD"
    } else {
        "DAYLIGHT"
    };
    // DTSTART is the onset as read on the clocks before it.
    let onset: NaiveDateTime = at.naive_utc() + Duration::seconds(offset_seconds(from).into());
    out.line(&format!("BEGIN:{kind}"));
    out.line(&format!("DTSTART:{}", onset.format("%Y%m%dT%H%M%S")));
    out.line(&format!(
        "TZOFFSETFROM:{}",
        utc_offset(offset_seconds(from))
    ));
    out.line(&format!("TZOFFSETTO:{}", utc_offset(offset_seconds(to))));
    if let Some(name) = to.abbreviation() {
        out.line(&format!("TZNAME:{}", text(name)));
    }
    out.line(&format!("END:{kind}"));
}

fn offset_seconds(offset: &chrono_tz::TzOffset) -> i32 {
    offset.fix().local_minus_utc()
}

/// A UTC offset as iCalendar writes it: `+0800`, `-0330`, `+053328`.
fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// The instants in `[from, to)` at which `zone` changes its offset: found day by day, then
/// to the second.
fn transitions(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let offset_at = |t: DateTime<Utc>| {
        let o = zone.offset_from_utc_datetime(&t.naive_utc());
        (offset_seconds(&o), o.dst_offset())
    };
    let mut found = Vec::new();
    let mut day = from;
    while day < to {
        let next = day + Duration::days(1);
        if offset_at(day) != offset_at(next) {
            // The last second with the old offset, then the first with the new.
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid) == offset_at(lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(hi);
        }
        day = next;
    }
    found
}

/// A TEXT value escaped per RFC 5545 §3.3.11: backslash, semicolon, comma, and line breaks
/// as `\n`.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines, each ended by CRLF and folded so that no line is longer than 75 octets (a
/// continuation starts with one space; a character is never split).
#[derive(Default)]
struct Lines {
    text: String,
}

impl Lines {
    fn line(&mut self, content: &str) {
        let mut width = 0;
        for c in content.chars() {
            let len = c.len_utf8();
            if width + len > 75 {
                self.text.push_str("\r\n ");
                width = 1;
            }
            self.text.push(c);
            width += len;
        }
        self.text.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn entry(when: EntryTime) -> CalendarEntry {
        CalendarEntry {
            uid: "event-1@kota".into(),
            summary: "Brokerage session; cities, partners".into(),
            location: Some("Manila".into()),
            description: Some("09:00 Opening\n10:00 Pitches".into()),
            when,
        }
    }

    #[test]
    fn a_timed_entry_is_written_in_its_zone_with_the_zone_described() {
        let ics = calendar(
            &[entry(EntryTime::Timed {
                start: at("2026-03-10T01:00:00Z"),
                end: at("2026-03-10T09:30:00Z"),
                zone: chrono_tz::Asia::Manila,
            })],
            at("2026-01-01T00:00:00Z"),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.contains("DTSTART;TZID=Asia/Manila:20260310T090000\r\n"));
        assert!(ics.contains("DTEND;TZID=Asia/Manila:20260310T173000\r\n"));
        assert!(ics.contains("TZID:Asia/Manila\r\nBEGIN:STANDARD\r\n"));
        assert!(ics.contains("TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\n"));
        assert!(!ics.contains("DAYLIGHT"));
        assert!(ics.contains("SUMMARY:Brokerage session\\; cities\\, partners\r\n"));
        assert!(ics.contains("DESCRIPTION:09:00 Opening\\n10:00 Pitches\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn a_zone_with_daylight_saving_gets_its_changes() {
        let ics = calendar(
            &[entry(EntryTime::Timed {
                start: at("2026-07-01T00:00:00Z"),
                end: at("2026-07-01T02:00:00Z"),
                zone: chrono_tz::Australia::Sydney,
            })],
            at("2026-01-01T00:00:00Z"),
        );
        // Sydney starts 2026 on summer time, leaves it in April and takes it up in October.
        assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260101T110000\r\n"));
        assert!(ics.contains(
            "BEGIN:STANDARD\r\nDTSTART:20260405T030000\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\n"
        ));
        assert!(ics.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20261004T020000\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\n"
        ));
        assert!(ics.contains("DTSTART;TZID=Australia/Sydney:20260701T100000\r\n"));
    }

    #[test]
    fn an_all_day_entry_ends_the_day_after_its_last() {
        let day = |d| NaiveDate::from_ymd_opt(2019, 6, d).expect("day");
        let ics = calendar(
            &[entry(EntryTime::AllDay {
                first: day(6),
                last: day(7),
            })],
            at("2026-01-01T00:00:00Z"),
        );
        assert!(ics.contains("DTSTART;VALUE=DATE:20190606\r\nDTEND;VALUE=DATE:20190608\r\n"));
        assert!(!ics.contains("VTIMEZONE"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let mut e = entry(EntryTime::AllDay {
            first: NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
            last: NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
        });
        e.summary = "การประชุมเครือข่ายเมืองอัจฉริยะอาเซียน ".repeat(5);
        let ics = calendar(&[e.clone()], at("2026-01-01T00:00:00Z"));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}", e.summary)));
    }

    #[test]
    fn offsets_are_written_with_seconds_only_when_they_have_some() {
        assert_eq!(utc_offset(8 * 3600), "+0800");
        assert_eq!(utc_offset(-(3 * 3600 + 30 * 60)), "-0330");
        assert_eq!(utc_offset(5 * 3600 + 33 * 60 + 28), "+053328");
    }
}

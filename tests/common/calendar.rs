//! Calendars read with a real iCalendar parser (Python's `icalendar`).

use serde_json::Value;

/// Parses a calendar with Python's `icalendar` and answers, per event, its UID, its
/// DTSTART's TZID (or `date` for an all-day one), and the zones described.
pub fn parsed_calendar(text: &str) -> Value {
    let script = r#"
import json, sys
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.read())
events = [{"uid": str(e["UID"]), "summary": str(e["SUMMARY"]),
           "tzid": e["DTSTART"].params.get("TZID") or ("date" if e["DTSTART"].params.get("VALUE") == "DATE" else None),
           "start": e.decoded("DTSTART").isoformat()}
          for e in cal.walk("VEVENT")]
zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
print(json.dumps({"events": events, "zones": zones}))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("calendar written");
    }
    let out = child.wait_with_output().expect("python3 ends");
    assert!(
        out.status.success(),
        "icalendar parses the calendar: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the parser")
}

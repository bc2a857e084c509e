//! Network events: annual meetings, workshops, brokerage sessions and milestones.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::city::CityRef;
use crate::provenance::Source;

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
    /// Name.
    pub name: String,
    /// When.
    pub date: EventDate,
    /// Where, as written.
    pub place: String,
    /// The member city it was held in, when it was held in one.
    pub city: Option<CityRef>,
    /// The chairing member state, when the source names one.
    pub chair: Option<String>,
    /// Sources.
    pub sources: Vec<Source>,
    /// Whether facts about the event are uncertain.
    pub uncertain: bool,
    /// A note.
    pub note: Option<String>,
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

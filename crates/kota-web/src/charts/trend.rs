//! A small trend chart of one indicator of one city: a line through its values by year, a
//! point per value, and its targets as dashed marks; with a title and a text alternative
//! that say the same in words (the page puts a table of the numbers beside it).

use std::fmt::Write;

use kota_domain::indicator::IndicatorSeries;

use super::figure::esc;

/// The drawing's size in its own units (it scales to the width it is given).
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
/// Room for the value labels on the left, the year labels below, and a margin.
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// A number as the chart writes it: as given, without a trailing `.0`.
fn number(v: f64) -> String {
    format!("{v}")
}

/// The series in words, for people who do not see the chart: where it starts and ends, and
/// each target.
pub(crate) fn summary(s: &IndicatorSeries) -> String {
    let unit = &s.unit;
    let mut text = match (s.values.first(), s.values.last()) {
        (Some(first), Some(last)) if s.values.len() > 1 => format!(
            "{} values from {} {unit} in {} to {} {unit} in {}.",
            s.values.len(),
            number(first.value),
            first.year,
            number(last.value),
            last.year
        ),
        (Some(only), _) => format!("One value: {} {unit} in {}.", number(only.value), only.year),
        _ => "No values yet.".to_owned(),
    };
    for t in &s.targets {
        let _ = write!(text, " Target: {} {unit} by {}.", number(t.value), t.year);
    }
    text
}

/// Maps `[from, to]` onto `[start, end]` (the middle when the range is a single value).
fn scale(from: f64, to: f64, start: f64, end: f64) -> impl Fn(f64) -> f64 {
    move |v| {
        if to > from {
            start + (v - from) / (to - from) * (end - start)
        } else {
            (start + end) / 2.0
        }
    }
}

/// The chart of `s` as inline SVG; `id` makes its title's and text alternative's ids unique
/// on the page. Its value points are the `circle`s of class `point`, one per value.
pub(crate) fn svg(s: &IndicatorSeries, city: &str, id: &str) -> String {
    let years = s
        .values
        .iter()
        .map(|p| p.year)
        .chain(s.targets.iter().map(|t| t.year));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let numbers = s
        .values
        .iter()
        .map(|p| p.value)
        .chain(s.targets.iter().map(|t| t.value));
    let (low, high) = numbers.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let x = scale(f64::from(first), f64::from(last), LEFT, WIDTH - RIGHT);
    let y = scale(low, high, HEIGHT - BOTTOM, TOP);
    let title = if first < last {
        format!("{} in {city}, {first}–{last}", s.name)
    } else {
        format!("{} in {city}, {first}", s.name)
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        esc(&title),
        esc(&summary(s))
    );
    if s.values.is_empty() && s.targets.is_empty() {
        out.push_str("</svg>");
        return out;
    }
    // Axes, with the lowest and highest value and the first and last year written on them.
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        "<g stroke=\"#6b6b6b\" stroke-width=\"1\"><line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{base}\"/>\
         <line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/></g>\
         <g fill=\"#333\" font-size=\"11\" font-family=\"sans-serif\">\
         <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        WIDTH - RIGHT,
        LEFT - 4.0,
        y(high) + 4.0,
        esc(&number(high)),
    );
    if high > low {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 4.0,
            y(low) + 4.0,
            esc(&number(low))
        );
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{first}</text>",
        x(f64::from(first)),
        HEIGHT - 8.0
    );
    if last > first {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{last}</text>",
            x(f64::from(last)),
            HEIGHT - 8.0
        );
    }
    out.push_str("</g>");
    let points: Vec<(f64, f64)> = s
        .values
        .iter()
        .map(|p| (x(f64::from(p.year)), y(p.value)))
        .collect();
    if points.len() > 1 {
        let line: Vec<String> = points
            .iter()
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"2\"/>",
            line.join(" ")
        );
    }
    for (p, (px, py)) in s.values.iter().zip(&points) {
        let _ = write!(
            out,
            "<circle class=\"point\" cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\" fill=\"#1f5f8b\">\
             <title>{}: {}</title></circle>",
            p.year,
            esc(&format!("{} {}", number(p.value), s.unit))
        );
    }
    for t in &s.targets {
        let (tx, ty) = (x(f64::from(t.year)), y(t.value));
        let _ = write!(
            out,
            "<g class=\"target\"><line x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{:.1}\" y2=\"{ty:.1}\" \
             stroke=\"#a04000\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\
             <path d=\"M{tx:.1} {:.1} l5 5 l-5 5 l-5 -5 z\" fill=\"#a04000\">\
             <title>Target for {}: {}</title></path></g>",
            WIDTH - RIGHT,
            ty - 5.0,
            t.year,
            esc(&format!("{} {}", number(t.value), s.unit))
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use kota_domain::indicator::{SeriesPoint, TargetPoint, Verification};

    use super::*;

    fn series() -> IndicatorSeries {
        let point = |year, value| SeriesPoint {
            year,
            value,
            source: "Example".into(),
            verification: Verification::SelfReported,
            version: 1,
        };
        IndicatorSeries {
            code: "pm25".into(),
            name: "PM2.5 <annual>".into(),
            unit: "µg/m³".into(),
            values: vec![point(2019, 24.0), point(2021, 22.0), point(2023, 21.5)],
            targets: vec![TargetPoint {
                year: 2030,
                value: 15.0,
            }],
        }
    }

    #[test]
    fn one_point_per_value_and_the_target() {
        let svg = svg(&series(), "Bangkok", "pm25");
        assert_eq!(svg.matches("class=\"point\"").count(), 3);
        assert_eq!(svg.matches("class=\"target\"").count(), 1);
        assert!(svg.contains(
            "<title id=\"pm25-title\">PM2.5 &lt;annual&gt; in Bangkok, 2019–2030</title>"
        ));
        assert!(svg.contains(
            "3 values from 24 µg/m³ in 2019 to 21.5 µg/m³ in 2023. Target: 15 µg/m³ by 2030."
        ));
    }

    #[test]
    fn the_first_year_is_on_the_left_and_the_highest_value_at_the_top() {
        let svg = svg(&series(), "Bangkok", "x");
        assert!(
            svg.contains(&format!("cx=\"{LEFT:.1}\" cy=\"{TOP:.1}\"")),
            "{svg}"
        );
    }

    #[test]
    fn a_single_value_sits_in_the_middle() {
        let mut s = series();
        s.values.truncate(1);
        s.targets.clear();
        let svg = svg(&s, "Bangkok", "x");
        assert_eq!(svg.matches("class=\"point\"").count(), 1);
        assert!(!svg.contains("<polyline"));
    }
}

//! Snippets: a piece of a record's text around the words a query found, as safe HTML.

use kota_text::{Word, words};

use crate::analysis::{Unit, runs, typos_forgiven};

/// Words shown before the first word found.
const BEFORE: usize = 8;
/// Words shown in all.
const SHOWN: usize = 28;

/// A piece of `text` around the first word `units` find, escaped, with the words found in
/// `<mark>`; none when no word of the text is found.
pub(crate) fn snippet(text: &str, units: &[Unit]) -> Option<String> {
    let words = words(text);
    let marked = marked(&words, units);
    let first = marked.iter().position(|m| *m)?;
    let from = first.saturating_sub(BEFORE);
    let to = (from + SHOWN).min(words.len());
    let start = if from == 0 { 0 } else { words[from].start };
    let end = if to == words.len() {
        text.len()
    } else {
        words[to - 1].end
    };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for (word, mark) in words[from..to].iter().zip(&marked[from..to]) {
        if !mark {
            continue;
        }
        escape_into(&mut out, &text[at..word.start]);
        out.push_str("<mark>");
        escape_into(&mut out, &text[word.start..word.end]);
        out.push_str("</mark>");
        at = word.end;
    }
    escape_into(&mut out, &text[at..end]);
    if end < text.len() {
        out.push('…');
    }
    Some(out)
}

/// The beginning of `text`, escaped, for a record found by a field the snippet does not show.
pub(crate) fn opening(text: &str) -> String {
    let words = words(text);
    let mut out = String::new();
    match words.get(SHOWN) {
        Some(w) => {
            escape_into(&mut out, &text[..w.start]);
            out.push('…');
        }
        None => escape_into(&mut out, text),
    }
    out
}

/// Which of `words` a query's units find.
fn marked(words: &[Word], units: &[Unit]) -> Vec<bool> {
    let mut marks = vec![false; words.len()];
    let last = units.len().saturating_sub(1);
    for (n, unit) in units.iter().enumerate() {
        match unit {
            Unit::Word(q) => {
                let typos = typos_forgiven(&q.folded);
                for (i, w) in words.iter().enumerate() {
                    if w.text == q.text
                        || w.folded == q.folded
                        || (n == last && w.folded.starts_with(&q.folded))
                        || (typos > 0 && edits(&w.folded, &q.folded) <= usize::from(typos))
                    {
                        marks[i] = true;
                    }
                }
            }
            Unit::Run { words: qw, .. } => {
                let needle: String = qw.iter().map(|w| w.text.as_str()).collect();
                mark_in_runs(words, &needle, &mut marks);
            }
        }
    }
    marks
}

/// Marks the words of the text's spaceless runs that hold `needle`, wherever a dictionary cut.
fn mark_in_runs(words: &[Word], needle: &str, marks: &mut [bool]) {
    if needle.is_empty() {
        return;
    }
    for range in runs(words) {
        let first = range.start;
        let run = &words[range];
        let mut joined = String::new();
        let mut bounds = Vec::with_capacity(run.len());
        for w in run {
            let from = joined.len();
            joined.push_str(&w.text);
            bounds.push((from, joined.len()));
        }
        for (at, _) in joined.match_indices(needle) {
            let until = at + needle.len();
            for (k, (from, to)) in bounds.iter().enumerate() {
                if *from < until && at < *to {
                    marks[first + k] = true;
                }
            }
        }
    }
}

/// The edit distance between two words, in characters.
pub(crate) fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Appends `text` with HTML's special characters escaped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

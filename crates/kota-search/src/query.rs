//! From a query's units to the index's query: every unit must match; each may match in
//! several ways, scored so that a closer match ranks higher.
//!
//! What a query costs grows with the words it reaches, so the reach is bounded: a word typed
//! in part tries only its [`COMPLETIONS`] most frequent completions, and typos are forgiven
//! only when the words as typed find too little (the caller's second try, [`Typos::Forgiven`]),
//! and then only in words that no record holds.

use std::collections::HashMap;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::analysis::{Unit, typos_forgiven};
use crate::index::Fields;
use crate::{Audience, Query as Asked};

/// The fewest letters of a last word before it also matches the words it begins.
const PREFIX_FROM: usize = 2;

/// How many completions of a word typed in part are tried: the most frequent.
const COMPLETIONS: usize = 10;

/// How many words of a field's dictionary that begin with a typed part are read, at most,
/// to choose its completions.
const COMPLETIONS_READ: usize = 10_000;

/// Whether long words also match the words one or two edits away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typos {
    /// Words match as typed (and begun, for the last).
    Exact,
    /// Long Latin words also match with a typo.
    Forgiven,
}

/// Boosts: a title before a text, a word as written before its folded form, a whole word
/// before a word begun or mistyped, dictionary words before character pairs.
mod boost {
    pub const TITLE_EXACT: f32 = 8.0;
    pub const TITLE_FOLDED: f32 = 5.0;
    pub const BODY_EXACT: f32 = 3.0;
    pub const BODY_FOLDED: f32 = 2.0;
    pub const TITLE_GRAMS: f32 = 2.5;
    pub const BODY_GRAMS: f32 = 1.0;
    pub const TITLE_PREFIX: f32 = 2.0;
    pub const BODY_PREFIX: f32 = 0.8;
    pub const TITLE_TYPO: f32 = 1.5;
    pub const BODY_TYPO: f32 = 0.6;
}

fn term(field: Field, text: &str) -> Term {
    Term::from_field_text(field, text)
}

fn boosted(query: Box<dyn Query>, by: f32) -> (Occur, Box<dyn Query>) {
    (Occur::Should, Box::new(BoostQuery::new(query, by)))
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        term(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// A phrase of `texts` in `field` (a single term when there is one).
fn phrase(field: Field, texts: &[String]) -> Box<dyn Query> {
    if texts.len() == 1 {
        return term_query(field, &texts[0]);
    }
    Box::new(PhraseQuery::new(
        texts.iter().map(|t| term(field, t)).collect(),
    ))
}

/// The words of `field` that begin with `part` (`part` itself aside), the most frequent
/// first, at most [`COMPLETIONS`].
fn completions(searcher: &Searcher, field: Field, part: &str) -> tantivy::Result<Vec<String>> {
    let mut found: HashMap<Vec<u8>, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let index = segment.inverted_index(field)?;
        let mut stream = index.terms().range().ge(part).into_stream()?;
        let mut read = 0;
        while read < COMPLETIONS_READ && stream.advance() {
            let word = stream.key();
            if !word.starts_with(part.as_bytes()) {
                break;
            }
            read += 1;
            if word != part.as_bytes() {
                *found.entry(word.to_vec()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    let mut ranked: Vec<(Vec<u8>, u64)> = found.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(ranked
        .into_iter()
        .take(COMPLETIONS)
        .filter_map(|(word, _)| String::from_utf8(word).ok())
        .collect())
}

/// The words that begin with `part`, in each of `fields`: one score for any of them, so
/// that a rare completion does not outrank a frequent one.
fn begun(
    searcher: &Searcher,
    fields: [(Field, f32); 2],
    part: &str,
    ways: &mut Vec<(Occur, Box<dyn Query>)>,
) -> tantivy::Result<()> {
    for (field, by) in fields {
        let words: Vec<(Occur, Box<dyn Query>)> = completions(searcher, field, part)?
            .iter()
            .map(|word| (Occur::Should, term_query(field, word)))
            .collect();
        if !words.is_empty() {
            let any = BooleanQuery::new(words);
            ways.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(any), by)),
            ));
        }
    }
    Ok(())
}

/// The ways one unit may match.
fn unit_query(
    f: &Fields,
    searcher: &Searcher,
    unit: &Unit,
    last: bool,
    typos: Typos,
) -> tantivy::Result<Box<dyn Query>> {
    let mut ways = Vec::new();
    match unit {
        Unit::Word(w) => {
            let mut whole = vec![
                (f.title_folded, &w.folded, boost::TITLE_FOLDED),
                (f.body_folded, &w.folded, boost::BODY_FOLDED),
            ];
            // A word typed without marks matches its folded form, which holds its exact one.
            if w.text != w.folded {
                whole.push((f.title_exact, &w.text, boost::TITLE_EXACT));
                whole.push((f.body_exact, &w.text, boost::BODY_EXACT));
            }
            for (field, text, by) in whole {
                ways.push(boosted(term_query(field, text), by));
            }
            let forgiven = typos_forgiven(&w.folded);
            if typos == Typos::Forgiven && forgiven > 0 && unknown(f, searcher, &w.folded)? {
                for (field, by) in [
                    (f.title_folded, boost::TITLE_TYPO),
                    (f.body_folded, boost::BODY_TYPO),
                ] {
                    let fuzzy = FuzzyTermQuery::new(term(field, &w.folded), forgiven, true);
                    ways.push(boosted(Box::new(fuzzy), by));
                }
            }
            if last && w.folded.chars().count() >= PREFIX_FROM {
                let fields = [
                    (f.title_folded, boost::TITLE_PREFIX),
                    (f.body_folded, boost::BODY_PREFIX),
                ];
                begun(searcher, fields, &w.folded, &mut ways)?;
            }
        }
        Unit::Run { words, grams } => {
            let texts: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
            ways.push(boosted(phrase(f.title_exact, &texts), boost::TITLE_EXACT));
            ways.push(boosted(phrase(f.body_exact, &texts), boost::BODY_EXACT));
            ways.push(boosted(phrase(f.title_grams, grams), boost::TITLE_GRAMS));
            ways.push(boosted(phrase(f.body_grams, grams), boost::BODY_GRAMS));
            if last && grams.len() == 1 {
                let fields = [
                    (f.title_grams, boost::TITLE_PREFIX),
                    (f.body_grams, boost::BODY_PREFIX),
                ];
                begun(searcher, fields, &grams[0], &mut ways)?;
            }
        }
    }
    Ok(Box::new(BooleanQuery::new(ways)))
}

/// Whether `folded` is no word of any record's title or text.
fn unknown(f: &Fields, searcher: &Searcher, folded: &str) -> tantivy::Result<bool> {
    for field in [f.title_folded, f.body_folded] {
        if searcher.doc_freq(&term(field, folded))? > 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether any unit would match differently with typos forgiven: a word long enough to be
/// forgiven a typo that no record holds. A word some record holds is taken as meant.
pub(crate) fn mistyped(f: &Fields, searcher: &Searcher, units: &[Unit]) -> tantivy::Result<bool> {
    for unit in units {
        if let Unit::Word(w) = unit
            && typos_forgiven(&w.folded) > 0
            && unknown(f, searcher, &w.folded)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A condition that filters without scoring.
fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

/// The term of a facet value (`/country/TH`).
pub(crate) fn facet_term(f: &Fields, facet: &str, value: &str) -> Term {
    Term::from_facet(f.facets, &Facet::from_path([facet, value]))
}

/// The whole query: every unit, the filters asked for, and what the viewer may see.
pub(crate) fn build(
    f: &Fields,
    searcher: &Searcher,
    units: &[Unit],
    asked: &Asked,
    typos: Typos,
) -> tantivy::Result<Box<dyn Query>> {
    let last = units.len().saturating_sub(1);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(units.len() + 5);
    for (i, unit) in units.iter().enumerate() {
        let ways = unit_query(f, searcher, unit, i == last, typos)?;
        clauses.push((Occur::Must, ways));
    }
    let facet = |name: &str, value: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            facet_term(f, name, value),
            IndexRecordOption::Basic,
        ))
    };
    if let Some(kind) = asked.kind {
        clauses.push(filter(facet("type", kind.as_str())));
    }
    if let Some(country) = &asked.country {
        clauses.push(filter(facet("country", country)));
    }
    if let Some(area) = &asked.focus_area {
        clauses.push(filter(facet("focus_area", area)));
    }
    if let Some(year) = asked.year {
        clauses.push(filter(facet("year", &year.to_string())));
    }
    if asked.audience == Audience::Anonymous {
        clauses.push(filter(Box::new(TermQuery::new(
            term(f.audience, crate::Visibility::Public.as_str()),
            IndexRecordOption::Basic,
        ))));
    }
    // A lone unit is asked as itself: a union of words, which ranks its best without
    // scoring every record it finds.
    if clauses.len() == 1 {
        return Ok(clauses.remove(0).1);
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

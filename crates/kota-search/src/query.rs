//! From a query's units to the index's query: every unit must match; each may match in
//! several ways, scored so that a closer match ranks higher.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};

use crate::analysis::{Unit, typos_forgiven};
use crate::index::Fields;
use crate::{Audience, Query as Asked};

/// The fewest letters of a last word before it also matches the words it begins.
const PREFIX_FROM: usize = 2;

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

/// The ways one unit may match.
fn unit_query(f: &Fields, unit: &Unit, last: bool) -> Box<dyn Query> {
    let mut ways = Vec::new();
    match unit {
        Unit::Word(w) => {
            ways.push(boosted(
                term_query(f.title_exact, &w.text),
                boost::TITLE_EXACT,
            ));
            ways.push(boosted(
                term_query(f.body_exact, &w.text),
                boost::BODY_EXACT,
            ));
            ways.push(boosted(
                term_query(f.title_folded, &w.folded),
                boost::TITLE_FOLDED,
            ));
            ways.push(boosted(
                term_query(f.body_folded, &w.folded),
                boost::BODY_FOLDED,
            ));
            let typos = typos_forgiven(&w.folded);
            if typos > 0 {
                for (field, by) in [
                    (f.title_folded, boost::TITLE_TYPO),
                    (f.body_folded, boost::BODY_TYPO),
                ] {
                    let fuzzy = FuzzyTermQuery::new(term(field, &w.folded), typos, true);
                    ways.push(boosted(Box::new(fuzzy), by));
                }
            }
            if last && w.folded.chars().count() >= PREFIX_FROM {
                for (field, by) in [
                    (f.title_folded, boost::TITLE_PREFIX),
                    (f.body_folded, boost::BODY_PREFIX),
                ] {
                    let begun = FuzzyTermQuery::new_prefix(term(field, &w.folded), 0, true);
                    ways.push(boosted(Box::new(begun), by));
                }
            }
        }
        Unit::Run { words, grams } => {
            let texts: Vec<String> = words.iter().map(|w| w.text.clone()).collect();
            ways.push(boosted(phrase(f.title_exact, &texts), boost::TITLE_EXACT));
            ways.push(boosted(phrase(f.body_exact, &texts), boost::BODY_EXACT));
            ways.push(boosted(phrase(f.title_grams, grams), boost::TITLE_GRAMS));
            ways.push(boosted(phrase(f.body_grams, grams), boost::BODY_GRAMS));
            if last && grams.len() == 1 {
                for (field, by) in [
                    (f.title_grams, boost::TITLE_PREFIX),
                    (f.body_grams, boost::BODY_PREFIX),
                ] {
                    let begun = FuzzyTermQuery::new_prefix(term(field, &grams[0]), 0, true);
                    ways.push(boosted(Box::new(begun), by));
                }
            }
        }
    }
    Box::new(BooleanQuery::new(ways))
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
pub(crate) fn build(f: &Fields, units: &[Unit], asked: &Asked) -> Box<dyn Query> {
    let last = units.len().saturating_sub(1);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (Occur::Must, unit_query(f, u, i == last)))
        .collect();
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
    Box::new(BooleanQuery::new(clauses))
}

//! How a text becomes the tokens of the index's fields, and a query the units it must match.

use kota_text::{Word, clusters, words};
use tantivy::tokenizer::Token;

/// The tokens of one text for the three kinds of field.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// Each word as written (normalised, marks kept).
    pub(crate) exact: Vec<Token>,
    /// Each word folded.
    pub(crate) folded: Vec<Token>,
    /// Pairs of characters of the runs of spaceless scripts (a run of one character: itself).
    pub(crate) grams: Vec<Token>,
}

/// Positions left free between two runs, so that no phrase spans them.
const RUN_GAP: usize = 2;

fn token(word: &Word, text: &str, position: usize) -> Token {
    Token {
        offset_from: word.start,
        offset_to: word.end,
        position,
        text: text.to_owned(),
        position_length: 1,
    }
}

/// The tokens of `text`.
pub(crate) fn tokens(text: &str) -> Tokens {
    let words = words(text);
    let mut out = Tokens::default();
    for (position, word) in words.iter().enumerate() {
        out.exact.push(token(word, &word.text, position));
        out.folded.push(token(word, &word.folded, position));
    }
    let mut position = 0;
    for range in runs(&words) {
        let run = &words[range];
        let joined: String = run.iter().map(|w| w.text.as_str()).collect();
        let (start, end) = (run[0].start, run[run.len() - 1].end);
        for gram in grams(&joined) {
            out.grams.push(Token {
                offset_from: start,
                offset_to: end,
                position,
                text: gram,
                position_length: 1,
            });
            position += 1;
        }
        position += RUN_GAP;
    }
    out
}

/// The runs of spaceless-script words that touch each other (no space or sign between).
pub(crate) fn runs(words: &[Word]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !words[i].spaceless {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < words.len() && words[j].spaceless && words[j].start == words[j - 1].end {
            j += 1;
        }
        out.push(i..j);
        i = j;
    }
    out
}

/// The pairs of user-perceived characters of a normalised run, in order; a run of one
/// character is its own single gram.
pub(crate) fn grams(run: &str) -> Vec<String> {
    let cs = clusters(run);
    if cs.len() == 1 {
        return vec![cs[0].to_owned()];
    }
    cs.windows(2).map(|w| format!("{}{}", w[0], w[1])).collect()
}

/// What one part of a query must match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Unit {
    /// A word of a script written with spaces.
    Word(Word),
    /// A run of a spaceless script: its dictionary words and its character pairs.
    Run {
        /// The words the dictionary found in it.
        words: Vec<Word>,
        /// Its character pairs.
        grams: Vec<String>,
    },
}

/// The units of a query, in order.
pub(crate) fn units(query: &str) -> Vec<Unit> {
    let words = words(query);
    let mut runs = runs(&words).into_iter().peekable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match runs.next_if(|r| r.start == i) {
            Some(range) => {
                let run = &words[range.clone()];
                let joined: String = run.iter().map(|w| w.text.as_str()).collect();
                out.push(Unit::Run {
                    words: run.to_vec(),
                    grams: grams(&joined),
                });
                i = range.end;
            }
            None => {
                out.push(Unit::Word(words[i].clone()));
                i += 1;
            }
        }
    }
    out
}

/// How many edits a typed word is forgiven: none below 5 letters, one from 5, two from 9;
/// only for words of Latin letters (other scripts' letters carry too much of a word).
pub(crate) fn typos_forgiven(folded: &str) -> u8 {
    if !folded.chars().all(|c| c.is_ascii_alphabetic()) {
        return 0;
    }
    match folded.chars().count() {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

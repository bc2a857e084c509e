//! The words of a text in any language of the network, made comparable.
//!
//! One analysis serves indexing, querying and comparing, so a query is cut into words exactly
//! as the text it should find was:
//! - words are found by Unicode's word-break rules, and in Thai, Lao, Khmer and Burmese (written
//!   without spaces) by ICU's bundled dictionaries;
//! - each word is compared in its normal form (composed, NFC) and lower case, so composed and
//!   decomposed input match;
//! - each word also has a folded form in which Latin letters lose their marks and `đ` reads
//!   `d` ("Đà Nẵng" folds to "da nang"); letters of other scripts are never folded, so Thai
//!   vowels and tone marks stay (วิทยุ stays วิทยุ).

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, Script};
use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{GraphemeClusterSegmenter, WordSegmenter};

/// One word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word in composed normal form and lower case, marks kept ("nẵng").
    pub text: String,
    /// The word with Latin marks removed and `đ` as `d` ("nang"); equal to `text` in other
    /// scripts.
    pub folded: String,
    /// Byte offset of the word's start in the analysed text.
    pub start: usize,
    /// Byte offset just past the word's end in the analysed text.
    pub end: usize,
    /// Whether the word is in a script written without spaces between words (Thai, Lao,
    /// Khmer, Burmese), where a dictionary found its bounds.
    pub spaceless: bool,
}

/// The words of `text`, in order, with their places in it. Punctuation, spaces and symbols
/// are not words; numbers are.
pub fn words(text: &str) -> Vec<Word> {
    let segmenter = WordSegmenter::new_dictionary(WordBreakInvariantOptions::default());
    let mut out = Vec::new();
    let mut start = 0;
    for (end, kind) in segmenter.segment_str(text).iter_with_word_type() {
        if end > start && kind.is_word_like() {
            let raw = &text[start..end];
            let normal = normalize(raw);
            out.push(Word {
                folded: fold_word(&normal),
                spaceless: raw.chars().any(is_spaceless),
                text: normal,
                start,
                end,
            });
        }
        start = end;
    }
    out
}

/// The user-perceived characters (grapheme clusters) of a normalised word, each a letter with
/// its marks ("วิ", "ท", "ยุ"): the units in which a word of a spaceless script can be matched
/// inside a longer word that a dictionary cut differently.
pub fn clusters(word: &str) -> Vec<&str> {
    let bounds: Vec<usize> = GraphemeClusterSegmenter::new().segment_str(word).collect();
    bounds.windows(2).map(|w| &word[w[0]..w[1]]).collect()
}

/// Where to cut `text` to keep at most `max` user-perceived characters: after the last whole
/// word that fits (in every script, Thai's too), or between two characters when no word
/// does; none when all of `text` fits.
pub fn cut_point(text: &str, max: usize) -> Option<usize> {
    let characters = clusters(text);
    if characters.len() <= max {
        return None;
    }
    let fits: usize = characters[..max].iter().map(|c| c.len()).sum();
    let after_word = words(text)
        .iter()
        .rev()
        .map(|w| w.end)
        .find(|&end| end <= fits);
    Some(after_word.unwrap_or(fits))
}

/// `text` in composed normal form (NFC) and lower case.
pub fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&lower)
        .into_owned()
}

/// The folded words of `text` joined by single spaces: what two names must share to be the
/// same name written with or without marks ("Thừa Thiên Huế" and "thua thien hue").
pub fn fold(text: &str) -> String {
    words(text)
        .into_iter()
        .map(|w| w.folded)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes the marks of Latin letters from a normalised word and reads `đ` as `d`.
fn fold_word(normal: &str) -> String {
    if !normal.chars().any(is_latin) {
        return normal.to_owned();
    }
    let category = CodePointMapData::<GeneralCategory>::new();
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(normal);
    let mut out = String::with_capacity(decomposed.len());
    let mut base_is_latin = false;
    for c in decomposed.chars() {
        if category.get(c) == GeneralCategory::NonspacingMark {
            if !base_is_latin {
                out.push(c);
            }
            continue;
        }
        base_is_latin = is_latin(c);
        out.push(match c {
            'đ' | 'Đ' => 'd',
            other => other,
        });
    }
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&out)
        .into_owned()
}

fn is_latin(c: char) -> bool {
    CodePointMapData::<Script>::new().get(c) == Script::Latin
}

/// Whether `c` belongs to a script written without spaces between words.
pub fn is_spaceless(c: char) -> bool {
    matches!(
        CodePointMapData::<Script>::new().get(c),
        Script::Thai | Script::Lao | Script::Khmer | Script::Myanmar
    )
}

#[cfg(test)]
mod tests;

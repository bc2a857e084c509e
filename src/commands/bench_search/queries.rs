//! The benchmark's queries, by class: the reference benchmark's classes over the Latin
//! vocabulary (a rare word, two rare words, a common word, two common words), and the
//! network's own: Vietnamese with and without its marks, Thai and the other scripts written
//! without spaces, a word typed in part, a typo, a place's name in any script.

use super::corpus::{Draws, Language, Vocabularies};

/// Ranks of rare words (each in well under 1% of the documents of its language).
const RARE: (usize, usize) = (20, 20_000);
/// Ranks of common words (each in roughly 2 to 20% of the documents of its language).
const COMMON: (usize, usize) = (20, 200);
/// Ranks of the Vietnamese syllables asked for (the language has only a few thousand).
const VIETNAMESE: (usize, usize) = (20, 2_000);

/// The classes, in the order they are reported, with what each asks.
pub(super) const CLASSES: [(&str, &str); 12] = [
    ("term", "one rare Latin-script word"),
    ("and2", "two rare Latin-script words"),
    ("common_term", "one common Latin-script word"),
    ("common_and2", "two common Latin-script words"),
    ("vietnamese", "two Vietnamese syllables with their marks"),
    ("vietnamese_folded", "the same typed without marks"),
    ("thai", "a two-syllable Thai word inside runs"),
    (
        "khmer_lao_burmese",
        "a Khmer, Lao or Burmese word inside runs",
    ),
    (
        "thai_prefix",
        "a Thai word typed in part (its first syllable)",
    ),
    (
        "prefix",
        "a rare Latin-script word typed in part (three letters)",
    ),
    ("typo", "a rare Latin-script word with one letter wrong"),
    (
        "place",
        "a GeoNames place by one of its names, in any script",
    ),
];

/// One query of a class.
pub(super) struct Asked {
    /// Its class (a name of [`CLASSES`]).
    pub(super) class: &'static str,
    /// What is typed.
    pub(super) text: String,
}

/// `per_class` queries of each class: `places` are the names of each place.
pub(super) fn queries(
    vocabularies: &Vocabularies,
    places: &[Vec<String>],
    per_class: usize,
    seed: u64,
) -> Vec<Asked> {
    let mut draws = Draws::new(seed, 2);
    let word = |language: Language, (lo, hi): (usize, usize), draws: &mut Draws| -> String {
        let words = &vocabularies.of(language).words;
        words[draws.between(lo, hi.min(words.len()))].clone()
    };
    let mut out = Vec::new();
    for (class, _) in CLASSES {
        for _ in 0..per_class {
            let d = &mut draws;
            let text = match class {
                "term" => word(Language::Latin, RARE, d),
                "and2" => format!(
                    "{} {}",
                    word(Language::Latin, RARE, d),
                    word(Language::Latin, RARE, d)
                ),
                "common_term" => word(Language::Latin, COMMON, d),
                "common_and2" => format!(
                    "{} {}",
                    word(Language::Latin, COMMON, d),
                    word(Language::Latin, COMMON, d)
                ),
                "vietnamese" | "vietnamese_folded" => {
                    let marked = format!(
                        "{} {}",
                        word(Language::Vietnamese, VIETNAMESE, d),
                        word(Language::Vietnamese, VIETNAMESE, d)
                    );
                    if class == "vietnamese" {
                        marked
                    } else {
                        kota_text::fold(&marked)
                    }
                }
                "thai" => word(Language::Thai, RARE, d),
                "khmer_lao_burmese" => {
                    let language = [Language::Khmer, Language::Lao, Language::Burmese][d.below(3)];
                    word(language, RARE, d)
                }
                "thai_prefix" => {
                    let w = word(Language::Thai, RARE, d);
                    first_syllable(&w)
                }
                "prefix" => word(Language::Latin, RARE, d).chars().take(3).collect(),
                "typo" => typo(&word(Language::Latin, RARE, d), d),
                _ => {
                    let names = &places[d.below(places.len())];
                    names[d.below(names.len())].clone()
                }
            };
            out.push(Asked { class, text });
        }
    }
    out
}

/// The first half of a two-syllable word, by its user-perceived characters.
fn first_syllable(word: &str) -> String {
    let clusters = kota_text::clusters(word);
    clusters[..clusters.len().div_ceil(2)].concat()
}

/// `word` with one letter (not its first nor its last) replaced by another.
fn typo(word: &str, draws: &mut Draws) -> String {
    let mut letters: Vec<char> = word.chars().collect();
    let at = draws.between(1, letters.len() - 1);
    let was = letters[at];
    let mut by = char::from(b'a' + draws.below(26) as u8);
    if by == was {
        by = if was == 'z' {
            'a'
        } else {
            char::from(was as u8 + 1)
        };
    }
    letters[at] = by;
    letters.into_iter().collect()
}

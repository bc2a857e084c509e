//! The terms of a project's text that carry evidence: its words in folded form, spelled one
//! way (British and American spellings, common suffixes), without the words every project
//! uses ("smart", "system", "project") and without its city's names.

use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Words that say nothing about which project a record is: function words and the generic
/// words of smart-city projects, in English, Malay/Indonesian, Filipino and Vietnamese
/// (folded, in their normalised spelling as [`normalise`] leaves them).
const STOP_WORDS: &[&str] = &[
    // English function words.
    "a",
    "an",
    "and",
    "the",
    "of",
    "for",
    "in",
    "on",
    "at",
    "to",
    "by",
    "with",
    "from",
    "into",
    "its",
    "it",
    "is",
    "are",
    "be",
    "as",
    "or",
    "our",
    "we",
    "this",
    "that",
    "via",
    "all",
    "through",
    "based",
    "goes",
    // Generic words of smart-city projects.
    "smart",
    "system",
    "project",
    "city",
    "development",
    "program",
    "programme",
    "phase",
    "new",
    "centre",
    "initiative",
    "integrated",
    "integration",
    "digital",
    "platform",
    "plan",
    "management",
    "service",
    "solution",
    "improving",
    "improvement",
    "establishment",
    "implementation",
    "introduction",
    "urban",
    "municipal",
    "sustainable",
    "strategy",
    "strategic",
    "intelligent",
    "innovation",
    "network",
    "pilot",
    "upgrade",
    // Malay / Indonesian.
    "dan",
    "di",
    "ke",
    "dari",
    "untuk",
    "yang",
    "pintar",
    "sistem",
    "projek",
    "proyek",
    "kota",
    "bandar",
    "pembangunan",
    "pengurusan",
    "pengelolaan",
    "baru",
    "pusat",
    // Filipino.
    "ng",
    "sa",
    "mga",
    "lungsod",
    // Vietnamese (folded).
    "va",
    "cua",
    "cho",
    "thong",
    "minh",
    "thanh",
    "pho",
    "du",
    "he",
    "phat",
    "trien",
];

/// [`STOP_WORDS`] as [`normalise`] leaves them.
static STOP_TERMS: LazyLock<BTreeSet<String>> =
    LazyLock::new(|| STOP_WORDS.iter().map(|w| normalise(w)).collect());

/// `word` (folded, lower case) in one spelling: British forms read as American ones
/// ("centre" → "center", "revitalise" → "revitalize") and common suffixes dropped, so that
/// "Revitalise" and "Revitalisation", "Upgrade" and "Upgrading" meet.
pub fn normalise(word: &str) -> String {
    if !word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    for (british, american) in [
        ("programme", "program"),
        ("centre", "center"),
        ("metre", "meter"),
        ("theatre", "theater"),
        ("colour", "color"),
        ("harbour", "harbor"),
        ("neighbour", "neighbor"),
        ("labour", "labor"),
        ("kampung", "kampong"),
    ] {
        if let Some(rest) = w.strip_suffix(british) {
            w = format!("{rest}{american}");
        } else if let Some(rest) = w.strip_suffix(&format!("{british}s")) {
            w = format!("{rest}{american}s");
        }
    }
    // -ise / -isation / -ising / -ised read as -ize …
    for (british, american) in [
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("yse", "yze"),
    ] {
        if w.len() > british.len() + 3
            && let Some(rest) = w.strip_suffix(british)
        {
            w = format!("{rest}{american}");
            break;
        }
    }
    let once = stem(&w);
    stem(&once)
}

/// Drops one common English suffix when a stem of at least four letters remains.
fn stem(word: &str) -> String {
    const SUFFIXES: &[(&str, &str)] = &[
        ("izations", ""),
        ("ization", ""),
        ("tations", "t"),
        ("tation", "t"),
        ("ations", "at"),
        ("ation", "at"),
        ("ments", ""),
        ("ment", ""),
        ("izing", ""),
        ("ized", ""),
        ("izes", ""),
        ("ize", ""),
        ("ings", ""),
        ("ing", ""),
        ("ies", "y"),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
        ("e", ""),
    ];
    for (suffix, replacement) in SUFFIXES {
        if let Some(rest) = word.strip_suffix(suffix)
            && rest.chars().count() >= 4
            && !(suffix == &"s" && rest.ends_with('s'))
        {
            return format!("{rest}{replacement}");
        }
    }
    word.to_owned()
}

/// Whether the normalised `term` carries no evidence.
pub fn is_stop_word(term: &str) -> bool {
    STOP_TERMS.contains(term)
}

/// The normalised terms of `text`, each once, without stop words, without `names` (terms
/// that carry no evidence for this record, such as its city's names) and without an
/// acronym that restates the words around it ("Intelligent Operations Centre (IOC)").
pub fn terms(text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let words = kota_text::words(text);
    let initials: String = words
        .iter()
        .filter_map(|w| w.folded.chars().next())
        .collect();
    words
        .iter()
        .filter(|w| !is_acronym_of(&text[w.start..w.end], &w.folded, &initials))
        .map(|w| normalise(possessive(&w.folded)))
        .filter(|t| !is_stop_word(t) && !names.contains(t))
        .collect()
}

/// Whether `raw` is an acronym (two or more capitals) spelled by the `initials` of the
/// text's other words.
fn is_acronym_of(raw: &str, folded: &str, initials: &str) -> bool {
    raw.chars().count() >= 2
        && raw.chars().all(|c| c.is_ascii_uppercase())
        && initials.len() > folded.len()
        && initials.contains(folded)
}

/// `word` without an English possessive ("penh's" → "penh").
fn possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("\u{2019}s"))
        .unwrap_or(word)
}

/// The normalised terms of a city's name, and its initials where it has several words
/// ("Ho Chi Minh City" → ho, chi, minh, city, hcmc; "Kuala Lumpur" → kuala, lumpur, kl).
pub fn name_terms(name: &str) -> BTreeSet<String> {
    let words = kota_text::words(name);
    let mut out: BTreeSet<String> = words.iter().map(|w| normalise(&w.folded)).collect();
    if words.len() > 1 {
        out.insert(
            words
                .iter()
                .filter_map(|w| w.folded.chars().next())
                .collect(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn british_and_american_spellings_and_suffixes_meet() {
        for (a, b) in [
            ("revitalise", "revitalisation"),
            ("revitalise", "revitalize"),
            ("centre", "center"),
            ("upgrade", "upgrading"),
            ("systems", "system"),
            ("programme", "program"),
            ("utilisation", "utilization"),
            ("transportation", "transport"),
            ("operations", "operation"),
            ("floods", "flood"),
            ("basins", "basin"),
            ("centres", "centre"),
            ("automation", "automated"),
            ("management", "manage"),
            ("services", "service"),
            ("libraries", "library"),
        ] {
            assert_eq!(normalise(a), normalise(b), "{a} / {b}");
        }
    }

    #[test]
    fn an_acronym_of_the_title_and_city_initials_are_dropped() {
        let names = name_terms("Kuala Lumpur");
        assert!(names.contains("kl"));
        let t = terms("KL Urban Observatory", &names);
        assert_eq!(t.into_iter().collect::<Vec<_>>(), ["observatory"]);
        let t = terms("Intelligent Operations Centre (IOC)", &BTreeSet::new());
        assert_eq!(t.into_iter().collect::<Vec<_>>(), [normalise("operations")]);
        let t = terms("Phnom Penh's Public Transport", &name_terms("Phnom Penh"));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn short_words_and_other_scripts_stay() {
        assert_eq!(normalise("bus"), "bus");
        assert_eq!(normalise("gis"), "gis");
        assert_eq!(normalise("ayer"), "ayer");
        assert_eq!(normalise("วิทยุ"), "วิทยุ");
    }

    #[test]
    fn generic_words_and_city_names_are_dropped() {
        let names = name_terms("Ho Chi Minh City");
        let t = terms(
            "Ho Chi Minh City Smart Integrated Operations Centre",
            &names,
        );
        assert_eq!(t.into_iter().collect::<Vec<_>>(), [normalise("operations")]);
        let t = terms("Sistem Pengurusan Lalulintas Pintar", &BTreeSet::new());
        assert_eq!(t.into_iter().collect::<Vec<_>>(), [normalise("lalulintas")]);
    }
}

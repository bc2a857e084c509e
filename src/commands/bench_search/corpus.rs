//! The benchmark's generated project texts, in the network's scripts: Latin-script words
//! (English, Malay, Indonesian, Filipino), Vietnamese syllables with their marks, and Thai,
//! Khmer, Lao and Burmese words written without spaces between them. Each language draws
//! its words from its own vocabulary by a Zipf(1.0) law, as the reference benchmark does
//! (`../shared/bench/reference_search.py`, whose Latin vocabulary this one repeats word for
//! word), so rare and common words mean the same in both.

use crate::match_cli::uint;

/// A stream of draws from the reference generator's counter-based SplitMix64.
pub(super) struct Draws {
    seed: u64,
    stream: u64,
    next: u64,
}

impl Draws {
    pub(super) fn new(seed: u64, stream: u64) -> Self {
        Self {
            seed,
            stream,
            next: 0,
        }
    }

    /// A whole number in `[0, m)`.
    pub(super) fn below(&mut self, m: usize) -> usize {
        let v = uint(self.seed, self.stream, self.next, m as u64);
        self.next += 1;
        v as usize
    }

    /// A number in `[lo, hi)`.
    pub(super) fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo)
    }

    /// A fraction in `[0, 1)`.
    fn fraction(&mut self) -> f64 {
        self.below(1 << 32) as f64 / (1u64 << 32) as f64
    }
}

/// The languages of the generated texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Language {
    Latin,
    Vietnamese,
    Thai,
    Khmer,
    Lao,
    Burmese,
}

impl Language {
    /// Every language, with its share of the projects (per thousand).
    pub(super) const SHARES: [(Language, usize); 6] = [
        (Language::Latin, 500),
        (Language::Vietnamese, 150),
        (Language::Thai, 150),
        (Language::Khmer, 70),
        (Language::Lao, 60),
        (Language::Burmese, 70),
    ];

    /// Written without spaces between words.
    fn spaceless(self) -> bool {
        !matches!(self, Language::Latin | Language::Vietnamese)
    }
}

/// Words of the Latin vocabulary, as in the reference benchmark.
const LATIN_WORDS: usize = 100_000;
/// Words of each script written without spaces (two syllables each).
const SPACELESS_WORDS: usize = 50_000;

/// A language's words, most frequent first, with the cumulative Zipf(1.0) law over them.
pub(super) struct Vocabulary {
    pub(super) words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocabulary {
    fn new(words: Vec<String>) -> Self {
        let weights: Vec<f64> = (1..=words.len()).map(|r| 1.0 / r as f64).collect();
        let sum: f64 = weights.iter().sum();
        let mut acc = 0.0;
        let cdf = weights
            .iter()
            .map(|w| {
                acc += w / sum;
                acc
            })
            .collect();
        Self { words, cdf }
    }

    /// A word drawn by the Zipf law.
    fn draw(&self, draws: &mut Draws) -> &str {
        let u = draws.fraction();
        let rank = self
            .cdf
            .partition_point(|&c| c < u)
            .min(self.words.len() - 1);
        &self.words[rank]
    }
}

/// The reference's pseudo-word of rank `r`: `r * 7919 + 13` spelt in base 26, lowest digit
/// first, then `x`.
fn latin_word(r: usize) -> String {
    let mut x = r * 7919 + 13;
    let mut s = String::new();
    while x > 0 {
        s.push(char::from(b'a' + (x % 26) as u8));
        x /= 26;
    }
    s.push('x');
    s
}

/// The `i`th of the combinations of one choice in each of `parts`, by mixed radix.
fn pick<'a>(mut i: usize, parts: &[&[&'a str]]) -> Vec<&'a str> {
    parts
        .iter()
        .map(|p| {
            let c = p[i % p.len()];
            i /= p.len();
            c
        })
        .collect()
}

fn combinations(parts: &[&[&str]]) -> usize {
    parts.iter().map(|p| p.len()).product()
}

const VI_INITIALS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
    "r", "s", "t", "th", "tr", "v", "x",
];
const VI_VOWELS: &[&str] = &[
    "a", "à", "á", "ả", "ã", "ạ", "ă", "ắ", "ằ", "ặ", "â", "ấ", "ầ", "ậ", "e", "é", "è", "ẹ", "ê",
    "ế", "ề", "ệ", "i", "í", "ì", "o", "ó", "ò", "ọ", "ô", "ố", "ồ", "ộ", "ơ", "ớ", "ờ", "ợ", "u",
    "ú", "ù", "ụ", "ư", "ứ", "ừ", "ự", "y", "ý",
];
const VI_FINALS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"];

/// Every Vietnamese syllable of the generator, in a fixed shuffled order.
fn vietnamese() -> Vec<String> {
    let parts: &[&[&str]] = &[VI_INITIALS, VI_VOWELS, VI_FINALS];
    let n = combinations(parts);
    (0..n)
        .map(|r| pick((r * 7919 + 13) % n, parts).concat())
        .collect()
}

/// A syllable pattern of a script written without spaces: vowels written before the
/// consonant, consonants, vowels and marks after it, finals.
struct Syllables {
    before: &'static [&'static str],
    consonants: &'static [&'static str],
    after: &'static [&'static str],
    finals: &'static [&'static str],
}

const THAI: Syllables = Syllables {
    before: &["", "", "", "เ", "แ", "โ", "ไ"],
    consonants: &[
        "ก", "ข", "ค", "ง", "จ", "ช", "ซ", "ด", "ต", "ถ", "ท", "น", "บ", "ป", "ผ", "พ", "ฟ", "ม",
        "ย", "ร", "ล", "ว", "ส", "ห", "อ",
    ],
    after: &["", "า", "ิ", "ี", "ุ", "ู", "่", "้", "่า", "้า", "ั"],
    finals: &["", "น", "ง", "ม", "ก", "ด", "บ"],
};

const KHMER: Syllables = Syllables {
    before: &[""],
    consonants: &[
        "ក", "ខ", "គ", "ង", "ច", "ឆ", "ជ", "ញ", "ដ", "ត", "ថ", "ទ", "ន", "ប", "ផ", "ព", "ម", "យ",
        "រ", "ល", "វ", "ស", "ហ", "អ",
    ],
    after: &["ា", "ិ", "ី", "ឹ", "ុ", "ូ", "ើ", "េ", "ែ", "ៃ", "ោ", "ៅ"],
    finals: &["", "ន", "ម", "ង", "ក", "ត", "ប"],
};

const LAO: Syllables = Syllables {
    before: &["", "", "ເ", "ແ", "ໂ", "ໄ"],
    consonants: &[
        "ກ", "ຂ", "ຄ", "ງ", "ຈ", "ສ", "ຊ", "ຍ", "ດ", "ຕ", "ຖ", "ທ", "ນ", "ບ", "ປ", "ຜ", "ພ", "ຟ",
        "ມ", "ຢ", "ລ", "ວ", "ຫ", "ອ", "ຮ",
    ],
    after: &["", "າ", "ິ", "ີ", "ຸ", "ູ", "່", "້", "່າ", "້າ"],
    finals: &["", "ນ", "ງ", "ມ", "ກ", "ດ", "ບ"],
};

const BURMESE: Syllables = Syllables {
    before: &[""],
    consonants: &[
        "က", "ခ", "ဂ", "င", "စ", "ဆ", "ဇ", "ည", "တ", "ထ", "ဒ", "န", "ပ", "ဖ", "ဗ", "ဘ", "မ", "ယ",
        "ရ", "လ", "ဝ", "သ", "ဟ", "အ",
    ],
    after: &["", "ာ", "ိ", "ီ", "ု", "ူ", "ေ", "ဲ"],
    finals: &["", "န်", "မ်", "င်", "တ်", "က်", "း", "့"],
};

impl Syllables {
    /// `count` words of two syllables each, no two alike.
    fn words(&self, count: usize) -> Vec<String> {
        let parts: &[&[&str]] = &[self.before, self.consonants, self.after, self.finals];
        let syllables = combinations(parts);
        let pairs = syllables * syllables;
        let syllable = |i: usize| pick(i, parts).concat();
        let mut seen = std::collections::HashSet::new();
        (0..)
            .map(|r: usize| {
                let x = (r * 7919 + 13) % pairs;
                format!("{}{}", syllable(x / syllables), syllable(x % syllables))
            })
            .filter(|w| seen.insert(w.clone()))
            .take(count)
            .collect()
    }
}

/// Every language's vocabulary.
pub(super) struct Vocabularies {
    latin: Vocabulary,
    vietnamese: Vocabulary,
    thai: Vocabulary,
    khmer: Vocabulary,
    lao: Vocabulary,
    burmese: Vocabulary,
}

impl Vocabularies {
    pub(super) fn new() -> Self {
        Self {
            latin: Vocabulary::new((0..LATIN_WORDS).map(latin_word).collect()),
            vietnamese: Vocabulary::new(vietnamese()),
            thai: Vocabulary::new(THAI.words(SPACELESS_WORDS)),
            khmer: Vocabulary::new(KHMER.words(SPACELESS_WORDS)),
            lao: Vocabulary::new(LAO.words(SPACELESS_WORDS)),
            burmese: Vocabulary::new(BURMESE.words(SPACELESS_WORDS)),
        }
    }

    pub(super) fn of(&self, language: Language) -> &Vocabulary {
        match language {
            Language::Latin => &self.latin,
            Language::Vietnamese => &self.vietnamese,
            Language::Thai => &self.thai,
            Language::Khmer => &self.khmer,
            Language::Lao => &self.lao,
            Language::Burmese => &self.burmese,
        }
    }
}

/// One generated text: a title and a description.
pub(super) struct Text {
    pub(super) title: String,
    pub(super) description: String,
}

/// Words of a title.
const TITLE_WORDS: usize = 4;

/// A project text: 20 to 100 words (as the reference's documents), the first few its title.
pub(super) fn text(vocabularies: &Vocabularies, draws: &mut Draws) -> Text {
    let mut pick = draws.below(1000);
    let language = Language::SHARES
        .iter()
        .find(|(_, share)| {
            let here = pick < *share;
            pick = pick.saturating_sub(*share);
            here
        })
        .map_or(Language::Latin, |(l, _)| *l);
    let vocabulary = vocabularies.of(language);
    let count = draws.between(20, 101);
    let words: Vec<&str> = (0..count).map(|_| vocabulary.draw(draws)).collect();
    let join = |words: &[&str], draws: &mut Draws| -> String {
        if !language.spaceless() {
            return words.join(" ");
        }
        // Spaces only between phrases of three to seven words.
        let mut out = String::new();
        let mut left = draws.between(3, 8);
        for w in words {
            if left == 0 {
                out.push(' ');
                left = draws.between(3, 8);
            }
            out.push_str(w);
            left -= 1;
        }
        out
    };
    Text {
        title: join(&words[..TITLE_WORDS], draws),
        description: join(&words[TITLE_WORDS..], draws),
    }
}

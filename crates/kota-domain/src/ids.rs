//! Identifiers: URL slugs and deterministic UUIDs for imported records.

use uuid::Uuid;

/// Namespace for Kota's name-based (v5) UUIDs, so that an imported record keeps its id
/// across imports and across databases.
const KOTA_NAMESPACE: Uuid = Uuid::from_u128(0x6b6f_7461_2d6e_6574_776f_726b_2d69_6473);

/// How a request names a record: by its UUID, or else by its slug (or code). Parsed once at
/// the edge, so that nothing deeper ever sees raw text from a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A record's UUID.
    Id(Uuid),
    /// A record's slug or code.
    Slug(String),
}

/// Why a text is no key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Nothing was given.
    #[error("Give an id or short name")]
    Empty,
    /// Longer than any slug or id.
    #[error("An id or short name has at most {MAX_KEY_LEN} characters")]
    TooLong,
    /// NUL or another control character.
    #[error("An id or short name has no invisible control characters")]
    Control,
}

/// The longest identifier a request may name a record by.
pub const MAX_KEY_LEN: usize = 200;

impl Key {
    /// Whether this key names the record with this id and slug.
    pub fn names(&self, id: Uuid, slug: &str) -> bool {
        match self {
            Self::Id(k) => *k == id,
            Self::Slug(s) => s == slug,
        }
    }

    /// A UUID, or else a slug: refused when empty, overlong, or with control characters.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        if text.is_empty() {
            return Err(KeyError::Empty);
        }
        if text.chars().count() > MAX_KEY_LEN {
            return Err(KeyError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(KeyError::Control);
        }
        Ok(match Uuid::parse_str(text) {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Slug(text.to_owned()),
        })
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Id(id) => id.fmt(f),
            Self::Slug(slug) => f.write_str(slug),
        }
    }
}

impl std::str::FromStr for Key {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, KeyError> {
        Self::parse(s)
    }
}

impl From<Uuid> for Key {
    fn from(id: Uuid) -> Self {
        Self::Id(id)
    }
}

/// The longest slug Kota makes; longer names are cut at a word boundary.
pub const MAX_SLUG_LEN: usize = 64;

/// A stable id for a record identified by `kind` and its natural key.
pub fn stable_id(kind: &str, natural_key: &str) -> Uuid {
    Uuid::new_v5(&KOTA_NAMESPACE, format!("{kind}:{natural_key}").as_bytes())
}

/// A URL slug for `text`: lower-case ASCII letters and digits joined by single hyphens,
/// accents folded, other scripts dropped, at most [`MAX_SLUG_LEN`] characters.
pub fn slugify(text: &str) -> String {
    slug_within(text, MAX_SLUG_LEN)
}

/// A slug for `text` that ends in `-suffix` (a slug itself), within [`MAX_SLUG_LEN`].
pub fn slugify_with_suffix(text: &str, suffix: &str) -> String {
    let suffix = slugify(suffix);
    let head = slug_within(text, MAX_SLUG_LEN.saturating_sub(suffix.len() + 1));
    if head.is_empty() {
        suffix
    } else {
        format!("{head}-{suffix}")
    }
}

fn slug_within(text: &str, max: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        match fold_to_ascii(c) {
            Some(a) if a.is_ascii_alphanumeric() => word.push(a.to_ascii_lowercase()),
            _ if !word.is_empty() => words.push(std::mem::take(&mut word)),
            _ => {}
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut slug = String::new();
    for w in words {
        let extra = if slug.is_empty() {
            w.len()
        } else {
            w.len() + 1
        };
        if slug.len() + extra > max {
            if slug.is_empty() {
                slug.push_str(&w[..max]);
            }
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&w);
    }
    slug
}

/// Whether `s` has the shape of a slug Kota makes.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// The ASCII letter a Latin letter with a diacritic folds to (Vietnamese included).
fn fold_to_ascii(c: char) -> Option<char> {
    if c.is_ascii() {
        return Some(c);
    }
    const GROUPS: &[(&str, char)] = &[
        ("àáâãäåāăąạảấầẩẫậắằẳẵặ", 'a'),
        ("çćĉċč", 'c'),
        ("ďđ", 'd'),
        ("èéêëēĕėęěẹẻẽếềểễệ", 'e'),
        ("ìíîïĩīĭįıỉị", 'i'),
        ("ñńņňŉ", 'n'),
        ("òóôõöøōŏőơọỏốồổỗộớờởỡợ", 'o'),
        ("ùúûüũūŭůűųưụủứừửữự", 'u'),
        ("ýÿŷỳỵỷỹ", 'y'),
        ("śŝşšș", 's'),
        ("ţťțŧ", 't'),
        ("źżž", 'z'),
        ("ĝğġģ", 'g'),
        ("ĥħ", 'h'),
        ("ĵ", 'j'),
        ("ķ", 'k'),
        ("ĺļľŀł", 'l'),
        ("ŕŗř", 'r'),
        ("ŵ", 'w'),
    ];
    let lower = c.to_lowercase().next()?;
    GROUPS
        .iter()
        .find(|(group, _)| group.contains(lower))
        .map(|&(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ids_or_slugs_and_refuse_control_characters() {
        let id = Uuid::from_u128(7);
        assert_eq!(Key::parse(&id.to_string()), Ok(Key::Id(id)));
        assert_eq!(Key::parse("bangkok"), Ok(Key::Slug("bangkok".into())));
        assert_eq!(Key::parse("bangkok\0"), Err(KeyError::Control));
        assert_eq!(Key::parse("a\u{1b}[2J"), Err(KeyError::Control));
        assert_eq!(Key::parse(""), Err(KeyError::Empty));
        assert_eq!(Key::parse(&"a".repeat(201)), Err(KeyError::TooLong));
        assert_eq!(Key::Slug("da-nang".into()).to_string(), "da-nang");
    }

    #[test]
    fn slugs_fold_accents_and_punctuation() {
        assert_eq!(slugify("Ho Chi Minh City"), "ho-chi-minh-city");
        assert_eq!(slugify("Đà Nẵng"), "da-nang");
        assert_eq!(slugify("  Cebu  City!! "), "cebu-city");
        assert_eq!(slugify("กรุงเทพ Bangkok"), "bangkok");
    }

    #[test]
    fn long_names_are_cut_at_a_word_boundary() {
        let slug = slugify(
            "Ministry of Land, Infrastructure, Transport and Tourism of Japan (MLIT) - Smart City",
        );
        assert!(slug.len() <= MAX_SLUG_LEN, "{slug}");
        assert_eq!(
            slug,
            "ministry-of-land-infrastructure-transport-and-tourism-of-japan"
        );
        assert!(is_slug(&slug));
        let suffixed = slugify_with_suffix(
            "Ministry of Land, Infrastructure, Transport and Tourism of Japan (MLIT)",
            "plan 2018",
        );
        assert_eq!(
            suffixed,
            "ministry-of-land-infrastructure-transport-and-tourism-plan-2018"
        );
        assert!(suffixed.len() <= MAX_SLUG_LEN);
    }

    #[test]
    fn slug_shape_is_checked() {
        assert!(is_slug("bangkok"));
        assert!(!is_slug("Bangkok"));
        assert!(!is_slug("-bangkok"));
        assert!(!is_slug("../etc"));
        assert!(!is_slug(""));
    }

    #[test]
    fn stable_ids_depend_only_on_kind_and_key() {
        assert_eq!(stable_id("city", "Bangkok"), stable_id("city", "Bangkok"));
        assert_ne!(
            stable_id("city", "Bangkok"),
            stable_id("partner", "Bangkok")
        );
    }
}

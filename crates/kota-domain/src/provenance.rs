//! Provenance: where a fact comes from, so that a reader can open the document behind it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A source as the data gives it: a web address, or a citation of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct Source(pub String);

impl Source {
    /// The address to link to, when the source is (or starts with) a web address.
    pub fn url(&self) -> Option<&str> {
        let s = self.0.trim();
        let start = s.find("https://").or_else(|| s.find("http://"))?;
        let rest = &s[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')' || c == ';' || c == ',')
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// The source as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citation_with_an_address_links_to_it() {
        let s = Source("Report (ASEAN page links https://asean.org/x.pdf)".into());
        assert_eq!(s.url(), Some("https://asean.org/x.pdf"));
        assert_eq!(
            Source("https://a.org/b".into()).url(),
            Some("https://a.org/b")
        );
        assert_eq!(Source("A printed book".into()).url(), None);
    }
}

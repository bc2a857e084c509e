//! Small pieces pages share: choices of a filter form, paging links, number formatting, and
//! the names of focus areas.

use std::collections::HashMap;

use kota_domain::framework::Framework;
use kota_domain::page::Page;

/// One option of a `<select>`.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

impl Choice {
    /// Options from `(value, label)` pairs, marking the one currently chosen.
    pub(crate) fn list<I, V, L>(options: I, current: &Option<String>) -> Vec<Choice>
    where
        I: IntoIterator<Item = (V, L)>,
        V: Into<String>,
        L: Into<String>,
    {
        let current = current.as_deref().map(str::trim).unwrap_or("");
        options
            .into_iter()
            .map(|(v, l)| {
                let value = v.into();
                Choice {
                    selected: value.eq_ignore_ascii_case(current) && !current.is_empty(),
                    value,
                    label: l.into(),
                }
            })
            .collect()
    }
}

/// Where a list stands and the links to its neighbouring pages.
pub(crate) struct Pager {
    pub(crate) first: u64,
    pub(crate) last: u64,
    pub(crate) total: u64,
    pub(crate) previous: Option<String>,
    pub(crate) next: Option<String>,
}

impl Pager {
    /// The pager of `page`, keeping the other parameters of `query`.
    pub(crate) fn of<T>(page: &Page<T>, path: &str, query: Option<&str>) -> Self {
        let href = |offset: u64| {
            let mut pairs: Vec<(String, String)> =
                serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(k, v)| k != "offset" && !v.is_empty())
                    .collect();
            if offset > 0 {
                pairs.push(("offset".into(), offset.to_string()));
            }
            let qs = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            if qs.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{qs}")
            }
        };
        let limit = u64::from(page.limit);
        let shown = page.items.len() as u64;
        Self {
            first: if shown == 0 { 0 } else { page.offset + 1 },
            last: page.offset + shown,
            total: page.total,
            previous: (page.offset > 0).then(|| href(page.offset.saturating_sub(limit))),
            next: (page.offset + shown < page.total).then(|| href(page.offset + limit)),
        }
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A focus area as a link target and a name.
pub(crate) struct AreaLabel {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// Names of focus areas by id.
pub(crate) struct AreaNames(HashMap<String, String>);

impl AreaNames {
    pub(crate) fn of(framework: &Framework) -> Self {
        Self(
            framework
                .focus_areas
                .iter()
                .map(|f| (f.id.clone(), f.name.clone()))
                .collect(),
        )
    }

    pub(crate) fn labels(&self, ids: &[String]) -> Vec<AreaLabel> {
        ids.iter()
            .map(|id| AreaLabel {
                id: id.clone(),
                name: self.0.get(id).cloned().unwrap_or_else(|| id.clone()),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5_104_476), "5,104,476");
        assert_eq!(thousands(-12_345), "-12,345");
    }

    #[test]
    fn pager_links_keep_filters_and_move_the_offset() {
        let page = Page {
            items: vec![0; 50],
            total: 120,
            limit: 50,
            offset: 50,
        };
        let p = Pager::of(&page, "/projects", Some("country=TH&offset=50&q="));
        assert_eq!((p.first, p.last, p.total), (51, 100, 120));
        assert_eq!(p.previous.as_deref(), Some("/projects?country=TH"));
        assert_eq!(p.next.as_deref(), Some("/projects?country=TH&offset=100"));
    }
}

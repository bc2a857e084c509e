//! Network documents in words for people: each known passage under a heading written for
//! readers with a sentence that introduces it, and every web address a link with readable
//! text instead of the address itself.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// A link with the words it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    /// Where it goes.
    pub(crate) href: String,
    /// What it reads as.
    pub(crate) text: String,
}

/// A piece of running text: words, or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    /// Plain words.
    Text(String),
    /// A web address, as a link.
    Link(Link),
}

/// A passage of a network document under a heading for readers.
#[derive(Debug, Clone)]
pub(crate) struct Passage {
    /// Its heading.
    pub(crate) heading: String,
    /// A sentence that says what the passage is about (empty when the heading says it all).
    pub(crate) intro: String,
    /// Its text, when it is running text.
    pub(crate) text: Vec<Segment>,
    /// Its items, when it is a list.
    pub(crate) items: Vec<Vec<Segment>>,
    /// The documents behind it.
    pub(crate) sources: Vec<Link>,
}

/// A key of a network document, the heading and sentence readers see for it, and the key of
/// its sources when it has some of its own.
struct Known {
    key: &'static str,
    heading: &'static str,
    intro: &'static str,
    sources: &'static str,
}

/// The passages of the governance and twinning documents, in the order they read best.
const KNOWN: &[Known] = &[
    Known {
        key: "members",
        heading: "Who the members are",
        intro: "The network brings together the ASEAN member states and their member cities, each with its own representative.",
        sources: "",
    },
    Known {
        key: "new_members",
        heading: "How a city joins",
        intro: "The network grows by consensus: a new city is put forward by its country and brings a Smart City Action Plan.",
        sources: "",
    },
    Known {
        key: "chair",
        heading: "Who chairs the network",
        intro: "The chair passes each year with the chairmanship of ASEAN itself.",
        sources: "",
    },
    Known {
        key: "shepherd",
        heading: "How the network keeps its course between chairs",
        intro: "A member state chosen as shepherd gives the network continuity while the chair changes each year.",
        sources: "",
    },
    Known {
        key: "meetings",
        heading: "When the network meets",
        intro: "Members meet at least once a year, at the chair's call.",
        sources: "",
    },
    Known {
        key: "secretariat",
        heading: "What the ASEAN Secretariat does for the network",
        intro: "The ASEAN Secretariat supports the network's meetings, reports and records.",
        sources: "",
    },
    Known {
        key: "decision_making",
        heading: "How the network decides",
        intro: "Members decide together, after consultation.",
        sources: "",
    },
    Known {
        key: "reporting",
        heading: "Whom the network reports to",
        intro: "The network's progress goes up to ASEAN's leaders through its own bodies.",
        sources: "",
    },
    Known {
        key: "csco_duties",
        heading: "What a Chief Smart City Officer does",
        intro: "Each member city is represented by one Chief Smart City Officer, who carries the network's work in the city.",
        sources: "",
    },
    Known {
        key: "nr_duties",
        heading: "What a National Representative does",
        intro: "Each member state names one National Representative, who speaks for the country and its cities.",
        sources: "",
    },
    Known {
        key: "scap_components_2018",
        heading: "What a Smart City Action Plan holds",
        intro: "Each member city sets out its plan in a Smart City Action Plan; the first plans, of 2018, had these parts.",
        sources: "scap_source",
    },
    Known {
        key: "operational_guidelines",
        heading: "Where the rules are written down",
        intro: "",
        sources: "",
    },
    Known {
        key: "me_framework",
        heading: "How the network monitors and evaluates its projects",
        intro: "The network follows its cities' projects through yearly monitoring and evaluation reports.",
        sources: "",
    },
    Known {
        key: "design",
        heading: "How twinning was meant to work",
        intro: "Twinning pairs each member city with a partner from outside the network.",
        sources: "design_source",
    },
    Known {
        key: "outcome",
        heading: "What came of the first pairings",
        intro: "",
        sources: "outcome_source",
    },
    Known {
        key: "in_practice",
        heading: "How cities and partners pair up in practice",
        intro: "",
        sources: "",
    },
    Known {
        key: "wise_pairs",
        heading: "Water utilities paired with partners in the United States",
        intro: "Under the U.S.-ASEAN Smart Cities Partnership's Water Smart Engagements, water utilities of member cities were paired with utilities in the United States.",
        sources: "wise_source",
    },
];

/// Words that read better in full than as the network's abbreviations.
const SPELLED_OUT: &[(&str, &str)] = &[
    ("AMS", "ASEAN member state"),
    ("NRs", "National Representatives"),
    ("NR", "National Representative"),
    ("CSCOs", "Chief Smart City Officers"),
    ("CSCO", "Chief Smart City Officer"),
    ("SCAPs", "Smart City Action Plans"),
    ("SCAP", "Smart City Action Plan"),
    ("ASCF", "ASEAN Smart Cities Framework"),
    ("M&E", "monitoring and evaluation"),
];

/// `text` with the network's abbreviations spelled out where they stand as words (and
/// dropped where they follow their full form in brackets).
fn spelled_out(text: &str) -> String {
    let mut text = text.to_owned();
    for (short, _) in SPELLED_OUT {
        text = text.replace(&format!(" ({short})"), "");
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let full = SPELLED_OUT
            .iter()
            .find(|(short, _)| short == word)
            .map_or(word.as_str(), |(_, full)| full);
        out.push_str(full);
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '&' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The words a link to `url` shows: the document's name from its address, with the site
/// (and PDF when it is one).
pub(crate) fn link_text(url: &str) -> String {
    let rest = url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.trim_start_matches("www.");
    let last = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .rfind(|s| !s.is_empty())
        .unwrap_or("");
    let decoded = percent_decode_str(last).decode_utf8_lossy();
    let pdf = decoded.to_lowercase().ends_with(".pdf");
    let stem = decoded
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 4 && !ext.contains(' '))
        .map_or(decoded.as_ref(), |(stem, _)| stem);
    let name: String = stem
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
        return host.to_owned();
    }
    let mut chars = name.chars();
    let name: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if pdf {
        format!("{name} ({host}, PDF)")
    } else {
        format!("{name} ({host})")
    }
}

/// `text` as words and links: each web address in it becomes a link with readable text.
pub(crate) fn linked(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = [rest.find("https://"), rest.find("http://")]
        .into_iter()
        .flatten()
        .min()
    {
        let (before, from) = rest.split_at(start);
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | ';' | ',' | '"' | '\''))
            .unwrap_or(from.len());
        let url = from[..end].trim_end_matches(['.', ':']);
        if !before.is_empty() {
            out.push(Segment::Text(spelled_out(before)));
        }
        out.push(Segment::Link(Link {
            href: url.to_owned(),
            text: link_text(url),
        }));
        rest = &from[url.len()..];
    }
    if !rest.is_empty() {
        out.push(Segment::Text(spelled_out(rest)));
    }
    out
}

/// One item of a list: a text, or an object told in a sentence.
fn item(value: &Value) -> Option<Vec<Segment>> {
    match value {
        Value::String(s) => Some(linked(s)),
        Value::Object(o) => {
            let field = |k: &str| o.get(k).and_then(Value::as_str);
            if let (Some(city), Some(entity), Some(partner)) = (
                field("ascn_city"),
                field("asean_entity"),
                field("us_partner"),
            ) {
                return Some(linked(&format!("{city}: {entity}, with {partner}")));
            }
            let words: Vec<&str> = o.values().filter_map(Value::as_str).collect();
            (!words.is_empty()).then(|| linked(&words.join(" — ")))
        }
        _ => None,
    }
}

/// The links of a source value: one address, or a list of them.
fn sources(value: Option<&Value>) -> Vec<Link> {
    let texts: Vec<&str> = match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    texts
        .into_iter()
        .flat_map(linked)
        .filter_map(|s| match s {
            Segment::Link(l) => Some(l),
            Segment::Text(_) => None,
        })
        .collect()
}

/// The passages of a network document for readers, in the order [`KNOWN`] gives, then the
/// document's own sources (its keys naming a source no passage claims) as one passage
/// headed `sources_heading`. Keys Kota has no words for are left out.
pub(crate) fn passages(body: Option<&Value>, sources_heading: &str) -> Vec<Passage> {
    let Some(Value::Object(map)) = body else {
        return Vec::new();
    };
    let mut out: Vec<Passage> = KNOWN
        .iter()
        .filter_map(|k| {
            let (text, items) = match map.get(k.key)? {
                Value::String(s) => (linked(s), Vec::new()),
                Value::Array(list) => (Vec::new(), list.iter().filter_map(item).collect()),
                _ => return None,
            };
            Some(Passage {
                heading: k.heading.into(),
                intro: k.intro.into(),
                text,
                items,
                sources: sources(
                    (!k.sources.is_empty())
                        .then(|| map.get(k.sources))
                        .flatten(),
                ),
            })
        })
        .collect();
    let claimed: Vec<&str> = KNOWN.iter().map(|k| k.sources).collect();
    let general: Vec<Link> = map
        .iter()
        .filter(|(key, _)| {
            (key.starts_with("source") || key.ends_with("_source"))
                && !claimed.contains(&key.as_str())
        })
        .flat_map(|(_, v)| sources(Some(v)))
        .collect();
    if !general.is_empty() {
        out.push(Passage {
            heading: sources_heading.into(),
            intro: String::new(),
            text: Vec::new(),
            items: Vec::new(),
            sources: general,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_networks_documents_has_words() {
        let seed: Value =
            serde_json::from_str(include_str!("../../../../data/ascn/ascn_seed.json")).unwrap();
        for document in ["governance", "twinning"] {
            let Value::Object(map) = &seed[document] else {
                panic!("{document} is an object");
            };
            for key in map.keys() {
                let sourced = key.starts_with("source") || key.ends_with("_source");
                assert!(
                    sourced || KNOWN.iter().any(|k| k.key == key),
                    "{document}.{key} would be left off the about page"
                );
            }
        }
    }

    #[test]
    fn the_first_address_is_linked_whichever_scheme() {
        let links: Vec<String> = linked("See http://a.example/x and https://b.example/y.")
            .into_iter()
            .filter_map(|s| match s {
                Segment::Link(l) => Some(l.href),
                Segment::Text(_) => None,
            })
            .collect();
        assert_eq!(links, ["http://a.example/x", "https://b.example/y"]);
    }

    #[test]
    fn an_address_reads_as_the_document_and_its_site() {
        assert_eq!(
            link_text("https://asean.org/wp-content/uploads/2019/02/ASCN-Concept-Note.pdf"),
            "ASCN Concept Note (asean.org, PDF)"
        );
        assert_eq!(
            link_text("https://www.globaltiesus.org/programs/water-smart-engagement/"),
            "Water smart engagement (globaltiesus.org)"
        );
        assert_eq!(link_text("https://example.org/"), "example.org");
    }

    #[test]
    fn addresses_in_running_text_become_links() {
        let s = linked("the report (at https://asean.org/a/Report.pdf) says so");
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[1],
            Segment::Link(Link {
                href: "https://asean.org/a/Report.pdf".into(),
                text: "Report (asean.org, PDF)".into()
            })
        );
    }

    #[test]
    fn abbreviations_are_spelled_out_as_words_only() {
        assert_eq!(
            spelled_out("Representative (NR): each NR and CSCO; NRs (M&E); an AMS"),
            "Representative: each National Representative and Chief Smart City Officer; National Representatives; an ASEAN member state"
        );
        assert_eq!(spelled_out("NRTA"), "NRTA");
    }

    #[test]
    fn keys_become_headings_for_readers() {
        let body = serde_json::json!({
            "csco_duties": "Participate",
            "me_framework": "Reports",
            "source_tor": "ToR at https://asean.org/x/ToR.pdf",
            "internal_key": "left out"
        });
        let p = passages(Some(&body), "Where this comes from");
        let headings: Vec<&str> = p.iter().map(|p| p.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "What a Chief Smart City Officer does",
                "How the network monitors and evaluates its projects",
                "Where this comes from"
            ]
        );
        assert_eq!(p[2].sources[0].text, "ToR (asean.org, PDF)");
    }
}

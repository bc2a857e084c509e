use proptest::prelude::*;

use crate::analysis::{grams, units};
use crate::snippet::snippet;
use crate::{Audience, Doc, Kind, Query, SearchIndex, Update, Visibility};

fn doc(kind: Kind, id: &str, title: &str, body: &str) -> Doc {
    Doc {
        kind,
        id: id.to_owned(),
        slug: id.to_owned(),
        url: format!("/{}/{id}", kind.as_str()),
        title: title.to_owned(),
        names: Vec::new(),
        body: vec![body.to_owned()],
        country: Some("VN".to_owned()),
        focus_areas: vec!["health_and_well_being".to_owned()],
        years: vec![2020],
        visibility: Visibility::Public,
    }
}

fn ask(text: &str) -> Query {
    Query {
        text: text.to_owned(),
        kind: None,
        country: None,
        focus_area: None,
        year: None,
        audience: Audience::Anonymous,
        limit: 10,
        offset: 0,
    }
}

fn ids(index: &SearchIndex, text: &str) -> Vec<String> {
    index
        .search(&ask(text))
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn thai_word_inside_a_run_cut_otherwise_is_found() {
    let index = SearchIndex::build([
        doc(Kind::Project, "a", "ศูนย์ปฏิบัติการเมืองอัจฉริยะ", ""),
        doc(Kind::Project, "b", "โครงการจักรยาน", ""),
    ])
    .unwrap();
    assert_eq!(ids(&index, "เมือง"), ["a"]);
    assert_eq!(ids(&index, "ศูนย์ปฏิ"), ["a"]);
    assert_eq!(ids(&index, "จักรยาน"), ["b"]);
}

#[test]
fn vietnamese_with_marks_ranks_exact_first() {
    let index = SearchIndex::build([
        doc(Kind::Project, "duong", "Dự án dương", ""),
        doc(Kind::Project, "road", "Dự án đường", ""),
    ])
    .unwrap();
    assert_eq!(ids(&index, "đường"), ["road", "duong"]);
    assert_eq!(ids(&index, "Đà Nẵng").len(), 0);
    let mut both = ids(&index, "duong");
    both.sort();
    assert_eq!(both, ["duong", "road"]);
}

#[test]
fn a_typo_in_a_long_word_is_forgiven_and_the_last_word_is_begun() {
    let index = SearchIndex::build([doc(Kind::Partner, "p", "Infrastructure Bank", "")]).unwrap();
    assert_eq!(ids(&index, "infrastrcture"), ["p"]);
    assert_eq!(ids(&index, "infra"), ["p"]);
    assert!(ids(&index, "bonk").is_empty());
}

#[test]
fn typos_are_forgiven_only_in_unknown_words_when_the_words_as_typed_find_less_than_a_page() {
    let mut docs: Vec<Doc> = (0..12)
        .map(|i| doc(Kind::Project, &format!("t{i}"), "Transport plan", ""))
        .collect();
    docs.push(doc(Kind::Project, "typo", "Transpart plan", ""));
    let index = SearchIndex::build(docs).unwrap();
    let found = index.search(&ask("transport")).unwrap();
    assert_eq!(found.total, 12, "the twelve exact records are enough");
    let found = index.search(&ask("transpart")).unwrap();
    assert_eq!(found.total, 1, "a word some record holds is taken as meant");
    let found = index.search(&ask("transpoort")).unwrap();
    assert_eq!(
        found.total, 13,
        "a word no record holds is forgiven its typos"
    );
}

#[test]
fn a_word_begun_tries_its_most_frequent_completions() {
    // Twelve rare completions of "wa" and one frequent one: the frequent one is among the
    // completions tried, and the rarest beyond the bound are not.
    let mut docs: Vec<Doc> = (0..12)
        .map(|i| {
            doc(
                Kind::Project,
                &format!("r{i}"),
                &format!("wa{}", "x".repeat(i + 1)),
                "",
            )
        })
        .collect();
    docs.extend((0..5).map(|i| doc(Kind::Project, &format!("w{i}"), "Water", "")));
    let index = SearchIndex::build(docs).unwrap();
    let found = index
        .search(&Query {
            limit: 20,
            ..ask("wa")
        })
        .unwrap();
    assert_eq!(
        found.total,
        5 + 9,
        "water and nine of the twelve rare words"
    );
    let ids: Vec<&str> = found.hits.iter().map(|h| h.id.as_str()).collect();
    assert!((0..5).all(|i| ids.contains(&format!("w{i}").as_str())));
    assert!(
        !ids.contains(&"r11"),
        "the last of the rare words in order is beyond the bound"
    );
}

#[test]
fn network_records_stay_hidden_from_anonymous_viewers() {
    let mut story = doc(Kind::Story, "s", "Flood lessons", "");
    story.visibility = Visibility::Network;
    let index = SearchIndex::build([story]).unwrap();
    let anonymous = index.search(&ask("flood")).unwrap();
    assert_eq!(anonymous.total, 0);
    assert!(anonymous.kinds.is_empty());
    let member = index
        .search(&Query {
            audience: Audience::Member,
            ..ask("flood")
        })
        .unwrap();
    assert_eq!(member.total, 1);
    assert_eq!(member.kinds, [("story".to_owned(), 1)]);
}

#[test]
fn updates_replace_and_remove_records() {
    let mut index = SearchIndex::build([doc(Kind::City, "c", "Ha Noi", "")]).unwrap();
    index
        .apply(Update {
            docs: vec![doc(Kind::City, "c", "Hà Nội capital", "")],
            ..Update::default()
        })
        .unwrap();
    assert_eq!(ids(&index, "capital"), ["c"]);
    assert_eq!(index.len(), 1);
    index
        .apply(Update {
            removed: vec![(Kind::City, "c".to_owned())],
            ..Update::default()
        })
        .unwrap();
    assert!(index.is_empty());
}

#[test]
fn snippets_escape_text_and_mark_words() {
    let units = units("flood");
    assert_eq!(
        snippet("<b>Flood</b> & rain", &units).unwrap(),
        "&lt;b&gt;<mark>Flood</mark>&lt;/b&gt; &amp; rain"
    );
}

#[test]
fn grams_pair_the_characters_of_a_run() {
    assert_eq!(grams("เมือง"), ["เมื", "มือ", "อง"]);
    assert_eq!(grams("ก"), ["ก"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn every_record_is_found_by_its_own_title(
        titles in proptest::collection::vec(
            "[a-zà-ỹđ ]{1,12}( [a-z]{2,8}){0,3}|[ก-ฮ]{1,6}[ะ-ู]?[ก-ฮ]{1,4}|[ក-អ]{2,8}",
            1..6,
        )
    ) {
        let docs: Vec<Doc> = titles
            .iter()
            .enumerate()
            .map(|(i, t)| doc(Kind::Project, &i.to_string(), t, ""))
            .collect();
        let index = SearchIndex::build(docs).unwrap();
        for (i, title) in titles.iter().enumerate() {
            if kota_text::words(title).is_empty() {
                continue;
            }
            let found = index.search(&Query { limit: 100, ..ask(title) }).unwrap();
            prop_assert!(found.hits.iter().any(|h| h.id == i.to_string()), "{title:?} not found");
        }
    }
}

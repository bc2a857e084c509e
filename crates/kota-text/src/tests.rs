use super::*;
use proptest::prelude::*;

fn texts(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.text).collect()
}

fn folded(s: &str) -> Vec<String> {
    words(s).into_iter().map(|w| w.folded).collect()
}

#[test]
fn vietnamese_folds_marks_and_d_with_stroke() {
    assert_eq!(folded("Đà Nẵng"), ["da", "nang"]);
    assert_eq!(folded("da nang"), ["da", "nang"]);
    assert_eq!(fold("Thừa Thiên Huế"), fold("Thua Thien Hue"));
    assert_eq!(fold("Hà Nội"), "ha noi");
    assert_eq!(texts("Đà Nẵng"), ["đà", "nẵng"]);
    // The marks stay in the unfolded form, so a query with marks can prefer exact matches.
    assert_ne!(texts("đường"), texts("dương"));
    assert_eq!(folded("đường"), folded("dương"));
}

#[test]
fn composed_and_decomposed_input_give_the_same_words() {
    let composed = "Thừa Thiên Huế";
    let decomposed = DecomposingNormalizerBorrowed::new_nfd()
        .normalize(composed)
        .into_owned();
    assert_ne!(composed, decomposed);
    assert_eq!(texts(composed), texts(&decomposed));
    assert_eq!(folded(composed), folded(&decomposed));
}

#[test]
fn thai_vowels_and_tone_marks_are_never_folded() {
    for word in ["วิทยุ", "เมือง", "น้ำ"] {
        assert_eq!(texts(word), [word]);
        assert_eq!(folded(word), [word]);
    }
}

#[test]
fn spaceless_scripts_are_cut_into_dictionary_words() {
    // "Bangkok develops the public transport system": ขนส่ง (transport) is found inside the run.
    let thai = texts("กรุงเทพมหานครพัฒนาระบบขนส่งสาธารณะ");
    assert!(thai.contains(&"ขนส่ง".to_owned()), "{thai:?}");
    assert!(thai.contains(&"ระบบ".to_owned()), "{thai:?}");
    // Khmer: "Battambang city develops the transport system": ប្រព័ន្ធ (system).
    let khmer = texts("ក្រុងបាត់ដំបងអភិវឌ្ឍន៍ប្រព័ន្ធដឹកជញ្ជូន");
    assert!(khmer.len() > 2, "{khmer:?}");
    assert!(khmer.contains(&"ប្រព័ន្ធ".to_owned()), "{khmer:?}");
    // Lao: "Vientiane Capital develops the transport system": ລະບົບ (system).
    let lao = texts("ນະຄອນຫຼວງວຽງຈັນພັດທະນາລະບົບຂົນສົ່ງ");
    assert!(lao.contains(&"ລະບົບ".to_owned()), "{lao:?}");
    // Burmese: "Yangon improves its transport system": စနစ် (system).
    let burmese = texts("ရန်ကုန်မြို့တော်သည်သယ်ယူပို့ဆောင်ရေးစနစ်ကိုတိုးတက်စေသည်");
    assert!(burmese.contains(&"စနစ်".to_owned()), "{burmese:?}");
    assert!(words("ระบบ").iter().all(|w| w.spaceless));
    assert!(words("system").iter().all(|w| !w.spaceless));
}

#[test]
fn punctuation_is_not_a_word_and_offsets_point_into_the_text() {
    let text = "Command Centre (phase 2), \"smart\" [city]";
    let found = words(text);
    assert_eq!(
        found.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
        ["command", "centre", "phase", "2", "smart", "city"]
    );
    for w in &found {
        assert_eq!(normalize(&text[w.start..w.end]), w.text);
    }
    assert!(words("\" [ ] ( ) , .").is_empty());
}

#[test]
fn clusters_keep_each_letter_with_its_marks() {
    assert_eq!(clusters("วิทยุ"), ["วิ", "ท", "ยุ"]);
    assert_eq!(clusters("nẵng"), ["n", "ẵ", "n", "g"]);
}

proptest! {
    #[test]
    fn folding_is_idempotent_and_words_lie_in_order_inside_the_text(text in "\\PC{0,40}") {
        let found = words(&text);
        let mut last = 0;
        for w in &found {
            prop_assert!(w.start >= last && w.end > w.start && w.end <= text.len());
            last = w.end;
            prop_assert_eq!(fold_word(&w.folded), w.folded.clone());
            prop_assert!(!w.text.is_empty());
        }
    }
}

use super::*;
use crate::gazetteer::tests::tiny;

fn parsed(text: &str) -> Vec<(String, String)> {
    let g = tiny();
    let p = Geoparser::new(&g);
    p.parse(text)
        .into_iter()
        .map(|m| (m.text.clone(), g.entry(m.resolution.entry).id.clone()))
        .collect()
}

#[test]
fn finds_and_resolves_in_a_niger_story() {
    let got = parsed("The meeting was held in Niger's capital Niamey. Nigeriens protested.");
    assert_eq!(
        got,
        vec![
            ("Niger".to_string(), "gn:2440476".to_string()),
            ("Niamey".to_string(), "gn:2440485".to_string()),
            ("Nigeriens".to_string(), "dem:gn:2440476".to_string()),
        ]
    );
}

#[test]
fn offsets_and_passages_are_bytes_into_the_text() {
    let g = tiny();
    let text = "Ségou first. Then the U.S. military left Niamey.";
    let mentions = Geoparser::new(&g).parse(text);
    let m = mentions
        .iter()
        .find(|m| m.text == "Niamey")
        .expect("niamey");
    assert_eq!(&text[m.start..m.end], "Niamey");
    assert_eq!(
        &text[m.passage.clone()],
        "Then the U.S. military left Niamey."
    );
    let us = mentions.iter().find(|m| m.text == "U.S.").expect("u.s.");
    assert_eq!(g.entry(us.resolution.entry).name, "United States");
    assert!(us.resolution.confidence > 0.5 && us.resolution.confidence <= 1.0);
}

#[test]
fn passages_are_bounded_in_a_text_without_sentence_breaks() {
    let g = tiny();
    let text = "Niamey, Niger, ".repeat(2_000);
    let mentions = Geoparser::new(&g).parse(&text);
    assert!(mentions.len() >= 2_000, "{} mentions", mentions.len());
    for m in &mentions {
        assert!(m.passage.len() <= MAX_PASSAGE_BYTES, "{:?}", m.passage);
        assert!(m.passage.start <= m.start && m.end <= m.passage.end);
        let shown = &text[m.passage.clone()];
        assert_eq!(shown, shown.trim());
    }
    // A short sentence in the same document is still whole.
    let text = format!("{}\nTroops left Niamey.", "Niger, ".repeat(1_000));
    let mentions = Geoparser::new(&g).parse(&text);
    let last = mentions.last().expect("niamey");
    assert_eq!(&text[last.passage.clone()], "Troops left Niamey.");
}

#[test]
fn alternates_are_kept_ranked() {
    let g = tiny();
    let mentions = Geoparser::new(&g).parse("Troops left Niger.");
    assert_eq!(mentions.len(), 1);
    let r = &mentions[0].resolution;
    assert_eq!(g.entry(r.entry).kind, Kind::Country);
    assert_eq!(r.alternates.len(), 2);
    assert!(r.alternates[0].probability >= r.alternates[1].probability);
    // The chosen entry's probability is on the alternates' scale and above them.
    assert!(r.probability >= r.alternates[0].probability);
    assert!(r.confidence <= r.probability + 1e-6);
    let total: f32 = r.alternates.iter().map(|a| a.probability).sum::<f32>();
    assert!(
        total < 0.5,
        "the country should dominate, alternates have {total}"
    );
}

#[test]
fn demonyms_can_be_switched_off() {
    let g = tiny();
    let options = Options {
        demonyms: false,
        ..Options::default()
    };
    let mentions = Geoparser::with_options(&g, options).parse("Nigeriens protested in Niamey.");
    assert_eq!(mentions.len(), 1);
    assert_eq!(mentions[0].text, "Niamey");
}

#[test]
fn lower_case_and_empty_text_give_nothing() {
    assert!(parsed("").is_empty());
    assert!(parsed("niger and niamey in lower case").is_empty());
    assert!(parsed("\u{0}\u{1}\u{fffd}").is_empty());
}

#[test]
fn a_memo_shared_across_documents_changes_nothing() {
    let g = tiny();
    let p = Geoparser::new(&g);
    let texts = [
        "Niger's capital Niamey. Niger State is in Nigeria.",
        "The U.S. and Niger. Nigeriens in Niamey; the River Niger.",
        "Niamey, Niger. NIGER. Ségou and N’Djamena, Chad.",
    ];
    let mut memo = ParseMemo::new();
    for text in texts.iter().chain(texts.iter()) {
        assert_eq!(p.parse_with(text, &mut memo), p.parse(text), "{text}");
    }
    // A parser without demonyms must not reuse spellings remembered with them.
    let no_demonyms = Geoparser::with_options(
        &g,
        Options {
            demonyms: false,
            ..Options::default()
        },
    );
    let got = no_demonyms.parse_with(texts[1], &mut memo);
    assert_eq!(got, no_demonyms.parse(texts[1]));
    assert!(got.iter().all(|m| m.text != "Nigeriens"));
}

#[test]
fn a_memo_pool_serves_many_threads_with_the_same_results() {
    use rayon::prelude::*;
    let g = tiny();
    let p = Geoparser::new(&g);
    let texts: Vec<String> = (0..64)
        .map(|i| format!("Report {i}: Niger's capital Niamey; Niger State and the U.S. (Chad)."))
        .collect();
    let pool = MemoPool::new();
    let pooled: Vec<Vec<Mention>> = texts
        .par_iter()
        .map(|t| pool.with(|memo| p.parse_with(t, memo)))
        .collect();
    for (t, got) in texts.iter().zip(&pooled) {
        assert_eq!(got, &p.parse(t));
        assert!(got.len() >= 4, "{got:?}");
    }
    // The memos went back to the pool, at most one per thread that used one.
    let kept = pool.0.lock().map(|v| v.len()).unwrap_or(0);
    assert!((1..=rayon::current_num_threads()).contains(&kept), "{kept}");
}

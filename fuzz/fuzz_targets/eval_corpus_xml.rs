//! The evaluation-corpus reader (`gazette eval FILE.xml`: LGL and GeoWebNews XML) over
//! arbitrary text: an error or a corpus, never a panic, and every gold span it keeps
//! selects a valid part of its article's text.
#![no_main]

use gazette::eval::Corpus;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let xml = String::from_utf8_lossy(data);
    let Ok(corpus) = Corpus::from_xml_str(&xml, "fuzz.xml") else {
        return;
    };
    for article in &corpus.articles {
        for t in &article.toponyms {
            assert!(
                t.start <= t.end && article.text.get(t.start..t.end).is_some(),
                "gold span {}..{} is not a slice of a text of {} bytes",
                t.start,
                t.end,
                article.text.len()
            );
        }
    }
});

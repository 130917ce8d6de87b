//! Parsing open documents again after the user's places changed: only those whose text
//! holds one of the changed names (without regard to ASCII case, as user names are
//! found), each found by one automaton pass over its text.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::parse::{ParsedDocument, parse_text};
use crate::geoparse::{Geoparser, MemoPool, Mention};

/// The new mentions of each of `documents` whose text holds one of `names`, as
/// `(index into documents, mentions)`, in document order. Stops early (with what it has)
/// when `cancel` is raised. Runs on every core; meant for a background thread.
pub fn reparse_naming(
    parser: &Geoparser<'_>,
    documents: &[Arc<ParsedDocument>],
    names: &[String],
    cancel: &AtomicBool,
) -> Vec<(usize, Vec<Mention>)> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    let Ok(matcher) = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&names)
    else {
        return Vec::new();
    };
    if names.is_empty() {
        return Vec::new();
    }
    let memos = MemoPool::new();
    documents
        .par_iter()
        .enumerate()
        .filter(|(_, d)| !cancel.load(Ordering::Relaxed) && matcher.is_match(&d.document.text))
        .map(|(i, d)| (i, parse_text(parser, &memos, &d.document.text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::gazetteer::tests::tiny;
    use crate::gazetteer::{Kind, UserPlace};

    #[test]
    fn only_the_documents_naming_a_changed_place_are_parsed_again() {
        let g = tiny();
        let parser = Geoparser::new(&g);
        let docs: Vec<Arc<ParsedDocument>> = ["Drones left base 201 for Niamey.", "Niamey only."]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let document = Document::from_text(format!("d{i}"), t.to_string());
                let mentions = parser.parse(&document.text);
                Arc::new(ParsedDocument { document, mentions })
            })
            .collect();
        g.set_user_places(&[UserPlace {
            name: "Base 201".into(),
            lat: 16.97,
            lon: 7.99,
            kind: Kind::Place,
            country_code: None,
            alternate_names: Vec::new(),
        }])
        .expect("valid");
        let again = reparse_naming(
            &parser,
            &docs,
            &["Base 201".into()],
            &AtomicBool::new(false),
        );
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].0, 0);
        let texts: Vec<&str> = again[0].1.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["base 201", "Niamey"]);
    }
}

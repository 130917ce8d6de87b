//! Sentence splitting and small lexical tests the recogniser needs.
//!
//! Hand-written rather than a crate: news sentence splitting needs only the period
//! rules below (abbreviations such as `U.S.` and `Gen.` must not end a sentence), and
//! the NLP crates that do this pull in models far larger than Gazette.

use std::ops::Range;

/// Abbreviations after which a period does not end a sentence (compared lower-case,
/// without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "maj", "adm", "cmdr",
    "gov", "sen", "rep", "rev", "st", "mt", "ft", "pt", "jr", "sr", "inc", "corp", "co", "ltd",
    "vs", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "ave", "blvd", "rd", "hwy", "dept", "univ", "approx", "est", "fig", "e.g", "i.e", "etc",
    "u.s", "u.k", "u.n", "d.c",
];

/// Byte ranges of the sentences of `text`: split after `.`, `!` or `?` followed by
/// white space and a capital, digit or quote (unless the period ends an abbreviation
/// or a single initial), and at every line break. Ranges are trimmed of white space,
/// in order, and never empty.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0usize;
    let push = |out: &mut Vec<Range<usize>>, s: usize, e: usize| {
        let slice = &text[s..e];
        let lead = slice.len() - slice.trim_start().len();
        let trail = slice.len() - slice.trim_end().len();
        if s + lead < e - trail {
            out.push(s + lead..e - trail);
        }
    };
    // Only line breaks and the three marks can end a sentence; memchr jumps between
    // them instead of testing every byte.
    let mut marks = memchr::memchr3_iter(b'.', b'!', b'?', bytes).peekable();
    let mut newlines = memchr::memchr_iter(b'\n', bytes).peekable();
    loop {
        let i = match (marks.peek(), newlines.peek()) {
            (Some(&m), Some(&n)) if n < m => newlines.next(),
            (Some(_), _) => marks.next(),
            (None, Some(_)) => newlines.next(),
            (None, None) => None,
        };
        let Some(i) = i else { break };
        if bytes[i] == b'\n' {
            push(&mut out, start, i);
            start = i + 1;
        } else if ends_sentence(text, i) {
            push(&mut out, start, i + 1);
            start = i + 1;
        }
    }
    push(&mut out, start, text.len());
    out
}

fn ends_sentence(text: &str, i: usize) -> bool {
    let after = &text[i + 1..];
    let mut chars = after.chars();
    // Closing quotes or brackets may follow the mark.
    let mut rest = after;
    for c in chars.by_ref() {
        if matches!(c, '"' | '\'' | '”' | '’' | ')' | ']') {
            rest = &rest[c.len_utf8()..];
        } else {
            break;
        }
    }
    let trimmed = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == rest.len() && !rest.is_empty() && !rest.starts_with(['\n', '\r']) {
        return false; // no white space after: "U.S.-led", "3.5", "example.com"
    }
    let Some(next) = trimmed.chars().next() else {
        return true;
    };
    if !(next.is_uppercase()
        || next.is_ascii_digit()
        || matches!(next, '"' | '“' | '\'' | '‘' | '(' | '\n' | '\r'))
    {
        return false;
    }
    if text.as_bytes()[i] != b'.' {
        return true;
    }
    // The word before the period.
    let before = &text[..i];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
        .map(|(p, c)| p + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    if let (Some(only), None) = (letters.next(), letters.next())
        && only.is_uppercase()
    {
        return false; // an initial: "John F. Kennedy"
    }
    !is_abbreviation(word.trim_end_matches('.'))
}

/// True if `word` (without its final period) is in [`ABBREVIATIONS`], in any case.
/// Every period in the text asks this: a set of packed keys, no lower-cased copy.
fn is_abbreviation(word: &str) -> bool {
    use crate::short_key::ShortKey;
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<ShortKey>> = std::sync::OnceLock::new();
    let set = SET.get_or_init(|| {
        ABBREVIATIONS
            .iter()
            .filter_map(|a| ShortKey::new(a))
            .collect()
    });
    let key = ShortKey::lowercase(word);
    key.is_some_and(|k| set.contains(&k))
}

/// The word (letters, digits, apostrophes inside) that ends just before byte `pos`,
/// skipping white space; `None` at the start of the text or after punctuation other
/// than a comma-free space.
pub fn previous_word(text: &str, pos: usize) -> Option<(usize, &str)> {
    let before = &text[..pos];
    let trimmed = before.trim_end_matches([' ', '\t', '\u{a0}']);
    if trimmed.len() == before.len() && !before.is_empty() {
        // Directly attached: "al-Qaeda" style joins are handled by the caller.
        let last = trimmed.chars().last()?;
        if !last.is_alphanumeric() {
            return None;
        }
    }
    let end = trimmed.len();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '\'' || *c == '’' || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let raw = &trimmed[start..end];
    let is_trim = |c: char| c == '\'' || c == '’' || c == '.';
    let lead = raw.len() - raw.trim_start_matches(is_trim).len();
    let word = raw.trim_matches(is_trim);
    if word.is_empty() {
        None
    } else {
        Some((start + lead, word))
    }
}

/// The word that starts after byte `pos`, skipping one run of spaces (not a line break).
pub fn next_word(text: &str, pos: usize) -> Option<(usize, &str)> {
    let after = &text[pos..];
    let trimmed = after.trim_start_matches([' ', '\t', '\u{a0}']);
    let start = pos + (after.len() - trimmed.len());
    let len = trimmed
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric()))
        .map(|(i, _)| i)
        .unwrap_or(trimmed.len());
    (len > 0).then(|| (start, &trimmed[..len]))
}

/// True if `word` starts with an upper-case letter.
pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn splits_news_sentences() {
        assert_eq!(
            split("Niger left. The U.S. military stayed. Gen. Tchiani spoke!  Then \"quiet\"."),
            vec![
                "Niger left.",
                "The U.S. military stayed.",
                "Gen. Tchiani spoke!",
                "Then \"quiet\"."
            ]
        );
        assert_eq!(
            split("One line\nAnother line"),
            vec!["One line", "Another line"]
        );
        assert_eq!(
            split("the U.S-led base. Next"),
            vec!["the U.S-led base.", "Next"]
        );
        assert_eq!(
            split("It cost $3.5 million. Yes."),
            vec!["It cost $3.5 million.", "Yes."]
        );
        assert!(split("   \n\n ").is_empty());
        // A multi-byte space before the last word (no-break space, ideographic space).
        assert_eq!(
            split("It killed 12\u{a0}people. Then"),
            vec!["It killed 12\u{a0}people.", "Then"]
        );
        assert_eq!(split("A\u{3000}Bee. C"), vec!["A\u{3000}Bee.", "C"]);
    }

    #[test]
    fn abbreviations_in_any_case() {
        for a in ABBREVIATIONS {
            assert!(is_abbreviation(a), "{a}");
            assert!(is_abbreviation(&a.to_uppercase()), "{a}");
        }
        assert!(!is_abbreviation("Niger"));
        assert!(!is_abbreviation("gén"));
        assert!(!is_abbreviation("a-very-long-word-indeed"));
    }

    #[test]
    fn neighbouring_words() {
        let t = "said Kurt Campbell, in Niger";
        assert_eq!(previous_word(t, 10), Some((5, "Kurt")));
        assert_eq!(next_word(t, 4), Some((5, "Kurt")));
        assert_eq!(previous_word(t, 0), None);
        assert_eq!(previous_word("Al-Qaeda", 3), None);
        assert_eq!(next_word(t, t.len()), None);
    }
}

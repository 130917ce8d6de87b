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
    // Room for a sentence every 64 bytes (news has fewer): growing the list several
    // times per story cost more than the unused room.
    let mut out = Vec::with_capacity(text.len() / 64);
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

/// The bytes before a word that end [`ends_sentence`]'s scan for it: any byte beyond
/// ASCII (the characters are decoded then), white space as `char::is_whitespace` has
/// it in ASCII (tab to carriage return, and the space), `(` and `"`. A table, one entry
/// per byte value: the backward scan tests every byte of the word before each period,
/// and a lookup costs less than the tests it stands for.
const WORD_START_STOPS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = !byte.is_ascii() || matches!(byte, b'\t'..=b'\r' | b' ' | b'(' | b'"');
        b += 1;
    }
    table
};

/// The bytes [`previous_word`]'s backward scan takes into a word: ASCII letters and
/// digits, `'` and `.` (a table for the same reason as [`WORD_START_STOPS`]).
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'\'' || byte == b'.';
        b += 1;
    }
    table
};

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
    let trimmed = trim_start_blanks(rest);
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
    // Bytes first: every period asks this, and the word before is nearly always ASCII.
    // Only where a byte beyond ASCII comes first are the characters decoded.
    let ascii_start = before
        .bytes()
        .rposition(|b| WORD_START_STOPS[usize::from(b)]);
    let word_start = match ascii_start {
        Some(p) if before.as_bytes()[p].is_ascii() => p + 1,
        None => 0,
        Some(_) => before
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
            .map(|(p, c)| p + c.len_utf8())
            .unwrap_or(0),
    };
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
    let trimmed = trim_end_blanks(before);
    if trimmed.len() == before.len() && !before.is_empty() {
        // Directly attached: "al-Qaeda" style joins are handled by the caller.
        let last = trimmed.chars().last()?;
        if !last.is_alphanumeric() {
            return None;
        }
    }
    let end = trimmed.len();
    // Bytes first: every name asks this, and the word before is nearly always ASCII.
    // Only where a non-ASCII character ends the run are the characters decoded.
    let bytes = trimmed.as_bytes();
    let ascii_start = bytes
        .iter()
        .rposition(|&b| !WORD_BYTES[usize::from(b)])
        .map_or(0, |k| k + 1);
    let before_run = ascii_start.checked_sub(1).map(|k| bytes[k]);
    let start = if before_run.is_some_and(|b| !b.is_ascii()) {
        trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '\'' || *c == '’' || *c == '.')
            .last()
            .map(|(i, _)| i)?
    } else if ascii_start < end {
        ascii_start
    } else {
        return None;
    };
    let raw = &trimmed[start..end];
    let rest = trim_start_marks(raw);
    let lead = raw.len() - rest.len();
    let word = trim_end_marks(rest);
    if word.is_empty() {
        None
    } else {
        Some((start + lead, word))
    }
}

/// `s` without the spaces, tabs and no-break spaces it starts with: byte patterns, not
/// a char pattern, as every name asks this of the words beside it.
fn trim_start_blanks(mut s: &str) -> &str {
    loop {
        s = match s.as_bytes() {
            [b' ' | b'\t', ..] => &s[1..],
            // U+00A0 whole: 0xC2 only ever starts a character.
            [0xC2, 0xA0, ..] => &s[2..],
            _ => return s,
        }
    }
}

/// `s` without the spaces, tabs and no-break spaces it ends with.
fn trim_end_blanks(mut s: &str) -> &str {
    loop {
        s = match s.as_bytes() {
            [.., b' ' | b'\t'] => &s[..s.len() - 1],
            [.., 0xC2, 0xA0] => &s[..s.len() - 2],
            _ => return s,
        }
    }
}

/// `s` without the apostrophes (`'`, `’`) and periods it starts with. Byte patterns,
/// not a char closure: every name asks this of the word before it.
fn trim_start_marks(mut s: &str) -> &str {
    loop {
        s = match s.as_bytes() {
            [b'\'' | b'.', ..] => &s[1..],
            // `’`, U+2019, whole: its first byte starts a character.
            [0xE2, 0x80, 0x99, ..] => &s[3..],
            _ => return s,
        }
    }
}

/// `s` without the apostrophes (`'`, `’`) and periods it ends with.
fn trim_end_marks(mut s: &str) -> &str {
    loop {
        s = match s.as_bytes() {
            [.., b'\'' | b'.'] => &s[..s.len() - 1],
            // `’` is the last character whole: 0xE2 only ever starts one.
            [.., 0xE2, 0x80, 0x99] => &s[..s.len() - 3],
            _ => return s,
        }
    }
}

/// The word that starts after byte `pos`, skipping one run of spaces (not a line break).
pub fn next_word(text: &str, pos: usize) -> Option<(usize, &str)> {
    let after = &text[pos..];
    let trimmed = trim_start_blanks(after);
    let start = pos + (after.len() - trimmed.len());
    let len = crate::gazetteer::first_word_len(trimmed);
    (len > 0).then(|| (start, &trimmed[..len]))
}

/// A mention's passage: its sentence when that is at most `max` bytes long, else a
/// window of at most `max` bytes of the sentence around the mention, cut at white space
/// (at a char boundary when there is no white space in reach) and always holding the
/// whole mention; the mention alone when it is itself `max` bytes or longer. Short
/// sentences thus stay whole, and no input makes a passage longer than `max` (or than
/// the mention). `sentence` holds `mention`, and both lie on char boundaries of `text`
/// (as [`sentences`] and the recogniser make them); else the passage is the mention.
pub fn passage(
    text: &str,
    sentence: Range<usize>,
    mention: Range<usize>,
    max: usize,
) -> Range<usize> {
    if !(sentence.start <= mention.start && mention.end <= sentence.end) {
        return mention;
    }
    if sentence.len() <= max {
        return sentence;
    }
    if mention.len() >= max {
        return mention;
    }
    // Half the room on each side; a side with less text gives what it cannot use to the
    // other. The sentence is longer than `max`, so the window stays inside it.
    let room = max - mention.len();
    let before = mention.start - sentence.start;
    let after = sentence.end - mention.end;
    let mut left = room / 2;
    let mut right = room - left;
    if before < left {
        right += left - before;
        left = before;
    } else if after < right {
        left += right - after;
        right = after;
    }
    let lo = mention.start - left;
    let hi = mention.end + right;
    let start = if lo == sentence.start {
        lo
    } else {
        cut_start(text, lo, mention.start)
    };
    let end = if hi == sentence.end {
        hi
    } else {
        cut_end(text, mention.end, hi)
    };
    start..end
}

/// Where a window meant to start at byte `lo` starts: at the first word in
/// `lo..limit` (after white space), or at the first char boundary from `lo` when that
/// span holds no white space. `limit` is a char boundary, `lo <= limit`.
fn cut_start(text: &str, lo: usize, limit: usize) -> usize {
    let lo = ceil_char(text, lo).min(limit);
    let after_space = text[..lo]
        .chars()
        .next_back()
        .is_some_and(char::is_whitespace);
    let span = &text[lo..limit];
    let word = if after_space {
        Some(0)
    } else {
        span.find(char::is_whitespace)
    };
    match word {
        Some(i) => {
            let rest = &span[i..];
            lo + i + (rest.len() - rest.trim_start().len())
        }
        None => lo,
    }
}

/// Where a window meant to end at byte `hi` ends: after the last word in `limit..hi`
/// (before white space), or at the last char boundary up to `hi` when that span holds
/// no white space. `limit` is a char boundary, `limit <= hi`.
fn cut_end(text: &str, limit: usize, hi: usize) -> usize {
    let hi = floor_char(text, hi).max(limit);
    let before_space = text[hi..].chars().next().is_some_and(char::is_whitespace);
    let span = &text[limit..hi];
    let word = if before_space {
        Some(span.len())
    } else {
        span.rfind(char::is_whitespace)
    };
    match word {
        Some(i) => limit + span[..i].trim_end().len(),
        None => hi,
    }
}

fn floor_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// How far [`is_sentence_start`] and [`is_sentence_end`] look through white space.
const SPACE_REACH: usize = 4096;

/// True if [`sentences`] starts a sentence at byte `pos` of `text`: tells a passage that
/// begins its sentence from a window cut inside one (a reader shows `…` there). Looks
/// back through at most 4096 bytes of white space (beyond: false).
pub fn is_sentence_start(text: &str, pos: usize) -> bool {
    let Some(before) = text.get(..pos) else {
        return false;
    };
    let near = before
        .get(floor_char(before, pos.saturating_sub(SPACE_REACH))..)
        .unwrap_or("");
    let trimmed = near.trim_end();
    if trimmed.is_empty() {
        return near.len() == before.len() || near.contains('\n');
    }
    if near[trimmed.len()..].contains('\n') {
        return true;
    }
    let mark = pos - (near.len() - trimmed.len()) - 1;
    matches!(text.as_bytes()[mark], b'.' | b'!' | b'?') && ends_sentence(text, mark)
}

/// True if [`sentences`] ends a sentence at byte `pos` of `text` (exclusive end): the
/// counterpart of [`is_sentence_start`] for a passage's end.
pub fn is_sentence_end(text: &str, pos: usize) -> bool {
    let Some(after) = text.get(pos..) else {
        return false;
    };
    let near = after.get(..ceil_char(after, SPACE_REACH)).unwrap_or("");
    let trimmed = near.trim_start();
    if trimmed.is_empty() {
        return near.len() == after.len() || near.contains('\n');
    }
    if near[..near.len() - trimmed.len()].contains('\n') {
        return true;
    }
    pos > 0
        && matches!(text.as_bytes()[pos - 1], b'.' | b'!' | b'?')
        && ends_sentence(text, pos - 1)
}

/// The word right after byte `pos` when it is capitalised and only spaces stand between
/// ("Watson Pulliam", "New York Police"): the name at `pos` runs on into it.
pub fn capitalized_word_after(text: &str, pos: usize) -> Option<&str> {
    capitalized_and_adjacent(text, pos, next_word(text, pos))
}

/// [`capitalized_word_after`] when the next word (`next`, as [`next_word`] gives it)
/// has already been found.
pub fn capitalized_and_adjacent<'t>(
    text: &str,
    pos: usize,
    next: Option<(usize, &'t str)>,
) -> Option<&'t str> {
    next.filter(|&(s, w)| is_capitalized(w) && text[pos..s].chars().all(|c| c == ' '))
        .map(|(_, w)| w)
}

/// True if `word` starts with an upper-case letter.
pub fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True if `gap`, the text between two names, joins them in a list: a comma, `and`,
/// `or`, `&` or a slash.
pub(crate) fn is_list_joint(gap: &str) -> bool {
    gap.len() <= 6
        && matches!(
            gap,
            ", " | " and " | " or " | ", and " | ", or " | " & " | "/" | " / "
        )
}

/// True if `gap`, the text between two names, makes the first a possessive that
/// qualifies the second: `'s` and at most [`POSSESSIVE_WORDS`] lower-case words
/// ("Chile's capital Santiago", "Florida's Miami-Dade County"). The resolver and the
/// explanations read it alike.
pub(crate) fn is_possessive_gap(gap: &str) -> bool {
    gap.strip_prefix("'s ")
        .or_else(|| gap.strip_prefix("’s "))
        .is_some_and(|words| {
            words.len() <= 40
                && words.split(' ').filter(|w| !w.is_empty()).count() <= POSSESSIVE_WORDS
                && words
                    .chars()
                    .all(|c| c.is_lowercase() || c == ' ' || c == '-')
        })
}

/// Lower-case words at most between a possessive and the name it qualifies ("Russia's
/// southern border region of Belgorod" is too far).
const POSSESSIVE_WORDS: usize = 3;

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

    /// Every window `passage` gives in `text` around each of `mentions` with bound `max`:
    /// at most `max` bytes (or the mention), holds the mention, lies in the sentence, is
    /// trimmed, and is cut inside a word only where the span had no white space.
    fn check_windows(text: &str, sentence: Range<usize>, mentions: &[Range<usize>], max: usize) {
        for m in mentions {
            let p = passage(text, sentence.clone(), m.clone(), max);
            let shown = text
                .get(p.clone())
                .expect("a passage lies on char boundaries");
            assert!(p.len() <= max.max(m.len()), "{max}: {shown:?}");
            assert!(
                p.start <= m.start && m.end <= p.end,
                "{max}: {shown:?} lacks {m:?}"
            );
            assert!(sentence.start <= p.start && p.end <= sentence.end);
            assert_eq!(shown, shown.trim(), "{max}");
            if sentence.len() <= max {
                assert_eq!(p, sentence);
            }
        }
    }

    #[test]
    fn a_short_sentence_is_the_passage() {
        let text = "Before. Troops left Niamey on Monday. After.";
        let sentence = sentences(text)[1].clone();
        let niamey = text.find("Niamey").expect("niamey");
        for max in [sentence.len(), 600] {
            assert_eq!(
                passage(text, sentence.clone(), niamey..niamey + 6, max),
                sentence
            );
        }
    }

    #[test]
    fn a_long_sentence_gives_a_window_cut_at_white_space() {
        // (text, mention, max, passage expected)
        let cases: &[(&str, &str, usize, &str)] = &[
            (
                "one two three Niger four five six",
                "Niger",
                17,
                "three Niger four",
            ),
            (
                "one two three Niger four five six",
                "Niger",
                20,
                "three Niger four",
            ),
            (
                "one two three Niger four five six",
                "Niger",
                23,
                "three Niger four",
            ),
            (
                "one two three Niger four five six",
                "Niger",
                26,
                "two three Niger four five",
            ),
            // Room the start cannot use goes to the end, and the other way round.
            (
                "Niger one two three four five",
                "Niger",
                16,
                "Niger one two",
            ),
            (
                "one two three four five Niger",
                "Niger",
                16,
                "four five Niger",
            ),
            // No white space in reach: cut at a char boundary, never inside `é`.
            ("ééééééNigerééééé", "Niger", 6, "Niger"),
            ("ééééééNigerééééé", "Niger", 11, "éNigeré"),
            ("ééééééNigerééééé", "Niger", 14, "ééNigeréé"),
            ("ééééééNigerééééé", "Niger", 16, "ééNigerééé"),
            // A mention at least as long as the bound is its own passage.
            (
                "a Bosnia and Herzegovina b",
                "Bosnia and Herzegovina",
                10,
                "Bosnia and Herzegovina",
            ),
            (
                "a Bosnia and Herzegovina b",
                "Bosnia and Herzegovina",
                22,
                "Bosnia and Herzegovina",
            ),
            // Only white space between the cut and the mention.
            (
                "xxxxxxxxxxxxxxxx   Niger   xxxxxxxxxxxxxxxxx",
                "Niger",
                9,
                "Niger",
            ),
        ];
        for &(text, mention, max, expected) in cases {
            let start = text.find(mention).expect("mention in text");
            let m = start..start + mention.len();
            let p = passage(text, 0..text.len(), m.clone(), max);
            assert_eq!(&text[p], expected, "{text:?} max {max}");
            check_windows(text, 0..text.len(), &[m], max);
        }
    }

    #[test]
    fn every_window_is_bounded_and_whole() {
        let text = "Ségou, Zürich  and São Paulo\tnear 東京都 and N'Djamena, Texas, Agadez; \
                    a-very-long-hyphenated-word-without-any-space-in-it then Paris";
        let words: Vec<Range<usize>> = {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
                match (c.is_whitespace(), start) {
                    (false, None) => start = Some(i),
                    (true, Some(s)) => {
                        out.push(s..i);
                        start = None;
                    }
                    _ => {}
                }
            }
            out
        };
        for max in 0..=text.len() + 1 {
            check_windows(text, 0..text.len(), &words, max);
        }
    }

    #[test]
    fn sentence_starts_and_ends_agree_with_the_splitter() {
        let texts = [
            "Niger left. The U.S. military stayed. Gen. Tchiani spoke!  Then \"quiet\".",
            "He said \"Go.\" Then left.\nNext line\r\n  Indented. 3 more? (Yes) ok",
            "A. . B a.B c. d It cost $3.5 million. Yes.",
            "  Ségou. Zürich!\u{a0}Ab\u{3000}Cd. \"É\"",
            "",
            "no break at all",
        ];
        for text in texts {
            let cut = sentences(text);
            for (pos, c) in text.char_indices() {
                if !c.is_whitespace() {
                    let starts = cut.iter().any(|r| r.start == pos);
                    assert_eq!(is_sentence_start(text, pos), starts, "{text:?} at {pos}");
                }
            }
            for (pos, c) in text.char_indices() {
                let end = pos + c.len_utf8();
                if !c.is_whitespace() {
                    let ends = cut.iter().any(|r| r.end == end);
                    assert_eq!(is_sentence_end(text, end), ends, "{text:?} at {end}");
                }
            }
        }
        assert!(!is_sentence_start("abc", 9));
        assert!(!is_sentence_end("abc", 9));
        // Beyond the reach through white space, a position counts as inside a sentence.
        let far = format!("word{}Next", " ".repeat(SPACE_REACH + 1));
        assert!(!is_sentence_start(&far, far.len() - 4));
        assert!(!is_sentence_end(&far, 4));
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

    /// [`previous_word`] as it read before its byte-wise fast path: character by
    /// character throughout.
    fn previous_word_by_chars(text: &str, pos: usize) -> Option<(usize, &str)> {
        let before = &text[..pos];
        let trimmed = before.trim_end_matches([' ', '\t', '\u{a0}']);
        if trimmed.len() == before.len() && !before.is_empty() {
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
        (!word.is_empty()).then_some((start + lead, word))
    }

    #[test]
    fn blanks_are_trimmed_as_the_char_pattern_trims_them() {
        let blanks = [' ', '\t', '\u{a0}'];
        for s in [
            "",
            " ",
            "\u{a0}",
            " \t\u{a0} x \u{a0}\t ",
            "x",
            "\u{a0}é\u{a0}",
            "é ",
            " \u{2009}x",
        ] {
            assert_eq!(trim_start_blanks(s), s.trim_start_matches(blanks), "{s:?}");
            assert_eq!(trim_end_blanks(s), s.trim_end_matches(blanks), "{s:?}");
        }
    }

    #[test]
    fn the_byte_tables_agree_with_the_byte_tests() {
        for b in 0u8..=255 {
            assert_eq!(
                WORD_START_STOPS[usize::from(b)],
                !b.is_ascii() || matches!(b, b'\t'..=b'\r' | b' ' | b'(' | b'"'),
                "{b:#x}"
            );
            assert_eq!(
                WORD_BYTES[usize::from(b)],
                b.is_ascii_alphanumeric() || b == b'\'' || b == b'.',
                "{b:#x}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_byte_wise_word_scans_agree_with_the_char_wise_ones(
            text in "[a-cA-C0-9 .,'’é\u{a0}\t-]{0,24}"
        ) {
            for (pos, _) in text.char_indices().chain([(text.len(), ' ')]) {
                proptest::prop_assert_eq!(
                    previous_word(&text, pos),
                    previous_word_by_chars(&text, pos)
                );
            }
        }
    }
}

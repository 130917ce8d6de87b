//! Case and accent folding shared by the gazetteer's name index and the text scanner.
//!
//! The gazetteer stores every name folded, and the geoparser folds text on the fly
//! character by character while it walks the name automaton, so both sides must use
//! exactly the same rules. They live here, once.
//!
//! Rules: letters are lower-cased and stripped of diacritics (`Zinder` = `zinder`,
//! `Ségou` = `segou`, `Türkiye` = `turkiye`); a few letters that do not decompose are
//! spelled out (`ß` → `ss`, `ø` → `o`); every apostrophe-like mark becomes `'`; hyphens,
//! dashes and runs of white space become one space. Everything else is kept.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// What one character of text contributes to a folded name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folded {
    /// Nothing (a combining mark or a zero-width character).
    Skip,
    /// A separator between words: white space, hyphen or dash. Folds to one `' '`.
    Space,
    /// Up to eight bytes of folded UTF-8.
    Bytes([u8; 8], u8),
}

impl Folded {
    /// The folded bytes (empty for `Skip`, `b" "` for `Space`).
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Folded::Skip => &[],
            Folded::Space => b" ",
            Folded::Bytes(buf, len) => &buf[..*len as usize],
        }
    }
}

fn bytes_of(s: &str) -> Folded {
    let mut buf = [0u8; 8];
    let n = s.len().min(8);
    buf[..n].copy_from_slice(&s.as_bytes()[..n]);
    Folded::Bytes(buf, n as u8)
}

/// Folds one character. ASCII takes a fast path; the rest goes through Unicode
/// canonical decomposition, keeping the base letter.
#[inline]
pub fn fold_char(c: char) -> Folded {
    if c.is_ascii() {
        return match c {
            ' ' | '\t' | '\n' | '\r' | '-' => Folded::Space,
            '`' => bytes_of("'"),
            _ => {
                let mut buf = [0u8; 8];
                buf[0] = c.to_ascii_lowercase() as u8;
                Folded::Bytes(buf, 1)
            }
        };
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{02BB}' | '\u{00B4}' | '\u{2032}' => {
            return bytes_of("'");
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' => return Folded::Space,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => return Folded::Space,
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}' => return Folded::Skip,
        'ß' => return bytes_of("ss"),
        'æ' | 'Æ' => return bytes_of("ae"),
        'œ' | 'Œ' => return bytes_of("oe"),
        'ø' | 'Ø' => return bytes_of("o"),
        'ł' | 'Ł' => return bytes_of("l"),
        'đ' | 'Đ' => return bytes_of("d"),
        'ð' | 'Ð' => return bytes_of("d"),
        'þ' | 'Þ' => return bytes_of("th"),
        'ı' => return bytes_of("i"),
        _ => {}
    }
    if is_combining_mark(c) {
        return Folded::Skip;
    }
    let mut base = None;
    decompose_canonical(c, |d| {
        if base.is_none() && !is_combining_mark(d) {
            base = Some(d);
        }
    });
    let base = base.unwrap_or(c);
    let mut buf = [0u8; 8];
    let mut len = 0usize;
    for l in base.to_lowercase() {
        let mut tmp = [0u8; 4];
        let s = l.encode_utf8(&mut tmp);
        if len + s.len() > buf.len() {
            break;
        }
        buf[len..len + s.len()].copy_from_slice(s.as_bytes());
        len += s.len();
    }
    if c.is_whitespace() {
        return Folded::Space;
    }
    Folded::Bytes(buf, len as u8)
}

/// Folds a whole name into its index key: the same per-character rules as
/// [`fold_char`], with separators collapsed and trimmed.
pub fn fold_name(name: &str) -> String {
    if name.is_ascii() {
        fold_ascii_name(name)
    } else {
        fold_any_name(name)
    }
}

/// [`fold_name`] character by character, for any name.
fn fold_any_name(name: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(name.len());
    for c in name.chars() {
        match fold_char(c) {
            Folded::Skip => {}
            Folded::Space => {
                if !out.is_empty() && out.last() != Some(&b' ') {
                    out.push(b' ');
                }
            }
            f @ Folded::Bytes(..) => out.extend_from_slice(f.as_bytes()),
        }
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    // Every piece pushed is whole UTF-8 (ASCII or an encoded char), so this cannot fail;
    // fall back to a lossy copy rather than panic if that ever changed.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`fold_name`] of an ASCII name (nearly every name news writes), byte by byte with
/// [`fold_char`]'s ASCII rules: the general loop's per-character `Folded` values, copies
/// and final UTF-8 check cost several times as much, and the parser and the why
/// sentences of an export fold names by the tens of thousands.
fn fold_ascii_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'-' => {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            b'`' => out.push('\''),
            _ => out.push(char::from(b.to_ascii_lowercase())),
        }
    }
    let kept = out.trim_end_matches(' ').len();
    out.truncate(kept);
    out
}

/// An ASCII rendering of a name (accents dropped, case kept), for display and export.
pub fn ascii_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        let folded = fold_char(c);
        match folded {
            Folded::Skip => {}
            Folded::Space => out.push(if c.is_whitespace() { ' ' } else { '-' }),
            Folded::Bytes(..) => {
                let s = String::from_utf8_lossy(folded.as_bytes()).into_owned();
                if c.is_uppercase() {
                    out.extend(s.chars().flat_map(char::to_uppercase).take(1));
                    out.extend(s.chars().skip(1));
                } else {
                    out.push_str(&s);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_fold_as_every_name_does() {
        // Every ASCII byte alone, between letters, at either end and doubled.
        for b in 0u8..128 {
            let c = char::from(b);
            for name in [
                format!("{c}"),
                format!("Ab{c}Cd"),
                format!("{c}{c}x"),
                format!("X {c} - y{c}"),
                format!("  {c}Z-{c}-\t"),
            ] {
                assert_eq!(fold_ascii_name(&name), fold_any_name(&name), "{name:?}");
            }
        }
    }

    #[test]
    fn folds_case_accents_and_separators() {
        assert_eq!(fold_name("Niamey"), "niamey");
        assert_eq!(fold_name("Ségou"), "segou");
        assert_eq!(fold_name("Türkiye"), "turkiye");
        assert_eq!(fold_name("N’Djamena"), "n'djamena");
        assert_eq!(fold_name("Guinea-Bissau"), "guinea bissau");
        assert_eq!(fold_name("  Burkina   Faso "), "burkina faso");
        assert_eq!(fold_name("U.S."), "u.s.");
        assert_eq!(fold_name("Straße"), "strasse");
        assert_eq!(fold_name("Łódź"), "lodz");
    }

    #[test]
    fn ascii_name_keeps_case() {
        assert_eq!(ascii_name("Ségou"), "Segou");
        assert_eq!(ascii_name("Édéa"), "Edea");
        assert_eq!(ascii_name("Niamey"), "Niamey");
    }

    #[test]
    fn text_and_name_fold_alike() {
        // The scanner folds char by char; a name folds as a whole. They must agree.
        let text = "São Tomé";
        let mut bytes = Vec::new();
        for c in text.chars() {
            bytes.extend_from_slice(fold_char(c).as_bytes());
        }
        assert_eq!(String::from_utf8(bytes).ok().as_deref(), Some("sao tome"));
        assert_eq!(fold_name(text), "sao tome");
    }
}

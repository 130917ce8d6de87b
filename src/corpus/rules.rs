//! The user's rules: what they know about a name, for every document now and later
//! ("Reuters is never a place", "Georgia is always the country"), where a correction
//! (`corrections.rs`) is about one mention. Kept by the name folded as the gazetteer
//! folds names (case, accents, dashes), and written as a short text file a team can
//! share:
//!
//! ```text
//! # Gazette rules: one per line; a line starting with '#' is a comment.
//! never: Reuters
//! always: Georgia = gn:614540
//! ```
//!
//! `never: NAME` removes every mention written NAME; `always: NAME = ID` makes every
//! mention written NAME denote the gazetteer entry `ID` (its stable id, as
//! `gazette lookup NAME` prints it). A rule changes what the parser found, it does not
//! find more: a name the parser did not take for a place stays unmarked. A correction of
//! one mention wins over a rule.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::fold::fold_name;

/// The most bytes read from a rules file: a list of names, which a team writes by hand
/// or the app exports, is a few kilobytes; a bigger file is a mistake.
pub const MAX_RULES_FILE_BYTES: u64 = 1024 * 1024;

/// The longest name a rule may hold, in bytes (the longest gazetteer names are under
/// 200).
pub const MAX_RULE_NAME_BYTES: usize = 300;

/// One rule: a name as the user wrote it and what it always means.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rule {
    /// The name as written (`Reuters`); rules match its folded form.
    pub name: String,
    /// What every mention of the name becomes.
    pub action: RuleAction,
}

/// What a rule does to the mentions of its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleAction {
    /// The name is never a place: its mentions are dropped.
    NeverAPlace,
    /// The name always denotes this gazetteer entry.
    Always {
        /// Stable gazetteer id (`gn:614540`).
        id: String,
    },
}

/// The rules of a session or project, one per folded name, in the order they were
/// made, with an index by folded name so that applying them costs one hash lookup per
/// mention. Saved as `{"items": [...]}`, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    items: Vec<Rule>,
    /// Position in `items` of each folded name.
    by_name: HashMap<String, usize>,
}

/// How rules are saved: the list, oldest first.
#[derive(Serialize, Deserialize)]
struct Stored {
    items: Vec<Rule>,
}

impl Serialize for Rules {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Stored {
            items: self.items.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Rules {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Stored::deserialize(deserializer)?;
        let mut out = Rules::default();
        for rule in stored.items {
            // A saved rule with no name left after folding means nothing; skip it.
            out.set(rule);
        }
        Ok(out)
    }
}

impl PartialEq for Rules {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

/// Why a rules file could not be used. Each names the file; a bad line also its number.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read (missing, not a regular file, too large…).
    #[error("cannot read the rules file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why, in words.
        reason: String,
    },
    /// A line is not a rule.
    #[error("{path}, line {line}: {message}")]
    Line {
        /// The file.
        path: String,
        /// Its line number, from 1.
        line: usize,
        /// What is wrong, with the expected forms.
        message: String,
    },
}

impl Rules {
    /// Every rule, oldest first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Rule> {
        self.items.iter()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a rule, replacing the one for the same name (folded). A name that folds to
    /// nothing (blank) or is longer than [`MAX_RULE_NAME_BYTES`] is ignored. Returns
    /// whether the rules changed.
    pub fn set(&mut self, rule: Rule) -> bool {
        let key = fold_name(&rule.name);
        if key.is_empty() || rule.name.len() > MAX_RULE_NAME_BYTES {
            return false;
        }
        if let Some(&i) = self.by_name.get(&key) {
            if self.items[i] == rule {
                return false;
            }
            self.remove_at(i);
        }
        self.by_name.insert(key, self.items.len());
        self.items.push(rule);
        true
    }

    /// Removes the rule for `name` (folded). Returns whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.by_name.get(&fold_name(name)) {
            Some(&i) => {
                self.remove_at(i);
                true
            }
            None => false,
        }
    }

    fn remove_at(&mut self, i: usize) {
        self.items.remove(i);
        self.by_name = self
            .items
            .iter()
            .enumerate()
            .map(|(i, r)| (fold_name(&r.name), i))
            .collect();
    }

    /// The rule for a name as written in a text (`Georgia`, `GEORGIA`), if any.
    pub fn get(&self, text: &str) -> Option<&Rule> {
        self.by_name.get(&fold_name(text)).map(|&i| &self.items[i])
    }

    /// Adds every rule of `other`, its rules replacing these for the same names (a
    /// rules file given on the command line over a project's rules).
    pub fn extend(&mut self, other: Rules) {
        for rule in other.items {
            self.set(rule);
        }
    }

    /// The rules as the text format of the [module](self) documentation, with a header
    /// saying how to read it.
    pub fn to_text(&self) -> String {
        let mut out = String::from(
            "# Gazette rules: one per line; a line starting with '#' is a comment.\n\
             # never: NAME          the name is never a place\n\
             # always: NAME = ID    the name always denotes this gazetteer entry\n",
        );
        for rule in &self.items {
            // One line each: a name taken from a text may hold a line break, which
            // folds like a space.
            let name = rule.name.split_whitespace().collect::<Vec<_>>().join(" ");
            match &rule.action {
                RuleAction::NeverAPlace => out.push_str(&format!("never: {name}\n")),
                RuleAction::Always { id } => out.push_str(&format!("always: {name} = {id}\n")),
            }
        }
        out
    }

    /// Reads the rules in `text`, the contents of the file `path` (named in errors).
    /// Later lines replace earlier ones for the same name.
    pub fn parse_text(text: &str, path: &str) -> Result<Rules, RulesError> {
        let mut rules = Rules::default();
        for (i, line) in text.lines().enumerate() {
            let bad = |message: String| RulesError::Line {
                path: path.to_string(),
                line: i + 1,
                message,
            };
            // A byte-order mark (a file joined from others) counts as white space.
            let line = line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let rule = parse_line(line).map_err(bad)?;
            rules.set(rule);
        }
        Ok(rules)
    }

    /// Reads the rules file at `path`: a regular file of at most
    /// [`MAX_RULES_FILE_BYTES`], UTF-8 text (a byte-order mark is dropped).
    pub fn read(path: &Path) -> Result<Rules, RulesError> {
        let shown = path.display().to_string();
        let read_error = |reason: String| RulesError::Read {
            path: shown.clone(),
            reason,
        };
        let bytes = crate::regular_file::read(path, MAX_RULES_FILE_BYTES).map_err(|e| match e {
            crate::regular_file::ReadError::TooLarge(_) => read_error(format!(
                "it is larger than {MAX_RULES_FILE_BYTES} bytes, too large for a rules file"
            )),
            other => read_error(other.to_string()),
        })?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| read_error(format!("it is not UTF-8 text ({e})")))?;
        Rules::parse_text(text.strip_prefix('\u{feff}').unwrap_or(text), &shown)
    }
}

/// One non-blank, non-comment line as a rule; the error says what is wrong.
fn parse_line(line: &str) -> Result<Rule, String> {
    const FORMS: &str = "expected `never: NAME` or `always: NAME = ID` (ID a gazetteer id such \
                         as gn:614540)";
    let Some((verb, rest)) = line.split_once(':') else {
        return Err(format!("not a rule; {FORMS}"));
    };
    let rest = rest.trim();
    let (name, action) = match verb.trim().to_ascii_lowercase().as_str() {
        "never" => (rest, RuleAction::NeverAPlace),
        "always" => {
            let Some((name, id)) = rest.rsplit_once('=') else {
                return Err(format!("`always` needs `= ID` after the name; {FORMS}"));
            };
            let id = id.trim();
            if !is_gazetteer_id(id) {
                return Err(format!("`{id}` is not a gazetteer id; {FORMS}"));
            }
            (name.trim(), RuleAction::Always { id: id.to_string() })
        }
        other => return Err(format!("unknown rule `{other}`; {FORMS}")),
    };
    if name.len() > MAX_RULE_NAME_BYTES {
        return Err(format!(
            "the name is longer than {MAX_RULE_NAME_BYTES} bytes"
        ));
    }
    if fold_name(name).is_empty() {
        return Err(format!("the rule names nothing; {FORMS}"));
    }
    Ok(Rule {
        name: name.to_string(),
        action,
    })
}

/// True if `id` looks like a stable gazetteer id: `prefix:rest`, no white space, short.
fn is_gazetteer_id(id: &str) -> bool {
    id.len() <= 100
        && !id.chars().any(|c| c.is_whitespace() || c.is_control())
        && id
            .split_once(':')
            .is_some_and(|(prefix, rest)| !prefix.is_empty() && !rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn never(name: &str) -> Rule {
        Rule {
            name: name.into(),
            action: RuleAction::NeverAPlace,
        }
    }

    #[test]
    fn a_name_matches_folded_and_a_later_rule_replaces_the_earlier() {
        let mut rules = Rules::default();
        assert!(rules.set(never("Reuters")));
        assert!(rules.set(never("Ségou")));
        assert!(rules.get("REUTERS").is_some() && rules.get("Segou").is_some());
        assert!(rules.get("Reuter").is_none());
        assert!(
            !rules.set(never("Reuters")),
            "the same rule again changes nothing"
        );
        assert!(rules.set(Rule {
            name: "reuters".into(),
            action: RuleAction::Always { id: "gn:1".into() },
        }));
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules.get("Reuters").map(|r| &r.action),
            Some(&RuleAction::Always { id: "gn:1".into() })
        );
        assert!(!rules.set(never("  ")), "a blank name is no rule");
        assert!(rules.remove("SEGOU") && !rules.remove("Segou"));
        assert_eq!(rules.len(), 1);
        assert!(rules.get("reuters").is_some());
    }

    #[test]
    fn the_text_format_reads_back_what_it_writes() {
        let text = "# team rules\n\n  never: Reuters  \nALWAYS: Georgia = gn:614540\n\u{feff}";
        let rules = Rules::parse_text(text, "team.rules").expect("rules");
        assert_eq!(rules.len(), 2);
        assert_eq!(
            rules.get("georgia").map(|r| &r.action),
            Some(&RuleAction::Always {
                id: "gn:614540".into()
            })
        );
        let back = Rules::parse_text(&rules.to_text(), "x").expect("round trip");
        assert_eq!(back, rules);
        // A name holding '=' keeps it: the id is after the last one.
        let odd = Rules::parse_text("always: A = B = gn:1", "x").expect("rule");
        assert_eq!(odd.iter().next().map(|r| r.name.as_str()), Some("A = B"));
    }

    #[test]
    fn a_bad_line_names_the_file_and_the_line() {
        for (text, line, says) in [
            (
                "never: Reuters\nsometimes: Paris",
                2,
                "unknown rule `sometimes`",
            ),
            ("\n\nParis", 3, "not a rule"),
            ("always: Georgia", 1, "needs `= ID`"),
            ("always: Georgia = 614540", 1, "not a gazetteer id"),
            ("always: Georgia = gn: 6", 1, "not a gazetteer id"),
            ("never:   ", 1, "names nothing"),
        ] {
            let e = Rules::parse_text(text, "team.rules").expect_err(text);
            let message = e.to_string();
            assert!(
                message.starts_with(&format!("team.rules, line {line}: "))
                    && message.contains(says),
                "{text:?}: {message}"
            );
        }
    }

    #[test]
    fn saved_as_a_list_and_read_back() {
        let mut rules = Rules::default();
        rules.set(never("Reuters"));
        let json = serde_json::to_string(&rules).expect("serialize");
        assert_eq!(
            json,
            r#"{"items":[{"name":"Reuters","action":"NeverAPlace"}]}"#
        );
        let back: Rules = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, rules);
        assert!(back.get("reuters").is_some());
    }

    #[test]
    fn a_file_that_cannot_be_used_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("missing.rules");
        let e = Rules::read(&missing).expect_err("missing");
        assert!(e.to_string().contains("missing.rules"), "{e}");
        let big = dir.path().join("big.rules");
        std::fs::write(&big, vec![b'#'; MAX_RULES_FILE_BYTES as usize + 10]).expect("write");
        let e = Rules::read(&big).expect_err("too large");
        assert!(e.to_string().contains("big.rules") && e.to_string().contains("too large"));
        let binary = dir.path().join("bin.rules");
        std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).expect("write");
        let e = Rules::read(&binary).expect_err("not UTF-8");
        assert!(e.to_string().contains("bin.rules") && e.to_string().contains("UTF-8"));
        let e = Rules::read(dir.path()).expect_err("a folder");
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }

    proptest::proptest! {
        /// Whatever the bytes, reading them gives rules or an error naming the file,
        /// never a panic; rules read back from their own text.
        #[test]
        fn the_reader_never_panics(text in "\\PC*(\n\\PC*){0,6}", bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            for input in [text.clone(), String::from_utf8_lossy(&bytes).into_owned()] {
                match Rules::parse_text(&input, "p.rules") {
                    Ok(rules) => {
                        let back = Rules::parse_text(&rules.to_text(), "p.rules");
                        proptest::prop_assert!(back.is_ok_and(|b| b.len() == rules.len()));
                    }
                    Err(e) => proptest::prop_assert!(e.to_string().starts_with("p.rules, line ")),
                }
            }
        }
    }
}

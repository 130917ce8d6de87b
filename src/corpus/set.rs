//! The parsed set a user works on: the documents in the order they were opened, where
//! each came from, and the user's corrections and filter, with the operations that
//! change them. The app's state holds one; so will a saved project.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::corrections::{Correction, CorrectionAction, Corrections};
use super::document::DocumentSource;
use super::filter::Filter;
use super::parse::ParsedDocument;
use super::places::Place;
use super::rules::{Rule, Rules};
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::located_entry;

/// One way to resolve a mention, offered to the user when correcting it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CandidateChoice {
    /// The gazetteer entry.
    pub entry: EntryIndex,
    /// The parser's probability for it, when the parser ranked it (its choice or an
    /// alternate); `None` for other entries of the same name.
    pub probability: Option<f32>,
    /// True if the mention denotes it now (after corrections).
    pub is_current: bool,
}

/// What the places of a corpus are counted from ([`super::Summary::of_parts`]), taken
/// out of it so another thread can count them: the documents are shared, not copied.
#[derive(Debug, Clone, Default)]
pub struct CorpusParts {
    /// The documents, in the order they were added.
    pub documents: Vec<Arc<ParsedDocument>>,
    /// The corrections.
    pub corrections: Corrections,
    /// The filter.
    pub filter: Filter,
}

/// The ways mention `m` can be resolved: the parser's choice, its alternates, then other
/// entries of the same name (at most `limit` in all), `current` (the located entry it
/// denotes now, after corrections) marked. For a mention held in a corpus or read from a
/// project.
pub fn mention_candidates(
    g: &Gazetteer,
    m: &crate::geoparse::Mention,
    current: Option<EntryIndex>,
    limit: usize,
) -> Vec<CandidateChoice> {
    let mut out: Vec<CandidateChoice> = Vec::new();
    let push = |out: &mut Vec<CandidateChoice>, entry: EntryIndex, p: Option<f32>| {
        if out.len() < limit && !out.iter().any(|c| c.entry == entry) {
            let located = located_entry(g, entry);
            out.push(CandidateChoice {
                entry,
                probability: p,
                is_current: current == Some(located),
            });
        }
    };
    push(&mut out, m.resolution.entry, Some(m.resolution.probability));
    for a in &m.resolution.alternates {
        push(&mut out, a.entry, Some(a.probability));
    }
    let mut others = g.candidates(&m.text);
    others.sort_by_key(|c| {
        let e = g.entry(c.entry);
        (e.kind, std::cmp::Reverse(e.population))
    });
    for c in others {
        push(&mut out, c.entry, None);
    }
    out
}

/// A mention's place in a corpus: `(document index, mention index)`.
pub type MentionKey = (usize, usize);

/// Documents with their sources, corrections and filter. See the module documentation.
///
/// Documents are named uniquely (a second `a.txt` becomes `a.txt (2)`), and a file is
/// opened once: corrections and the filter refer to documents by name.
#[derive(Debug, Default, Clone)]
pub struct Corpus {
    /// Shared, so that a save or an export can take the documents to another thread
    /// without copying them (a document never changes once added).
    documents: Vec<Arc<ParsedDocument>>,
    sources: Vec<DocumentSource>,
    corrections: Corrections,
    filter: Filter,
    /// The names (with each one's index) and files of `sources`, so adding a document,
    /// or finding the document of a correction, costs the same with 100,000 open as with
    /// one (a search of `sources` made opening a big folder quadratic).
    names: HashMap<String, usize>,
    files: HashSet<PathBuf>,
    /// The records of files that hold many documents, by file and record key.
    records: HashSet<(PathBuf, String)>,
    /// Counts changes of the corrections and of the filter, so that whoever keeps a copy
    /// (a project being saved) tells a change without comparing them.
    corrections_version: u64,
    filter_version: u64,
    /// Mentions in all documents.
    mentions: usize,
    /// Counts changes of the rules, likewise.
    rules_version: u64,
}

impl Corpus {
    /// The parsed documents, in the order they were added.
    pub fn documents(&self) -> &[Arc<ParsedDocument>] {
        &self.documents
    }

    /// Where each document came from (same order as [`Corpus::documents`]).
    pub fn sources(&self) -> &[DocumentSource] {
        &self.sources
    }

    /// The documents, corrections and filter, to count on another thread. Costs a
    /// pointer per document and a copy of the corrections.
    pub fn parts(&self) -> CorpusParts {
        CorpusParts {
            documents: self.documents.clone(),
            corrections: self.corrections.clone(),
            filter: self.filter.clone(),
        }
    }

    /// True if a document from this file is already in the set.
    pub fn has_file(&self, path: &Path) -> bool {
        self.files.contains(path)
    }

    /// A document name not used yet: `name`, or `name (2)`, `name (3)`…
    pub fn unique_name(&self, name: &str) -> String {
        let taken = |n: &str| self.names.contains_key(n);
        if !taken(name) {
            return name.to_string();
        }
        (2..)
            .map(|i| format!("{name} ({i})"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| name.to_string())
    }

    /// Adds a parsed document under a unique name. Returns `false` and adds nothing if
    /// the same file (or the same record of a file that holds many) is already in the
    /// set.
    pub fn add_document(&mut self, mut parsed: ParsedDocument, source: DocumentSource) -> bool {
        let duplicate = match (source.path(), source.record()) {
            (Some(path), Some(record)) => !self
                .records
                .insert((path.to_path_buf(), record.to_string())),
            (Some(path), None) => self.has_file(path),
            _ => false,
        };
        if duplicate {
            return false;
        }
        let name = self.unique_name(source.name());
        let source = match source {
            DocumentSource::File {
                path,
                record,
                fields,
                ..
            } => DocumentSource::File {
                path,
                name: name.clone(),
                record,
                fields,
            },
            DocumentSource::Pasted { text, .. } => DocumentSource::Pasted {
                name: name.clone(),
                text,
            },
        };
        parsed.document.name = name.clone();
        self.names.insert(name, self.documents.len());
        if let Some(path) = source.path() {
            self.files.insert(path.to_path_buf());
        }
        self.mentions += parsed.mentions.len();
        self.documents.push(Arc::new(parsed));
        self.sources.push(source);
        true
    }

    /// Replaces the mentions of document `index` (parsed again: the user's places
    /// changed). Corrections name mentions by document and bytes, so they still apply.
    /// Returns `false` and changes nothing if there is no such document.
    pub fn replace_mentions(
        &mut self,
        index: usize,
        mentions: Vec<crate::geoparse::Mention>,
    ) -> bool {
        let Some(doc) = self.documents.get_mut(index) else {
            return false;
        };
        self.mentions = self.mentions - doc.mentions.len() + mentions.len();
        *doc = Arc::new(ParsedDocument {
            document: doc.document.clone(),
            mentions,
        });
        true
    }

    /// Removes every document (corrections and the filter stay).
    pub fn clear_documents(&mut self) {
        self.mentions = 0;
        self.documents.clear();
        self.sources.clear();
        self.names.clear();
        self.files.clear();
        self.records.clear();
    }

    /// The corrections.
    pub fn corrections(&self) -> &Corrections {
        &self.corrections
    }

    /// The filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Replaces the filter. Returns `true` if it changed.
    ///
    /// A minimum confidence outside [0, 1] is clamped to it (one that is not a number
    /// becomes 0): a session or project from elsewhere may hold `1e39`, which JSON would
    /// write back as `null` and then fail to read.
    pub fn set_filter(&mut self, mut filter: Filter) -> bool {
        filter.min_confidence = if filter.min_confidence.is_nan() {
            0.0
        } else {
            filter.min_confidence.clamp(0.0, 1.0)
        };
        let changed = filter != self.filter;
        self.filter = filter;
        if changed {
            self.filter_version += 1;
        }
        changed
    }

    /// Mentions in all documents, as the parser found them.
    pub fn mention_total(&self) -> usize {
        self.mentions
    }

    /// A number that changes whenever the corrections do.
    pub fn corrections_version(&self) -> u64 {
        self.corrections_version
    }

    /// A number that changes whenever the filter does.
    pub fn filter_version(&self) -> u64 {
        self.filter_version
    }

    /// Replaces the corrections and the rules they carry (a restored session or
    /// project).
    pub fn set_corrections(&mut self, corrections: Corrections) {
        self.corrections_version += 1;
        self.rules_version += 1;
        self.corrections = corrections;
    }

    /// The rules by name (carried by the corrections; see [`Corrections::rules`]).
    pub fn rules(&self) -> &Rules {
        self.corrections.rules()
    }

    /// A number that changes whenever the rules do.
    pub fn rules_version(&self) -> u64 {
        self.rules_version
    }

    /// Replaces the rules.
    pub fn set_rules(&mut self, rules: Rules) {
        if &rules != self.corrections.rules() {
            self.corrections.set_rules(rules);
            self.rules_version += 1;
        }
    }

    /// Adds a rule, replacing the one for the same name. Returns whether the rules
    /// changed.
    pub fn add_rule(&mut self, rule: Rule) -> bool {
        let changed = self.corrections.rules_mut().set(rule);
        self.rules_version += u64::from(changed);
        changed
    }

    /// Removes the rule for a name. Returns whether there was one.
    pub fn remove_rule(&mut self, name: &str) -> bool {
        let changed = self.corrections.rules_mut().remove(name);
        self.rules_version += u64::from(changed);
        changed
    }

    /// The located entry a mention denotes after corrections and rules, or `None` if the
    /// user marked it "not a place" or made its name never one (or there is no such
    /// mention).
    pub fn effective_entry(
        &self,
        g: &Gazetteer,
        (document, mention): MentionKey,
    ) -> Option<EntryIndex> {
        let doc = self.documents.get(document)?;
        let m = doc.mentions.get(mention)?;
        let (entry, _, _) = self.corrections.apply(g, &doc.document.name, m)?;
        Some(located_entry(g, entry))
    }

    /// The correction of a mention, if the user made one.
    pub fn correction_of(&self, (document, mention): MentionKey) -> Option<&CorrectionAction> {
        let doc = self.documents.get(document)?;
        let m = doc.mentions.get(mention)?;
        self.corrections.get(&doc.document.name, m.start, m.end)
    }

    /// The ways a mention can be resolved: the parser's choice, its alternates, then other
    /// entries of the same name (at most `limit` in all), the current one marked.
    pub fn candidates(&self, g: &Gazetteer, key: MentionKey, limit: usize) -> Vec<CandidateChoice> {
        let Some(m) = self
            .documents
            .get(key.0)
            .and_then(|d| d.mentions.get(key.1))
        else {
            return Vec::new();
        };
        mention_candidates(g, m, self.effective_entry(g, key), limit)
    }

    /// The candidates of a whole place: every entry any of its mentions could denote
    /// instead (the best probability each was given), most likely first.
    pub fn place_candidates(
        &self,
        g: &Gazetteer,
        place: &Place,
        limit: usize,
    ) -> Vec<CandidateChoice> {
        let mentions = place
            .mentions
            .iter()
            .map(|m| &self.documents[m.document].mentions[m.mention]);
        candidates_instead_of(g, place.entry, mentions, limit)
    }

    /// The mentions the user corrected that are in the set, oldest correction first.
    pub fn corrected_mentions(&self) -> Vec<MentionKey> {
        let mut out = Vec::new();
        for c in self.corrections.iter() {
            let Some(&d) = self.names.get(&c.document) else {
                continue;
            };
            if let Some(m) = self.documents[d]
                .mentions
                .iter()
                .position(|m| m.start == c.start && m.end == c.end)
            {
                out.push((d, m));
            }
        }
        out
    }

    /// Corrects one mention: it denotes `action`'s entry, or is not a place. Returns
    /// `false` if there is no such mention.
    pub fn correct(&mut self, (document, mention): MentionKey, action: CorrectionAction) -> bool {
        let Some(doc) = self.documents.get(document) else {
            return false;
        };
        let Some(m) = doc.mentions.get(mention) else {
            return false;
        };
        self.corrections.set(Correction {
            document: doc.document.name.clone(),
            start: m.start,
            end: m.end,
            action,
        });
        self.corrections_version += 1;
        true
    }

    /// Sets (`Some`) or removes (`None`) the correction of the mention of the document
    /// named `document` at `start..end`, whether or not that document is held here (a
    /// project too large to hold, whose mentions are read from the file). Returns
    /// whether the corrections changed.
    pub fn correct_named(
        &mut self,
        document: &str,
        start: usize,
        end: usize,
        action: Option<CorrectionAction>,
    ) -> bool {
        if self.corrections.get(document, start, end) == action.as_ref() {
            return false;
        }
        match action {
            Some(action) => self.corrections.set(Correction {
                document: document.to_string(),
                start,
                end,
                action,
            }),
            None => self.corrections.clear(document, start, end),
        }
        self.corrections_version += 1;
        true
    }

    /// Undoes a batch's change of a mention's correction where that correction is still
    /// the one the batch left (see [`Corrections::undo`]). Returns whether it changed.
    pub fn undo_change(&mut self, change: &crate::corpus::CorrectionChange) -> bool {
        let changed = change.before != change.after && self.corrections.undo(change);
        if changed {
            self.corrections_version += 1;
        }
        changed
    }

    /// Removes the correction of a mention, restoring the parser's choice. Returns
    /// `false` if there is no such mention.
    pub fn undo_correction(&mut self, (document, mention): MentionKey) -> bool {
        let Some(doc) = self.documents.get(document) else {
            return false;
        };
        let Some(m) = doc.mentions.get(mention) else {
            return false;
        };
        let (name, start, end) = (doc.document.name.clone(), m.start, m.end);
        self.corrections.clear(&name, start, end);
        self.corrections_version += 1;
        true
    }

    /// Corrects every mention of `place`. With `Some(entry)`, the mentions that could
    /// denote `entry` (it is their parser's choice or an alternate, or has their name)
    /// are reassigned to it; with `None` all are marked "not a place". Returns how many
    /// mentions changed.
    pub fn correct_place(&mut self, g: &Gazetteer, place: &Place, to: Option<EntryIndex>) -> usize {
        let mut changed = 0;
        for m in &place.mentions {
            let doc = &self.documents[m.document];
            let mention = &doc.mentions[m.mention];
            let action = match to {
                None => CorrectionAction::NotAPlace,
                Some(target) => {
                    let offered = mention.resolution.entry == target
                        || mention
                            .resolution
                            .alternates
                            .iter()
                            .any(|a| a.entry == target)
                        || g.candidates(&mention.text)
                            .iter()
                            .any(|c| c.entry == target);
                    if !offered {
                        continue;
                    }
                    CorrectionAction::Reassign {
                        id: g.entry(target).id.clone(),
                    }
                }
            };
            self.corrections.set(Correction {
                document: doc.document.name.clone(),
                start: mention.start,
                end: mention.end,
                action,
            });
            changed += 1;
        }
        if changed > 0 {
            self.corrections_version += 1;
        }
        changed
    }
}

/// What mentions located at `place` could denote instead: each entry their parser's
/// choice or alternates name (the best probability each was given) whose located entry
/// is not `place`, most likely first, at most `limit`. The window's place (all its
/// mentions) and an archive's (the passages read) offer these.
pub fn candidates_instead_of<'m>(
    g: &Gazetteer,
    place: EntryIndex,
    mentions: impl IntoIterator<Item = &'m crate::geoparse::Mention>,
    limit: usize,
) -> Vec<CandidateChoice> {
    let mut best: HashMap<EntryIndex, f32> = HashMap::new();
    for mention in mentions {
        let r = &mention.resolution;
        for (entry, p) in std::iter::once((r.entry, r.probability))
            .chain(r.alternates.iter().map(|a| (a.entry, a.probability)))
        {
            if located_entry(g, entry) != place {
                let slot = best.entry(entry).or_insert(p);
                *slot = slot.max(p);
            }
        }
    }
    let mut out: Vec<CandidateChoice> = best
        .into_iter()
        .map(|(entry, p)| CandidateChoice {
            entry,
            probability: Some(p),
            is_current: false,
        })
        .collect();
    out.sort_by(|a, b| {
        b.probability
            .partial_cmp(&a.probability)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.entry.cmp(&b.entry))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Document;
    use crate::geoparse::Geoparser;

    fn parsed(g: &Gazetteer, name: &str, text: &str) -> ParsedDocument {
        let mentions = Geoparser::new(g).parse(text);
        ParsedDocument {
            document: Document::from_text(name, text),
            mentions,
        }
    }

    #[test]
    fn names_are_unique_and_a_file_is_added_once() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut corpus = Corpus::default();
        let file = DocumentSource::file("/news/a.txt", "a.txt");
        assert!(corpus.add_document(parsed(&g, "a.txt", "Rain in Niamey."), file.clone()));
        assert!(!corpus.add_document(parsed(&g, "a.txt", "Rain in Niamey."), file));
        let pasted = DocumentSource::Pasted {
            name: "a.txt".into(),
            text: "Talks in Paris.".into(),
        };
        assert!(corpus.add_document(parsed(&g, "a.txt", "Talks in Paris."), pasted));
        let names: Vec<&str> = corpus.sources().iter().map(|s| s.name()).collect();
        assert_eq!(names, ["a.txt", "a.txt (2)"]);
        assert_eq!(corpus.documents()[1].document.name, "a.txt (2)");
        // Cleared, the same file and name can come again.
        corpus.clear_documents();
        let file = DocumentSource::file("/news/a.txt", "a.txt");
        assert!(corpus.add_document(parsed(&g, "a.txt", "Rain in Niamey."), file));
        assert_eq!(corpus.sources()[0].name(), "a.txt");
        // Records of one file are each added once.
        let record = |key: &str| DocumentSource::File {
            path: "/news/x.csv".into(),
            name: format!("x.csv#{key}"),
            record: Some(key.into()),
            fields: Default::default(),
        };
        assert!(corpus.add_document(parsed(&g, "x", "Rain in Gao."), record("line 2")));
        assert!(corpus.add_document(parsed(&g, "x", "Rain in Gao."), record("line 3")));
        assert!(!corpus.add_document(parsed(&g, "x", "Rain in Gao."), record("line 2")));
        assert!(corpus.has_file(std::path::Path::new("/news/x.csv")));
    }

    #[test]
    fn corrections_follow_the_mention_and_can_be_undone() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut corpus = Corpus::default();
        let doc = parsed(&g, "n.txt", "Soldiers left Niamey for Agadez.");
        assert!(!doc.mentions.is_empty());
        corpus.add_document(
            doc,
            DocumentSource::Pasted {
                name: "n.txt".into(),
                text: String::new(),
            },
        );
        assert!(corpus.effective_entry(&g, (0, 0)).is_some());
        assert!(corpus.correct((0, 0), CorrectionAction::NotAPlace));
        assert_eq!(corpus.effective_entry(&g, (0, 0)), None);
        assert_eq!(corpus.corrected_mentions(), [(0, 0)]);
        // No such mention: nothing recorded.
        assert!(!corpus.correct((0, 99), CorrectionAction::NotAPlace));
        assert!(corpus.undo_correction((0, 0)));
        assert!(corpus.effective_entry(&g, (0, 0)).is_some());
        assert!(corpus.corrections().is_empty());
    }

    #[test]
    fn rules_apply_to_every_document_and_a_correction_wins() {
        use crate::corpus::{RuleAction, places};
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut corpus = Corpus::default();
        for (name, text) in [
            ("a.txt", "Troops left Niamey for Agadez."),
            ("b.txt", "In Niamey, talks went on. Rain fell in Georgia."),
        ] {
            let pasted = DocumentSource::Pasted {
                name: name.into(),
                text: text.into(),
            };
            corpus.add_document(parsed(&g, name, text), pasted);
        }
        let count = |corpus: &Corpus, place: &str| {
            places(
                &g,
                corpus.documents(),
                corpus.corrections(),
                corpus.filter(),
            )
            .iter()
            .filter(|p| g.entry(p.entry).name == place)
            .map(|p| p.mentions.len())
            .sum::<usize>()
        };
        assert_eq!(count(&corpus, "Niamey"), 2);
        let version = corpus.rules_version();
        assert!(corpus.add_rule(Rule {
            name: "NIAMEY".into(),
            action: RuleAction::NeverAPlace,
        }));
        assert!(corpus.rules_version() > version);
        assert_eq!(count(&corpus, "Niamey"), 0);
        assert_eq!(corpus.effective_entry(&g, (0, 0)), None);
        // A correction of one mention wins over the rule.
        let niamey = g.index_of_id("gn:2440485").expect("Niamey");
        assert!(corpus.correct(
            (1, 0),
            CorrectionAction::Reassign {
                id: "gn:2440485".into()
            }
        ));
        assert_eq!(corpus.effective_entry(&g, (1, 0)), Some(niamey));
        assert_eq!(count(&corpus, "Niamey"), 1);
        // "Always": every mention of the name denotes the entry.
        let georgia_us = g
            .candidates("Georgia")
            .into_iter()
            .map(|c| c.entry)
            .find(|&e| g.entry(e).kind == crate::gazetteer::Kind::Admin1)
            .expect("the US state");
        let id = g.entry(georgia_us).id.clone();
        corpus.add_rule(Rule {
            name: "Georgia".into(),
            action: RuleAction::Always { id },
        });
        let georgia = corpus.documents()[1]
            .mentions
            .iter()
            .position(|m| m.text == "Georgia")
            .expect("Georgia found");
        assert_eq!(corpus.effective_entry(&g, (1, georgia)), Some(georgia_us));
        assert!(corpus.remove_rule("niamey"));
        assert_eq!(count(&corpus, "Niamey"), 2);
    }

    #[test]
    fn a_minimum_confidence_out_of_range_is_clamped() {
        let mut corpus = Corpus::default();
        for (given, kept) in [
            (f32::INFINITY, 1.0),
            (-3.0, 0.0),
            (f32::NAN, 0.0),
            (0.4, 0.4),
        ] {
            corpus.set_filter(Filter {
                min_confidence: given,
                ..Filter::default()
            });
            assert_eq!(corpus.filter().min_confidence, kept, "{given}");
        }
    }
}

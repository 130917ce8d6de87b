//! What the user changes in a project after parsing: corrections (each its own
//! transaction, which also moves the corrected mentions in the places layer), the
//! user's rules by name, the filter and the app's settings.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::error::ProjectError;
use super::layer::{LayerChanges, effective_place};
use super::{Project, resolve_entries};
use crate::corpus::{Correction, CorrectionAction, CorrectionChange, Corrections, Filter, Rules};
use crate::gazetteer::Gazetteer;

/// `gazette_settings` key of the filter.
const FILTER_KEY: &str = "filter";

/// `gazette_settings` key of the user's rules (JSON, as [`Rules`] serializes).
const RULES_KEY: &str = "rules";

/// `gazette_settings` key of the user's own places (JSON, a list as
/// [`UserPlace`](crate::gazetteer::UserPlace) serializes).
const PLACES_KEY: &str = "places";

/// `gazette_corrections.action` of a reassignment and of "not a place".
const REASSIGN: &str = "reassign";
const NOT_A_PLACE: &str = "not_a_place";

/// The corrections stored in the project, oldest first, with the rules saved with it.
pub fn read_corrections(conn: &Connection, path: &Path) -> Result<Corrections, ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let mut stmt = conn
        .prepare(
            "SELECT document, start_byte, end_byte, action, gazetteer_id \
             FROM gazette_corrections ORDER BY seq",
        )
        .map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let mut corrections = Corrections::default();
    while let Some(row) = rows.next().map_err(sqlite)? {
        let action: String = row.get(3).map_err(sqlite)?;
        let id: Option<String> = row.get(4).map_err(sqlite)?;
        let action = match (action.as_str(), id) {
            (REASSIGN, Some(id)) => CorrectionAction::Reassign { id },
            (NOT_A_PLACE, _) => CorrectionAction::NotAPlace,
            (other, _) => {
                return Err(ProjectError::damaged(
                    path,
                    format!("a correction has the unknown action {other:?}"),
                ));
            }
        };
        corrections.set(Correction {
            document: row.get(0).map_err(sqlite)?,
            start: row.get(1).map_err(sqlite)?,
            end: row.get(2).map_err(sqlite)?,
            action,
        });
    }
    let rules: Option<String> = conn
        .query_row(
            "SELECT value FROM gazette_settings WHERE key = ?1",
            [RULES_KEY],
            |r| r.get(0),
        )
        .optional()
        .map_err(sqlite)?;
    if let Some(json) = rules {
        let rules: Rules = serde_json::from_str(&json).map_err(|e| {
            ProjectError::damaged(path, format!("its saved rules cannot be read: {e}"))
        })?;
        corrections.set_rules(rules);
    }
    Ok(corrections)
}

/// Sets (`set`) or clears the correction of one mention in one transaction: the
/// correction's row, the mentions it concerns (every document of that name with a
/// mention at that span), and the layer's counts. On failure nothing changes. The
/// project's list of corrections is changed in place (read again from the file if the
/// transaction fails), not copied: a whole place corrected makes it as long as the
/// place's mentions.
pub fn change_correction(
    project: &mut Project,
    gazetteer: &Gazetteer,
    correction: Correction,
    set: bool,
) -> Result<(), ProjectError> {
    project.check_writable()?;
    in_transaction(project, |project| {
        let Project {
            path,
            conn,
            corrections,
            entries,
            corrected_documents,
            ..
        } = project;
        let path: &Path = path;
        let entries = resolve_entries(entries.get_mut(), conn, path, gazetteer)?;
        let mut affected = Vec::new();
        write_one(conn, path, corrections, &correction, set, &mut affected)?;
        if set {
            corrected_documents.insert(correction.document.clone());
        }
        move_mentions(conn, path, gazetteer, entries, affected)
    })
}

/// A mention whose place may change, with what now decides it.
struct Mentioned {
    document_id: i64,
    ordinal: i64,
    /// Its parsed entry (a ref of `gazette_entries`).
    entry: i64,
    /// Where it counts now.
    place: Option<i64>,
    demonym: bool,
    /// Its correction, else its name's rule (see [`Corrections::decision`]).
    decision: Option<CorrectionAction>,
}

/// Moves each mention to the place its decision gives it, in the mentions table and in
/// the layer's counts (inside the caller's transaction).
fn move_mentions(
    conn: &Connection,
    path: &Path,
    gazetteer: &Gazetteer,
    entries: &mut super::entries::EntryTable,
    affected: Vec<Mentioned>,
) -> Result<(), ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    // One move per mention: a list of corrections can reach a mention twice (the same
    // span listed twice, or two documents of one name, whose corrections are shared),
    // and moving it twice would count it twice in the layer. Every entry of a mention
    // has the place it had before this batch; the last one has the final decision.
    let mut last = std::collections::HashMap::with_capacity(affected.len());
    for (i, m) in affected.iter().enumerate() {
        last.insert((m.document_id, m.ordinal), i);
    }
    let affected = affected
        .into_iter()
        .enumerate()
        .filter(|(i, m)| last.get(&(m.document_id, m.ordinal)) == Some(i))
        .map(|(_, m)| m);
    let mut layer = LayerChanges::default();
    let mut count_in_document = conn
        .prepare(
            "SELECT count(*) FROM gazette_mentions WHERE place = ?1 AND demonym = 0 \
             AND document_id = ?2",
        )
        .map_err(sqlite)?;
    for m in affected {
        let (document_id, old_place, old_demonym) = (m.document_id, m.place, m.demonym);
        // A mention whose parsed entry this gazetteer lacks is left as it is.
        let Some(parsed) = entries.index_of(path, m.entry)? else {
            continue;
        };
        let (new_place, new_demonym) = match effective_place(gazetteer, m.decision.as_ref(), parsed)
        {
            Some((located, demonym)) => (
                Some(entries.ref_of(conn, gazetteer, located).map_err(sqlite)?),
                demonym,
            ),
            None => (None, false),
        };
        if (new_place, new_demonym) == (old_place, old_demonym) {
            continue;
        }
        conn.execute(
            "UPDATE gazette_mentions SET place = ?1, demonym = ?2 \
             WHERE document_id = ?3 AND ordinal = ?4",
            (new_place, new_demonym, document_id, m.ordinal),
        )
        .map_err(sqlite)?;
        let mut count = |place: i64| -> Result<i64, ProjectError> {
            count_in_document
                .query_row((place, document_id), |r| r.get(0))
                .map_err(sqlite)
        };
        if let (Some(old), false) = (old_place, old_demonym) {
            let gone = count(old)? == 0;
            layer.add(old, -1, if gone { -1 } else { 0 });
        }
        if let (Some(new), false) = (new_place, new_demonym) {
            let first = count(new)? == 1;
            layer.add(new, 1, if first { 1 } else { 0 });
        }
    }
    layer.write(conn).map_err(sqlite)
}

/// Replaces the project's rules in one transaction: the `rules` setting, and every
/// mention whose name's rule changed moved in the places layer (a correction of the
/// mention still wins). Costs a pass over the mentions' names, once per change of the
/// rules. On failure nothing changes.
pub fn change_rules(
    project: &mut Project,
    gazetteer: &Gazetteer,
    rules: &Rules,
) -> Result<(), ProjectError> {
    project.check_writable()?;
    let path = project.path.clone();
    let sqlite = |e| ProjectError::sqlite(&path, e);
    let json = serde_json::to_string(rules)
        .map_err(|e| ProjectError::damaged(&path, format!("the rules cannot be encoded: {e}")))?;
    project
        .conn
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(sqlite)?;
    let result = apply_rules(project, gazetteer, rules, &json).and_then(|corrections| {
        project.conn.execute_batch("COMMIT").map_err(sqlite)?;
        Ok(corrections)
    });
    match result {
        Ok(corrections) => {
            project.corrections = corrections;
            Ok(())
        }
        Err(e) => {
            let _ = project.conn.execute_batch("ROLLBACK");
            *project.entries.get_mut() = None;
            Err(e)
        }
    }
}

/// The work of [`change_rules`] inside its transaction; returns the corrections with
/// the new rules.
fn apply_rules(
    project: &mut Project,
    gazetteer: &Gazetteer,
    rules: &Rules,
    json: &str,
) -> Result<Corrections, ProjectError> {
    let Project {
        path,
        conn,
        corrections,
        entries,
        ..
    } = project;
    let path: &Path = path;
    let sqlite = |e| ProjectError::sqlite(path, e);
    conn.execute(
        "INSERT INTO gazette_settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (RULES_KEY, json),
    )
    .map_err(sqlite)?;
    let before = corrections.rules();
    // The folded names whose rule is new, gone or different.
    let changed: std::collections::HashSet<String> = before
        .iter()
        .chain(rules.iter())
        .map(|r| crate::fold::fold_name(&r.name))
        .filter(|name| before.get(name).map(|r| &r.action) != rules.get(name).map(|r| &r.action))
        .collect();
    let mut after = corrections.clone();
    after.set_rules(rules.clone());
    if changed.is_empty() {
        return Ok(after);
    }
    let entries = resolve_entries(entries.get_mut(), conn, path, gazetteer)?;
    let mut affected: Vec<Mentioned> = Vec::new();
    {
        let mut stmt = conn
            .prepare(
                "SELECT m.document_id, m.ordinal, m.entry, m.place, m.demonym, m.text, \
                 m.start_byte, m.end_byte, d.name \
                 FROM gazette_mentions AS m JOIN gazette_documents AS d ON d.id = m.document_id",
            )
            .map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        while let Some(r) = rows.next().map_err(sqlite)? {
            let text: String = r.get(5).map_err(sqlite)?;
            if !changed.contains(&crate::fold::fold_name(&text)) {
                continue;
            }
            let (start, end): (usize, usize) =
                (r.get(6).map_err(sqlite)?, r.get(7).map_err(sqlite)?);
            let document: String = r.get(8).map_err(sqlite)?;
            affected.push(Mentioned {
                document_id: r.get(0).map_err(sqlite)?,
                ordinal: r.get(1).map_err(sqlite)?,
                entry: r.get(2).map_err(sqlite)?,
                place: r.get(3).map_err(sqlite)?,
                demonym: r.get(4).map_err(sqlite)?,
                decision: after.decision(&document, start, end, &text),
            });
        }
    }
    move_mentions(conn, path, gazetteer, entries, affected)?;
    Ok(after)
}

impl Project {
    /// The filter saved with the project; the default filter if none was saved.
    pub fn filter(&self) -> Result<Filter, ProjectError> {
        match self.setting(FILTER_KEY)? {
            None => Ok(Filter::default()),
            Some(json) => serde_json::from_str(&json).map_err(|e| {
                ProjectError::damaged(&self.path, format!("its saved filter cannot be read: {e}"))
            }),
        }
    }

    /// Saves the filter (its own transaction). The places layer does not depend on it.
    pub fn set_filter(&mut self, filter: &Filter) -> Result<(), ProjectError> {
        let json = serde_json::to_string(filter).map_err(|e| {
            ProjectError::damaged(&self.path, format!("the filter cannot be encoded: {e}"))
        })?;
        self.set_setting(FILTER_KEY, &json)
    }

    /// Replaces the user's rules in one transaction: saved as the `rules` setting, and
    /// the mentions of every name whose rule changed moved in the places layer.
    /// [`Project::corrections`] carries them from then on, so an export applies them.
    pub fn set_rules(&mut self, gazetteer: &Gazetteer, rules: &Rules) -> Result<(), ProjectError> {
        change_rules(self, gazetteer, rules)
    }

    /// The user's own places saved with the project (the `places` setting); none if
    /// none were saved. Each is checked as a places file's row is: a project may come
    /// from anyone.
    pub fn user_places(&self) -> Result<Vec<crate::gazetteer::UserPlace>, ProjectError> {
        let Some(json) = self.setting(PLACES_KEY)? else {
            return Ok(Vec::new());
        };
        let damaged = |reason: String| {
            ProjectError::damaged(
                &self.path,
                format!("its saved places cannot be read: {reason}"),
            )
        };
        let places: Vec<crate::gazetteer::UserPlace> =
            serde_json::from_str(&json).map_err(|e| damaged(e.to_string()))?;
        places
            .into_iter()
            .map(|p| p.checked().map_err(|e| damaged(e.to_string())))
            .collect()
    }

    /// Saves the user's own places (the `places` setting, its own transaction). Their
    /// mentions are changed by [`Project::replace_mentions`].
    pub fn set_user_places(
        &mut self,
        places: &[crate::gazetteer::UserPlace],
    ) -> Result<(), ProjectError> {
        let json = serde_json::to_string(places).map_err(|e| {
            ProjectError::damaged(&self.path, format!("the places cannot be encoded: {e}"))
        })?;
        self.set_setting(PLACES_KEY, &json)
    }

    /// A setting saved with the project (the app's selected place, its map view), by key.
    pub fn setting(&self, key: &str) -> Result<Option<String>, ProjectError> {
        self.conn
            .query_row(
                "SELECT value FROM gazette_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }

    /// Saves a setting (its own transaction), replacing any earlier value.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<(), ProjectError> {
        self.check_writable()?;
        self.conn
            .execute(
                "INSERT INTO gazette_settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
            .map(|_| ())
            .map_err(|e| ProjectError::sqlite(&self.path, e))
    }
}

/// What [`Project::correct_place`] and [`Project::undo_changes`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchOutcome {
    /// The corrections changed, in the order written, each with the one it replaced:
    /// [`Project::undo_changes`] given them puts back exactly what stood before.
    pub changes: Vec<CorrectionChange>,
    /// Transactions committed: one per range of documents (or of corrections).
    pub transactions: usize,
    /// True if it was stopped between two transactions (those before are written).
    pub stopped: bool,
    /// The batch as kept in the project ([`Project::whole_place_batches`]), for its undo
    /// after reopening; `None` when nothing was written (or for an undo).
    pub batch: Option<i64>,
}

/// A whole place corrected, as the project keeps it until it is undone: so that "Undo
/// all" survives reopening.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredBatch {
    /// Its row in `gazette_batches`, for [`Project::undo_changes`].
    pub id: i64,
    /// What was done, as the window says it ("Niamey: not a place").
    pub label: String,
    /// Its changes whose correction still stands as it left it, in the order written
    /// (those undone since, or corrected again, are left out).
    pub changes: Vec<CorrectionChange>,
}

/// What a whole place's batch is called: "Niamey: not a place", "Paris: reassigned to
/// Paris, Texas, United States". The window says it so too.
pub fn place_batch_label(gazetteer: &Gazetteer, place_id: &str, to: Option<&str>) -> String {
    let name = |id: &str| gazetteer.index_of_id(id).map(|e| gazetteer.entry(e));
    let place = name(place_id).map_or_else(|| place_id.to_string(), |e| e.name.clone());
    match to {
        None => format!("{place}: not a place"),
        Some(to) => format!(
            "{place}: reassigned to {}",
            name(to).map_or_else(|| to.to_string(), |e| e.label())
        ),
    }
}

/// `gazette_corrections.action` and `gazetteer_id` of a correction (`None`: none).
fn encode(action: Option<&CorrectionAction>) -> (Option<&'static str>, Option<&str>) {
    match action {
        None => (None, None),
        Some(CorrectionAction::NotAPlace) => (Some(NOT_A_PLACE), None),
        Some(CorrectionAction::Reassign { id }) => (Some(REASSIGN), Some(id.as_str())),
    }
}

/// The correction [`encode`] wrote; a value no Gazette writes is damage.
fn decode(
    path: &Path,
    action: Option<String>,
    id: Option<String>,
) -> Result<Option<CorrectionAction>, ProjectError> {
    match (action.as_deref(), id) {
        (None, _) => Ok(None),
        (Some(REASSIGN), Some(id)) => Ok(Some(CorrectionAction::Reassign { id })),
        (Some(NOT_A_PLACE), _) => Ok(Some(CorrectionAction::NotAPlace)),
        (Some(other), _) => Err(ProjectError::damaged(
            path,
            format!("a whole place's correction has the unknown action {other:?}"),
        )),
    }
}

/// Keeps `changes` as those of batch `batch`, numbered from `seq` (inside the caller's
/// transaction).
fn record_changes(
    conn: &Connection,
    path: &Path,
    batch: i64,
    seq: usize,
    changes: &[CorrectionChange],
) -> Result<(), ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO gazette_batch_changes (batch, seq, document, start_byte, end_byte, \
             before_action, before_id, after_action, after_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(sqlite)?;
    for (i, c) in changes.iter().enumerate() {
        let (before_action, before_id) = encode(c.before.as_ref());
        let (after_action, after_id) = encode(c.after.as_ref());
        let seq = i64::try_from(seq + i).unwrap_or(i64::MAX);
        stmt.execute(rusqlite::params![
            batch,
            seq,
            c.document,
            c.start,
            c.end,
            before_action,
            before_id,
            after_action,
            after_id
        ])
        .map_err(sqlite)?;
    }
    Ok(())
}

/// The whole places the project keeps ([`StoredBatch`]), oldest first, each with the
/// changes whose correction still stands; those with none are left out. None for a
/// project made before the batch tables and opened read-only.
pub fn read_batches(project: &Project) -> Result<Vec<StoredBatch>, ProjectError> {
    let (conn, path) = (&project.conn, project.path.as_path());
    let sqlite = |e| ProjectError::sqlite(path, e);
    if !super::schema::has_batch_tables(conn).map_err(sqlite)? {
        return Ok(Vec::new());
    }
    let batches: Vec<(i64, String)> = {
        let mut stmt = conn
            .prepare("SELECT id, label FROM gazette_batches ORDER BY id")
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sqlite)?;
        rows.collect::<Result<_, _>>().map_err(sqlite)?
    };
    let mut stmt = conn
        .prepare(
            "SELECT document, start_byte, end_byte, before_action, before_id, after_action, \
             after_id FROM gazette_batch_changes WHERE batch = ?1 ORDER BY seq",
        )
        .map_err(sqlite)?;
    let mut out = Vec::new();
    for (id, label) in batches {
        let mut rows = stmt.query([id]).map_err(sqlite)?;
        let mut changes = Vec::new();
        while let Some(r) = rows.next().map_err(sqlite)? {
            let change = CorrectionChange {
                document: r.get(0).map_err(sqlite)?,
                start: r.get(1).map_err(sqlite)?,
                end: r.get(2).map_err(sqlite)?,
                before: decode(path, r.get(3).map_err(sqlite)?, r.get(4).map_err(sqlite)?)?,
                after: decode(path, r.get(5).map_err(sqlite)?, r.get(6).map_err(sqlite)?)?,
            };
            let now = project
                .corrections
                .get(&change.document, change.start, change.end);
            if now == change.after.as_ref() && change.before != change.after {
                changes.push(change);
            }
        }
        if !changes.is_empty() {
            out.push(StoredBatch { id, label, changes });
        }
    }
    Ok(out)
}

/// A batch that failed part-way (a full disk, a busy timeout in its third range): why,
/// and what it had committed before. Each range is its own transaction, so those
/// changes are in the file: the caller must take them in (and offer to undo them) to
/// stay in step with it, not just the error.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct BatchError {
    /// What was committed before the failure (nothing if it failed before its first
    /// range).
    pub done: BatchOutcome,
    /// Why it stopped; the range it was writing was rolled back. Boxed: the error
    /// travels up through every batch's `Result`.
    pub error: Box<ProjectError>,
}

impl From<ProjectError> for BatchError {
    fn from(error: ProjectError) -> Self {
        BatchError {
            done: BatchOutcome::default(),
            error: Box::new(error),
        }
    }
}

/// The predicate on `d.published` of a date range (documents from day `from` to day
/// `to`, the undated ones when asked), as [`super::layer::COUNT_IN_DATES`] has it.
fn date_bounds(dates: Option<crate::corpus::DateRange>) -> (String, String, bool) {
    let day = |d: i32| {
        crate::corpus::metadata::date_of_day(d)
            .format("%Y-%m-%d")
            .to_string()
    };
    match dates {
        None => ("0000-00-00".into(), "9999-99-99".into(), true),
        Some(r) => (
            r.from.map_or_else(|| "0000-00-00".to_string(), day),
            r.to.map_or_else(|| "9999-99-99".to_string(), day),
            !r.hide_undated,
        ),
    }
}

/// Runs `work` in a transaction of its own; on failure rolls back, and reads the
/// corrections and entries again (the work may have changed them in memory).
fn in_transaction<T>(
    project: &mut Project,
    work: impl FnOnce(&mut Project) -> Result<T, ProjectError>,
) -> Result<T, ProjectError> {
    let path = project.path.clone();
    let sqlite = |e| ProjectError::sqlite(&path, e);
    project
        .conn
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(sqlite)?;
    let result = work(project).and_then(|out| {
        project
            .conn
            .execute_batch("COMMIT")
            .map_err(sqlite)
            .map(|_| out)
    });
    if result.is_err() {
        let _ = project.conn.execute_batch("ROLLBACK");
        *project.entries.get_mut() = None;
        if let Ok(corrections) = read_corrections(&project.conn, &path) {
            project.corrections = corrections;
        }
    }
    result
}

/// Writes `correction` (replacing the mention's earlier one) inside the caller's
/// transaction, and collects the mentions it concerns (every document of that name with
/// a mention at that span) with their decision after it, into `affected`.
fn write_one(
    conn: &Connection,
    path: &Path,
    corrections: &mut Corrections,
    correction: &Correction,
    set: bool,
    affected: &mut Vec<Mentioned>,
) -> Result<(), ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let (document, start, end) = (&correction.document, correction.start, correction.end);
    conn.prepare_cached(
        "DELETE FROM gazette_corrections WHERE document = ?1 AND start_byte = ?2 \
         AND end_byte = ?3",
    )
    .and_then(|mut s| s.execute((document, start, end)))
    .map_err(sqlite)?;
    if set {
        let (action, id) = match &correction.action {
            CorrectionAction::Reassign { id } => (REASSIGN, Some(id.as_str())),
            CorrectionAction::NotAPlace => (NOT_A_PLACE, None),
        };
        conn.prepare_cached(
            "INSERT INTO gazette_corrections (document, start_byte, end_byte, action, \
             gazetteer_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut s| s.execute((document, start, end, action, id)))
        .map_err(sqlite)?;
        corrections.set(correction.clone());
    } else {
        corrections.clear(document, start, end);
    }
    let mut stmt = conn
        .prepare_cached(
            "SELECT document_id, ordinal, entry, place, demonym, text FROM gazette_mentions \
             WHERE document_id IN (SELECT id FROM gazette_documents WHERE name = ?1) \
             AND start_byte = ?2 AND end_byte = ?3",
        )
        .map_err(sqlite)?;
    let mut rows = stmt.query((document, start, end)).map_err(sqlite)?;
    while let Some(r) = rows.next().map_err(sqlite)? {
        let text: String = r.get(5).map_err(sqlite)?;
        affected.push(Mentioned {
            document_id: r.get(0).map_err(sqlite)?,
            ordinal: r.get(1).map_err(sqlite)?,
            entry: r.get(2).map_err(sqlite)?,
            place: r.get(3).map_err(sqlite)?,
            demonym: r.get(4).map_err(sqlite)?,
            decision: corrections.decision(document, start, end, &text),
        });
    }
    Ok(())
}

/// Corrects every mention counted for one place (as the layer counts it: demonyms
/// left out), of the documents in `dates` (`None`: every date), a transaction per
/// `chunk` documents; see [`Project::correct_place`].
pub fn correct_place_by(
    project: &mut Project,
    gazetteer: &Gazetteer,
    place_id: &str,
    to: Option<&str>,
    dates: Option<crate::corpus::DateRange>,
    chunk: i64,
    stop: &dyn Fn() -> bool,
) -> Result<BatchOutcome, BatchError> {
    project.check_writable()?;
    let path = project.path.clone();
    let sqlite = |e| ProjectError::sqlite(&path, e);
    let mut outcome = BatchOutcome::default();
    let place_ref: Option<i64> = project
        .conn
        .query_row(
            "SELECT ref FROM gazette_entries WHERE gazetteer_id = ?1",
            [place_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(sqlite)?;
    let Some(place_ref) = place_ref else {
        return Ok(outcome);
    };
    let target = match to {
        None => None,
        Some(id) => Some(gazetteer.index_of_id(id).ok_or_else(|| {
            ProjectError::damaged(&path, format!("the gazetteer has no place {id}"))
        })?),
    };
    let (from, until, undated) = date_bounds(dates);
    let dated = project.metadata[1];
    let label = place_batch_label(gazetteer, place_id, to);
    let chunks = project.document_chunks(chunk)?;
    for (lo, hi) in chunks {
        if stop() {
            outcome.stopped = true;
            break;
        }
        let (batch, seq) = (outcome.batch, outcome.changes.len());
        let written = in_transaction(project, |project| {
            let Project {
                path,
                conn,
                corrections,
                entries,
                corrected_documents,
                ..
            } = project;
            let path: &Path = path;
            let entries = resolve_entries(entries.get_mut(), conn, path, gazetteer)?;
            // The place's mentions in this range of documents: a range of its index.
            let published = if dated { "d.published" } else { "NULL" };
            let sql = format!(
                "SELECT m.entry, m.text, m.start_byte, m.end_byte, m.alternates, d.name \
                 FROM gazette_mentions AS m JOIN gazette_documents AS d ON d.id = m.document_id \
                 WHERE m.place = ?1 AND m.demonym = 0 AND m.document_id BETWEEN ?2 AND ?3 \
                 AND (substr({published}, 1, 10) BETWEEN ?4 AND ?5 \
                      OR (?6 AND {published} IS NULL)) \
                 ORDER BY m.document_id, m.start_byte"
            );
            let mut chosen: Vec<Correction> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            {
                let mut stmt = conn
                    .prepare(&sql)
                    .map_err(|e| ProjectError::sqlite(path, e))?;
                let mut rows = stmt
                    .query((place_ref, lo, hi, &from, &until, undated))
                    .map_err(|e| ProjectError::sqlite(path, e))?;
                while let Some(r) = rows.next().map_err(|e| ProjectError::sqlite(path, e))? {
                    let get = |e| ProjectError::sqlite(path, e);
                    let text: String = r.get(1).map_err(get)?;
                    let action = match target {
                        None => CorrectionAction::NotAPlace,
                        Some(target) => {
                            // As in the window: only mentions that could denote it.
                            let parsed = entries.index_of(path, r.get(0).map_err(get)?)?;
                            let blob: Vec<u8> = r.get(4).map_err(get)?;
                            let (alternates, _) = entries.unpack_alternates(path, &blob)?;
                            let offered = parsed == Some(target)
                                || alternates.iter().any(|a| a.entry == target)
                                || gazetteer
                                    .candidates(&text)
                                    .iter()
                                    .any(|c| c.entry == target);
                            if !offered {
                                continue;
                            }
                            CorrectionAction::Reassign {
                                id: gazetteer.entry(target).id.clone(),
                            }
                        }
                    };
                    let c = Correction {
                        document: r.get(5).map_err(get)?,
                        start: r.get(2).map_err(get)?,
                        end: r.get(3).map_err(get)?,
                        action,
                    };
                    // Two documents of one name share their corrections: one each.
                    if seen.insert((c.document.clone(), c.start, c.end)) {
                        chosen.push(c);
                    }
                }
            }
            let mut affected = Vec::new();
            let mut changes = Vec::with_capacity(chosen.len());
            for c in chosen {
                // What stood before, for an undo to put back (a hand correction).
                let before = corrections.get(&c.document, c.start, c.end).cloned();
                write_one(conn, path, corrections, &c, true, &mut affected)?;
                corrected_documents.insert(c.document.clone());
                changes.push(CorrectionChange {
                    document: c.document,
                    start: c.start,
                    end: c.end,
                    before,
                    after: Some(c.action),
                });
            }
            move_mentions(conn, path, gazetteer, entries, affected)?;
            // Kept with the range (its undo survives reopening), the batch's row made
            // with its first range that corrects something.
            let batch = match (batch, changes.is_empty()) {
                (batch, true) => batch,
                (Some(id), false) => Some(id),
                (None, false) => {
                    conn.execute("INSERT INTO gazette_batches (label) VALUES (?1)", [&label])
                        .map_err(|e| ProjectError::sqlite(path, e))?;
                    Some(conn.last_insert_rowid())
                }
            };
            if let Some(id) = batch {
                record_changes(conn, path, id, seq, &changes)?;
            }
            Ok((changes, batch))
        });
        match written {
            Ok((changes, batch)) => {
                outcome.changes.extend(changes);
                outcome.batch = batch;
                outcome.transactions += 1;
            }
            Err(error) => {
                return Err(BatchError {
                    done: outcome,
                    error: Box::new(error),
                });
            }
        }
    }
    Ok(outcome)
}

/// Undoes `changes` (a batch's, as [`BatchOutcome::changes`] lists them), newest first,
/// a transaction per `chunk` of them; see [`Project::undo_changes`].
pub fn undo_changes_by(
    project: &mut Project,
    gazetteer: &Gazetteer,
    batch: Option<i64>,
    changes: &[CorrectionChange],
    chunk: usize,
    stop: &dyn Fn() -> bool,
) -> Result<BatchOutcome, BatchError> {
    project.check_writable()?;
    let mut outcome = BatchOutcome::default();
    // Newest first: a mention the batch changed twice (two documents of one name in two
    // ranges) gets back what stood before the first change. One transaction at least,
    // which forgets the kept batch.
    let mut parts: Vec<&[CorrectionChange]> = changes.rchunks(chunk.max(1)).collect();
    if parts.is_empty() {
        parts.push(&[]);
    }
    let last = parts.len() - 1;
    for (i, part) in parts.into_iter().enumerate() {
        if stop() {
            outcome.stopped = true;
            break;
        }
        let undone = in_transaction(project, |project| {
            let Project {
                path,
                conn,
                corrections,
                entries,
                corrected_documents,
                ..
            } = project;
            let path: &Path = path;
            let entries = resolve_entries(entries.get_mut(), conn, path, gazetteer)?;
            let mut affected = Vec::new();
            let mut undone = Vec::new();
            for change in part.iter().rev() {
                // Corrected again since (by hand, say): that correction stays.
                if corrections.get(&change.document, change.start, change.end)
                    != change.after.as_ref()
                {
                    continue;
                }
                let back = change.reversed();
                match back.correction_after() {
                    Some(c) => {
                        write_one(conn, path, corrections, &c, true, &mut affected)?;
                        corrected_documents.insert(c.document);
                    }
                    None => {
                        let c = Correction {
                            document: back.document.clone(),
                            start: back.start,
                            end: back.end,
                            action: CorrectionAction::NotAPlace,
                        };
                        write_one(conn, path, corrections, &c, false, &mut affected)?;
                    }
                }
                undone.push(back);
            }
            move_mentions(conn, path, gazetteer, entries, affected)?;
            // Undone whole: the project forgets the batch. One that fails part-way is
            // kept whole: the changes undone no longer stand, so they are not undone
            // again (nor offered, see `read_batches`).
            if let (Some(id), true) = (batch, i == last) {
                conn.execute("DELETE FROM gazette_batch_changes WHERE batch = ?1", [id])
                    .and_then(|_| conn.execute("DELETE FROM gazette_batches WHERE id = ?1", [id]))
                    .map_err(|e| ProjectError::sqlite(path, e))?;
            }
            Ok(undone)
        });
        match undone {
            Ok(undone) => {
                outcome.changes.extend(undone);
                outcome.transactions += 1;
            }
            Err(error) => {
                return Err(BatchError {
                    done: outcome,
                    error: Box::new(error),
                });
            }
        }
    }
    Ok(outcome)
}

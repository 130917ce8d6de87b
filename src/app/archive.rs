//! A project too large to hold in the window: more than [`HOLD_UP_TO`] documents (a
//! million articles are some 9 million mentions and 2 GB of text). Its places, their
//! counts and the filter panels come from the project's `places` layer
//! ([`Summary::of_layer`](crate::corpus::Summary::of_layer)): opening it reads a few
//! thousand rows, whatever the number of documents. A thread of its own
//! ([`PassageReader`]) reads from the project what the window shows of it, so the window
//! never waits on the disk: the passages of the selected place, a page at a time (each
//! with its mention, for its correction menu), and the document of a passage the user
//! clicks (its text and mentions), one document at a time, the latest request winning.
//!
//! Corrections of single mentions work as in a project held whole: each is written to
//! the project by the project's thread as it is made (one transaction, which moves the
//! mention in the `places` layer), which then reads the layer's places back for the
//! window (a few thousand rows); the passages of the selected place are read again. The
//! window says "Counting…" meanwhile and keeps the counts it had. Rules by name (from a
//! mention's menu, or a rules file) work the same way, at the cost of a pass over every
//! mention on the project's thread. Each is sent to that thread as it is made
//! ([`super::project_link::Change::Correct`]), not as the whole list of corrections.
//!
//! A whole place is corrected at once too ("Not a place", or reassigned to another
//! place its passages could denote): the project's thread corrects every mention the
//! layer counts for it ([`Project::correct_place`], a correction per mention as the
//! window holding the documents makes them), a transaction per 20,000 documents so that
//! a save waits for one range at most, then reads the layer back; "Counting…" meanwhile.
//! The window takes the corrections written, a slice per frame, and keeps them together
//! ([`ArchiveBatch`]), each with the correction it replaced, to be undone at once on the
//! same thread: a mention gets back what stood before (a correction made by hand is not
//! lost), and one corrected again since keeps that correction. A whole place that fails
//! part-way (a full disk, a busy timeout) leaves the ranges before written: the window
//! takes those in as above, offers to undo them, and says why the rest is not.
//!
//! The timeline works too: a second reader of its own (the counter, so passages never
//! wait behind an aggregate) counts the mentions per day at opening
//! ([`Project::mentions_per_day`]), and the places of the date range chosen
//! ([`Project::count_places_in_dates`], newest range wins); until they come the window
//! keeps the counts it had and says "Counting…". Corrections made meanwhile count the
//! range again, and the bars: once the layer is read back after a correction the
//! counter counts the mentions per day again (the newest request answered, the bars
//! shown meanwhile the last counted).
//!
//! The review reads the least certain mentions no correction decides from the project
//! on a third reader of its own (the reviewer, started when a review is first asked
//! for), so that a place's passages never wait behind it
//! ([`Project::least_certain_passages`]: a walk of the project's index by confidence,
//! or where it has none a scan a range of documents at a time, 500 rows in memory at
//! most; the newest request answered); each decision is a correction as above.
//!
//! Exports stream from the project on a thread of their own
//! ([`super::export_job::export_archive`]), a document at a time, as `gazette export`
//! writes them (the same bytes), with progress and "Stop" in the status bar.
//!
//! What needs every mention in memory (filters by confidence or document) is not offered
//! on such a project; the panels say so.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

use std::collections::BTreeMap;
use std::ops::Range;

use crate::corpus::{DateRange, LayerPlace};
use crate::gazetteer::{EntryIndex, Gazetteer};
use crate::geoparse::Mention;
use crate::project::{DocumentId, Passage, PlaceSummary, Project};

/// Projects with more documents than this are opened as an archive (see the module
/// documentation); smaller ones are read into the window whole, where every view and
/// correction works. 150,000 documents take some 1.4 GB in the window.
pub const HOLD_UP_TO: usize = 150_000;

/// Passages read at a time: the first page, and each "Show more".
pub const PASSAGES_PER_PAGE: usize = 100;

/// What the window shows of a project opened as an archive. Plain data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchiveView {
    /// The project file.
    pub path: PathBuf,
    /// Its documents.
    pub documents: usize,
    /// Its places with their counts, from its layer.
    pub places: Vec<LayerPlace>,
    /// Places of the layer this gazetteer lacks (the project was made with another).
    pub places_left_out: usize,
    /// The passages read for the selected place, if any.
    pub passages: Option<ArchivePassages>,
    /// The document open in the document view, if any.
    pub document: Option<ArchiveDocument>,
    /// True from a correction until the project's places are read back after it, or
    /// from a change of the date range until its places are counted: the counts shown
    /// are the last ones.
    pub counting: bool,
    /// Mentions per publication day and of undated documents, once counted.
    pub days: Option<(BTreeMap<i32, usize>, usize)>,
    /// True from a correction until the mentions per day are counted again after it:
    /// the bars shown are the last counted.
    pub days_counting: bool,
    /// The places of the documents in a date range, once counted for it.
    pub in_dates: Option<(DateRange, Vec<LayerPlace>)>,
    /// False once corrections changed the project since `in_dates` was counted.
    pub in_dates_current: bool,
    /// The whole place being corrected on the project's thread, as the window says it
    /// ("Niamey: not a place"), until its corrections come back.
    pub correcting: Option<String>,
    /// Mentions the user corrected while `correcting` was written (document, start,
    /// end): those corrections came to the project after the place's, so the place's are
    /// not taken for them.
    pub corrected_meanwhile: std::collections::HashSet<(String, usize, usize)>,
    /// The whole places corrected and not undone, oldest first (those of earlier
    /// sessions too, as the project keeps them), each undone at once.
    pub batches: Vec<ArchiveBatch>,
    /// A whole place's corrections being taken into the window's, or undone there: a
    /// slice per frame ([`WINDOW_WORK_PER_FRAME`]), so that no frame does as much work
    /// as the place has mentions.
    pub work: Option<WindowWork>,
}

/// Corrections the window takes (or undoes) per frame after a whole place: some 5 µs
/// each in a debug build (26 ms a frame; 67,310 of London in 14 frames).
pub const WINDOW_WORK_PER_FRAME: usize = 5_000;

/// The corrections a whole place changed, each with the one it replaced; shared with
/// the project's thread, which undoes them from it.
pub type Changes = Arc<Vec<crate::corpus::CorrectionChange>>;

/// A whole place corrected in an archive ([`crate::project::Project::correct_place`]):
/// what it was, and the corrections it changed, to undo them together (each gets back
/// what stood before it, unless corrected again since).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveBatch {
    /// What was done, as the window says it ("Niamey: not a place").
    pub label: String,
    /// The corrections changed, oldest first.
    pub changes: Changes,
    /// The batch as the project keeps it ([`crate::project::StoredBatch`]), forgotten
    /// there once undone; `None` if it keeps none.
    pub id: Option<i64>,
}

/// Work on the window's corrections after a whole place, done a slice per frame.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowWork {
    /// The corrections the project's thread wrote, taken from the front.
    Take {
        /// What was done.
        label: String,
        /// Those still to take.
        changes: std::collections::VecDeque<crate::corpus::CorrectionChange>,
        /// Those taken.
        taken: Vec<crate::corpus::CorrectionChange>,
        /// The batch as the project keeps it.
        id: Option<i64>,
    },
    /// A whole place undone: its changes undone newest first, those before `left` still
    /// to do.
    Undo {
        /// Its changes.
        changes: Changes,
        /// How many, from the first, are still to undo.
        left: usize,
    },
}

/// The places a place's passages read from an archive could denote instead, most
/// probable first: the parser's choices and alternates of those mentions whose located
/// entry is not `place` (a pass over the page read, not over the place's mentions).
pub fn place_candidates(
    gazetteer: &Gazetteer,
    place: EntryIndex,
    mentions: &[Option<Mention>],
    limit: usize,
) -> Vec<crate::corpus::CandidateChoice> {
    crate::corpus::set::candidates_instead_of(gazetteer, place, mentions.iter().flatten(), limit)
}

/// The passages read from the project for one place.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivePassages {
    /// The place.
    pub entry: EntryIndex,
    /// How many were asked for.
    pub limit: usize,
    /// Of which dates (`None`: every date).
    pub dates: Option<DateRange>,
    /// The passages, in document then text order (at most `limit`), or why they could
    /// not be read (naming the file).
    pub result: Result<Vec<Passage>, String>,
    /// Each passage's mention as parsed (same order; `None` where it could not be read),
    /// for its correction menu.
    pub mentions: Vec<Option<Mention>>,
}

impl ArchivePassages {
    /// True when every passage of the place is read (fewer came than were asked for).
    pub fn is_complete(&self) -> bool {
        self.result.as_ref().map_or(true, |p| p.len() < self.limit)
    }
}

/// The places of a project's layer that `gazetteer` has, with their counts, and how
/// many it lacks (the project was made with another gazetteer).
pub fn layer_places(gazetteer: &Gazetteer, summaries: &[PlaceSummary]) -> (Vec<LayerPlace>, usize) {
    let mut places = Vec::with_capacity(summaries.len());
    let mut left_out = 0;
    for place in summaries {
        match gazetteer.index_of_id(&place.gazetteer_id) {
            Some(entry) => places.push(LayerPlace {
                entry,
                mentions: usize::try_from(place.mention_count).unwrap_or(usize::MAX),
                documents: usize::try_from(place.document_count).unwrap_or(usize::MAX),
            }),
            None => left_out += 1,
        }
    }
    (places, left_out)
}

/// A document of the project opened in the document view (see [`ArchiveView::document`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveDocument {
    /// Its id in the project.
    pub id: DocumentId,
    /// Its name (corrections refer to it).
    pub name: String,
    /// Its title and date, as the passage had them.
    pub title: Option<String>,
    /// See `title`.
    pub published: Option<String>,
    /// The span of the mention it was opened at: the view scrolls to it once.
    pub focus: Option<Range<usize>>,
    /// True until the view has scrolled to `focus`.
    pub scroll_pending: bool,
    /// Its text and mentions once read, or why they could not be (naming the file).
    pub read: Option<Result<DocumentText, String>>,
}

/// A document's text and mentions, read from the project.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentText {
    /// The text.
    pub text: String,
    /// Its mentions in text order, as parsed (corrections are applied when shown).
    pub mentions: Vec<Mention>,
}

/// A request to the reader.
#[derive(Debug)]
enum Request {
    /// The place, its stable id, how many passages, of which dates (`None`: every date).
    Passages(EntryIndex, String, usize, Option<DateRange>),
    /// A document's text and mentions.
    Document(DocumentId),
    /// Mentions per day, the request's number (the newest answered).
    Timeline(u64),
    /// The places of a date range.
    Count(DateRange),
    /// The least certain mentions not decided: the request's number (the newest
    /// answered), how many, of which dates.
    Review(u64, usize, Option<DateRange>),
}

/// Mentions per day (days since 1970-01-01) and mentions of undated documents, or why
/// they could not be counted.
pub type DayCounts = Result<(BTreeMap<i32, usize>, usize), String>;

/// An answer of the reader.
#[derive(Debug)]
enum Answer {
    Passages(ArchivePassages),
    Document(DocumentId, Result<DocumentText, String>),
    Timeline(u64, DayCounts),
    Counted(DateRange, Result<Vec<PlaceSummary>, String>),
    Review(u64, Result<Vec<ReviewItem>, String>),
}

/// A mention to review in an archive: its passage, and the mention as parsed (for its
/// candidates).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// Its passage, document and span.
    pub passage: Passage,
    /// The mention as parsed.
    pub mention: Mention,
}

/// What the reader answered since it was last asked ([`PassageReader::take`]).
#[derive(Debug, Default)]
pub struct Answers {
    /// The passages of the newest request, if they came.
    pub passages: Option<ArchivePassages>,
    /// The document of the newest request, if it came.
    pub document: Option<(DocumentId, Result<DocumentText, String>)>,
    /// The mentions per day, if they came.
    pub timeline: Option<DayCounts>,
    /// The places of the newest date range asked for, if they came.
    pub counted: Option<(DateRange, Result<Vec<PlaceSummary>, String>)>,
    /// The mentions to review, if they came.
    pub review: Option<Result<Vec<ReviewItem>, String>>,
}

/// The thread that reads from an archive project what the window shows: a place's
/// passages and a document. Of each kind only the newest request is answered: clicking
/// through places (or passages) while one is read costs one query, not one per click.
pub struct PassageReader {
    requests: Option<Sender<Request>>,
    answers: Receiver<Answer>,
    thread: Option<JoinHandle<()>>,
    /// The request last sent, so the window asks again only when the selection (or the
    /// date range) changes.
    asked: Option<(EntryIndex, usize, Option<DateRange>)>,
    /// True until the answer to `asked` is taken.
    pending: bool,
    /// The document last asked for, and whether its answer is still to come.
    asked_document: Option<DocumentId>,
    document_pending: bool,
    /// Whether the mentions per day were asked for and are still to come.
    timeline_pending: bool,
    /// The number of the last request for them (one per recount).
    timeline_asked: u64,
    /// The date range last asked for, and whether its answer is still to come.
    asked_range: Option<DateRange>,
    range_pending: bool,
    /// Whether the mentions to review were asked for and are still to come.
    review_pending: bool,
    /// The number of the last request for them.
    review_asked: u64,
    /// Set when the reader is dropped, so that a held review lets the thread end.
    closing: Arc<AtomicBool>,
}

impl std::fmt::Debug for PassageReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PassageReader")
            .field("asked", &self.asked)
            .field("asked_document", &self.asked_document)
            .finish()
    }
}

impl PassageReader {
    /// A reader of the project at `path` (opened read-only on its thread, beside the
    /// connection that saves changes), resolving mentions against `gazetteer`; `notify`
    /// wakes the window when something is read.
    /// The project's entry table (its entries mapped to the gazetteer's, which reading
    /// a mention needs) is loaded when the thread starts, so the first passages asked for
    /// do not wait for it (0.8 s of a debug build on 200,000 articles; 12 ms for the
    /// first 100 passages with their mentions after).
    pub fn new(
        path: &Path,
        gazetteer: Arc<Gazetteer>,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<Self> {
        Self::spawn(
            path,
            gazetteer,
            notify,
            true,
            "gazette-passages",
            Arc::default(),
        )
    }

    /// A reader for the review ([`PassageReader::ask_review`]), so that a place's
    /// passages never wait behind it; while `hold` is set it holds a review before
    /// reading it (tests).
    pub fn reviewer(
        path: &Path,
        gazetteer: Arc<Gazetteer>,
        notify: Arc<dyn Fn() + Send + Sync>,
        hold: Arc<AtomicBool>,
    ) -> std::io::Result<Self> {
        Self::spawn(path, gazetteer, notify, false, "gazette-review", hold)
    }

    /// A reader for the aggregates of the timeline ([`PassageReader::ask_timeline`],
    /// [`PassageReader::ask_range`]), which need no entry table.
    pub fn counter(
        path: &Path,
        gazetteer: Arc<Gazetteer>,
        notify: Arc<dyn Fn() + Send + Sync>,
    ) -> std::io::Result<Self> {
        Self::spawn(
            path,
            gazetteer,
            notify,
            false,
            "gazette-counter",
            Arc::default(),
        )
    }

    fn spawn(
        path: &Path,
        gazetteer: Arc<Gazetteer>,
        notify: Arc<dyn Fn() + Send + Sync>,
        warm: bool,
        name: &str,
        hold_reviews: Arc<AtomicBool>,
    ) -> std::io::Result<Self> {
        let (requests, rx) = channel::<Request>();
        let (answers_tx, answers) = channel();
        let path = path.to_path_buf();
        let closing = Arc::new(AtomicBool::new(false));
        let (hold, closed) = (hold_reviews, closing.clone());
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut project: Option<Project> = None;
                if warm && let Ok(p) = opened(&path, &mut project) {
                    // An error shows when something is read.
                    let _ = p.missing_entries(&gazetteer);
                }
                while let Ok(first) = rx.recv() {
                    // Of the requests waiting, the newest of each kind.
                    let (mut passages, mut document) = (None, None);
                    let (mut timeline, mut range, mut review) = (None, None, None);
                    for request in std::iter::once(first).chain(rx.try_iter()) {
                        match request {
                            Request::Passages(entry, id, limit, dates) => {
                                passages = Some((entry, id, limit, dates))
                            }
                            Request::Document(id) => document = Some(id),
                            Request::Timeline(asked) => timeline = Some(asked),
                            Request::Count(dates) => range = Some(dates),
                            Request::Review(asked, n, dates) => review = Some((asked, n, dates)),
                        }
                    }
                    let mut answers = Vec::new();
                    if let Some((entry, id, limit, dates)) = passages {
                        let (result, mentions) =
                            read_passages(&path, &gazetteer, &mut project, &id, limit, dates);
                        answers.push(Answer::Passages(ArchivePassages {
                            entry,
                            limit,
                            dates,
                            result,
                            mentions,
                        }));
                    }
                    if let Some(id) = document {
                        let read = read_document(&path, &gazetteer, &mut project, id);
                        answers.push(Answer::Document(id, read));
                    }
                    if let Some(asked) = timeline {
                        let days = opened(&path, &mut project)
                            .and_then(|p| p.mentions_per_day().map_err(|e| e.to_string()));
                        answers.push(Answer::Timeline(asked, days));
                    }
                    if let Some((asked, n, dates)) = review {
                        while hold.load(Ordering::Relaxed) && !closed.load(Ordering::Relaxed) {
                            std::thread::sleep(std::time::Duration::from_millis(5));
                        }
                        let items = read_review(&path, &gazetteer, &mut project, n, dates);
                        answers.push(Answer::Review(asked, items));
                    }
                    if let Some(dates) = range {
                        let counted = opened(&path, &mut project).and_then(|p| {
                            p.count_places_in_dates(dates.from, dates.to, !dates.hide_undated)
                                .map_err(|e| e.to_string())
                        });
                        answers.push(Answer::Counted(dates, counted));
                    }
                    for answer in answers {
                        if answers_tx.send(answer).is_err() {
                            return;
                        }
                    }
                    notify();
                }
            })?;
        Ok(PassageReader {
            requests: Some(requests),
            answers,
            thread: Some(thread),
            asked: None,
            pending: false,
            asked_document: None,
            document_pending: false,
            timeline_pending: false,
            timeline_asked: 0,
            asked_range: None,
            range_pending: false,
            review_pending: false,
            review_asked: 0,
            closing,
        })
    }

    /// Asks for the mentions per day (an aggregate over every mention: ask a reader of
    /// its own, so passages are not kept waiting); asked again (corrections changed
    /// them), only the newest request's answer is taken, and of several waiting only
    /// the newest is counted.
    pub fn ask_timeline(&mut self) {
        self.timeline_asked += 1;
        self.timeline_pending = self.send(Request::Timeline(self.timeline_asked));
    }

    /// True while the mentions per day asked for last are being counted.
    pub fn is_counting_timeline(&self) -> bool {
        self.timeline_pending
    }

    /// Asks for the places of the documents in `dates` unless that was the last request
    /// (a pass over the documents and their mentions). Returns true if a request was sent.
    pub fn ask_range(&mut self, dates: DateRange) -> bool {
        if self.asked_range == Some(dates) {
            return false;
        }
        self.asked_range = Some(dates);
        self.range_pending = self.send(Request::Count(dates));
        self.range_pending
    }

    /// Asks for the `n` least certain mentions not decided, of the documents of `dates`
    /// (`None`: every date): a walk of the project's index by confidence, or a pass over
    /// the mentions. Asked again before the answer came, only the newest is answered.
    pub fn ask_review(&mut self, n: usize, dates: Option<DateRange>) {
        self.review_asked += 1;
        self.review_pending = self.send(Request::Review(self.review_asked, n, dates));
    }

    /// True while the mentions to review are being read.
    pub fn is_reading_review(&self) -> bool {
        self.review_pending
    }

    /// Forgets the last date range asked for, so asking again counts again.
    pub fn forget_range(&mut self) {
        self.asked_range = None;
        self.range_pending = false;
    }

    /// True while a date range is being counted.
    pub fn is_counting(&self) -> bool {
        self.range_pending
    }

    /// Asks for the first `limit` passages of `entry` (stable id `id`) in documents of
    /// `dates` (`None`: every date) unless that was the last request. Returns true if a
    /// request was sent.
    pub fn ask(
        &mut self,
        entry: EntryIndex,
        id: &str,
        limit: usize,
        dates: Option<DateRange>,
    ) -> bool {
        if self.asked == Some((entry, limit, dates)) {
            return false;
        }
        self.asked = Some((entry, limit, dates));
        self.pending = self.send(Request::Passages(entry, id.to_string(), limit, dates));
        self.pending
    }

    /// Asks for the text and mentions of document `id` unless that was the last
    /// request. Returns true if a request was sent.
    pub fn ask_document(&mut self, id: DocumentId) -> bool {
        if self.asked_document == Some(id) {
            return false;
        }
        self.asked_document = Some(id);
        self.document_pending = self.send(Request::Document(id));
        self.document_pending
    }

    fn send(&self, request: Request) -> bool {
        self.requests
            .as_ref()
            .is_some_and(|tx| tx.send(request).is_ok())
    }

    /// Forgets the last request for passages (the selection was cleared, or the
    /// project changed), so asking again reads them again.
    pub fn forget(&mut self) {
        self.asked = None;
        self.pending = false;
    }

    /// Forgets the last request for a document (it was closed).
    pub fn forget_document(&mut self) {
        self.asked_document = None;
        self.document_pending = false;
    }

    /// The answers to the newest requests that came; older answers are dropped.
    pub fn take(&mut self) -> Answers {
        let mut out = Answers::default();
        while let Ok(answer) = self.answers.try_recv() {
            self.keep(answer, &mut out);
        }
        out
    }

    /// Keeps `answer` in `out` if it answers a newest request.
    fn keep(&mut self, answer: Answer, out: &mut Answers) {
        match answer {
            Answer::Passages(p) => {
                if Some((p.entry, p.limit, p.dates)) == self.asked {
                    self.pending = false;
                    out.passages = Some(p);
                }
            }
            Answer::Document(id, read) => {
                if Some(id) == self.asked_document {
                    self.document_pending = false;
                    out.document = Some((id, read));
                }
            }
            Answer::Timeline(asked, days) => {
                if asked == self.timeline_asked {
                    self.timeline_pending = false;
                    out.timeline = Some(days);
                }
            }
            Answer::Review(asked, items) => {
                if asked == self.review_asked {
                    self.review_pending = false;
                    out.review = Some(items);
                }
            }
            Answer::Counted(dates, counted) => {
                if Some(dates) == self.asked_range {
                    self.range_pending = false;
                    out.counted = Some((dates, counted));
                }
            }
        }
    }

    /// Waits for the answers to the newest requests unless they were taken already
    /// (tests).
    pub fn wait(&mut self) -> Answers {
        let mut out = Answers::default();
        while self.pending
            || self.document_pending
            || self.timeline_pending
            || self.range_pending
            || self.review_pending
        {
            let Ok(answer) = self.answers.recv() else {
                break;
            };
            self.keep(answer, &mut out);
        }
        out
    }
}

impl Drop for PassageReader {
    fn drop(&mut self) {
        // Closing the channel ends the thread after the query in flight (a held review
        // is let go).
        self.closing.store(true, Ordering::Relaxed);
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Opens the project on first use.
fn opened<'p>(path: &Path, project: &'p mut Option<Project>) -> Result<&'p Project, String> {
    if project.is_none() {
        *project = Some(Project::open_read_only(path).map_err(|e| e.to_string())?);
    }
    project
        .as_ref()
        .ok_or_else(|| format!("{}: the project is not open", path.display()))
}

/// Reads the passages of the place with stable id `id`, and each one's mention (for its
/// correction menu; `None` where it cannot be read).
fn read_passages(
    path: &Path,
    gazetteer: &Gazetteer,
    project: &mut Option<Project>,
    id: &str,
    limit: usize,
    dates: Option<DateRange>,
) -> (Result<Vec<Passage>, String>, Vec<Option<Mention>>) {
    let project = match opened(path, project) {
        Ok(p) => p,
        Err(e) => return (Err(e), Vec::new()),
    };
    let dates = dates.map(|d| (d.from, d.to, !d.hide_undated));
    match project.passages_in_dates(id, false, limit, dates) {
        Ok(passages) => {
            let mentions = passages
                .iter()
                .map(|p| {
                    project
                        .mention_at(gazetteer, p.document_id, p.mention.start, p.mention.end)
                        .ok()
                        .flatten()
                })
                .collect();
            (Ok(passages), mentions)
        }
        Err(e) => (Err(e.to_string()), Vec::new()),
    }
}

/// Reads the `n` least certain mentions not decided, with their passages.
fn read_review(
    path: &Path,
    gazetteer: &Gazetteer,
    project: &mut Option<Project>,
    n: usize,
    dates: Option<DateRange>,
) -> Result<Vec<ReviewItem>, String> {
    let project = opened(path, project)?;
    let passages = project
        .least_certain_passages(n, dates)
        .map_err(|e| e.to_string())?;
    let mut items = Vec::with_capacity(passages.len());
    for passage in passages {
        // A mention whose entry this gazetteer lacks is passed over.
        let (start, end) = (passage.mention.start, passage.mention.end);
        if let Some(mention) = project
            .mention_at(gazetteer, passage.document_id, start, end)
            .map_err(|e| e.to_string())?
        {
            items.push(ReviewItem { passage, mention });
        }
    }
    Ok(items)
}

/// Reads a document's text and mentions.
fn read_document(
    path: &Path,
    gazetteer: &Gazetteer,
    project: &mut Option<Project>,
    id: DocumentId,
) -> Result<DocumentText, String> {
    let project = opened(path, project)?;
    let text = project.text(id).map_err(|e| e.to_string())?;
    let (mentions, _) = project.mentions(gazetteer, id).map_err(|e| e.to_string())?;
    Ok(DocumentText { text, mentions })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Document, parse_documents};
    use crate::geoparse::Geoparser;

    fn gazetteer() -> Arc<Gazetteer> {
        static G: std::sync::OnceLock<Arc<Gazetteer>> = std::sync::OnceLock::new();
        G.get_or_init(|| Arc::new(Gazetteer::load_bundled().expect("bundled gazetteer")))
            .clone()
    }

    #[test]
    fn the_reader_reads_one_document_at_a_time_the_newest_asked() {
        let g = gazetteer();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.gpkg");
        let docs = parse_documents(
            &Geoparser::new(&g),
            vec![
                Document::from_text("a.txt", "Troops left Niamey for Agadez."),
                Document::from_text("b.txt", "Rain fell on Lake Chad and in Niamey."),
            ],
        );
        let mut project = Project::create(&path).expect("create");
        project.add_documents(&g, &docs).expect("add");
        let passages = project.passages("gn:2440485", false, 10).expect("passages");
        assert_eq!(passages.len(), 2);
        drop(project);

        let mut reader = PassageReader::new(&path, g.clone(), Arc::new(|| {})).expect("reader");
        // Two documents asked for before either is read: the answer is the newest's.
        assert!(reader.ask_document(passages[0].document_id));
        assert!(reader.ask_document(passages[1].document_id));
        assert!(
            !reader.ask_document(passages[1].document_id),
            "asked already"
        );
        let answers = reader.wait();
        let (id, read) = answers.document.expect("a document");
        assert_eq!(id, passages[1].document_id);
        let read = read.expect("readable");
        assert_eq!(read.text, docs[1].document.text);
        assert_eq!(read.mentions, docs[1].mentions);
        assert!(
            reader.take().document.is_none(),
            "the older answer is dropped"
        );

        // Of two counts of the timeline asked for, the older's answer is dropped.
        let mut counter =
            PassageReader::counter(&path, g.clone(), Arc::new(|| {})).expect("counter");
        counter.ask_timeline();
        counter.ask_timeline();
        let mut out = Answers::default();
        counter.keep(Answer::Timeline(1, Ok((BTreeMap::new(), 99))), &mut out);
        assert!(out.timeline.is_none(), "an older count");
        assert!(counter.is_counting_timeline());
        let (_, undated) = counter.wait().timeline.expect("counted").expect("readable");
        assert_ne!(undated, 99, "the newest count");
        assert!(!counter.is_counting_timeline());

        // Of two reviews asked for, the older's answer is dropped; the review is read by
        // a reader of its own.
        let mut reviewer =
            PassageReader::reviewer(&path, g.clone(), Arc::new(|| {}), Arc::default())
                .expect("reviewer");
        reviewer.ask_review(5, None);
        reviewer.ask_review(5, None);
        let mut out = Answers::default();
        reviewer.keep(Answer::Review(1, Ok(Vec::new())), &mut out);
        assert!(out.review.is_none(), "an older review");
        assert!(reviewer.is_reading_review());
        let review = reviewer.wait().review.expect("read").expect("readable");
        assert!(!review.is_empty(), "the newest review");
        assert!(!reviewer.is_reading_review());

        // Passages come with their mentions, for their correction menus.
        assert!(reader.ask(0, "gn:2440485", 10, None));
        let passages_read = reader.wait().passages.expect("passages");
        assert_eq!(passages_read.result.as_ref().map(Vec::len), Ok(2));
        assert_eq!(passages_read.mentions.len(), 2);
        for (p, m) in passages_read
            .result
            .iter()
            .flatten()
            .zip(&passages_read.mentions)
        {
            let m = m.as_ref().expect("its mention");
            assert_eq!(m.start..m.end, p.mention);
            assert_eq!(m.text, "Niamey");
        }
    }
}

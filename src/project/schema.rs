//! What a project file holds: the GeoPackage tables that make it a GeoPackage with one
//! feature layer (`places`), and Gazette's own tables (`gazette_*`) with the documents,
//! mentions, corrections and settings. Also how an existing file is recognised as a
//! Gazette project of a version this one reads.
//!
//! Column types are only those GeoPackage 1.3 allows (INTEGER, REAL, DOUBLE, TEXT, BLOB,
//! BOOLEAN, DATETIME, POINT), so a validator finds nothing to report. Of Gazette's tables
//! only `gazette_documents` is registered in `gpkg_contents` (as attributes): GIS programs
//! show the `places` layer and the list of documents, not the mentions or the texts.

use rusqlite::{Connection, OptionalExtension};

use super::error::ProjectError;
use std::path::Path;

/// The project format this version writes and the newest it reads. A file with a larger
/// `format_version` in `gazette_meta` is refused ([`ProjectError::Newer`]).
pub const FORMAT_VERSION: i64 = 1;

/// `PRAGMA application_id` of a GeoPackage: `GPKG` in ASCII.
pub const APPLICATION_ID: i32 = 0x4750_4B47;

/// `PRAGMA user_version` of a GeoPackage 1.3 file.
pub const USER_VERSION: i32 = 10300;

/// The feature table GIS programs show: one point per place.
pub const LAYER: &str = "places";

/// The attributes table GIS programs show beside the layer: the documents.
pub const DOCUMENTS: &str = "gazette_documents";

/// Gazette's own tables and the GeoPackage tables a project needs, each checked at open.
const REQUIRED_TABLES: [&str; 10] = [
    "gpkg_spatial_ref_sys",
    "gpkg_contents",
    "gpkg_geometry_columns",
    LAYER,
    "gazette_meta",
    "gazette_entries",
    "gazette_documents",
    "gazette_texts",
    "gazette_mentions",
    "gazette_corrections",
];

/// The tables of a new project, and the rows every GeoPackage must have. Run in the
/// transaction that creates the project.
const CREATE: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
    srs_name TEXT NOT NULL,
    srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL,
    organization_coordsys_id INTEGER NOT NULL,
    definition TEXT NOT NULL,
    description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined',
     'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined',
     'undefined geographic coordinate reference system'),
    ('WGS 84 geodetic', 4326, 'EPSG', 4326,
     'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
     'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');

CREATE TABLE gpkg_contents (
    table_name TEXT NOT NULL PRIMARY KEY,
    data_type TEXT NOT NULL,
    identifier TEXT UNIQUE,
    description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE,
    min_y DOUBLE,
    max_x DOUBLE,
    max_y DOUBLE,
    srs_id INTEGER,
    CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);

CREATE TABLE gpkg_geometry_columns (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL,
    srs_id INTEGER NOT NULL,
    z TINYINT NOT NULL,
    m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
    CONSTRAINT uk_gc_table_name UNIQUE (table_name),
    CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
    CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);

-- The layer: one point per place the documents mention after the user's corrections,
-- demonyms not counted. `fid` is the place's row in gazette_entries.
CREATE TABLE places (
    fid INTEGER PRIMARY KEY,
    geom POINT,
    name TEXT,
    gazetteer_id TEXT NOT NULL,
    feature_type TEXT,
    country_code TEXT,
    mention_count INTEGER NOT NULL,
    document_count INTEGER NOT NULL
);
CREATE INDEX places_by_mentions ON places(mention_count DESC, name);
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y,
                           max_x, max_y, srs_id)
    VALUES ('places', 'features', 'places',
            'Places the documents mention, after corrections (Gazette)',
            NULL, NULL, NULL, NULL, 4326);
INSERT INTO gpkg_geometry_columns VALUES ('places', 'geom', 'POINT', 4326, 0, 0);

-- Gazette's tables. Key/value facts about the file: format_version, written_by.
CREATE TABLE gazette_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every gazetteer entry the project refers to, by its stable id (gn:2440485); the
-- project's other tables refer to these rows, never to a gazetteer's entry indexes,
-- which hold for one gazetteer file only. Name, kind and coordinates are copied so the
-- layer and SQL users need no gazetteer.
CREATE TABLE gazette_entries (
    ref INTEGER PRIMARY KEY,
    gazetteer_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country_code TEXT,
    lon DOUBLE NOT NULL,
    lat DOUBLE NOT NULL
);

-- Documents in the order they were added. The text is in gazette_texts, so reading
-- documents' names and mentions does not page through their texts.
CREATE TABLE gazette_documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    content_sha256 BLOB NOT NULL,
    byte_size INTEGER NOT NULL,
    mention_count INTEGER NOT NULL,
    title TEXT,
    published TEXT,
    url TEXT,
    source TEXT,
    record TEXT,
    UNIQUE (name, content_sha256)
);

-- Registered as an attributes table, so GIS programs list the documents beside the layer
-- (and, as GDAL does once one table is registered as attributes, no unregistered table).
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
    VALUES ('gazette_documents', 'attributes', 'documents',
            'The documents of the project (Gazette); texts are in gazette_texts');

CREATE TABLE gazette_texts (
    document_id INTEGER PRIMARY KEY REFERENCES gazette_documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL
);

-- Each mention as the parser resolved it (entry, confidence, probability, alternates)
-- and, kept up to date with the corrections, the place it counts for: `place` is the
-- entry shown after corrections (a demonym's country), NULL when marked not a place;
-- `demonym` whether the entry after corrections is a demonym. Offsets are UTF-8 byte
-- offsets into the document's text. `alternates` packs (entry ref as u32, probability
-- as f32), little-endian, 8 bytes per alternate, most likely first.
CREATE TABLE gazette_mentions (
    document_id INTEGER NOT NULL REFERENCES gazette_documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte INTEGER NOT NULL,
    text TEXT NOT NULL,
    passage_start INTEGER NOT NULL,
    passage_end INTEGER NOT NULL,
    entry INTEGER NOT NULL REFERENCES gazette_entries(ref),
    confidence REAL NOT NULL,
    probability REAL NOT NULL,
    alternates BLOB NOT NULL,
    place INTEGER REFERENCES gazette_entries(ref),
    demonym BOOLEAN NOT NULL,
    PRIMARY KEY (document_id, ordinal)
) WITHOUT ROWID;
-- "The first passages of a place": a range scan, however many documents there are.
CREATE INDEX gazette_mentions_by_place ON gazette_mentions(place, document_id, start_byte);
-- "The least certain mentions" (a review) have an index too, made once the first
-- documents are written (`CONFIDENCE_INDEX`, `add_confidence_index`).

-- The user's corrections, oldest first (`seq`), one per mention span of a document name.
CREATE TABLE gazette_corrections (
    seq INTEGER PRIMARY KEY,
    document TEXT NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte INTEGER NOT NULL,
    action TEXT NOT NULL,
    gazetteer_id TEXT,
    UNIQUE (document, start_byte, end_byte)
);

-- The filter (key `filter`, JSON) and the app's settings, by key.
CREATE TABLE gazette_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

/// The tables keeping each whole place corrected at once (a batch: its label, and each
/// correction it changed with the one it replaced), so that its "Undo all" survives
/// reopening the project. Added after the first projects, without a new
/// [`FORMAT_VERSION`]: created with a new project and when an older one is opened to
/// write ([`add_batch_tables`]); a project opened read-only without them has no batches.
/// Not required at open: a Gazette from before them reads and writes a project that has
/// them, and its corrections are safe, since an undo changes only a mention whose
/// correction is still the one the batch wrote. `seq` orders a batch's changes as
/// written; the actions are encoded as in `gazette_corrections` (NULL: no correction).
const BATCH_TABLES: &str = r#"
CREATE TABLE IF NOT EXISTS gazette_batches (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gazette_batch_changes (
    batch INTEGER NOT NULL REFERENCES gazette_batches(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    document TEXT NOT NULL,
    start_byte INTEGER NOT NULL,
    end_byte INTEGER NOT NULL,
    before_action TEXT,
    before_id TEXT,
    after_action TEXT,
    after_id TEXT,
    PRIMARY KEY (batch, seq)
) WITHOUT ROWID;
"#;

/// Adds the tables of the whole places corrected at once (`gazette_batches`,
/// `gazette_batch_changes`, kept so that their undo survives reopening) that a project
/// made before them lacks (opened to write), and to a new project.
pub fn add_batch_tables(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(BATCH_TABLES)
}

/// Whether the project has the batch tables (one made before them, opened read-only,
/// has not).
pub fn has_batch_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'gazette_batches'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Creates the tables of a new project in `conn` (inside the caller's transaction) and
/// marks the file as a GeoPackage 1.3 and a Gazette project of [`FORMAT_VERSION`].
pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    conn.execute_batch(CREATE)?;
    add_batch_tables(conn)?;
    conn.execute(
        "INSERT INTO gazette_meta (key, value) VALUES ('format_version', ?1), \
         ('written_by', ?2)",
        (
            FORMAT_VERSION.to_string(),
            concat!("Gazette ", env!("CARGO_PKG_VERSION")),
        ),
    )?;
    Ok(())
}

/// What an existing SQLite file is, as far as opening it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// No tables at all (a new, empty database): a project may be created in it.
    Empty,
    /// A Gazette project this version reads.
    Project,
}

/// The columns of `gazette_documents` added after the first projects were written: the
/// metadata (title, publication date, URL, source) and, for a document that is one
/// record of a file holding many (a feed item, a dataset row, a zip entry), its record
/// key, so that the app knows which records of a file it holds.
pub const METADATA_COLUMNS: [&str; 5] = ["title", "published", "url", "source", "record"];

/// Which of [`METADATA_COLUMNS`] `gazette_documents` has (a project made before them has
/// none or some, until it is opened to write: see [`add_metadata_columns`]).
pub fn metadata_columns(conn: &Connection) -> rusqlite::Result<[bool; 5]> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('gazette_documents')")?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(METADATA_COLUMNS.map(|c| names.iter().any(|n| n == c)))
}

/// Adds the metadata columns a project made before them lacks (opened to write).
pub fn add_metadata_columns(conn: &Connection) -> rusqlite::Result<()> {
    let present = metadata_columns(conn)?;
    for (column, present) in METADATA_COLUMNS.iter().zip(present) {
        if !present {
            conn.execute_batch(&format!(
                "ALTER TABLE gazette_documents ADD COLUMN {column} TEXT"
            ))?;
        }
    }
    Ok(())
}

/// The index a review walks: the mentions a place counts (demonyms left out) by ascending
/// confidence, then document and text order, so that the `n` least certain are the first
/// `n` that no correction decides, found without a pass over every mention. It holds the
/// end byte, place and demonym too (a few bytes a mention) so that the walk reads no row
/// of the mentions table: SQLite looks a partial index's own condition up in the table
/// unless the index holds its columns.
pub const CONFIDENCE_INDEX: &str = "gazette_mentions_by_confidence";

/// [`CONFIDENCE_INDEX`] as [`add_confidence_index`] makes it, and as `sqlite_schema`
/// keeps its text.
const CONFIDENCE_INDEX_SQL: &str = "CREATE INDEX gazette_mentions_by_confidence ON \
     gazette_mentions(confidence, document_id, start_byte, end_byte, place, demonym) \
     WHERE place IS NOT NULL AND demonym = 0";

/// Whether the project has [`CONFIDENCE_INDEX`] as Gazette makes it. One of that name
/// made otherwise (by another program, or crafted) is not used: the review then scans
/// the mentions as it does without the index, which gives the same result.
pub fn has_confidence_index(conn: &Connection) -> rusqlite::Result<bool> {
    let sql: Option<Option<String>> = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1 \
             AND tbl_name = 'gazette_mentions'",
            [CONFIDENCE_INDEX],
            |r| r.get(0),
        )
        .optional()?;
    Ok(sql
        .flatten()
        .is_some_and(|s| same_sql(&s, CONFIDENCE_INDEX_SQL)))
}

/// Whether two statements are the same but for runs of white space.
fn same_sql(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Adds [`CONFIDENCE_INDEX`] to a project that lacks it, in its own transaction: a sort
/// of the mentions' keys, once (2.2 s on 200,000 articles, 11 s on a million, release
/// build). Made when a project made before it is opened to write, and when a writer of
/// a new project finishes: not with the tables, because kept up to date document by
/// document its entries go in in no particular order, which cost a parse of 100,000
/// articles 30% more processor time than the one sort at the end. An object of that
/// name already there is left as it is.
pub fn add_confidence_index(conn: &Connection) -> rusqlite::Result<()> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = ?1)",
        [CONFIDENCE_INDEX],
        |r| r.get(0),
    )?;
    if !taken {
        conn.execute_batch(CONFIDENCE_INDEX_SQL)?;
    }
    Ok(())
}

/// Recognises the file `conn` has open, reading only: a Gazette project of a format this
/// version reads, an empty database, or an error saying what it is instead.
pub fn identify(conn: &Connection, path: &Path) -> Result<Identity, ProjectError> {
    let sqlite = |e| ProjectError::sqlite(path, e);
    let tables: Vec<(String, String)> = {
        let mut stmt = conn
            .prepare("SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view')")
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sqlite)?;
        rows.collect::<Result<_, _>>().map_err(sqlite)?
    };
    if tables.is_empty() {
        return Ok(Identity::Empty);
    }
    let has = |name: &str| tables.iter().any(|(n, t)| n == name && t == "table");
    if !has("gazette_meta") {
        let application_id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(sqlite)?;
        let reason = if application_id == APPLICATION_ID || has("gpkg_contents") {
            "a GeoPackage made by another program: it has no gazette_meta table"
        } else {
            "a SQLite database made by another program: it has no gazette_meta table"
        };
        return Err(ProjectError::NotAProject {
            path: path.to_path_buf(),
            reason: reason.into(),
        });
    }
    let version: Option<String> = conn
        .query_row(
            "SELECT value FROM gazette_meta WHERE key = 'format_version'",
            [],
            |r| r.get(0),
        )
        .optional()
        .map_err(sqlite)?;
    let Some(version) = version else {
        return Err(ProjectError::damaged(
            path,
            "gazette_meta has no format_version",
        ));
    };
    let found: i64 = version.trim().parse().map_err(|_| {
        ProjectError::damaged(path, format!("format_version {version:?} is not a number"))
    })?;
    if found > FORMAT_VERSION {
        return Err(ProjectError::Newer {
            path: path.to_path_buf(),
            found,
        });
    }
    if found < 1 {
        return Err(ProjectError::damaged(
            path,
            format!("format_version {found} was never written by Gazette"),
        ));
    }
    if let Some(missing) = REQUIRED_TABLES.iter().find(|t| !has(t)) {
        return Err(ProjectError::damaged(
            path,
            format!("the table {missing} is missing"),
        ));
    }
    Ok(Identity::Project)
}

//! Exports of what is shown: GeoJSON (RFC 7946), JSON Lines and CSV of the mentions.
//!
//! Every export carries each mention's provenance (document, byte span, passage,
//! confidence, alternates, whether a person corrected it), so a reader of the file can
//! check every point on the map against the text.

use std::path::Path;

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use serde_json::json;

use crate::corpus::{MentionRef, ParsedDocument, Place};
use crate::gazetteer::Gazetteer;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the file failed; any file already there is untouched.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The target.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Serializing failed (should not happen with finite coordinates).
    #[error("cannot serialize the export: {0}")]
    Serialize(String),
}

/// Output formats. The command line's `--format` takes these by their value names
/// (`geojson`, `jsonl`, `csv`), so the CLI and the app offer the same list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One RFC 7946 FeatureCollection, a Point feature per place.
    #[value(name = "geojson")]
    GeoJson,
    /// One JSON object per mention per line.
    #[value(name = "jsonl")]
    JsonLines,
    /// One CSV row per mention, with a header.
    #[value(name = "csv")]
    Csv,
}

fn mention_json(gazetteer: &Gazetteer, documents: &[ParsedDocument], m: &MentionRef) -> JsonValue {
    let doc = &documents[m.document];
    let mention = &doc.mentions[m.mention];
    let passage = doc.document.text.get(mention.passage.clone()).unwrap_or("");
    let alternates: Vec<JsonValue> = mention
        .resolution
        .alternates
        .iter()
        .map(|a| {
            let e = gazetteer.entry(a.entry);
            json!({"gazetteer_id": e.id, "name": e.name, "feature_type": e.kind, "country_code": e.country_code, "probability": round3(a.probability)})
        })
        .collect();
    json!({
        "document": doc.document.name,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "passage": passage,
        "passage_start": mention.passage.start,
        "confidence": round3(m.confidence),
        "corrected": m.corrected,
        "demonym": m.demonym,
        "alternates": alternates,
    })
}

fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}

/// Coordinates rounded to 6 decimals (~0.1 m), as RFC 7946 recommends not to overstate
/// precision.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The GeoJSON FeatureCollection of `places`.
pub fn geojson(
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    places: &[Place],
) -> FeatureCollection {
    let features = places
        .iter()
        .map(|p| {
            let e = gazetteer.entry(p.entry);
            let mut props = JsonObject::new();
            props.insert("name".into(), json!(e.name));
            props.insert("gazetteer_id".into(), json!(e.id));
            props.insert("feature_type".into(), json!(e.kind));
            props.insert("feature_code".into(), json!(e.feature_code));
            props.insert("country_code".into(), json!(e.country_code));
            props.insert("population".into(), json!(e.population));
            props.insert("mention_count".into(), json!(p.mentions.len()));
            props.insert(
                "mentions".into(),
                JsonValue::Array(
                    p.mentions
                        .iter()
                        .map(|m| mention_json(gazetteer, documents, m))
                        .collect(),
                ),
            );
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::new_point([
                    round6(e.lon),
                    round6(e.lat),
                ]))),
                id: Some(geojson::feature::Id::String(e.id.clone())),
                properties: Some(props),
                foreign_members: None,
            }
        })
        .collect();
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// One JSON object per mention (place fields flattened in), in place then text order.
pub fn json_lines(gazetteer: &Gazetteer, documents: &[ParsedDocument], places: &[Place]) -> String {
    let mut rows: Vec<(usize, usize, String)> = Vec::new();
    for p in places {
        let e = gazetteer.entry(p.entry);
        for m in &p.mentions {
            let mut v = mention_json(gazetteer, documents, m);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("gazetteer_id".into(), json!(e.id));
                obj.insert("name".into(), json!(e.name));
                obj.insert("feature_type".into(), json!(e.kind));
                obj.insert("country_code".into(), json!(e.country_code));
                obj.insert("lat".into(), json!(round6(e.lat)));
                obj.insert("lon".into(), json!(round6(e.lon)));
            }
            let start = documents[m.document].mentions[m.mention].start;
            rows.push((m.document, start, v.to_string()));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1));
    let mut out = String::new();
    for (_, _, line) in rows {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV of the mentions (RFC 4180 quoting), one row per mention.
pub fn csv(gazetteer: &Gazetteer, documents: &[ParsedDocument], places: &[Place]) -> String {
    let mut rows: Vec<(usize, usize, String)> = Vec::new();
    for p in places {
        let e = gazetteer.entry(p.entry);
        for m in &p.mentions {
            let doc = &documents[m.document];
            let mention = &doc.mentions[m.mention];
            let passage = doc.document.text.get(mention.passage.clone()).unwrap_or("");
            let fields = [
                csv_field(&doc.document.name),
                mention.start.to_string(),
                mention.end.to_string(),
                csv_field(&mention.text),
                csv_field(&e.id),
                csv_field(&e.name),
                e.kind.to_string(),
                e.country_code.clone().unwrap_or_default(),
                format!("{:.6}", e.lat),
                format!("{:.6}", e.lon),
                format!("{:.3}", m.confidence),
                m.corrected.to_string(),
                csv_field(passage),
            ];
            rows.push((m.document, mention.start, fields.join(",")));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1));
    let mut out = String::from(
        "document,start,end,text,gazetteer_id,name,feature_type,country_code,lat,lon,confidence,corrected,passage\n",
    );
    for (_, _, line) in rows {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Renders `places` in `format`.
pub fn render(
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    places: &[Place],
) -> Result<String, ExportError> {
    Ok(match format {
        Format::GeoJson => {
            let fc = geojson(gazetteer, documents, places);
            let mut s = serde_json::to_string_pretty(&fc)
                .map_err(|e| ExportError::Serialize(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::JsonLines => json_lines(gazetteer, documents, places),
        Format::Csv => csv(gazetteer, documents, places),
    })
}

/// Renders and writes atomically to `path` (temp file + rename): on failure an existing
/// file is left as it was.
pub fn write(
    path: &Path,
    format: Format,
    gazetteer: &Gazetteer,
    documents: &[ParsedDocument],
    places: &[Place],
) -> Result<(), ExportError> {
    let text = render(format, gazetteer, documents, places)?;
    crate::atomic_write(path, text.as_bytes()).map_err(|source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

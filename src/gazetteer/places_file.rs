//! Files of user places, read and written: CSV with a header row (`name`, `lat`, `lon`,
//! and optionally `kind`, `country`, `alternate_names` separated by `|`) or GeoJSON
//! (a FeatureCollection of Points with those properties; `alternate_names` may also be
//! an array). Coordinates are WGS 84 degrees; GeoJSON points are `[lon, lat]`.
//!
//! These files come from anyone: a file over [`MAX_PLACES_FILE_BYTES`] or
//! [`MAX_PLACES`] rows is refused, and a bad row (a coordinate missing or out of range,
//! an unknown kind, a name refused by [`check_name`](super::user_places::check_name),
//! bytes that are not UTF-8) is reported as `FILE, line N: reason` (GeoJSON:
//! `FILE, feature N: reason`) while the good rows load. A later row replaces an
//! earlier one of the same name.

use std::path::Path;

use super::Kind;
use super::user_places::{UserPlace, UserPlaceError};
use crate::fold::fold_name;

/// The largest places file read.
pub const MAX_PLACES_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most places (rows or features) a file may hold.
pub const MAX_PLACES: usize = 50_000;

/// The most bad rows reported one by one; the rest are counted.
pub const MAX_REPORTED_PROBLEMS: usize = 20;

/// The columns of the CSV form, in the order [`to_csv`] writes them.
pub const CSV_COLUMNS: [&str; 6] = ["name", "lat", "lon", "kind", "country", "alternate_names"];

/// What a places file gave: its good places, and what was wrong with the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlacesRead {
    /// The places of the good rows, in file order (a later one of the same name
    /// replacing an earlier one).
    pub places: Vec<UserPlace>,
    /// `FILE, line N: reason` for the first [`MAX_REPORTED_PROBLEMS`] bad rows.
    pub problems: Vec<String>,
    /// Bad rows in all (some may not be in `problems`).
    pub bad_rows: usize,
}

/// Why a places file could not be used at all.
#[derive(Debug, thiserror::Error)]
pub enum PlacesFileError {
    /// It could not be read (missing, not a regular file, too large…).
    #[error("cannot read the places file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// Its form is wrong as a whole (no `name` column, not a FeatureCollection…).
    #[error("{path}: {reason}")]
    Form {
        /// The file.
        path: String,
        /// What is wrong, with what was expected.
        reason: String,
    },
}

/// Reads the places file at `path` (GeoJSON if its extension is `.geojson` or `.json`
/// or it starts with `{`, else CSV).
pub fn read_places(path: &Path) -> Result<PlacesRead, PlacesFileError> {
    let shown = path.display().to_string();
    let bytes = crate::regular_file::read(path, MAX_PLACES_FILE_BYTES).map_err(|e| {
        PlacesFileError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        }
    })?;
    let geojson = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
    parse_places(&bytes, &shown, geojson)
}

/// Reads places from `bytes` (see [`read_places`]); `shown` names the file in messages.
/// `geojson` forces the GeoJSON form; a text starting with `{` is GeoJSON anyway.
pub fn parse_places(
    bytes: &[u8],
    shown: &str,
    geojson: bool,
) -> Result<PlacesRead, PlacesFileError> {
    if bytes.len() as u64 > MAX_PLACES_FILE_BYTES {
        return Err(PlacesFileError::Read {
            path: shown.to_string(),
            reason: format!("it is larger than {MAX_PLACES_FILE_BYTES} bytes"),
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let starts_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    let mut read = Reading {
        shown,
        out: PlacesRead::default(),
        kept: std::collections::HashMap::new(),
    };
    if geojson || starts_like_json {
        read.geojson(bytes)?;
    } else {
        read.csv(bytes)?;
    }
    Ok(read.out)
}

/// A read under way.
struct Reading<'a> {
    shown: &'a str,
    out: PlacesRead,
    /// Each kept place's row in `out.places`, by folded name.
    kept: std::collections::HashMap<String, usize>,
}

impl Reading<'_> {
    fn form(&self, reason: impl Into<String>) -> PlacesFileError {
        PlacesFileError::Form {
            path: self.shown.to_string(),
            reason: reason.into(),
        }
    }

    /// Counts a bad row, reporting it if fewer than [`MAX_REPORTED_PROBLEMS`] were.
    fn bad(&mut self, at: String, reason: impl std::fmt::Display) {
        self.out.bad_rows += 1;
        if self.out.problems.len() < MAX_REPORTED_PROBLEMS {
            self.out
                .problems
                .push(format!("{}, {at}: {reason}", self.shown));
        }
    }

    /// Keeps a good place, replacing an earlier one of the same name. Past
    /// [`MAX_PLACES`] an error.
    fn keep(&mut self, place: UserPlace) -> Result<(), PlacesFileError> {
        let key = fold_name(&place.name);
        match self.kept.get(&key) {
            Some(&i) => self.out.places[i] = place,
            None if self.out.places.len() >= MAX_PLACES => {
                return Err(self.form(format!("more than {MAX_PLACES} places")));
            }
            None => {
                self.kept.insert(key, self.out.places.len());
                self.out.places.push(place);
            }
        }
        Ok(())
    }

    fn csv(&mut self, bytes: &[u8]) -> Result<(), PlacesFileError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = reader
            .byte_headers()
            .map_err(|e| self.form(format!("the header row cannot be read ({e})")))?
            .clone();
        let column = |names: &[&str]| {
            headers.iter().position(|h| {
                let h = String::from_utf8_lossy(h).to_ascii_lowercase();
                names.contains(&h.trim())
            })
        };
        let (Some(name), Some(lat), Some(lon)) = (
            column(&["name"]),
            column(&["lat", "latitude"]),
            column(&["lon", "lng", "long", "longitude"]),
        ) else {
            return Err(self.form(
                "the first row must name the columns: name, lat, lon (and optionally kind, \
                 country, alternate_names)",
            ));
        };
        let columns = Columns {
            name,
            lat,
            lon,
            kind: column(&["kind", "type"]),
            country: column(&["country", "country_code"]),
            alternates: column(&["alternate_names", "alternatenames", "alt_names"]),
        };
        let mut record = csv::ByteRecord::new();
        let mut rows = 0usize;
        loop {
            let line = reader.position().line();
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    // A malformed record (bad quoting): the reader goes on after it.
                    let at = e.position().map_or(line, |p| p.line());
                    self.bad(format!("line {at}"), "not a CSV row");
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        break;
                    }
                    continue;
                }
            }
            let line = record.position().map_or(line, |p| p.line());
            rows += 1;
            if rows > MAX_PLACES {
                return Err(self.form(format!("more than {MAX_PLACES} rows")));
            }
            if record.iter().all(|f| f.is_empty()) {
                continue;
            }
            match columns.place(&record) {
                Ok(place) => self.keep(place)?,
                Err(reason) => self.bad(format!("line {line}"), reason),
            }
        }
        Ok(())
    }

    fn geojson(&mut self, bytes: &[u8]) -> Result<(), PlacesFileError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| self.form(format!("not GeoJSON ({e})")))?;
        let features = match value.get("type").and_then(|t| t.as_str()) {
            Some("FeatureCollection") => value
                .get("features")
                .and_then(|f| f.as_array())
                .ok_or_else(|| self.form("a FeatureCollection without a features array"))?,
            Some("Feature") => std::slice::from_ref(&value),
            _ => return Err(self.form("not a GeoJSON FeatureCollection of points")),
        };
        if features.len() > MAX_PLACES {
            return Err(self.form(format!("more than {MAX_PLACES} features")));
        }
        for (i, feature) in features.iter().enumerate() {
            match feature_place(feature) {
                Ok(place) => self.keep(place)?,
                Err(reason) => self.bad(format!("feature {}", i + 1), reason),
            }
        }
        Ok(())
    }
}

/// Where each field is in a CSV row.
struct Columns {
    name: usize,
    lat: usize,
    lon: usize,
    kind: Option<usize>,
    country: Option<usize>,
    alternates: Option<usize>,
}

impl Columns {
    /// The place of one row, or what is wrong with it.
    fn place(&self, record: &csv::ByteRecord) -> Result<UserPlace, String> {
        let field = |i: Option<usize>, what: &str| -> Result<Option<&str>, String> {
            match i.and_then(|i| record.get(i)) {
                None => Ok(None),
                Some(b) => std::str::from_utf8(b)
                    .map(|s| Some(s).filter(|s| !s.is_empty()))
                    .map_err(|_| format!("the {what} is not UTF-8 text")),
            }
        };
        let name = field(Some(self.name), "name")?.ok_or("the name is missing")?;
        let lat = coordinate(field(Some(self.lat), "latitude")?, "latitude")?;
        let lon = coordinate(field(Some(self.lon), "longitude")?, "longitude")?;
        let place = UserPlace {
            name: name.to_string(),
            lat,
            lon,
            kind: kind(field(self.kind, "kind")?)?,
            country_code: field(self.country, "country")?.map(str::to_string),
            alternate_names: field(self.alternates, "alternate names")?
                .map(|a| a.split('|').map(str::to_string).collect())
                .unwrap_or_default(),
        };
        place.checked().map_err(|e| reason_of(&e))
    }
}

/// A coordinate field: a number (degrees), present.
fn coordinate(field: Option<&str>, what: &str) -> Result<f64, String> {
    let field = field.ok_or_else(|| format!("the {what} is missing"))?;
    field
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("the {what} “{field}” is not a number"))
}

/// A kind field: one of [`Kind::as_str`] (not `demonym`), or `place` when empty.
fn kind(field: Option<&str>) -> Result<Kind, String> {
    match field {
        None => Ok(Kind::Place),
        Some(k) => Kind::parse(&k.to_ascii_lowercase())
            .filter(|&k| k != Kind::Demonym)
            .ok_or_else(|| {
                format!(
                    "unknown kind “{k}” (expected one of place, country, admin1, admin2, \
                     region, physical)"
                )
            }),
    }
}

/// A row's reason from a refused place, said for a row (latitude out of range…).
fn reason_of(e: &UserPlaceError) -> String {
    match e {
        UserPlaceError::Coordinates { lat, lon } if !(-90.0..=90.0).contains(lat) => {
            format!("the latitude {lat} is out of range (-90 to 90)")
        }
        UserPlaceError::Coordinates { lon, .. } => {
            format!("the longitude {lon} is out of range (-180 to 180)")
        }
        other => other.to_string(),
    }
}

/// The place of one GeoJSON feature, or what is wrong with it.
fn feature_place(value: &serde_json::Value) -> Result<UserPlace, String> {
    let feature: geojson::Feature = serde_json::from_value(value.clone())
        .map_err(|e| format!("not a GeoJSON feature ({e})"))?;
    let Some(geometry) = &feature.geometry else {
        return Err("it has no geometry (a Point is needed)".into());
    };
    let geojson::GeometryValue::Point { coordinates } = &geometry.value else {
        return Err("its geometry is not a Point".into());
    };
    let (Some(&lon), Some(&lat)) = (
        coordinates.as_slice().first(),
        coordinates.as_slice().get(1),
    ) else {
        return Err("its point has no coordinates".into());
    };
    let property = |key: &str| feature.properties.as_ref().and_then(|p| p.get(key));
    let text = |key: &str| -> Result<Option<String>, String> {
        match property(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(_) => Err(format!("the property “{key}” is not a string")),
        }
    };
    let name = text("name")?
        .filter(|n| !n.is_empty())
        .ok_or("the name is missing")?;
    let alternate_names = match property("alternate_names") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::String(s)) => s.split('|').map(str::to_string).collect(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or("an alternate name is not a string")
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("the property “alternate_names” is not a string or a list".into()),
    };
    let place = UserPlace {
        name,
        lat,
        lon,
        kind: kind(text("kind")?.as_deref().filter(|k| !k.is_empty()))?,
        country_code: text("country")?,
        alternate_names,
    };
    place.checked().map_err(|e| reason_of(&e))
}

/// The places as CSV in the form [`read_places`] reads ([`CSV_COLUMNS`], a header
/// row, alternate names joined by `|`).
pub fn to_csv(places: &[UserPlace]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a failure would leave the row out, never panic.
    let _ = writer.write_record(CSV_COLUMNS);
    for p in places {
        let _ = writer.write_record([
            p.name.as_str(),
            &p.lat.to_string(),
            &p.lon.to_string(),
            p.kind.as_str(),
            p.country_code.as_deref().unwrap_or(""),
            &p.alternate_names.join("|"),
        ]);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(text: &str) -> PlacesRead {
        parse_places(text.as_bytes(), "p.csv", false).expect("readable")
    }

    #[test]
    fn csv_rows_load_and_bad_rows_are_reported_by_line() {
        let read = parse(
            "name,lat,lon,kind,country,alternate_names\n\
             Base 201,16.97,7.99,place,ne,Base Two-O-One|B201\n\
             Nowhere,,7.0\n\
             Too Far,95,7.0\n\
             Odd Kind,10,7,castle\n\
             The,10,7\n\
             \"Camp Quoted, East\",13.5,2.1\n",
        );
        let names: Vec<&str> = read.places.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Base 201", "Camp Quoted, East"]);
        assert_eq!(read.places[0].country_code.as_deref(), Some("NE"));
        assert_eq!(read.places[0].alternate_names, ["Base Two-O-One", "B201"]);
        assert_eq!(read.bad_rows, 4);
        assert!(read.problems[0].starts_with("p.csv, line 3: the latitude is missing"));
        assert!(read.problems[1].contains("line 4: the latitude 95 is out of range"));
        assert!(read.problems[2].contains("line 5: unknown kind “castle”"));
        assert!(read.problems[3].contains("line 6: the name “The” is refused"));
    }

    #[test]
    fn a_row_that_is_not_utf8_is_reported_and_the_others_load() {
        let mut bytes = b"name,lat,lon\nGood Place,1,2\n".to_vec();
        bytes.extend_from_slice(b"Caf\xE9 Bad,3,4\nOther Place,5,6\n");
        let read = parse_places(&bytes, "p.csv", false).expect("readable");
        assert_eq!(read.places.len(), 2);
        assert_eq!(read.problems, ["p.csv, line 3: the name is not UTF-8 text"]);
    }

    #[test]
    fn a_csv_without_the_columns_is_refused_whole() {
        let e = parse_places(b"a,b\n1,2\n", "p.csv", false).expect_err("no columns");
        assert!(e.to_string().contains("name, lat, lon"), "{e}");
    }

    #[test]
    fn geojson_points_load_with_their_properties() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[7.99,16.97]},
           "properties":{"name":"Base 201","kind":"place","country":"NE","alternate_names":["B201"]}},
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":{"name":"Road"}},
          {"type":"Feature","geometry":{"type":"Point","coordinates":[7,-91]},"properties":{"name":"South"}},
          {"type":"Feature","geometry":null,"properties":{"name":"Nothing"}}
        ]}"#;
        let read = parse_places(text.as_bytes(), "p.geojson", true).expect("readable");
        assert_eq!(read.places.len(), 1);
        assert_eq!((read.places[0].lat, read.places[0].lon), (16.97, 7.99));
        assert_eq!(read.places[0].alternate_names, ["B201"]);
        assert_eq!(read.bad_rows, 3);
        assert!(read.problems[0].starts_with("p.geojson, feature 2: its geometry is not a Point"));
        assert!(read.problems[1].contains("feature 3: the latitude -91 is out of range"));
    }

    #[test]
    fn what_to_csv_writes_reads_back_the_same() {
        let read = parse(
            "name,lat,lon,kind,country,alternate_names\n\
             Base 201,16.97,7.99,place,NE,B201|Base Two\n\
             \"Lake, Small\",-3.25,29.5,physical,,\n",
        );
        let again = parse(&to_csv(&read.places));
        assert_eq!(again, read);
    }

    proptest! {
        #[test]
        fn reading_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), geojson in any::<bool>()) {
            let _ = parse_places(&bytes, "p", geojson);
        }

        #[test]
        fn reading_csv_like_text_never_panics(text in "(name,lat,lon(,kind)?\n)?([A-Za-z0-9 ,.|\"\n-]{0,40}\n){0,8}") {
            let _ = parse_places(text.as_bytes(), "p.csv", false);
        }
    }
}

//! `gazette parse … --format kml` as a user runs it: well-formed KML 2.2 with a Placemark
//! per place at lon,lat, that GDAL's KML and LIBKML drivers read without a warning.

mod prerequisites;

use std::path::{Path, PathBuf};
use std::process::Command;

const KML_NS: &str = "http://www.opengis.net/kml/2.2";

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// Parses the seeds to `dir/seeds.kml` and returns its path and text.
fn seeds_kml(dir: &Path) -> (PathBuf, String) {
    let out = dir.join("seeds.kml");
    let o = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("parse")
        .arg(seeds())
        .args(["--demonyms", "--format", "kml", "-o"])
        .arg(&out)
        .output()
        .expect("gazette runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).expect("written");
    (out, text)
}

fn placemark_count(text: &str) -> usize {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Placemark" && n.tag_name().namespace() == Some(KML_NS))
        .count()
}

#[test]
fn parse_seeds_to_kml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, text) = seeds_kml(dir.path());
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "kml");
    assert_eq!(root.tag_name().namespace(), Some(KML_NS));
    let child = |n: roxmltree::Node<'_, '_>, tag: &str| {
        n.children()
            .find(|c| c.has_tag_name((KML_NS, tag)))
            .and_then(|c| c.text())
            .map(str::to_string)
    };
    let placemarks: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((KML_NS, "Placemark")))
        .collect();
    assert!(placemarks.len() > 10, "{} placemarks", placemarks.len());
    let niamey = placemarks
        .iter()
        .find(|p| child(**p, "name").as_deref() == Some("Niamey"))
        .expect("a Niamey Placemark");
    assert_eq!(child(*niamey, "styleUrl").as_deref(), Some("#place"));
    // The style it names is there.
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name((KML_NS, "Style")) && n.attribute("id") == Some("place"))
    );
    let coordinates = niamey
        .descendants()
        .find(|n| n.has_tag_name((KML_NS, "coordinates")))
        .and_then(|n| n.text())
        .expect("coordinates");
    // KML: lon,lat.
    let (lon, lat) = coordinates.trim().split_once(',').expect("lon,lat");
    let lon: f64 = lon.parse().expect("lon");
    let lat: f64 = lat.parse().expect("lat");
    assert!((lon - 2.11).abs() < 0.1, "lon {lon}");
    assert!((lat - 13.51).abs() < 0.1, "lat {lat}");
    let data: Vec<(String, String)> = niamey
        .descendants()
        .filter(|n| n.has_tag_name((KML_NS, "Data")))
        .map(|d| {
            (
                d.attribute("name").unwrap_or_default().to_string(),
                child(d, "value").unwrap_or_default(),
            )
        })
        .collect();
    let get = |k: &str| {
        data.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("feature_type"), Some("place"));
    assert_eq!(get("country_code"), Some("NE"));
    assert!(get("gazetteer_id").is_some_and(|id| !id.is_empty()));
    let count: usize = get("mention_count").expect("count").parse().expect("n");
    assert!(count > 0);
    let description = child(*niamey, "description").expect("description");
    assert!(
        description.starts_with(&format!("<p>{count} mention")),
        "{description}"
    );
    assert_eq!(
        description.matches("<li>").count(),
        count.min(50),
        "{description}"
    );
    assert!(description.contains("<b>Niamey</b>"), "{description}");
}

/// Runs `ogrinfo -ro -al -so` on `file` (with `--config GDAL_SKIP LIBKML` when
/// `skip_libkml`, so GDAL's KML driver reads it rather than LIBKML) and checks it reads
/// `expected` features without a warning; returns what it printed.
fn ogrinfo_reads(file: &Path, skip_libkml: bool, expected: usize) -> String {
    let mut command = Command::new("ogrinfo");
    if skip_libkml {
        command.args(["--config", "GDAL_SKIP", "LIBKML"]);
    }
    let info = command
        .args(["-ro", "-al", "-so"])
        .arg(file)
        .output()
        .expect("ogrinfo runs");
    let err = String::from_utf8_lossy(&info.stderr);
    let stdout = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.status.success(), "ogrinfo failed: {err}");
    assert!(
        !err.contains("Warning") && !err.contains("ERROR"),
        "ogrinfo complained: {err}"
    );
    let features: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Feature Count: "))
        .map(|n| n.trim().parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(features, expected, "{stdout}");
    stdout
}

#[test]
fn kml_passes_ogrinfo_without_warnings() {
    // ogrinfo is in Debian's gdal-bin.
    if !prerequisites::tool_or_skip("kml_passes_ogrinfo_without_warnings", "ogrinfo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (out, text) = seeds_kml(dir.path());
    let placemarks = placemark_count(&text);
    assert!(placemarks > 10);
    // The driver GDAL picks: LIBKML where GDAL is built with it (which reports the
    // layer's geometry as "Unknown (any)" and reads the ExtendedData as fields).
    let picked = ogrinfo_reads(&out, false, placemarks);
    if picked.contains("using driver `LIBKML'") {
        assert!(picked.contains("mention_count: "), "{picked}");
    }
    // GDAL's own KML driver: one layer of Points.
    let kml = ogrinfo_reads(&out, true, placemarks);
    assert!(kml.contains("Geometry: Point"), "{kml}");
}

//! Shared test material for the eval folder: two miniature corpora, a prediction builder,
//! the check for the real corpora in `../shared/corpora`, and the test that reads them.

use std::path::{Path, PathBuf};

use super::{Corpus, CorpusFormat, GoldCategory, Prediction, evaluate};

/// "Ségou’s mayor visited Niamey and Agadez." — 'é' is 2 bytes and '’' 3 bytes, so
/// code-point offsets after them differ from byte offsets by 1 and then 3.
pub(super) const LGL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<articles>
  <article docid="42">
    <feedid>1</feedid>
    <title>Ségou title</title>
    <text><![CDATA[Ségou’s mayor visited Niamey and Agadez.]]></text>
    <toponyms count="3">
      <toponym><start>0</start><end>5</end><phrase>Ségou</phrase>
        <gaztag geonameid="2451185"><name>Ségou</name><lat>13.4317</lat><lon>-6.2157</lon></gaztag>
      </toponym>
      <toponym><start>22</start><end>28</end><phrase>Niamey</phrase>
        <gaztag geonameid="2440485"><name>Niamey</name><lat>13.5137</lat><lon>2.1098</lon></gaztag>
      </toponym>
      <toponym><start>33</start><end>39</end><phrase>Agadez</phrase></toponym>
    </toponyms>
  </article>
  <article docid="43">
    <text>Nothing here.</text>
    <toponyms count="0"/>
  </article>
</articles>"#;

/// Text (code points): "Malian troops left Gao for the city of New York City. TITLE"
/// Malian 0..6 Demonym; Gao 19..22 Literal; city 31..35 Literal_Expression;
/// New York City 39..52 Literal; TITLE 54..59 Non_Toponym without coordinates;
/// a mismatched span (says "Gao" but selects "for") and a negative one.
pub(super) const GWN: &str = r#"<?xml version="1.0" ?>
<articles>
	<!--comment-->
	<article file="7">
		<title>t</title>
		<link>http://example.org</link>
		<text>Malian troops left Gao for the city of New York City. TITLE</text>
		<toponyms>
			<toponym>
				<extractedName>Malian</extractedName><normalisedName/><type>Demonym</type>
				<modifierType/><nonLocational>No</nonLocational><start>0</start><end>6</end>
			</toponym>
			<toponym>
				<extractedName>Gao</extractedName><normalisedName>Gao</normalisedName><type>Literal</type>
				<modifierType/><nonLocational>No</nonLocational><start>19</start><end>22</end>
				<geonamesID>2457163</geonamesID><latitude>16.27167</latitude><longitude>-0.04472</longitude>
			</toponym>
			<toponym>
				<extractedName>city</extractedName><normalisedName/><type>Literal_Expression</type>
				<modifierType/><nonLocational>No</nonLocational><start>31</start><end>35</end>
			</toponym>
			<toponym>
				<extractedName>New York City</extractedName><normalisedName/><type>Literal</type>
				<modifierType/><nonLocational>No</nonLocational><start>39</start><end>52</end>
				<geonamesID/><latitude>40.71427</latitude><longitude>-74.00597</longitude>
			</toponym>
			<toponym>
				<extractedName>TITLE</extractedName><normalisedName/><type>Non_Toponym</type>
				<modifierType/><nonLocational>Yes</nonLocational><start>54</start><end>59</end>
				<geonamesID/><latitude/><longitude/>
			</toponym>
			<toponym>
				<extractedName>Gao</extractedName><normalisedName/><type>Homonym</type>
				<modifierType/><nonLocational>No</nonLocational><start>23</start><end>26</end>
			</toponym>
			<toponym>
				<extractedName>US</extractedName><normalisedName/><type>Non_Literal_Modifier</type>
				<modifierType/><nonLocational>No</nonLocational><start>-239</start><end>-237</end>
				<geonamesID/><latitude>39.76</latitude><longitude>-98.5</longitude>
			</toponym>
		</toponyms>
	</article>
</articles>"#;

/// A prediction (not a demonym) on the first occurrence of `needle` in `text`.
pub(super) fn pred(text: &str, needle: &str, lat: f64, lon: f64) -> Prediction {
    let start = text.find(needle).expect("needle in text");
    Prediction {
        start,
        end: start + needle.len(),
        lat,
        lon,
        is_demonym: false,
    }
}

/// The real corpora's folder, `../shared/corpora` beside the crate, for the test named
/// `test_name`. When it is absent, says so on stderr and returns `None` (the test returns),
/// except with `CI=true`, where the corpora are required and a missing folder fails the test.
pub(super) fn real_corpora_dir(test_name: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if dir.is_dir() {
        return Some(dir);
    }
    // In CI a missing corpus fails, unless `.ci/run` checked and said in its log that
    // this machine has none (`GAZETTE_CORPORA_ABSENT=1`).
    let declared_absent = std::env::var("GAZETTE_CORPORA_ABSENT").is_ok_and(|v| v == "1");
    if std::env::var("CI").is_ok_and(|v| v == "true") && !declared_absent {
        panic!(
            "{test_name}: ../shared/corpora not found (looked in {}); CI=true requires the gold corpora",
            dir.display()
        );
    }
    eprintln!("skipped: {test_name}: ../shared/corpora not found");
    None
}

#[test]
fn real_corpora_when_present() {
    let Some(dir) = real_corpora_dir("real_corpora_when_present") else {
        return;
    };
    let lgl_path = dir.join("lgl.xml");
    let gwn_path = dir.join("GWN.xml");
    let lgl = Corpus::load(&lgl_path).expect("load lgl");
    assert_eq!(lgl.name, "lgl");
    assert_eq!(lgl.format, CorpusFormat::Lgl);
    assert_eq!(lgl.articles.len(), 588);
    assert_eq!(
        lgl.articles.iter().map(|a| a.toponyms.len()).sum::<usize>(),
        5088
    );
    assert_eq!(lgl.count(GoldCategory::Toponym), 5088);
    assert!(
        lgl.span_mismatches.is_empty(),
        "{:?}",
        &lgl.span_mismatches[..1]
    );
    let with_coords = lgl
        .articles
        .iter()
        .flat_map(|a| &a.toponyms)
        .filter(|t| t.coords.is_some())
        .count();
    assert_eq!(with_coords, 4462);

    let gwn = Corpus::load(&gwn_path).expect("load gwn");
    assert_eq!(gwn.format, CorpusFormat::GeoWebNews);
    assert_eq!(gwn.articles.len(), 200);
    // 6,612 annotations, 5 of which point before the text (negative offsets).
    assert_eq!(gwn.span_mismatches.len(), 5);
    assert!(gwn.span_mismatches.iter().all(|m| m.found.is_none()));
    assert_eq!(gwn.count(GoldCategory::Toponym), 2599);
    assert_eq!(gwn.count(GoldCategory::Demonym), 73);
    assert_eq!(gwn.count(GoldCategory::Expression), 3457);
    assert_eq!(gwn.count(GoldCategory::NoCoordinates), 478);

    let report = evaluate(&lgl, |_| Vec::new());
    assert_eq!(report.exact.false_negatives, 5088);
    assert_eq!(report.resolution.gold_with_coords, 4462);
    let shown = report.to_string();
    assert!(!shown.contains("NaN"));
}

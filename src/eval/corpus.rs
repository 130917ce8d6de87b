//! The gold-corpus readers: LGL and GeoWebNews XML into [`Corpus`], with code-point offsets
//! turned into byte offsets. Its own file because it is the only part that knows the XML.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Which gold-standard file layout a corpus came from; decides how annotations map to
/// [`GoldCategory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CorpusFormat {
    /// LGL: `<article docid>` … `<toponym><start/><end/><phrase/><gaztag><lat/><lon/>`.
    Lgl,
    /// GeoWebNews: `<article file>` … `<toponym><extractedName/><type/><start/><end/>
    /// <latitude/><longitude/>`.
    GeoWebNews,
}

impl fmt::Display for CorpusFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CorpusFormat::Lgl => "LGL",
            CorpusFormat::GeoWebNews => "GeoWebNews",
        })
    }
}

/// How a gold annotation is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum GoldCategory {
    /// A place name: counted for recognition (a miss is a false negative) and, when it has
    /// coordinates, for resolution. All of LGL; GeoWebNews annotations with coordinates.
    Toponym,
    /// A GeoWebNews `Demonym` ("Nigerien"): neutral for recognition, recall reported apart.
    Demonym,
    /// A GeoWebNews `*_Expression` type (`Literal_Expression`, `Non_Lit_Expression`: common
    /// nouns like "the city"): neutral for recognition, counts reported apart.
    Expression,
    /// A GeoWebNews annotation without latitude/longitude (`Non_Toponym`, `Homonym`,
    /// `Language`, …): neutral for recognition, counts reported apart.
    NoCoordinates,
}

impl GoldCategory {
    /// The category's name in the report's tables.
    pub(super) fn label(self) -> &'static str {
        match self {
            GoldCategory::Toponym => "toponym",
            GoldCategory::Demonym => "demonym",
            GoldCategory::Expression => "expression",
            GoldCategory::NoCoordinates => "no coordinates",
        }
    }
}

/// One gold annotation, located in its article's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldToponym {
    /// Byte offset of the first byte in [`GoldArticle::text`] (converted from the corpus'
    /// code-point offset so it indexes a Rust `&str` directly).
    pub start: usize,
    /// Byte offset one past the last byte (exclusive), in [`GoldArticle::text`].
    pub end: usize,
    /// The surface string as annotated (`<phrase>` / `<extractedName>`). Equals
    /// `text[start..end]` unless the corpus' span is wrong (see [`Corpus::span_mismatches`]).
    pub text: String,
    /// True coordinates as (latitude, longitude) in decimal degrees, when annotated.
    pub coords: Option<(f64, f64)>,
    /// How the annotation is scored.
    pub category: GoldCategory,
    /// The corpus' own annotation type (GeoWebNews `type`: "Literal", "Metonymic",
    /// "Demonym", …), kept to break recall down by type; empty for LGL, which has none.
    pub kind: String,
}

/// One gold article: its text and annotations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldArticle {
    /// The article's identifier in the file (LGL `docid`, GeoWebNews `file`), or its
    /// 0-based position when the attribute is missing.
    pub id: String,
    /// The article text that offsets refer to (the `<text>` element, not the title).
    pub text: String,
    /// Annotations whose span lies inside `text`, in file order.
    pub toponyms: Vec<GoldToponym>,
}

/// A gold annotation whose span does not select its annotated string, kept so the report
/// can say how trustworthy the corpus' offsets are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpanMismatch {
    /// Identifier of the article ([`GoldArticle::id`]).
    pub article_id: String,
    /// Start as written in the file, in code points (may be negative in the wild).
    pub start: i64,
    /// End as written in the file, in code points, exclusive.
    pub end: i64,
    /// The annotated surface string.
    pub expected: String,
    /// What the span selects in the text; `None` when it lies outside the text, in which
    /// case the annotation was left out of [`GoldArticle::toponyms`].
    pub found: Option<String>,
    /// The category the annotation has (or would have had).
    pub category: GoldCategory,
}

/// A gold-standard corpus loaded into memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corpus {
    /// Short name for reports (the file stem for [`Corpus::load`]).
    pub name: String,
    /// The layout the file had.
    pub format: CorpusFormat,
    /// All articles, in file order.
    pub articles: Vec<GoldArticle>,
    /// Annotations whose span does not select their annotated string. Those with a span
    /// inside the text are kept as gold (scored with the file's span); those outside are
    /// dropped.
    pub span_mismatches: Vec<SpanMismatch>,
}

/// Why a corpus could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("cannot read corpus {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not well-formed XML.
    #[error("corpus {file} is not well-formed XML: {source}")]
    Xml {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// The parser's error, with its position.
        source: roxmltree::Error,
    },
    /// The XML is neither LGL nor GeoWebNews.
    #[error("corpus {file} is in no known format: {detail}")]
    UnknownFormat {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// What was expected and not found.
        detail: String,
    },
    /// An annotation has a missing or unreadable field.
    #[error("corpus {file}, article {article}: {detail}")]
    Malformed {
        /// The file (or name given to [`Corpus::from_xml_str`]).
        file: String,
        /// The article's identifier.
        article: String,
        /// What is wrong.
        detail: String,
    },
}

type XmlNode<'a, 'i> = roxmltree::Node<'a, 'i>;

fn child<'a, 'i>(node: XmlNode<'a, 'i>, name: &str) -> Option<XmlNode<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// All text inside an element (CDATA sections included), concatenated.
fn all_text(node: XmlNode<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// The trimmed text of a child element; `None` when absent or empty.
fn child_value(node: XmlNode<'_, '_>, name: &str) -> Option<String> {
    let text = all_text(child(node, name)?);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some(trimmed.to_string())
    }
}

fn detect_format(root: XmlNode<'_, '_>) -> Option<CorpusFormat> {
    let articles = || {
        root.children()
            .filter(|n| n.is_element() && n.tag_name().name() == "article")
    };
    // Annotation elements are the surest sign; article attributes are a fallback for
    // files whose first articles have no annotations.
    for article in articles() {
        if let Some(toponyms) = child(article, "toponyms") {
            for t in toponyms.children().filter(|n| n.is_element()) {
                if child(t, "extractedName").is_some() {
                    return Some(CorpusFormat::GeoWebNews);
                }
                if child(t, "phrase").is_some() {
                    return Some(CorpusFormat::Lgl);
                }
            }
        }
    }
    let first = articles().next()?;
    if first.has_attribute("docid") {
        Some(CorpusFormat::Lgl)
    } else if first.has_attribute("file") {
        Some(CorpusFormat::GeoWebNews)
    } else {
        None
    }
}

/// Byte offset of every code point in `text`, plus `text.len()` at the end, so that
/// `table[cp]` converts a code-point offset (start or exclusive end) to a byte offset.
fn code_point_table(text: &str) -> Vec<usize> {
    let mut table: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    table.push(text.len());
    table
}

impl Corpus {
    /// Reads and parses a corpus file, detecting LGL or GeoWebNews from its elements.
    /// The corpus is named after the file stem ("lgl", "GWN"); errors name the full path.
    pub fn load(path: &Path) -> Result<Corpus, EvalError> {
        let xml = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut corpus = Self::parse(&xml, &path.display().to_string())?;
        corpus.name = name;
        Ok(corpus)
    }

    /// Parses a corpus from XML text. `name` names the corpus in reports and errors.
    pub fn from_xml_str(xml: &str, name: &str) -> Result<Corpus, EvalError> {
        Self::parse(xml, name)
    }

    fn parse(xml: &str, file: &str) -> Result<Corpus, EvalError> {
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|source| {
            EvalError::Xml {
                file: file.to_string(),
                source,
            }
        })?;
        let root = doc.root_element();
        if root.tag_name().name() != "articles" {
            return Err(EvalError::UnknownFormat {
                file: file.to_string(),
                detail: format!(
                    "root element is <{}>, expected <articles>",
                    root.tag_name().name()
                ),
            });
        }
        let format = detect_format(root).ok_or_else(|| EvalError::UnknownFormat {
            file: file.to_string(),
            detail: "no <article> with LGL (<phrase>, docid) or GeoWebNews \
                     (<extractedName>, file) markers"
                .to_string(),
        })?;

        let mut articles = Vec::new();
        let mut span_mismatches = Vec::new();
        for (index, article) in root
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "article")
            .enumerate()
        {
            let id = article
                .attribute(match format {
                    CorpusFormat::Lgl => "docid",
                    CorpusFormat::GeoWebNews => "file",
                })
                .map(str::to_string)
                .unwrap_or_else(|| index.to_string());
            let malformed = |detail: String| EvalError::Malformed {
                file: file.to_string(),
                article: id.clone(),
                detail,
            };
            let text = child(article, "text")
                .map(all_text)
                .ok_or_else(|| malformed("no <text> element".to_string()))?;
            let table = code_point_table(&text);
            let mut toponyms = Vec::new();
            let annotations = child(article, "toponyms")
                .into_iter()
                .flat_map(|t| t.children())
                .filter(|n| n.is_element() && n.tag_name().name() == "toponym");
            for (k, t) in annotations.enumerate() {
                let int = |name: &str| -> Result<i64, EvalError> {
                    let v = child_value(t, name)
                        .ok_or_else(|| malformed(format!("annotation {k} has no <{name}>")))?;
                    v.parse::<i64>().map_err(|_| {
                        malformed(format!("annotation {k}: <{name}> is not an integer: {v:?}"))
                    })
                };
                let coord = |parent: Option<XmlNode<'_, '_>>,
                             name: &str,
                             limit: f64|
                 -> Result<Option<f64>, EvalError> {
                    let Some(v) = parent.and_then(|p| child_value(p, name)) else {
                        return Ok(None);
                    };
                    match v.parse::<f64>() {
                        Ok(x) if x.is_finite() && x.abs() <= limit => Ok(Some(x)),
                        _ => Err(malformed(format!(
                            "annotation {k}: <{name}> is not a coordinate: {v:?}"
                        ))),
                    }
                };
                let start = int("start")?;
                let end = int("end")?;
                let (surface, lat, lon, category, kind) = match format {
                    CorpusFormat::Lgl => {
                        let gaztag = child(t, "gaztag");
                        (
                            child_value(t, "phrase").unwrap_or_default(),
                            coord(gaztag, "lat", 90.0)?,
                            coord(gaztag, "lon", 180.0)?,
                            GoldCategory::Toponym,
                            String::new(),
                        )
                    }
                    CorpusFormat::GeoWebNews => {
                        let kind = child_value(t, "type").unwrap_or_default();
                        let lat = coord(Some(t), "latitude", 90.0)?;
                        let lon = coord(Some(t), "longitude", 180.0)?;
                        let category = if kind == "Demonym" {
                            GoldCategory::Demonym
                        } else if kind.ends_with("_Expression") {
                            GoldCategory::Expression
                        } else if lat.is_some() && lon.is_some() {
                            GoldCategory::Toponym
                        } else {
                            GoldCategory::NoCoordinates
                        };
                        // Names are not trimmed of inner text; only the element's padding.
                        let surface = child(t, "extractedName").map(all_text).unwrap_or_default();
                        (surface, lat, lon, category, kind)
                    }
                };
                let coords = match (lat, lon) {
                    (Some(a), Some(b)) => Some((a, b)),
                    _ => None,
                };
                let bytes = if start >= 0 && end >= start {
                    match (table.get(start as usize), table.get(end as usize)) {
                        (Some(&s), Some(&e)) => Some((s, e)),
                        _ => None,
                    }
                } else {
                    None
                };
                let Some((s, e)) = bytes else {
                    span_mismatches.push(SpanMismatch {
                        article_id: id.clone(),
                        start,
                        end,
                        expected: surface,
                        found: None,
                        category,
                    });
                    continue;
                };
                let found = &text[s..e];
                if found != surface {
                    span_mismatches.push(SpanMismatch {
                        article_id: id.clone(),
                        start,
                        end,
                        expected: surface.clone(),
                        found: Some(found.to_string()),
                        category,
                    });
                }
                toponyms.push(GoldToponym {
                    start: s,
                    end: e,
                    text: surface,
                    coords,
                    category,
                    kind,
                });
            }
            articles.push(GoldArticle { id, text, toponyms });
        }
        Ok(Corpus {
            name: file.to_string(),
            format,
            articles,
            span_mismatches,
        })
    }

    /// Number of gold annotations of one category (after dropping unlocatable spans).
    pub fn count(&self, category: GoldCategory) -> usize {
        self.articles
            .iter()
            .flat_map(|a| &a.toponyms)
            .filter(|t| t.category == category)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{GWN, LGL};
    use super::*;

    #[test]
    fn lgl_code_points_become_bytes() {
        let c = Corpus::from_xml_str(LGL, "mini").expect("parse");
        assert_eq!(c.format, CorpusFormat::Lgl);
        assert_eq!(c.articles.len(), 2);
        let a = &c.articles[0];
        assert_eq!(a.id, "42");
        let t: Vec<(usize, usize)> = a.toponyms.iter().map(|g| (g.start, g.end)).collect();
        assert_eq!(t, vec![(0, 6), (25, 31), (36, 42)]);
        for g in &a.toponyms {
            assert_eq!(&a.text[g.start..g.end], g.text);
            assert_eq!(g.category, GoldCategory::Toponym);
        }
        assert_eq!(a.toponyms[1].coords, Some((13.5137, 2.1098)));
        assert_eq!(a.toponyms[2].coords, None);
        assert!(c.span_mismatches.is_empty());
        assert!(c.articles[1].toponyms.is_empty());
    }

    #[test]
    fn gwn_categories_and_mismatches() {
        let c = Corpus::from_xml_str(GWN, "gwn-mini").expect("parse");
        assert_eq!(c.format, CorpusFormat::GeoWebNews);
        let a = &c.articles[0];
        assert_eq!(a.id, "7");
        let cats: Vec<(&str, GoldCategory)> = a
            .toponyms
            .iter()
            .map(|g| (g.text.as_str(), g.category))
            .collect();
        assert_eq!(
            cats,
            vec![
                ("Malian", GoldCategory::Demonym),
                ("Gao", GoldCategory::Toponym),
                ("city", GoldCategory::Expression),
                ("New York City", GoldCategory::Toponym),
                ("TITLE", GoldCategory::NoCoordinates),
                ("Gao", GoldCategory::NoCoordinates),
            ]
        );
        assert_eq!(a.toponyms[3].kind, "Literal");
        assert_eq!(c.span_mismatches.len(), 2);
        assert_eq!(c.span_mismatches[0].found.as_deref(), Some("for"));
        assert_eq!(c.span_mismatches[1].found, None);
        assert_eq!(c.span_mismatches[1].start, -239);
        assert_eq!(c.count(GoldCategory::Toponym), 2);
    }

    #[test]
    fn bad_input_is_an_error_naming_the_file() {
        let err = Corpus::from_xml_str("<articles><article>", "broken.xml").expect_err("xml");
        assert!(err.to_string().contains("broken.xml"), "{err}");
        let err = Corpus::from_xml_str("<articles/>", "none.xml").expect_err("format");
        assert!(matches!(err, EvalError::UnknownFormat { .. }));
        assert!(err.to_string().contains("none.xml"));
        let err = Corpus::from_xml_str("<docs/>", "docs.xml").expect_err("root");
        assert!(matches!(err, EvalError::UnknownFormat { .. }));
        let bad = LGL.replace("<start>22</start>", "<start>x</start>");
        let err = Corpus::from_xml_str(&bad, "bad.xml").expect_err("start");
        assert!(matches!(err, EvalError::Malformed { .. }));
        assert!(
            err.to_string().contains("bad.xml") && err.to_string().contains("42"),
            "{err}"
        );
        let err = Corpus::load(Path::new("/nonexistent/corpus.xml")).expect_err("io");
        assert!(err.to_string().contains("/nonexistent/corpus.xml"));
    }
}

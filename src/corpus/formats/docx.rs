//! Word documents (`.docx`, Office Open XML): the text of the document's body and its
//! title and date properties.
//!
//! A `.docx` file is a zip archive of XML parts. The body is the main document part
//! (`word/document.xml`, or wherever the package's relationships say): its paragraphs
//! (`w:p`), table cells' paragraphs among them, become paragraphs separated by a blank
//! line; a paragraph's runs are joined as written, a tab becomes a space and a line break
//! a line break. Headers, footers, comments and footnotes are other parts and are not
//! read: they repeat on every page or are not the article. Deleted text of tracked
//! changes is left out and inserted text kept, as Word shows the document with changes
//! accepted; the fallback copy Word keeps of each text box (`mc:Fallback`) is skipped so
//! a text box's text comes once.
//!
//! Every part is read through a cap of [`MAX_PART_BYTES`] + 1 bytes, whatever the zip
//! header says, and parsed without DTDs (so no entity expansion) into at most
//! [`MAX_XML_NODES`] nodes. Nothing a document
//! links to (images, external templates, hyperlinks' targets) is read.

use std::io::{Cursor, Read, Seek};

use roxmltree::{Document, Node};
use zip::ZipArchive;

use super::{Extracted, FormatError};
use crate::corpus::metadata::{Metadata, Published, unreadable_date};

/// Largest XML part read (uncompressed bytes): an article's limit. The body of a
/// 500-page report is a few MB; more is a damaged or hostile file.
pub const MAX_PART_BYTES: u64 = crate::corpus::read::MAX_DOCUMENT_BYTES;

/// Most nodes (elements and text pieces) a part is parsed into.
/// The parsed tree takes some 80 bytes a node, so this bounds it near 320 MB: without
/// it, 60 MiB of empty paragraphs (a 90 KB file) parse into 10 million nodes and 800 MB.
/// A real document has a node for every 15–20 bytes of XML; 4 million is some 60 MB of
/// it, a body of 20 MB of text.
pub const MAX_XML_NODES: u32 = 4_000_000;

/// WordprocessingML's namespace, as Word writes it (transitional) and as ISO strict
/// documents write it.
const W: [&str; 2] = [
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
/// Markup compatibility (`mc:AlternateContent`).
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
/// Dublin Core elements (`dc:title`) and terms (`dcterms:created`).
const DC: &str = "http://purl.org/dc/elements/1.1/";
const DCTERMS: &str = "http://purl.org/dc/terms/";

/// The start of an OLE compound file: an old `.doc`, or a password-protected `.docx`
/// (Word encrypts the zip inside such a container).
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a Word document's body text and properties:
/// - `title`: the document's Title property (`dc:title`), when set;
/// - `published`: the date the document was created (`dcterms:created`, or when absent
///   the date it was last saved, `dcterms:modified`). It is the document's own date,
///   set by the program that wrote it: for an article saved from a newsroom system it
///   is usually the day it was written, but a file re-saved or made from an old one
///   carries another day, so it is a hint, not a publication date proper.
///
/// A file that is not a zip archive holding a Word document, and a document without any
/// text, are errors.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FormatError> {
    if bytes.starts_with(OLE_MAGIC) {
        return Err(not_docx(
            "an OLE compound file: an old Word .doc, or a password-protected document; \
             save it as .docx without a password",
        ));
    }
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| not_docx(&format!("not a zip archive: {e}")))?;
    let relationships = read_part(&mut zip, "_rels/.rels").ok().flatten();
    let main_name = relationships
        .as_deref()
        .and_then(|rels| target_of(rels, "/officeDocument"))
        .filter(|name| find_part(&zip, name).is_some())
        .unwrap_or_else(|| "word/document.xml".to_string());
    let in_part = |e: String| FormatError::new(format!("{main_name}: {e}"));
    let body = read_part(&mut zip, &main_name)
        .map_err(in_part)?
        .ok_or_else(|| not_docx("it has no word/document.xml"))?;
    let text = body_text(&body, MAX_XML_NODES).map_err(in_part)?;
    if text.is_empty() {
        return Err(FormatError::new(
            "no text: the Word document's body is empty",
        ));
    }
    let core_name = relationships
        .as_deref()
        .and_then(|rels| target_of(rels, "/metadata/core-properties"))
        .unwrap_or_else(|| "docProps/core.xml".to_string());
    // Properties are a bonus: a document whose properties cannot be read is still read.
    let (meta, warning) = match read_part(&mut zip, &core_name) {
        Ok(Some(core)) => properties(&core),
        Ok(None) => (Metadata::default(), None),
        Err(e) => (
            Metadata::default(),
            Some(format!(
                "its properties ({core_name}) could not be read: {e}"
            )),
        ),
    };
    Ok(Extracted {
        text,
        meta: meta.cleaned(),
        warning,
    })
}

/// An XML part parsed without DTDs and with at most [`MAX_XML_NODES`] nodes.
fn parse(xml: &str) -> Result<Document<'_>, roxmltree::Error> {
    parse_with_limit(xml, MAX_XML_NODES)
}

fn parse_with_limit(xml: &str, nodes_limit: u32) -> Result<Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit,
    };
    Document::parse_with_options(xml, options)
}

fn not_docx(why: &str) -> FormatError {
    FormatError::new(format!("not a Word (.docx) document ({why})"))
}

/// The index of the part named `name`: exactly, else ignoring case (part names are
/// case-insensitive in the package format).
fn find_part<R: Read + Seek>(zip: &ZipArchive<R>, name: &str) -> Option<usize> {
    zip.index_for_name(name).or_else(|| {
        (0..zip.len()).find(|&i| {
            zip.by_index_data(i)
                .is_ok_and(|e| e.name_raw().eq_ignore_ascii_case(name.as_bytes()))
        })
    })
}

/// The text of the XML part `name`, `None` if there is none. At most
/// [`MAX_PART_BYTES`] are read whatever its header declares.
fn read_part<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    name: &str,
) -> Result<Option<String>, String> {
    let Some(index) = find_part(zip, name) else {
        return Ok(None);
    };
    let mut part = zip.by_index(index).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(usize::try_from(part.size().min(1 << 20)).unwrap_or(0));
    (&mut part)
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!(
            "larger than {} MiB uncompressed",
            MAX_PART_BYTES >> 20
        ));
    }
    xml_text(bytes).map(Some)
}

/// An XML part's bytes as text: UTF-8 (a byte-order mark dropped), or UTF-16 with one.
fn xml_text(bytes: Vec<u8>) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, malformed) = encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| (t.into_owned(), false))
            .unwrap_or_default();
        return if malformed || text.is_empty() {
            Err(format!("not valid {}", encoding.name()))
        } else {
            Ok(text)
        };
    }
    let mut text = String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

/// The part a package relationship of a type ending in `type_suffix` points to, from the
/// package's `_rels/.rels`: the name relative to the package root.
fn target_of(relationships: &str, type_suffix: &str) -> Option<String> {
    let doc = parse(relationships).ok()?;
    let target = doc
        .descendants()
        .filter(|n| n.has_tag_name("Relationship"))
        .find(|n| {
            n.attribute("Type")
                .is_some_and(|t| t.ends_with(type_suffix))
        })?
        .attribute("Target")?;
    let target = target.trim_start_matches('/');
    let target = target.strip_prefix("./").unwrap_or(target);
    (!target.is_empty() && target.len() < 1000).then(|| target.to_string())
}

/// True for WordprocessingML's element `name`.
fn is_w(node: &Node, name: &str) -> bool {
    node.tag_name().name() == name && is_w_any(node)
}

/// The body's text: paragraphs separated by a blank line, each trimmed, empty ones left
/// out. Walks the tree in document order without recursion (a hostile document can nest
/// elements deeply).
fn body_text(xml: &str, nodes_limit: u32) -> Result<String, String> {
    let doc = parse_with_limit(xml, nodes_limit).map_err(|e| match e {
        roxmltree::Error::NodesLimitReached => {
            format!("more than {nodes_limit} XML elements and text pieces; too large to read")
        }
        e => format!("not valid XML ({e})"),
    })?;
    let Some(body) = doc.descendants().find(|n| is_w(n, "body")) else {
        return Ok(String::new());
    };
    let mut text = String::new();
    // The paragraphs being read, innermost last (a text box's paragraphs sit inside a
    // paragraph of the body).
    let mut open: Vec<String> = Vec::new();
    let mut next = body.first_child();
    while let Some(node) = next {
        // Opening `node`: whether to read what is inside it.
        let descend = if node.is_text() {
            if let (Some(parent), Some(current)) = (node.parent(), open.last_mut())
                && is_w(&parent, "t")
            {
                current.push_str(node.text().unwrap_or(""));
            }
            false
        } else if !node.is_element() {
            false
        } else if node.tag_name().namespace() == Some(MC) {
            // The fallback repeats the choice's content for older readers.
            node.tag_name().name() != "Fallback"
        } else if is_w_any(&node) {
            match node.tag_name().name() {
                "p" => open.push(String::new()),
                "tab" | "ptab" => push_to(&mut open, " "),
                "br" | "cr" => push_to(&mut open, "\n"),
                "noBreakHyphen" => push_to(&mut open, "-"),
                _ => {}
            }
            true
        } else {
            true
        };
        if descend && let Some(child) = node.first_child() {
            next = Some(child);
            continue;
        }
        // Closing `node` and every ancestor it is the last child of.
        let mut closing = node;
        next = loop {
            if is_w(&closing, "p")
                && let Some(paragraph) = open.pop()
            {
                push_paragraph(&mut text, &paragraph);
            }
            if let Some(sibling) = closing.next_sibling() {
                break Some(sibling);
            }
            match closing.parent() {
                Some(parent) if parent != body => closing = parent,
                _ => break None,
            }
        };
    }
    Ok(text)
}

/// True for an element in WordprocessingML's namespace.
fn is_w_any(node: &Node) -> bool {
    node.tag_name().namespace().is_some_and(|n| W.contains(&n))
}

fn push_to(open: &mut [String], s: &str) {
    if let Some(current) = open.last_mut() {
        current.push_str(s);
    }
}

/// Adds a paragraph, trimmed, after a blank line; an empty one is left out.
fn push_paragraph(text: &mut String, paragraph: &str) {
    let paragraph = paragraph.trim();
    if paragraph.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}

/// Title and date from the core properties part, and a warning for a date that cannot
/// be read.
fn properties(xml: &str) -> (Metadata, Option<String>) {
    let Ok(doc) = parse(xml) else {
        return (
            Metadata::default(),
            Some("its properties (docProps/core.xml) are not valid XML".into()),
        );
    };
    let text_of = |namespace: &str, name: &str| {
        doc.descendants()
            .find(|n| n.tag_name().namespace() == Some(namespace) && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let title = text_of(DC, "title").map(str::to_string);
    let date = text_of(DCTERMS, "created").or_else(|| text_of(DCTERMS, "modified"));
    let published = date.and_then(Published::parse);
    let warning = match (date, published) {
        (Some(raw), None) => Some(format!("its {}", unreadable_date(raw))),
        _ => None,
    };
    (
        Metadata {
            title,
            published,
            ..Metadata::default()
        },
        warning,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// A zip of `parts` (name, text), as Word packs a document.
    pub(crate) fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        for (name, text) in parts {
            writer.start_file(*name, options).expect("start");
            writer.write_all(text.as_bytes()).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    /// A `word/document.xml` whose body is `body`.
    pub(crate) fn document_xml(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <w:document xmlns:w=\"{W_NS}\" xmlns:mc=\"{MC}\" \
             xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">\
             <w:body>{body}<w:sectPr/></w:body></w:document>"
        )
    }

    pub(crate) const CORE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
        xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
        <dc:title>Floods in the Sahel</dc:title><dc:creator>Desk</dc:creator>\
        <dcterms:created xsi:type=\"dcterms:W3CDTF\">2021-03-04T10:15:00Z</dcterms:created>\
        <dcterms:modified xsi:type=\"dcterms:W3CDTF\">2021-05-01T08:00:00Z</dcterms:modified>\
        </cp:coreProperties>";

    /// A small but complete Word document about floods in Niamey and Agadez.
    pub(crate) fn sample_docx() -> Vec<u8> {
        let body = "<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t>Floods hit </w:t></w:r>\
             <w:r><w:rPr><w:b/></w:rPr><w:t>Niamey</w:t></w:r></w:p>\
             <w:p><w:r><w:t xml:space=\"preserve\">Rain fell on Agadez.</w:t><w:tab/>\
             <w:t>Roads closed.</w:t><w:br/><w:t>More soon.</w:t></w:r></w:p>\
             <w:p/>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Zinder</w:t></w:r></w:p></w:tc>\
             <w:tc><w:p><w:r><w:t>Maradi</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:ins><w:r><w:t>Tahoua added.</w:t></w:r></w:ins>\
             <w:del><w:r><w:delText>Dosso removed.</w:delText></w:r></w:del>\
             <w:r><w:footnoteReference w:id=\"1\"/></w:r></w:p>";
        package(&[
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
            ),
            (
                "_rels/.rels",
                "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
                 <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
                 </Relationships>",
            ),
            ("word/document.xml", &document_xml(body)),
            (
                "word/footnotes.xml",
                &format!(
                    "<w:footnotes xmlns:w=\"{W_NS}\"><w:footnote w:id=\"1\"><w:p><w:r><w:t>Footnote about Tillaberi.</w:t></w:r></w:p></w:footnote></w:footnotes>"
                ),
            ),
            (
                "word/header1.xml",
                &format!(
                    "<w:hdr xmlns:w=\"{W_NS}\"><w:p><w:r><w:t>Header about Diffa</w:t></w:r></w:p></w:hdr>"
                ),
            ),
            ("docProps/core.xml", CORE),
        ])
    }

    #[test]
    fn reads_paragraphs_runs_tables_and_properties() {
        let extracted = extract(&sample_docx()).expect("reads");
        assert_eq!(
            extracted.text,
            "Floods hit Niamey\n\n\
             Rain fell on Agadez. Roads closed.\nMore soon.\n\n\
             Zinder\n\nMaradi\n\n\
             Tahoua added."
        );
        assert_eq!(extracted.meta.title.as_deref(), Some("Floods in the Sahel"));
        assert_eq!(
            extracted.meta.published.map(|p| p.to_string()).as_deref(),
            Some("2021-03-04T10:15:00Z")
        );
        assert_eq!(extracted.warning, None);
    }

    #[test]
    fn a_text_box_is_read_once_and_fields_results_kept() {
        let body = "<w:p><w:r><w:t>Before.</w:t></w:r><w:r><mc:AlternateContent>\
             <mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>\
             <w:p><w:r><w:t>Box about Gao.</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>\
             <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Box about Gao.</w:t></w:r></w:p>\
             </w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>\
             <w:r><w:t>After.</w:t></w:r></w:p>\
             <w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>\
             <w:r><w:t>7</w:t></w:r><w:r><w:t xml:space=\"preserve\"> pages on Kidal</w:t></w:r></w:p>";
        let bytes = package(&[("word/document.xml", &document_xml(body))]);
        let extracted = extract(&bytes).expect("reads");
        assert_eq!(
            extracted.text,
            "Box about Gao.\n\nBefore.After.\n\n7 pages on Kidal"
        );
        assert!(extracted.meta.is_empty());
    }

    #[test]
    fn the_main_part_is_found_through_the_relationships_and_case_insensitively() {
        let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"r\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"/word/document2.xml\"/>\
             </Relationships>";
        let body = document_xml("<w:p><w:r><w:t>Rain in Mopti.</w:t></w:r></w:p>");
        let bytes = package(&[("_rels/.rels", rels), ("word/document2.xml", &body)]);
        assert_eq!(extract(&bytes).expect("reads").text, "Rain in Mopti.");
        let bytes = package(&[("Word/Document.xml", &body)]);
        assert_eq!(extract(&bytes).expect("reads").text, "Rain in Mopti.");
    }

    #[test]
    fn a_modified_date_stands_in_and_a_bad_one_warns() {
        let body = document_xml("<w:p><w:r><w:t>Rain in Mopti.</w:t></w:r></w:p>");
        let core = CORE.replace(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2021-03-04T10:15:00Z</dcterms:created>",
            "",
        );
        let bytes = package(&[("word/document.xml", &body), ("docProps/core.xml", &core)]);
        let extracted = extract(&bytes).expect("reads");
        assert_eq!(
            extracted.meta.published.map(|p| p.to_string()).as_deref(),
            Some("2021-05-01T08:00:00Z")
        );
        let core = CORE.replace("2021-03-04T10:15:00Z", "last spring");
        let bytes = package(&[("word/document.xml", &body), ("docProps/core.xml", &core)]);
        let extracted = extract(&bytes).expect("reads");
        assert_eq!(extracted.meta.published, None);
        assert!(
            extracted
                .warning
                .as_deref()
                .unwrap_or("")
                .contains("last spring"),
            "{:?}",
            extracted.warning
        );
        let bytes = package(&[
            ("word/document.xml", &body),
            ("docProps/core.xml", "<broken"),
        ]);
        let extracted = extract(&bytes).expect("reads");
        assert!(extracted.warning.is_some());
        assert_eq!(extracted.text, "Rain in Mopti.");
    }

    #[test]
    fn refuses_what_is_not_a_word_document() {
        let message = |bytes: &[u8]| extract(bytes).expect_err("refused").to_string();
        let m = message(b"Floods hit Niamey.");
        assert!(
            m.starts_with("not a Word (.docx) document (not a zip"),
            "{m}"
        );
        let m = message(&package(&[("content.xml", "<office/>")]));
        assert!(m.contains("no word/document.xml"), "{m}");
        let m = message(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an old .doc");
        assert!(m.contains(".doc"), "{m}");
        let m = message(&package(&[("word/document.xml", "<w:document")]));
        assert!(m.contains("not valid XML"), "{m}");
        let m = message(&package(&[("word/document.xml", &document_xml("<w:p/>"))]));
        assert!(m.starts_with("no text"), "{m}");
        // A DTD (the door to entity expansion) is refused by the parser.
        let dtd = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaa\">]><d>&a;</d>";
        let m = message(&package(&[("word/document.xml", dtd)]));
        assert!(m.contains("not valid XML"), "{m}");
    }

    #[test]
    fn a_part_of_too_many_nodes_is_refused() {
        let xml = document_xml(&"<w:p/>".repeat(200));
        assert_eq!(body_text(&xml, 1000), Ok(String::new()));
        let m = body_text(&xml, 100).expect_err("too many");
        assert!(m.starts_with("more than 100 XML elements"), "{m}");
    }

    #[test]
    fn a_utf16_part_is_read() {
        let xml = document_xml("<w:p><w:r><w:t>Pluie à Niamey.</w:t></w:r></w:p>")
            .replace("UTF-8", "UTF-16");
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in xml.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file("word/document.xml", SimpleFileOptions::default())
            .expect("start");
        writer.write_all(&utf16).expect("write");
        let bytes = writer.finish().expect("finish").into_inner();
        assert_eq!(extract(&bytes).expect("reads").text, "Pluie à Niamey.");
    }

    #[test]
    fn an_oversized_part_is_refused_whatever_its_header_says() {
        // 65 MiB of spaces in a ~65 KB deflated part.
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file(
                "word/document.xml",
                SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Deflated)
                    .large_file(true),
            )
            .expect("start");
        writer
            .write_all(document_xml("<w:p><w:r><w:t>x</w:t></w:r></w:p>").as_bytes())
            .expect("write");
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..65 {
            writer.write_all(&spaces).expect("write");
        }
        let bytes = writer.finish().expect("finish").into_inner();
        let m = extract(&bytes).expect_err("too large").to_string();
        assert_eq!(m, "word/document.xml: larger than 64 MiB uncompressed");
    }
}

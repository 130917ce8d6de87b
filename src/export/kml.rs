//! KML 2.2 export, for Google Earth and GIS readers (GDAL's KML and LIBKML drivers):
//! one `<Placemark>` per shown place, styled by feature type, its description listing
//! the place's counts and first [`MAX_MENTIONS_PER_FEATURE`] passages with their
//! documents, and its fields in `<ExtendedData>`.
//!
//! The XML is written by hand, as the GeoJSON is: the document is a fixed shape of a few
//! elements, and every piece of text goes through [`xml_text`] (escaping and dropping
//! what XML 1.0 forbids), so no KML or XML crate is needed for writing (`roxmltree`,
//! already a dependency, reads it back in the tests).
//!
//! Placemarks are written in the order GeoJSON writes its features (most mentioned place
//! first), by the whole-set export ([`write_kml`]) and by the stream alike.

use std::borrow::Borrow;
use std::borrow::Cow;
use std::io::Write;

use super::{MAX_MENTIONS_PER_FEATURE, mention_of, view_of};
use crate::corpus::{MentionRef, ParsedDocument, ParsedView, Place};
use crate::gazetteer::{EntryIndex, Gazetteer, Kind};

/// Whether XML 1.0 allows `c` in a document: tab, line feed, carriage return, and
/// everything from U+0020 but U+FFFE and U+FFFF (surrogates cannot occur in a `str`).
fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// `s` as XML character data (and HTML text or attribute value): `&`, `<`, `>` and `"`
/// escaped, characters XML 1.0 forbids (control characters but tab, line feed and
/// carriage return; U+FFFE, U+FFFF) dropped. Escaping `>` also means `]]>` never
/// appears, so the result is safe in a CDATA section too.
pub(super) fn xml_text(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"']) && s.chars().all(xml_allowed) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Writes `content` as one or more CDATA sections: wherever `]]>` occurs (which would
/// end the section) it is split between two sections, `]]` in one and `>` in the next.
fn write_cdata(out: &mut dyn Write, content: &[u8]) -> std::io::Result<()> {
    out.write_all(b"<![CDATA[")?;
    let mut rest = content;
    while let Some(at) = rest.windows(3).position(|w| w == b"]]>") {
        out.write_all(&rest[..at + 2])?;
        out.write_all(b"]]><![CDATA[")?;
        rest = &rest[at + 2..];
    }
    out.write_all(rest)?;
    out.write_all(b"]]>")
}

/// The colour of a feature type's icons: the app's map colours for dark mode
/// (`src/app/palette.rs`, `kind_color(kind, true)`), copied here because the library
/// does not depend on the app; the brighter set shows on satellite imagery. RGB.
fn kind_rgb(kind: Kind) -> [u8; 3] {
    match kind {
        Kind::Place => [0x5c, 0xa8, 0xff],
        Kind::Country => [0xff, 0x70, 0x70],
        Kind::Admin1 => [0xc0, 0x90, 0xff],
        Kind::Admin2 => [0xe0, 0x9c, 0xe8],
        Kind::Region => [0xff, 0xae, 0x4a],
        Kind::Physical => [0x3d, 0xd6, 0xb0],
        Kind::Demonym => [0xd8, 0xa8, 0x70],
    }
}

/// A KML colour (`aabbggrr`, hexadecimal), opaque, of `kind`.
fn kml_color(kind: Kind) -> String {
    let [r, g, b] = kind_rgb(kind);
    format!("ff{b:02x}{g:02x}{r:02x}")
}

/// The icon of every style: one of Google Earth's standard icons, named by its address
/// as KML files conventionally do. It is only a name the reader resolves (Google Earth
/// has it built in); Gazette never fetches it.
const ICON_HREF: &str = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png";

/// Writes the start of the KML document: the declaration, `<kml>`, `<Document>` with its
/// name, and one `<Style>` per feature type (`id` = the type's name, as in
/// `feature_type`).
pub(super) fn write_head(out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
          <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n\
          <Document>\n<name>Gazette places</name>\n",
    )?;
    for kind in Kind::ALL {
        writeln!(
            out,
            "<Style id=\"{}\"><IconStyle><color>{}</color><scale>1.0</scale>\
             <Icon><href>{ICON_HREF}</href></Icon></IconStyle></Style>",
            kind.as_str(),
            kml_color(kind)
        )?;
    }
    Ok(())
}

/// The end of the KML document.
pub(super) const KML_TAIL: &[u8] = b"</Document>\n</kml>\n";

/// Whether `url` may be a link in a description: only `http` and `https` addresses are
/// (a `javascript:` or `file:` address from an article's metadata is shown as text).
fn is_web_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Writes mention `m` of `doc` as one HTML list item of a place's description: the
/// document's title (or name), date and address, then the passage with the mention in
/// bold. The HTML's text is escaped ([`xml_text`]); the item goes into the description's
/// CDATA section as it is.
pub(super) fn write_mention_item(
    out: &mut dyn Write,
    doc: ParsedView<'_>,
    m: &MentionRef,
) -> std::io::Result<()> {
    let (mention, passage) = mention_of(doc, m);
    let meta = &doc.document.meta;
    let title = meta.title.as_deref().unwrap_or(&doc.document.name);
    write!(out, "<li><b>{}</b>", xml_text(title))?;
    if let Some(published) = meta.published {
        write!(out, ", {published}")?;
    }
    if let Some(url) = meta.url.as_deref() {
        let url = xml_text(url);
        if is_web_link(&url) {
            write!(out, ", <a href=\"{url}\">{url}</a>")?;
        } else {
            write!(out, ", {url}")?;
        }
    }
    out.write_all(b"<br>")?;
    // The mention's place in its passage, when the offsets fall on characters.
    let from = mention.start.saturating_sub(mention.passage.start);
    let to = mention.end.saturating_sub(mention.passage.start);
    match (
        passage.get(..from),
        passage.get(from..to),
        passage.get(to..),
    ) {
        (Some(before), Some(named), Some(after)) if from < to => write!(
            out,
            "{}<b>{}</b>{}",
            xml_text(before),
            xml_text(named),
            xml_text(after)
        )?,
        _ => out.write_all(xml_text(passage).as_bytes())?,
    }
    out.write_all(b"</li>")
}

/// "1 mention", "2 mentions".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Writes the Placemark of the place at `entry`: its name, style, description (counts,
/// country, gazetteer id, and the first [`MAX_MENTIONS_PER_FEATURE`] items of `listed`,
/// rendered by [`write_mention_item`]), `<ExtendedData>` and Point (`lon,lat`, 6
/// decimals).
pub(super) fn write_placemark(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    entry: EntryIndex,
    mention_count: usize,
    document_count: usize,
    listed: &mut dyn Iterator<Item = std::io::Result<Vec<u8>>>,
) -> std::io::Result<()> {
    let e = gazetteer.entry(entry);
    let country = e.country_code.as_deref().unwrap_or_default();
    writeln!(
        out,
        "<Placemark>\n<name>{}</name>\n<styleUrl>#{}</styleUrl>",
        xml_text(&e.name),
        e.kind.as_str()
    )?;
    let mut description = Vec::new();
    write!(
        description,
        "<p>{} in {}<br>Country: {}<br>Gazetteer id: {}</p><ol>",
        counted(mention_count, "mention"),
        counted(document_count, "document"),
        if country.is_empty() {
            Cow::Borrowed("none (a region or feature across countries)")
        } else {
            xml_text(country)
        },
        xml_text(&e.id)
    )?;
    for item in listed.take(MAX_MENTIONS_PER_FEATURE) {
        description.extend_from_slice(&item?);
    }
    description.extend_from_slice(b"</ol>");
    if mention_count > MAX_MENTIONS_PER_FEATURE {
        write!(
            description,
            "<p>The first {MAX_MENTIONS_PER_FEATURE} of {mention_count} mentions are \
             listed; the JSON Lines and CSV exports list every one.</p>"
        )?;
    }
    out.write_all(b"<description>")?;
    write_cdata(out, &description)?;
    out.write_all(b"</description>\n<ExtendedData>\n")?;
    for (name, value) in [
        ("gazetteer_id", xml_text(&e.id)),
        ("feature_type", Cow::Borrowed(e.kind.as_str())),
        ("country_code", xml_text(country)),
        ("mention_count", Cow::Owned(mention_count.to_string())),
    ] {
        writeln!(out, "<Data name=\"{name}\"><value>{value}</value></Data>")?;
    }
    writeln!(
        out,
        "</ExtendedData>\n<Point><coordinates>{:.6},{:.6}</coordinates></Point>\n</Placemark>",
        e.lon, e.lat
    )
}

/// How many distinct documents `mentions` (in document order) are in.
fn document_count(mentions: &[MentionRef]) -> usize {
    let mut count = 0;
    let mut last = None;
    for m in mentions {
        if last != Some(m.document) {
            count += 1;
            last = Some(m.document);
        }
    }
    count
}

/// Writes `places` as a KML document.
pub(super) fn write_kml(
    out: &mut dyn Write,
    gazetteer: &Gazetteer,
    documents: &[impl Borrow<ParsedDocument>],
    places: &[Place],
) -> std::io::Result<()> {
    write_head(out)?;
    for p in places {
        let mut listed = p.mentions.iter().map(|m| {
            let mut bytes = Vec::new();
            write_mention_item(&mut bytes, view_of(documents, m.document), m)?;
            Ok(bytes)
        });
        let documents = document_count(&p.mentions);
        write_placemark(
            out,
            gazetteer,
            p.entry,
            p.mentions.len(),
            documents,
            &mut listed,
        )?;
    }
    out.write_all(KML_TAIL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{Corrections, Document, Filter, parse_documents, places};
    use crate::export::{Format, render};
    use crate::geoparse::Geoparser;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        for (text, written) in [
            ("plain", "plain"),
            ("Tom & Jerry", "Tom &amp; Jerry"),
            ("<b>\"x\"</b>", "&lt;b&gt;&quot;x&quot;&lt;/b&gt;"),
            ("end ]]> here", "end ]]&gt; here"),
            ("bell\u{7} nul\u{0} esc\u{1b}", "bell nul esc"),
            ("tab\tline\ncr\r", "tab\tline\ncr\r"),
            ("non\u{FFFE}char\u{FFFF}s", "nonchars"),
            ("Zürich, 北京, \u{FFFD}", "Zürich, 北京, \u{FFFD}"),
        ] {
            assert_eq!(xml_text(text), written, "{text:?}");
        }
        assert!(matches!(xml_text("as it is"), Cow::Borrowed(_)));
    }

    #[test]
    fn cdata_is_split_around_its_end_marker() {
        let mut out = Vec::new();
        write_cdata(&mut out, b"a]]>b]]]>c").expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(
            text, "<![CDATA[a]]]]><![CDATA[>b]]]]]><![CDATA[>c]]>",
            "each ]]> split"
        );
        let xml = format!("<d>{text}</d>");
        let doc = roxmltree::Document::parse(&xml).expect("valid XML");
        assert_eq!(doc.root_element().text(), Some("a]]>b]]]>c"));
    }

    #[test]
    fn one_style_per_kind_in_aabbggrr() {
        let mut out = Vec::new();
        write_head(&mut out).expect("head");
        out.extend_from_slice(KML_TAIL);
        let text = String::from_utf8(out).expect("utf8");
        let doc = roxmltree::Document::parse(&text).expect("valid XML");
        let styles: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("Style"))
            .collect();
        assert_eq!(styles.len(), Kind::ALL.len());
        for kind in Kind::ALL {
            assert!(
                styles
                    .iter()
                    .any(|s| s.attribute("id") == Some(kind.as_str())),
                "{kind:?}"
            );
        }
        // Place is #5ca8ff in RGB: blue ff, green a8, red 5c.
        assert_eq!(kml_color(Kind::Place), "ffffa85c");
        assert!(text.contains("<Style id=\"place\"><IconStyle><color>ffffa85c</color>"));
    }

    /// A Placemark as read back: name, styleUrl, Data (name, value), coordinates and
    /// description.
    type Mark = (String, String, Vec<(String, String)>, String, String);

    fn placemarks(text: &str) -> Vec<Mark> {
        let doc = roxmltree::Document::parse(text).expect("valid XML");
        let child_text = |n: roxmltree::Node, tag: &str| {
            n.descendants()
                .find(|c| c.has_tag_name(tag))
                .and_then(|c| c.text())
                .unwrap_or_default()
                .to_string()
        };
        doc.descendants()
            .filter(|n| n.has_tag_name("Placemark"))
            .map(|p| {
                let data = p
                    .descendants()
                    .filter(|n| n.has_tag_name("Data"))
                    .map(|d| {
                        (
                            d.attribute("name").unwrap_or_default().to_string(),
                            child_text(d, "value"),
                        )
                    })
                    .collect();
                (
                    child_text(p, "name"),
                    child_text(p, "styleUrl"),
                    data,
                    child_text(p, "coordinates"),
                    child_text(p, "description"),
                )
            })
            .collect()
    }

    #[test]
    fn placemarks_carry_lon_lat_style_data_and_passages() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let mut hostile = Document::from_text(
            "b\u{1}ad <doc>.txt",
            "Rain ]]> in Niamey & \u{1}Agadez, Niger. \"Quotes\" in Paris.",
        );
        hostile.meta.title = Some("A <title> & ]]> \u{7}".into());
        hostile.meta.url = Some("javascript:alert(1)".into());
        let mut many = Document::from_text("many.txt", "Niamey. ".repeat(60));
        many.meta.url = Some("https://example.org/a?b=1&c=2".into());
        let parsed = parse_documents(&Geoparser::new(&g), vec![hostile, many]);
        let shown = places(&g, &parsed, &Corrections::default(), &Filter::default());
        let text = render(Format::Kml, &g, &parsed, &shown).expect("kml");
        assert!(!text.contains('\u{1}') && !text.contains('\u{7}'));
        let marks = placemarks(&text);
        assert_eq!(marks.len(), shown.len());
        let niamey = marks.iter().find(|m| m.0 == "Niamey").expect("Niamey");
        assert_eq!(niamey.1, "#place");
        let (lon, lat) = niamey.3.split_once(',').expect("lon,lat");
        let (lon, lat): (f64, f64) = (lon.parse().expect("lon"), lat.parse().expect("lat"));
        assert!(
            (lon - 2.11).abs() < 0.1 && (lat - 13.51).abs() < 0.1,
            "{lon},{lat}"
        );
        assert_eq!(
            niamey
                .3
                .split_once(',')
                .map(|(a, _)| a.len() - a.find('.').unwrap_or(0)),
            Some(7),
            "6 decimals"
        );
        let data: Vec<(&str, &str)> = niamey
            .2
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(data[1], ("feature_type", "place"));
        assert_eq!(data[2], ("country_code", "NE"));
        assert_eq!(data[3], ("mention_count", "61"));
        assert_eq!(data[0].0, "gazetteer_id");
        // The description: counts, passages (50 of 61), the hostile title escaped, the
        // javascript: address not a link, the web address one.
        let d = &niamey.4;
        assert!(
            d.starts_with("<p>61 mentions in 2 documents<br>Country: NE"),
            "{d}"
        );
        assert_eq!(d.matches("<li>").count(), MAX_MENTIONS_PER_FEATURE);
        assert!(d.contains("The first 50 of 61 mentions"));
        assert!(d.contains("<b>A &lt;title&gt; &amp; ]]&gt; </b>"), "{d}");
        assert!(
            d.contains("Rain ]]&gt; in <b>Niamey</b> &amp; Agadez"),
            "{d}"
        );
        assert!(d.contains(", javascript:alert(1)<br>"), "{d}");
        assert!(!d.contains("href=\"javascript"));
        assert!(
            d.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">"),
            "{d}"
        );
        let agadez = marks.iter().find(|m| m.0 == "Agadez").expect("Agadez");
        assert!(agadez.4.starts_with("<p>1 mention in 1 document<br>"));
        assert!(!agadez.4.contains("The first"));
        let niger = marks.iter().find(|m| m.0 == "Niger").expect("Niger");
        assert_eq!(niger.1, "#country");
    }

    #[test]
    fn an_empty_kml_is_valid() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let text = render(Format::Kml, &g, &[] as &[ParsedDocument], &[]).expect("kml");
        let doc = roxmltree::Document::parse(&text).expect("valid XML");
        assert_eq!(doc.root_element().tag_name().name(), "kml");
        assert_eq!(
            doc.root_element().tag_name().namespace(),
            Some("http://www.opengis.net/kml/2.2")
        );
        assert!(placemarks(&text).is_empty());
    }
}

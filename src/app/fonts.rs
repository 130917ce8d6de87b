//! The font the window falls back on for letters egui's own face lacks.
//!
//! egui draws text in Ubuntu Light, which has no glyphs for most of Latin Extended
//! Additional (U+1E00–1EFF: Vietnamese, and the dotted letters of transliterated Arabic
//! and Indic names such as "Ṭarābulus"), for combining marks, or for much of Greek and
//! Cyrillic beyond the basic letters: place names, town labels and article text showed
//! boxes there. Noto Sans (`assets/fonts/`, built by `assets/fonts/build.py` from a
//! pinned Debian package, SIL Open Font License) has them; it is added after Ubuntu
//! Light, so text Ubuntu Light can draw looks as it did.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{Context, FontData, FontFamily};

/// The name the fallback face is installed under.
const NAME: &str = "Noto Sans";

/// Noto Sans Regular, 512,672 bytes.
static NOTO_SANS: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");

/// Adds Noto Sans after the faces of the proportional and monospace families. Cheap once
/// it is there (egui looks the name up and does nothing), so it is called every frame:
/// the first frame gets it before any text is laid out, and a context whose fonts were
/// replaced gets it back.
pub fn add_fallback(ctx: &Context) {
    ctx.add_font(FontInsert::new(
        NAME,
        FontData::from_static(NOTO_SANS),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

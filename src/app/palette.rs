//! Colours shared by the map, the lists and the document view, one set for dark mode and
//! one for light, so a feature type has the same colour everywhere.

use egui::Color32;

use crate::gazetteer::Kind;

/// The colour of a feature type's markers and highlights.
pub fn kind_color(kind: Kind, dark: bool) -> Color32 {
    match (kind, dark) {
        (Kind::Place, false) => Color32::from_rgb(0x1f, 0x5f, 0xbf),
        (Kind::Place, true) => Color32::from_rgb(0x5c, 0xa8, 0xff),
        (Kind::Country, false) => Color32::from_rgb(0xc0, 0x30, 0x30),
        (Kind::Country, true) => Color32::from_rgb(0xff, 0x70, 0x70),
        (Kind::Admin1, false) => Color32::from_rgb(0x7a, 0x3d, 0xc8),
        (Kind::Admin1, true) => Color32::from_rgb(0xc0, 0x90, 0xff),
        (Kind::Admin2, false) => Color32::from_rgb(0xa0, 0x4f, 0xa8),
        (Kind::Admin2, true) => Color32::from_rgb(0xe0, 0x9c, 0xe8),
        (Kind::Region, false) => Color32::from_rgb(0xc2, 0x5e, 0x00),
        (Kind::Region, true) => Color32::from_rgb(0xff, 0xae, 0x4a),
        (Kind::Physical, false) => Color32::from_rgb(0x13, 0x80, 0x6a),
        (Kind::Physical, true) => Color32::from_rgb(0x3d, 0xd6, 0xb0),
        (Kind::Demonym, false) => Color32::from_rgb(0x8a, 0x5a, 0x2b),
        (Kind::Demonym, true) => Color32::from_rgb(0xd8, 0xa8, 0x70),
    }
}

/// A translucent version of [`kind_color`] for text highlights, readable under the
/// theme's text colour.
pub fn kind_highlight(kind: Kind, dark: bool) -> Color32 {
    let c = kind_color(kind, dark);
    if dark {
        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 70)
    } else {
        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), 75)
    }
}

/// The user-facing name of a feature type.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Place => "City / place",
        Kind::Country => "Country",
        Kind::Admin1 => "State / province",
        Kind::Admin2 => "District / county",
        Kind::Region => "Region",
        Kind::Physical => "Physical feature",
        Kind::Demonym => "Demonym",
    }
}

/// The colour of clusters of several places.
pub fn cluster_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x4a, 0x55, 0x68)
    } else {
        Color32::from_rgb(0x3c, 0x46, 0x57)
    }
}

/// The ring around the selected marker and the outline of the focused mention.
pub fn selection_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xff, 0xe0, 0x4a)
    } else {
        Color32::from_rgb(0xe0, 0x8a, 0x00)
    }
}

/// Outline of markers, and the halo behind map labels.
pub fn halo_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x10, 0x12, 0x16)
    } else {
        Color32::from_rgb(0xff, 0xff, 0xff)
    }
}

/// Text colour of article text (passages, the document view): more contrast than egui's
/// default grey, for reading long text.
pub fn reading_text_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(218)
    } else {
        Color32::from_gray(24)
    }
}

/// Text colour of map labels.
pub fn label_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xf0, 0xf0, 0xf0)
    } else {
        Color32::from_rgb(0x16, 0x1a, 0x20)
    }
}

/// Tint of a country's polygon, stronger the more it is mentioned; `share` in [0, 1].
pub fn country_tint(share: f32, selected: bool, dark: bool) -> Color32 {
    let c = kind_color(Kind::Country, dark);
    let alpha = if selected {
        120.0
    } else {
        28.0 + 62.0 * share.clamp(0.0, 1.0)
    };
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), alpha as u8)
}

/// Names of towns on the basemap: muted, under the markers' labels in contrast.
pub fn town_name_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(0xd8, 0xd8, 0xe0, 0xa0)
    } else {
        Color32::from_rgba_unmultiplied(0x30, 0x32, 0x3a, 0xb4)
    }
}

/// Dots of towns on the basemap.
pub fn town_dot_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x9a, 0x9c, 0xa6)
    } else {
        Color32::from_rgb(0x5a, 0x5c, 0x66)
    }
}

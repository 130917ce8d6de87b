//! The left panel: the places list (most mentioned first, with a search box) and the
//! filters: countries, feature types, documents, demonyms and minimum confidence.
//!
//! The lists draw only their visible rows (`ScrollArea::show_rows`): a frame costs the
//! same with 100,000 documents open as with ten.

use super::plural;
use egui::{Role, Sense, Stroke, Ui, Vec2, WidgetInfo};

use crate::app::Action;
use crate::app::palette;
use crate::app::state::{AppState, DocumentOrder};

/// Height of one row of the places list, in points.
const ROW_HEIGHT: f32 = 22.0;

/// Draws the places panel and returns what the user did.
pub fn places_panel_ui(ui: &mut Ui, state: &AppState) -> Option<Action> {
    let mut action = None;
    let dark = ui.visuals().dark_mode;

    ui.add_space(4.0);
    let mut search = state.filter().search.clone();
    ui.horizontal(|ui| {
        let edit = egui::TextEdit::singleline(&mut search)
            .hint_text("Search places")
            .desired_width(ui.available_width() - 28.0);
        let response = ui.add(edit);
        if response.changed() {
            action = Some(Action::SetSearch(search.clone()));
        }
        if !search.is_empty() && ui.small_button("×").on_hover_text("Clear").clicked() {
            action = Some(Action::SetSearch(String::new()));
        }
    });
    ui.add_space(2.0);

    if let Some(a) = filters_ui(ui, state, dark) {
        action = Some(a);
    }

    ui.separator();
    let places = state.places();
    ui.horizontal(|ui| {
        ui.strong("Places");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.weak(format!(
                "{} places · {} mentions",
                crate::geoparse::why::thousands(places.len() as u64),
                crate::geoparse::why::thousands(state.mention_count() as u64)
            ));
        });
    });
    if places.is_empty() {
        ui.add_space(8.0);
        if state.gazetteer().is_none() {
            ui.weak("Loading the gazetteer…");
        } else if state.documents().is_empty() && state.archive().is_none() {
            ui.weak("No documents yet. Open files or a folder, paste text, or drop files on the window.");
        } else {
            ui.weak("No place matches the filter.");
        }
        return action;
    }
    let Some(g) = state.gazetteer() else {
        return action;
    };
    // Sorted most mentioned first when the places were last put in order (a place's
    // count can grow past the first one's while documents load: the bar is capped).
    let most = places.first().map_or(1, |p| p.mention_count).max(1);
    egui::ScrollArea::vertical()
        .id_salt("places-list")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, places.len(), |ui, rows| {
            for place in &places[rows] {
                let e = g.entry(place.entry);
                let is_selected = state.selected() == Some(place.entry);
                let (rect, response) = ui.allocate_exact_size(
                    Vec2::new(ui.available_width(), ROW_HEIGHT),
                    Sense::click(),
                );
                response.widget_info(|| {
                    WidgetInfo::selected(Role::ListItem, true, is_selected, &e.name)
                });
                if ui.is_rect_visible(rect) {
                    let visuals = ui.style().interact_selectable(&response, is_selected);
                    if is_selected || response.hovered() {
                        ui.painter().rect_filled(rect, 3.0, visuals.weak_bg_fill);
                    }
                    // A bar behind the count shows the share of mentions.
                    let share = (place.mention_count as f32 / most as f32).min(1.0);
                    let bar = egui::Rect::from_min_max(
                        egui::pos2(rect.right() - 4.0 - 60.0 * share, rect.bottom() - 4.0),
                        egui::pos2(rect.right() - 4.0, rect.bottom() - 2.0),
                    );
                    ui.painter().rect_filled(
                        bar,
                        1.0,
                        palette::kind_color(e.kind, dark).gamma_multiply(0.6),
                    );
                    let dot = egui::pos2(rect.left() + 10.0, rect.center().y);
                    ui.painter().circle(
                        dot,
                        5.0,
                        palette::kind_color(e.kind, dark),
                        Stroke::new(1.0, palette::halo_color(dark)),
                    );
                    let text_color = visuals.text_color();
                    let font = egui::TextStyle::Body.resolve(ui.style());
                    let count = crate::geoparse::why::thousands(place.mention_count as u64);
                    let count_galley = ui.painter().layout_no_wrap(count, font.clone(), text_color);
                    let count_pos = egui::pos2(
                        rect.right() - 6.0 - count_galley.size().x,
                        rect.center().y - count_galley.size().y / 2.0,
                    );
                    let cc = e.country_code.as_deref().unwrap_or("");
                    let name_width = count_pos.x - rect.left() - 24.0 - 28.0;
                    let mut job = egui::text::LayoutJob::simple_singleline(
                        e.name.clone(),
                        font.clone(),
                        text_color,
                    );
                    job.wrap = egui::text::TextWrapping::truncate_at_width(name_width.max(20.0));
                    let name_galley = ui.fonts_mut(|f| f.layout_job(job));
                    let name_pos = egui::pos2(
                        rect.left() + 20.0,
                        rect.center().y - name_galley.size().y / 2.0,
                    );
                    let name_right = name_pos.x + name_galley.size().x;
                    ui.painter().galley(name_pos, name_galley, text_color);
                    if !cc.is_empty() && e.kind != crate::gazetteer::Kind::Country {
                        ui.painter().text(
                            egui::pos2(name_right + 6.0, rect.center().y),
                            egui::Align2::LEFT_CENTER,
                            cc,
                            egui::FontId::proportional(11.0),
                            ui.visuals().weak_text_color(),
                        );
                    }
                    ui.painter().galley(count_pos, count_galley, text_color);
                }
                let response = response.on_hover_text(format!(
                    "{} — {}, {} mention{}",
                    e.name,
                    palette::kind_label(e.kind),
                    place.mention_count,
                    if place.mention_count == 1 { "" } else { "s" }
                ));
                if response.clicked() {
                    action = Some(Action::SelectAndFocus(place.entry));
                }
            }
        });
    action
}

/// The collapsible filter sections.
fn filters_ui(ui: &mut Ui, state: &AppState, dark: bool) -> Option<Action> {
    let mut action = None;
    let filter = state.filter();

    let hidden_countries = filter.hidden_countries.len();
    let countries = state.country_counts();
    let title = if hidden_countries == 0 {
        format!("Countries ({})", countries.len())
    } else {
        format!(
            "Countries ({} of {} shown)",
            countries
                .iter()
                .filter(|c| !filter.hidden_countries.contains(&c.key))
                .count(),
            countries.len()
        )
    };
    egui::CollapsingHeader::new(title)
        .id_salt("country-filter")
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui.small_button("All").clicked() {
                    action = Some(Action::ShowAllCountries);
                }
                if ui.small_button("None").clicked() {
                    action = Some(Action::HideAllCountries);
                }
                ui.weak("right-click a country: show only it");
            });
            egui::ScrollArea::vertical()
                .id_salt("country-list")
                .max_height(180.0)
                .auto_shrink([false, true])
                .show_rows(ui, filter_row_height(ui), countries.len(), |ui, rows| {
                    for c in &countries[rows] {
                        let mut visible = !filter.hidden_countries.contains(&c.key);
                        ui.horizontal(|ui| {
                            let response = ui.checkbox(&mut visible, &c.name);
                            if response.changed() {
                                action = Some(Action::SetCountryVisible(c.key.clone(), visible));
                            }
                            response.context_menu(|ui| {
                                if ui.button(format!("Show only {}", c.name)).clicked() {
                                    action = Some(Action::ShowOnlyCountry(c.key.clone()));
                                    ui.close();
                                }
                            });
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| {
                                    ui.weak(format!(
                                        "{} · {}",
                                        c.places,
                                        crate::geoparse::why::thousands(c.mentions as u64)
                                    ))
                                    .on_hover_text(format!(
                                        "{} place{}, {} mention{}",
                                        c.places,
                                        plural(c.places),
                                        c.mentions,
                                        plural(c.mentions)
                                    ));
                                },
                            );
                        });
                    }
                });
        });

    egui::CollapsingHeader::new("Feature types")
        .id_salt("kind-filter")
        .default_open(true)
        .show(ui, |ui| {
            for k in state.kind_counts() {
                let mut visible = !filter.hidden_kinds.contains(&k.kind);
                ui.horizontal(|ui| {
                    let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
                    ui.painter().circle(
                        r.center(),
                        5.0,
                        palette::kind_color(k.kind, dark),
                        Stroke::new(1.0, palette::halo_color(dark)),
                    );
                    if ui
                        .checkbox(&mut visible, palette::kind_label(k.kind))
                        .changed()
                    {
                        action = Some(Action::SetKindVisible(k.kind, visible));
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.weak(format!(
                            "{} · {}",
                            k.places,
                            crate::geoparse::why::thousands(k.mentions as u64)
                        ));
                    });
                });
            }
            // A project opened as an archive is counted from its layer, which has no
            // confidences and no demonyms.
            let archive = state.archive().is_some();
            if archive {
                ui.weak("Demonyms and confidence need the documents in the window.");
            }
            ui.add_enabled_ui(!archive, |ui| {
                let mut demonyms = filter.show_demonyms;
                if ui
                    .checkbox(&mut demonyms, "Count demonyms (Nigerien counts as Niger)")
                    .on_hover_text(
                        "Count words like \"Nigerien\" or \"Turkish\" as mentions of their country",
                    )
                    .changed()
                {
                    action = Some(Action::SetShowDemonyms(demonyms));
                }
                let mut min_confidence = filter.min_confidence;
                let slider = egui::Slider::new(&mut min_confidence, 0.0..=1.0)
                    .step_by(0.05)
                    .fixed_decimals(2)
                    .text("Min. confidence");
                if ui
                    .add(slider)
                    .on_hover_text("Hide mentions the parser is less sure of")
                    .changed()
                {
                    action = Some(Action::SetMinConfidence(min_confidence));
                }
            });
        });

    if let Some(view) = state.archive() {
        egui::CollapsingHeader::new(format!(
            "Documents ({})",
            crate::geoparse::why::thousands(view.documents as u64)
        ))
        .id_salt("document-filter")
        .default_open(false)
        .show(ui, |ui| {
            ui.weak(
                "Read from the project when shown: select a place to see its passages and \
                 the documents they are from.",
            );
        });
        return action;
    }

    let documents = state.documents();
    egui::CollapsingHeader::new(format!("Documents ({})", documents.len()))
        .id_salt("document-filter")
        .default_open(documents.len() <= 6)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.weak("Sort:");
                for (order, label) in [
                    (DocumentOrder::Added, "as opened"),
                    (DocumentOrder::Title, "title"),
                    (DocumentOrder::Date, "date"),
                ] {
                    if ui
                        .selectable_label(state.document_order() == order, label)
                        .clicked()
                    {
                        action = Some(Action::SortDocuments(order));
                    }
                }
            });
            egui::ScrollArea::vertical()
                .id_salt("document-list")
                .max_height(160.0)
                .auto_shrink([false, true])
                .show_rows(ui, filter_row_height(ui), documents.len(), |ui, rows| {
                    for row in rows {
                        let i = state.document_at_row(row);
                        let Some(d) = documents.get(i) else {
                            continue;
                        };
                        let name = &d.document.name;
                        let mut visible = !filter.hidden_documents.contains(name);
                        // Outside the timeline's range: listed, greyed.
                        let in_range = filter.shows_document(&d.document) || !visible;
                        ui.horizontal(|ui| {
                            if ui
                                .checkbox(&mut visible, "")
                                .on_hover_text("Show its places")
                                .changed()
                            {
                                action = Some(Action::SetDocumentVisible(name.clone(), visible));
                            }
                            let n = state.document_mentions().get(i).copied().unwrap_or(0);
                            if let Some(p) = d.document.meta.published {
                                ui.weak(p.date.format("%Y-%m-%d").to_string());
                            }
                            let link = ui
                                .add(
                                    egui::Button::new(
                                        egui::RichText::new(d.document.title()).color(
                                            if visible && in_range {
                                                ui.visuals().text_color()
                                            } else {
                                                ui.visuals().weak_text_color()
                                            },
                                        ),
                                    )
                                    .frame(false)
                                    .truncate(),
                                )
                                .on_hover_text(format!(
                                    "Open {name} ({n} mention{} shown)",
                                    plural(n)
                                ));
                            if link.clicked() {
                                action = Some(Action::OpenDocument(i));
                            }
                        });
                    }
                });
        });
    action
}

/// Height of a row of the country and document filters (a checkbox and a label).
fn filter_row_height(ui: &Ui) -> f32 {
    ui.spacing().interact_size.y
}

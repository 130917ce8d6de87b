//! What is drawn over the map: the zoom buttons, the legend, the attribution, and the list
//! of a cluster's places. Returns the user's action like every `*_ui` function.

use egui::{Color32, Rect, Sense, Stroke, Ui, UiBuilder, Vec2};

use super::{MAX_ZOOM, MIN_ZOOM, MapMode, MapView, choropleth, density};
use crate::app::Action;
use crate::app::palette;
use crate::app::state::AppState;
use crate::gazetteer::Kind;

/// A square swatch and its label (the country view's classes).
fn swatch_item(ui: &mut Ui, color: Color32, label: &str) {
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        ui.painter().rect_filled(r.shrink(1.0), 2.0, color);
        ui.label(egui::RichText::new(label).size(12.0));
    });
}

fn legend_item(ui: &mut Ui, color: Color32, label: &str, dark: bool) {
    ui.scope(|ui| {
        ui.spacing_mut().item_spacing.x = 3.0;
        let (r, _) = ui.allocate_exact_size(Vec2::splat(12.0), Sense::hover());
        ui.painter().circle(
            r.center(),
            5.0,
            color,
            Stroke::new(1.0, palette::halo_color(dark)),
        );
        ui.label(egui::RichText::new(label).size(12.0));
    });
}

/// The buttons and notes drawn over the map: zoom and "Fit all" at the top left, the
/// legend at the bottom left, the attribution at the bottom right, and the list of a
/// cluster's places when one is open.
pub(super) fn overlay_ui(
    ui: &mut Ui,
    view: &mut MapView,
    state: &AppState,
    rect: Rect,
    dark: bool,
    basemap_divisions_ready: bool,
) -> Option<Action> {
    let mut action = None;
    let frame = egui::Frame::popup(ui.style())
        .inner_margin(egui::Margin::symmetric(6, 4))
        .corner_radius(4.0);

    // Top left: view controls (not in a picture).
    let mut top = ui.new_child(
        UiBuilder::new()
            .max_rect(rect.shrink(8.0))
            .layout(egui::Layout::left_to_right(egui::Align::Min)),
    );
    if !view.picture {
        frame.show(&mut top, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .button("Fit all")
                    .on_hover_text("Zoom to show every place")
                    .clicked()
                {
                    view.fit_all(rect.size());
                }
                if ui.button("+").on_hover_text("Zoom in").clicked() {
                    let _ = view
                        .memory
                        .set_zoom((view.memory.zoom() + 1.0).min(MAX_ZOOM));
                }
                if ui.button("−").on_hover_text("Zoom out").clicked() {
                    let _ = view
                        .memory
                        .set_zoom((view.memory.zoom() - 1.0).max(MIN_ZOOM));
                }
                ui.separator();
                for (mode, label, hint) in [
                    (
                        MapMode::Markers,
                        "Markers",
                        "A marker per place, sized by its mentions",
                    ),
                    (
                        MapMode::Density,
                        "Density",
                        "Where the news is about: a heat surface of the mentions",
                    ),
                    (
                        MapMode::Countries,
                        "Countries",
                        "Countries coloured by their mentions; click one to show only it",
                    ),
                    (
                        MapMode::Divisions,
                        "Divisions",
                        "States, provinces and regions coloured by the mentions of the \
                         places resolved inside them (a country named as a whole counts \
                         for none); click one for its name and count",
                    ),
                ] {
                    if ui
                        .selectable_label(view.mode == mode, label)
                        .on_hover_text(hint)
                        .clicked()
                    {
                        view.set_mode(mode);
                    }
                }
                if let Some(entry) = state.selected()
                    && view.mode == MapMode::Markers
                    && state.place(entry).is_some()
                    && ui
                        .button("Go to selection")
                        .on_hover_text("Centre the map on the selected place")
                        .clicked()
                {
                    action = Some(Action::FocusMap(entry));
                }
            });
        });
    }

    // Bottom left: legend of the feature types shown.
    let kinds: Vec<Kind> = state
        .kind_counts()
        .iter()
        .filter(|k| k.places > 0 && !state.filter().hidden_kinds.contains(&k.kind))
        .map(|k| k.kind)
        .collect();
    let legend_rect = Rect::from_min_max(
        rect.min + Vec2::splat(8.0),
        egui::pos2(rect.right() - 200.0, rect.bottom() - 8.0),
    );
    let mut bottom = ui.new_child(
        UiBuilder::new()
            .max_rect(legend_rect)
            .layout(egui::Layout::bottom_up(egui::Align::Min)),
    );
    match view.mode {
        MapMode::Markers if !kinds.is_empty() => {
            frame.show(&mut bottom, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 10.0;
                    for kind in &kinds {
                        legend_item(
                            ui,
                            palette::kind_color(*kind, dark),
                            palette::kind_label(*kind),
                            dark,
                        );
                    }
                    legend_item(
                        ui,
                        palette::cluster_color(dark),
                        if view.picture {
                            "Cluster of places"
                        } else {
                            "Cluster (click to zoom in)"
                        },
                        dark,
                    );
                });
            });
        }
        MapMode::Markers => {}
        MapMode::Countries | MapMode::Divisions => {
            let countries = view.mode == MapMode::Countries;
            let (title, none, hint) = if countries {
                (
                    "Mentions by country",
                    "no country mentioned",
                    "(click a country to show only it)",
                )
            } else {
                (
                    "Mentions by division",
                    "no place resolved inside a division",
                    "(click a division for its count)",
                )
            };
            frame.show(&mut bottom, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 10.0;
                    ui.label(egui::RichText::new(title).size(12.0).strong());
                    let n = view.classes.len();
                    for (i, class) in view.classes.iter().enumerate() {
                        swatch_item(
                            ui,
                            choropleth::class_color(i, n, dark),
                            &choropleth::class_label(*class),
                        );
                    }
                    if n == 0 {
                        ui.label(egui::RichText::new(none).size(12.0));
                    }
                    if !countries && !basemap_divisions_ready {
                        ui.label(egui::RichText::new("(drawing the divisions…)").size(12.0));
                    }
                    if !view.picture {
                        ui.label(egui::RichText::new(hint).size(12.0).weak());
                    }
                });
            });
        }
        MapMode::Density => {
            frame.show(&mut bottom, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new("Density of mentions")
                            .size(12.0)
                            .strong(),
                    );
                    ui.label(egui::RichText::new("fewer").size(12.0));
                    let (r, _) = ui.allocate_exact_size(egui::vec2(120.0, 10.0), Sense::hover());
                    let steps = 24;
                    for i in 0..steps {
                        let v = (i as f32 + 0.5) / steps as f32;
                        let w = r.width() / steps as f32;
                        let cell = Rect::from_min_size(
                            egui::pos2(r.left() + i as f32 * w, r.top()),
                            egui::vec2(w + 0.5, r.height()),
                        );
                        ui.painter()
                            .rect_filled(cell, 0.0, density::heat_color(v, dark));
                    }
                    ui.label(egui::RichText::new("more").size(12.0));
                });
            });
        }
    }

    // Bottom right: attribution.
    let mut corner = ui.new_child(
        UiBuilder::new()
            .max_rect(rect.shrink(4.0))
            .layout(egui::Layout::bottom_up(egui::Align::Max)),
    );
    egui::Frame::popup(corner.style())
        .inner_margin(egui::Margin::symmetric(4, 1))
        .corner_radius(2.0)
        .shadow(egui::Shadow::NONE)
        .show(&mut corner, |ui| {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 3.0;
                if view.online.is_some() {
                    ui.hyperlink_to(
                        egui::RichText::new("© OpenStreetMap contributors").small(),
                        "https://www.openstreetmap.org/copyright",
                    );
                    ui.small("·");
                }
                if !view.basemap_failed {
                    ui.small("Natural Earth · US Census · GeoNames");
                } else {
                    // The reason is in Messages; say here why the map is bare.
                    ui.label(
                        egui::RichText::new("Offline basemap unavailable (see Messages)")
                            .small()
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            });
        });

    // What a click on a division said, until the next click or a move of the map.
    if let Some((pos, text)) = view.division_note.clone() {
        let mut close = false;
        egui::Area::new(ui.scope_id().with("division-note"))
            .fixed_pos(pos + Vec2::new(12.0, -12.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(320.0);
                    ui.horizontal(|ui| {
                        ui.label(text);
                        if ui.small_button("×").on_hover_text("Close").clicked() {
                            close = true;
                        }
                    });
                });
            });
        if close {
            view.division_note = None;
        }
    }

    // A cluster's places, when it could not be zoomed apart.
    if let Some((pos, entries)) = view.cluster_list.clone() {
        let mut close = false;
        egui::Area::new(ui.scope_id().with("cluster-list"))
            .fixed_pos(pos + Vec2::new(12.0, -12.0))
            .order(egui::Order::Foreground)
            .show(ui.ctx(), |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(260.0);
                    ui.horizontal(|ui| {
                        ui.strong(format!("{} places here", entries.len()));
                        if ui.small_button("×").on_hover_text("Close").clicked() {
                            close = true;
                        }
                    });
                    egui::ScrollArea::vertical()
                        .max_height(260.0)
                        .show(ui, |ui| {
                            let Some(g) = state.gazetteer() else {
                                return;
                            };
                            for entry in &entries {
                                let n = state.place(*entry).map_or(0, |p| p.mention_count);
                                let label = format!("{} ({n})", g.entry(*entry).name);
                                if ui
                                    .selectable_label(state.selected() == Some(*entry), label)
                                    .clicked()
                                {
                                    action = Some(Action::Select(Some(*entry)));
                                }
                            }
                        });
                });
            });
        if close {
            view.cluster_list = None;
        }
    }
    action
}

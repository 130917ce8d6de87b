//! The status bar along the bottom of the window: progress, the latest message, the
//! counts of documents, places, mentions and corrections, and the tile server's state.

use crate::geoparse::why::thousands;
use egui::{RichText, Ui};

use super::messages_window::message_color;
use super::plural;
use crate::app::Action;
use crate::app::map_view::NetworkStatus;
use crate::app::project_link::LinkState;
use crate::app::state::AppState;

/// Draws the status bar (progress, the latest message, the counts, the network state)
/// and returns what the user did; `network`: the tile server's state while online tiles
/// are on.
pub(super) fn status_bar_ui(
    ui: &mut Ui,
    state: &AppState,
    network: Option<&NetworkStatus>,
    cursor: Option<(f64, f64)>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    // Right to left: the counts and the network state keep their room, the latest
    // message gets what is left, truncated.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let n = state.messages().len();
        if ui
            .small_button(format!("Messages ({n})"))
            .on_hover_text("Every message of this session")
            .clicked()
        {
            actions.push(Action::ShowMessages);
        }
        if let Some((done, total)) = state.export_progress() {
            if ui
                .small_button("Stop")
                .on_hover_text("Stop the export (no file is left)")
                .clicked()
            {
                actions.push(Action::StopExport);
            }
            // The bar gets what the status bar has left, which may be narrow: a short
            // text on it, the counts on hover.
            let fraction = done as f32 / total.max(1) as f32;
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(140.0)
                    .text(format!("Exporting… {:.0}%", fraction * 100.0)),
            )
            .on_hover_text(format!(
                "{} of {} documents exported",
                thousands(done as u64),
                thousands(total as u64)
            ));
            ui.separator();
        }
        if state.is_recounting() {
            ui.spinner();
            ui.weak("Counting…").on_hover_text(
                "The places are being counted again for the new filter or corrections",
            );
            ui.separator();
        }
        if let Some(project) = state.project() {
            let name = project.path.file_name().map_or_else(
                || project.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let (text, warn) = match (project.state, project.progress) {
                (LinkState::SavingAs, Some((done, total))) => {
                    (format!("saving… {done} of {total}"), false)
                }
                (LinkState::SavingAs, None) => ("saving…".to_string(), false),
                (LinkState::Reading, _) => ("opening…".to_string(), false),
                (LinkState::Saving, _) => ("saving…".to_string(), false),
                (LinkState::Saved, _) => ("saved".to_string(), false),
                (LinkState::ReadOnly, _) => ("read-only: changes not saved".to_string(), true),
                (LinkState::Failed, _) => ("not saved (see Messages)".to_string(), true),
            };
            let label = format!("Project {name}: {text}");
            let response = if warn {
                ui.colored_label(ui.visuals().warn_fg_color, label)
            } else {
                ui.label(label)
            };
            response.on_hover_text(project.path.display().to_string());
            ui.separator();
        }
        // A project open as an archive holds no documents in the window: its count.
        let documents = state
            .archive()
            .map_or(state.documents().len(), |view| view.documents);
        ui.label(format!(
            "{} document{} · {} places · {} mentions · {} correction{}",
            thousands(documents as u64),
            plural(documents),
            thousands(state.places().len() as u64),
            thousands(state.mention_count() as u64),
            state.corrections().len(),
            plural(state.corrections().len())
        ));
        if state.archive().is_some_and(|v| v.days.is_none()) {
            // No spinner: the timeline comes in a few seconds for a million articles,
            // and the window need not redraw meanwhile.
            ui.weak("Counting the timeline…").on_hover_text(
                "The project's mentions per day are counted on a thread of their own",
            );
        }
        if state.archive_is_counting() {
            ui.spinner();
            ui.weak("Counting…").on_hover_text(
                "The project's places are counted again for your correction or the dates \
                 chosen; the counts shown are the last ones",
            );
        }
        // The pointer's position on the map (latitude, longitude; WGS 84), in a slot of
        // fixed width so that the bar does not move as it comes and goes.
        ui.separator();
        let text = cursor.map_or_else(String::new, |(lat, lon)| {
            format!(
                "{:>8.4}°{} {:>9.4}°{}",
                lat.abs(),
                if lat >= 0.0 { "N" } else { "S" },
                lon.abs(),
                if lon >= 0.0 { "E" } else { "W" }
            )
        });
        ui.add_sized(
            [200.0, ui.spacing().interact_size.y],
            egui::Label::new(egui::RichText::new(text).monospace()),
        );
        match network {
            Some(NetworkStatus::Unreachable(e)) => {
                ui.separator();
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "No network: OpenStreetMap tiles unavailable, offline basemap shown",
                )
                .on_hover_text(e);
            }
            Some(NetworkStatus::Checking) => {
                ui.separator();
                ui.weak("Checking the tile server…");
            }
            Some(NetworkStatus::Reachable) => {
                ui.separator();
                ui.weak("Online tiles: © OpenStreetMap contributors");
            }
            None => {}
        }
        ui.separator();
        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
            if let Some(p) = state.progress() {
                let fraction = if p.total > 0 {
                    p.done as f32 / p.total as f32
                } else {
                    0.0
                };
                // Animated only while the total is unknown: the animation asks for a
                // frame after every frame, which a long load cannot afford.
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(140.0)
                        .show_percentage()
                        .animate(p.total == 0),
                );
                ui.label(&p.label);
                if p.cancellable
                    && ui
                        .small_button("Cancel")
                        .on_hover_text("Stop opening documents; those already parsed stay open")
                        .clicked()
                {
                    actions.push(Action::CancelLoading);
                }
                ui.separator();
            }
            if let Some(m) = state.latest_message() {
                let color = message_color(ui, m.level);
                let text = RichText::new(&m.text).color(color);
                if ui
                    .add(
                        egui::Label::new(text)
                            .truncate()
                            .sense(egui::Sense::click()),
                    )
                    .on_hover_text("Click to see every message")
                    .clicked()
                {
                    actions.push(Action::ShowMessages);
                }
            }
        });
    });
    actions
}

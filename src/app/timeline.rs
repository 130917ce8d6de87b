//! The timeline under the map: mentions over time for what the filters show, a range
//! chosen by dragging across it (the map, lists and exports follow), a play button that
//! steps the range through time, and a toggle for undated documents.

use egui::{Color32, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::action::Action;
use super::state::AppState;
use crate::corpus::DateRange;
use crate::corpus::metadata::date_of_day;
use crate::corpus::timeline::Timeline;

/// Height of the bars' area (points).
const BARS_HEIGHT: f32 = 54.0;

/// Seconds between two steps of the play button.
pub const PLAY_STEP_SECONDS: f64 = 0.8;

/// Draws the timeline, if any shown mention is dated or undated documents are hidden.
pub fn timeline_ui(ui: &mut Ui, state: &AppState, playing: bool) -> Option<Action> {
    let mut action = None;
    let range = state.filter().dates;
    let undated = state.undated_mentions();
    let timeline = state.timeline()?;
    ui.horizontal(|ui| {
        let play = if playing { "Pause" } else { "Play" };
        if ui
            .button(play)
            .on_hover_text("Step the date range through time; the map follows")
            .clicked()
        {
            action = Some(Action::TogglePlay);
        }
        let (first, end) = timeline.span();
        match (range.from, range.to) {
            (None, None) => ui.label(format!(
                "{} – {}",
                date_of_day(first).format("%Y-%m-%d"),
                date_of_day(end - 1).format("%Y-%m-%d")
            )),
            _ => ui.strong(range_label(&range)),
        };
        if (range.from.is_some() || range.to.is_some())
            && ui
                .small_button("All dates")
                .on_hover_text("Show every date again")
                .clicked()
        {
            action = Some(Action::SetDateRange(DateRange {
                from: None,
                to: None,
                ..range
            }));
        }
        ui.weak("drag across the bars to choose dates");
        let mut show_undated = !range.hide_undated;
        if ui
            .checkbox(&mut show_undated, format!("Undated ({undated} mentions)"))
            .on_hover_text("Show the places of documents without a date")
            .changed()
        {
            action = Some(Action::SetDateRange(DateRange {
                hide_undated: !show_undated,
                ..range
            }));
        }
        ui.weak(format!(
            "by {}",
            match timeline.unit {
                crate::corpus::timeline::BinUnit::Day => "day",
                crate::corpus::timeline::BinUnit::Week => "week",
                crate::corpus::timeline::BinUnit::Month => "month",
            }
        ));
    });
    if let Some(a) = bars_ui(ui, timeline, &range) {
        action = Some(a);
    }
    action
}

/// What the range shows, in words.
fn range_label(range: &DateRange) -> String {
    let day = |d: i32| date_of_day(d).format("%Y-%m-%d").to_string();
    match (range.from, range.to) {
        (None, None) => "All dates".to_string(),
        (Some(f), Some(t)) if f == t => day(f),
        (Some(f), Some(t)) => format!("{} – {}", day(f), day(t)),
        (Some(f), None) => format!("from {}", day(f)),
        (None, Some(t)) => format!("to {}", day(t)),
    }
}

/// The bars, the chosen range over them, and the drag that chooses it.
fn bars_ui(ui: &mut Ui, timeline: &Timeline, range: &DateRange) -> Option<Action> {
    let width = ui.available_width();
    let (rect, response) =
        ui.allocate_exact_size(vec2(width, BARS_HEIGHT), Sense::click_and_drag());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, ui.is_enabled(), "Timeline"));
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
    let (first, end) = timeline.span();
    let days = (end - first).max(1) as f32;
    let x_of = |day: i32| rect.left() + (day - first) as f32 / days * rect.width();
    let day_at = |x: f32| {
        let t = ((x - rect.left()) / rect.width()).clamp(0.0, 0.9999);
        first + (t * days).floor() as i32
    };
    let peak = timeline.peak().max(1) as f32;
    let accent = visuals.selection.bg_fill;
    let muted = visuals.weak_text_color().gamma_multiply(0.6);
    let drag_id = response.id.with("drag-start");
    let dragging_from: Option<i32> = ui.data(|d| d.get_temp(drag_id));
    // The pointer's last position: on the frame the button is released the drag is over
    // but its end still counts.
    let pointer = response
        .interact_pointer_pos()
        .or_else(|| ui.input(|i| i.pointer.latest_pos()));
    let preview = match (dragging_from, pointer) {
        (Some(a), Some(p)) if response.dragged() || response.drag_stopped() => {
            let b = day_at(p.x);
            Some(DateRange {
                from: Some(a.min(b)),
                to: Some(a.max(b)),
                ..*range
            })
        }
        _ => None,
    };
    let shown = preview.as_ref().unwrap_or(range);
    for bin in &timeline.bins {
        let x0 = x_of(bin.start);
        let x1 = x_of(bin.end).max(x0 + 1.0);
        let h = (bin.mentions as f32 / peak) * (rect.height() - 4.0);
        let inside = shown.shows(Some(bin.start)) || shown.shows(Some(bin.end - 1));
        let color = if inside { accent } else { muted };
        if bin.mentions > 0 {
            let bar = Rect::from_min_max(
                pos2(x0 + 0.5, rect.bottom() - h.max(1.5)),
                pos2((x1 - 0.5).max(x0 + 1.0), rect.bottom()),
            );
            painter.rect_filled(bar, 0.0, color);
        }
    }
    if shown.from.is_some() || shown.to.is_some() {
        let x0 = shown.from.map_or(rect.left(), x_of);
        let x1 = shown.to.map_or(rect.right(), |t| x_of(t + 1));
        let band = Rect::from_min_max(pos2(x0, rect.top()), pos2(x1, rect.bottom()));
        painter.rect_stroke(
            band,
            0.0,
            Stroke::new(1.0, accent),
            egui::StrokeKind::Inside,
        );
    }
    let mut action = None;
    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
    {
        let day = day_at(p.x);
        ui.data_mut(|d| d.insert_temp(drag_id, day));
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<i32>(drag_id));
        if let Some(p) = preview {
            action = Some(Action::SetDateRange(p));
        }
    }
    if let Some(p) = response.hover_pos() {
        let day = day_at(p.x);
        let i = timeline.bins.partition_point(|b| b.end <= day);
        if let Some(bin) = timeline.bins.get(i) {
            let x0 = x_of(bin.start);
            painter.line_segment(
                [pos2(x0, rect.top()), pos2(x0, rect.bottom())],
                Stroke::new(1.0, Color32::from_gray(128)),
            );
            let text = format!(
                "{}: {} mention{}\nDrag to choose a range; click for this {}",
                timeline.unit.label(bin.start),
                bin.mentions,
                if bin.mentions == 1 { "" } else { "s" },
                match timeline.unit {
                    crate::corpus::timeline::BinUnit::Day => "day",
                    crate::corpus::timeline::BinUnit::Week => "week",
                    crate::corpus::timeline::BinUnit::Month => "month",
                }
            );
            response.clone().on_hover_text_at_pointer(text);
            if response.clicked() {
                action = Some(Action::SetDateRange(DateRange {
                    from: Some(bin.start),
                    to: Some(bin.end - 1),
                    ..*range
                }));
            }
        }
    }
    action
}

/// The range after `range` when playing: the same width, moved on by its width (one bin
/// of the timeline when no range is chosen yet, starting at the first), or `None` once
/// the end of the timeline is passed.
pub fn next_play_range(timeline: &Timeline, range: &DateRange) -> Option<DateRange> {
    let (first, end) = timeline.span();
    match (range.from, range.to) {
        (Some(from), Some(to)) => {
            let width = to - from + 1;
            let next = to + 1;
            (next < end).then_some(DateRange {
                from: Some(next),
                to: Some(next + width - 1),
                ..*range
            })
        }
        _ => {
            let bin = timeline.bins.first()?;
            let _ = first;
            Some(DateRange {
                from: Some(bin.start),
                to: Some(bin.end - 1),
                ..*range
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn play_steps_by_the_ranges_width_and_stops_at_the_end() {
        let days: BTreeMap<i32, usize> = [(100, 1), (103, 2), (109, 1)].into();
        let t = Timeline::of(&days).expect("dated");
        let start = next_play_range(&t, &DateRange::default()).expect("first step");
        assert_eq!((start.from, start.to), (Some(100), Some(100)));
        let wide = DateRange {
            from: Some(100),
            to: Some(102),
            hide_undated: true,
        };
        let next = next_play_range(&t, &wide).expect("second");
        assert_eq!(
            (next.from, next.to, next.hide_undated),
            (Some(103), Some(105), true)
        );
        let last = DateRange {
            from: Some(107),
            to: Some(109),
            hide_undated: false,
        };
        assert_eq!(next_play_range(&t, &last), None);
        assert_eq!(range_label(&wide), "1970-04-11 – 1970-04-13");
    }
}

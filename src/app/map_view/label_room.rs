//! The room left on the map for names of the basemap (countries, divisions, towns): the
//! screen rectangles already taken by markers, their labels and the names placed so far,
//! bucketed in a coarse grid so that checking a name costs a few rectangles, not every
//! one on the screen.

use egui::{Pos2, Rect};

/// Side of a grid cell, screen points: about a short name's width.
const CELL: f32 = 64.0;

/// Rectangles taken on one frame's map, and the view they lie in.
pub(super) struct LabelRoom {
    view: Rect,
    columns: usize,
    rows: usize,
    /// Per cell, row-major, indices into `rects` of the rectangles meeting it.
    cells: Vec<Vec<u32>>,
    rects: Vec<Rect>,
}

impl LabelRoom {
    /// An empty room over `view` (screen points).
    pub(super) fn new(view: Rect) -> LabelRoom {
        let columns = ((view.width() / CELL).ceil() as usize).clamp(1, 512);
        let rows = ((view.height() / CELL).ceil() as usize).clamp(1, 512);
        LabelRoom {
            view,
            columns,
            rows,
            cells: vec![Vec::new(); columns * rows],
            rects: Vec::new(),
        }
    }

    /// The cells `r` meets, as column and row ranges (clamped to the grid).
    fn span(&self, r: Rect) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let cell = |v: f32, origin: f32, n: usize| {
            (((v - origin) / CELL).floor().max(0.0) as usize).min(n - 1)
        };
        let c0 = cell(r.min.x, self.view.min.x, self.columns);
        let c1 = cell(r.max.x, self.view.min.x, self.columns);
        let r0 = cell(r.min.y, self.view.min.y, self.rows);
        let r1 = cell(r.max.y, self.view.min.y, self.rows);
        (c0..c1 + 1, r0..r1 + 1)
    }

    /// Marks `r` as taken.
    pub(super) fn take(&mut self, r: Rect) {
        if !r.is_finite() || !r.intersects(self.view) {
            return;
        }
        let index = self.rects.len() as u32;
        self.rects.push(r);
        let (columns, rows) = self.span(r);
        for row in rows {
            for column in columns.clone() {
                self.cells[row * self.columns + column].push(index);
            }
        }
    }

    /// True if `r` lies inside the view and meets no rectangle taken.
    pub(super) fn is_free(&self, r: Rect) -> bool {
        if !r.is_finite() || !self.view.contains_rect(r) {
            return false;
        }
        let (columns, rows) = self.span(r);
        rows.into_iter().all(|row| {
            columns.clone().all(|column| {
                self.cells[row * self.columns + column]
                    .iter()
                    .all(|&i| !self.rects[i as usize].intersects(r))
            })
        })
    }

    /// The rectangles taken so far, in the order they were taken.
    pub(super) fn taken(&self) -> &[Rect] {
        &self.rects
    }

    /// True if `p` lies inside the view.
    pub(super) fn contains(&self, p: Pos2) -> bool {
        self.view.contains(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::vec2;

    #[test]
    fn taken_rectangles_block_only_what_they_meet() {
        let view = Rect::from_min_size(Pos2::ZERO, vec2(500.0, 300.0));
        let mut room = LabelRoom::new(view);
        let a = Rect::from_min_size(Pos2::new(60.0, 60.0), vec2(100.0, 20.0));
        assert!(room.is_free(a));
        room.take(a);
        assert!(!room.is_free(a));
        // Overlapping across a cell boundary, and far away.
        assert!(!room.is_free(Rect::from_min_size(Pos2::new(150.0, 70.0), vec2(40.0, 5.0))));
        assert!(room.is_free(Rect::from_min_size(
            Pos2::new(300.0, 200.0),
            vec2(40.0, 5.0)
        )));
        // Outside the view is never free; taking a rectangle outside it is ignored.
        assert!(!room.is_free(Rect::from_min_size(Pos2::new(480.0, 10.0), vec2(40.0, 5.0))));
        room.take(Rect::from_min_size(
            Pos2::new(900.0, 900.0),
            vec2(40.0, 5.0),
        ));
        assert!(room.contains(Pos2::new(10.0, 10.0)));
    }
}

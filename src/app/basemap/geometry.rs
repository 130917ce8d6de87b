//! Plane geometry on Mercator arcs and rings: unwrapping and simplifying arcs, joining
//! them into rings, cutting rings and lines at the antimeridian, areas and extents.

use geo::{Coord, LineString, Simplify};

use super::projection::{lon_lat_from_mercator, mercator_from_lon_lat};

/// Each arc in Mercator, its longitudes unwrapped so that it never jumps across the
/// antimeridian (an arc may then run past `x = 1` or below `x = 0`).
pub(super) fn mercator_arcs(arcs: &[Vec<[f64; 2]>]) -> Vec<Vec<[f64; 2]>> {
    arcs.iter()
        .map(|arc| {
            let mut offset = 0.0;
            let mut previous: Option<f64> = None;
            arc.iter()
                .map(|&[lon, lat]| {
                    if let Some(prev) = previous {
                        let d = lon + offset - prev;
                        if d > 180.0 {
                            offset -= 360.0;
                        } else if d < -180.0 {
                            offset += 360.0;
                        }
                    }
                    previous = Some(lon + offset);
                    mercator_from_lon_lat(lon + offset, lat)
                })
                .collect()
        })
        .collect()
}

pub(super) fn simplify_arcs(arcs: &[Vec<[f64; 2]>], epsilon: f64) -> Vec<Vec<[f64; 2]>> {
    if epsilon <= 0.0 {
        return arcs.to_vec();
    }
    arcs.iter()
        .map(|arc| {
            let line: LineString<f64> = arc.iter().map(|&[x, y]| Coord { x, y }).collect();
            line.simplify(epsilon)
                .0
                .into_iter()
                .map(|c| [c.x, c.y])
                .collect()
        })
        .collect()
}

/// Joins arcs into one continuous path, shifting each by whole world widths so that it
/// starts where the previous one ended.
pub(super) fn assemble(arcs: &[Vec<[f64; 2]>], refs: &[i32]) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for &r in refs {
        let (index, reversed) = if r >= 0 {
            (r as usize, false)
        } else {
            ((!r) as usize, true)
        };
        let Some(arc) = arcs.get(index) else {
            continue;
        };
        let first = if reversed { arc.last() } else { arc.first() };
        let Some(&first) = first else { continue };
        let shift = out.last().map_or(0.0, |last| (last[0] - first[0]).round());
        let skip = usize::from(!out.is_empty());
        let shifted = |p: &[f64; 2]| [p[0] + shift, p[1]];
        if reversed {
            out.extend(arc.iter().rev().skip(skip).map(shifted));
        } else {
            out.extend(arc.iter().skip(skip).map(shifted));
        }
    }
    out
}

/// A polygon's rings (outer first) as open rings in Mercator, cut at the antimeridian
/// into pieces that each lie within `0 <= x <= 1`. A ring that goes round a pole
/// (Antarctica) is closed along the Mercator limit first.
pub(super) fn polygon_pieces(
    arcs: &[Vec<[f64; 2]>],
    polygon: &[Vec<i32>],
) -> Vec<Vec<Vec<[f64; 2]>>> {
    let mut rings: Vec<Vec<[f64; 2]>> = Vec::with_capacity(polygon.len());
    for refs in polygon {
        let mut ring = assemble(arcs, refs);
        let (Some(&first), Some(&last)) = (ring.first(), ring.last()) else {
            continue;
        };
        let turns = (last[0] - first[0]).round();
        if turns != 0.0 {
            // Goes round a pole: close it along the edge of the Mercator square.
            let mean_y = ring.iter().map(|p| p[1]).sum::<f64>() / ring.len() as f64;
            let pole_y = if mean_y > 0.5 { 1.0 } else { 0.0 };
            ring.push([last[0], pole_y]);
            ring.push([first[0], pole_y]);
        } else if ring.len() > 1 && (last[0] - first[0]).abs() < 1e-12 && last[1] == first[1] {
            ring.pop();
        }
        if ring.len() < 3 {
            if rings.is_empty() {
                return Vec::new(); // The outer ring vanished at this simplification.
            }
            continue;
        }
        rings.push(ring);
    }
    if rings.is_empty() {
        return Vec::new();
    }
    let (mut min_x, mut max_x) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in rings.iter().flatten() {
        min_x = min_x.min(p[0]);
        max_x = max_x.max(p[0]);
    }
    let first_world = (min_x + 1e-9).floor();
    let last_world = (max_x - 1e-9).ceil() - 1.0;
    if first_world == last_world {
        if first_world != 0.0 {
            for p in rings.iter_mut().flatten() {
                p[0] -= first_world;
            }
        }
        return vec![rings];
    }
    let mut pieces = Vec::new();
    let mut k = first_world;
    while k <= last_world {
        let mut piece = Vec::new();
        for (i, ring) in rings.iter().enumerate() {
            let mut clipped = clip_ring_to_strip(ring, k, k + 1.0);
            for p in &mut clipped {
                p[0] -= k;
            }
            if clipped.len() >= 3 && ring_area(&clipped).abs() > 1e-16 {
                piece.push(clipped);
            } else if i == 0 {
                break;
            }
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
        k += 1.0;
    }
    pieces
}

/// Sutherland–Hodgman clip of a closed ring to `lo <= x <= hi`.
fn clip_ring_to_strip(ring: &[[f64; 2]], lo: f64, hi: f64) -> Vec<[f64; 2]> {
    let left = clip_ring_half(ring, lo, true);
    clip_ring_half(&left, hi, false)
}

fn clip_ring_half(ring: &[[f64; 2]], edge: f64, keep_greater: bool) -> Vec<[f64; 2]> {
    let inside = |p: &[f64; 2]| {
        if keep_greater {
            p[0] >= edge
        } else {
            p[0] <= edge
        }
    };
    let mut out = Vec::with_capacity(ring.len() + 4);
    let Some(&last) = ring.last() else {
        return out;
    };
    let mut prev = last;
    for &cur in ring {
        let (a, b) = (inside(&prev), inside(&cur));
        if a != b {
            let t = (edge - prev[0]) / (cur[0] - prev[0]);
            out.push([edge, prev[1] + t * (cur[1] - prev[1])]);
        }
        if b {
            out.push(cur);
        }
        prev = cur;
    }
    out
}

/// Splits a polyline at the antimeridian so that every piece lies within `0 <= x <= 1`.
pub(super) fn split_line(points: &[[f64; 2]]) -> Vec<Vec<[f64; 2]>> {
    let mut pieces = Vec::new();
    let Some(&first) = points.first() else {
        return pieces;
    };
    let mut k = first[0].floor();
    if first[0] == k && points.get(1).is_some_and(|p| p[0] < first[0]) {
        k -= 1.0;
    }
    let mut current = vec![[first[0] - k, first[1]]];
    let mut prev = first;
    for &p in &points[1..] {
        while p[0] > k + 1.0 || p[0] < k {
            let edge = if p[0] > k + 1.0 { k + 1.0 } else { k };
            let t = (edge - prev[0]) / (p[0] - prev[0]);
            let y = prev[1] + t * (p[1] - prev[1]);
            current.push([edge - k, y]);
            pieces.push(std::mem::take(&mut current));
            k = if p[0] > k + 1.0 { k + 1.0 } else { k - 1.0 };
            current.push([edge - k, y]);
        }
        current.push([p[0] - k, p[1]]);
        prev = p;
    }
    pieces.push(current);
    pieces.retain(|piece| piece.len() >= 2);
    pieces
}

/// Shoelace area of an open ring (Mercator units², sign by orientation).
pub(super) fn ring_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    let mut sum = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        sum += a[0] * b[1] - b[0] * a[1];
    }
    sum / 2.0
}

/// Approximate area on the sphere (degrees², for ranking only) and `[w, s, e, n]` of a
/// Mercator ring.
pub(super) fn lon_lat_extent(ring: &[[f64; 2]]) -> Option<(f64, [f64; 4])> {
    if ring.len() < 3 {
        return None;
    }
    let lon_lat: Vec<[f64; 2]> = ring.iter().map(|&p| lon_lat_from_mercator(p)).collect();
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in &lon_lat {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    let mid_lat = ((b[1] + b[3]) / 2.0).to_radians();
    Some((ring_area(&lon_lat).abs() * mid_lat.cos(), b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_line_cuts_at_the_antimeridian() {
        let pieces = split_line(&[[0.9, 0.1], [1.1, 0.3], [1.2, 0.3]]);
        assert_eq!(pieces.len(), 2);
        let end = pieces[0][pieces[0].len() - 1];
        assert!(end[0] == 1.0 && (end[1] - 0.2).abs() < 1e-12, "{end:?}");
        let start = pieces[1][0];
        assert!(
            start[0] == 0.0 && (start[1] - 0.2).abs() < 1e-12,
            "{start:?}"
        );
        assert!(pieces.iter().flatten().all(|p| (0.0..=1.0).contains(&p[0])));
    }
}

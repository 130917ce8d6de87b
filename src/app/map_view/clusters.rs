//! The marker index: the places of one state revision with an R-tree over them, and the
//! clusters of each integer zoom level, built on first use and never per frame.

use std::collections::HashMap;

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::TILE_PX;
use super::markers::MarkerData;
use crate::app::basemap::mercator_from_lon_lat;
use crate::app::state::AppState;
use crate::gazetteer::EntryIndex;

/// Pixels between marker centres below which markers merge into a cluster.
const CLUSTER_RADIUS_PX: f64 = 44.0;

/// From this integer zoom level on, every place has its own marker.
pub(super) const CLUSTER_MAX_LEVEL: u8 = 13;

/// A group of markers drawn as one circle at one zoom level; a single marker is a cluster
/// of one.
#[derive(Debug, Clone)]
pub(super) struct Cluster {
    /// Indexes into [`MarkerIndex::markers`]; the first is the most mentioned, and the
    /// cluster is drawn at its position.
    pub(super) members: Vec<usize>,
    pub(super) mentions: usize,
}

type Point = GeomWithData<[f64; 2], usize>;

#[derive(Debug)]
pub(super) struct ClusterLevel {
    pub(super) clusters: Vec<Cluster>,
    pub(super) tree: RTree<Point>,
}

/// The places of one [`AppState::revision`], with an R-tree over them and the clusters of
/// each zoom level (built on first use of the level).
#[derive(Debug)]
pub(super) struct MarkerIndex {
    pub(super) revision: u64,
    /// Sorted by mentions, most first (as [`AppState::places`]).
    pub(super) markers: Vec<MarkerData>,
    tree: RTree<Point>,
    /// Marker index of each entry.
    by_entry: HashMap<EntryIndex, usize>,
    levels: HashMap<u8, ClusterLevel>,
}

impl MarkerIndex {
    pub(super) fn build(state: &AppState) -> MarkerIndex {
        let mut markers = Vec::with_capacity(state.places().len());
        if let Some(g) = state.gazetteer() {
            for p in state.places() {
                let e = g.entry(p.entry);
                if !(e.lat.is_finite() && e.lon.is_finite()) {
                    continue;
                }
                markers.push(MarkerData {
                    entry: p.entry,
                    name: e.name.clone(),
                    country: crate::corpus::country_name(
                        g,
                        e.country_code.as_deref().unwrap_or(""),
                    ),
                    kind: e.kind,
                    mentions: p.mention_count,
                    lon: e.lon,
                    lat: e.lat,
                    pos_in_mercator: mercator_from_lon_lat(e.lon, e.lat),
                });
            }
        }
        let tree = RTree::bulk_load(
            markers
                .iter()
                .enumerate()
                .map(|(i, m)| Point::new(m.pos_in_mercator, i))
                .collect(),
        );
        let by_entry = markers
            .iter()
            .enumerate()
            .map(|(i, m)| (m.entry, i))
            .collect();
        MarkerIndex {
            revision: state.revision(),
            markers,
            tree,
            by_entry,
            levels: HashMap::new(),
        }
    }

    /// The clusters at integer zoom `level`, built greedily: the most mentioned marker not
    /// yet taken gathers every free marker within [`CLUSTER_RADIUS_PX`].
    #[allow(clippy::type_complexity)]
    pub(super) fn level(
        &mut self,
        level: u8,
    ) -> (&[MarkerData], &ClusterLevel, &HashMap<EntryIndex, usize>) {
        let level = level.min(CLUSTER_MAX_LEVEL);
        let markers = &self.markers;
        let tree = &self.tree;
        let built = self.levels.entry(level).or_insert_with(|| {
            let mut clusters = Vec::new();
            if level >= CLUSTER_MAX_LEVEL {
                clusters = (0..markers.len())
                    .map(|i| Cluster {
                        members: vec![i],
                        mentions: markers[i].mentions,
                    })
                    .collect();
            } else {
                let radius = CLUSTER_RADIUS_PX / (TILE_PX * f64::from(1u32 << level));
                let mut taken = vec![false; markers.len()];
                for seed in 0..markers.len() {
                    if taken[seed] {
                        continue;
                    }
                    taken[seed] = true;
                    let mut members = vec![seed];
                    for p in
                        tree.locate_within_distance(markers[seed].pos_in_mercator, radius * radius)
                    {
                        if !taken[p.data] {
                            taken[p.data] = true;
                            members.push(p.data);
                        }
                    }
                    members[1..].sort_by_key(|&i| std::cmp::Reverse(markers[i].mentions));
                    let mentions = members.iter().map(|&i| markers[i].mentions).sum();
                    clusters.push(Cluster { members, mentions });
                }
            }
            let tree = RTree::bulk_load(
                clusters
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Point::new(markers[c.members[0]].pos_in_mercator, i))
                    .collect(),
            );
            ClusterLevel { clusters, tree }
        });
        (&self.markers, built, &self.by_entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_merge_when_zoomed_out_and_split_when_zoomed_in() {
        use crate::app::state::DocumentSource;
        use crate::corpus::Document;
        use crate::corpus::ParsedDocument;
        use crate::gazetteer::Gazetteer;
        use crate::geoparse::Geoparser;
        let g = std::sync::Arc::new(Gazetteer::load_bundled().expect("gazetteer"));
        let text = "Troops moved from Niamey to Agadez, then on to Paris.";
        let mut state = AppState::with_gazetteer(g.clone());
        state.add_document(
            ParsedDocument {
                document: Document::from_text("a", text),
                mentions: Geoparser::new(&g).parse(text),
            },
            DocumentSource::Pasted {
                name: "a".into(),
                text: text.into(),
            },
        );
        state.refresh();
        assert_eq!(state.places().len(), 3);
        let mut index = MarkerIndex::build(&state);
        let sizes = |index: &mut MarkerIndex, level: u8| -> Vec<usize> {
            let (_, l, _) = index.level(level);
            let mut v: Vec<usize> = l.clusters.iter().map(|c| c.members.len()).collect();
            v.sort_unstable();
            v
        };
        // Niamey and Agadez are ~750 km apart, Paris ~3,000 km from both.
        assert_eq!(sizes(&mut index, 0), [3]);
        assert_eq!(sizes(&mut index, 3), [1, 2]);
        assert_eq!(sizes(&mut index, 8), [1, 1, 1]);
        assert_eq!(sizes(&mut index, 20), [1, 1, 1]);
        // Every level holds every marker exactly once.
        for level in 0..=CLUSTER_MAX_LEVEL {
            let (_, l, _) = index.level(level);
            let mut all: Vec<usize> = l.clusters.iter().flat_map(|c| c.members.clone()).collect();
            all.sort_unstable();
            assert_eq!(all, [0, 1, 2], "level {level}");
        }
    }
}

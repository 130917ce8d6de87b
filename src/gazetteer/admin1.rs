//! The first-level division an entry lies in, found by its country and admin-1 codes:
//! what tells namesakes of one country apart in a list (the nine Washington Counties of a
//! US story: Alabama's, Arkansas's…). The table is made on first use from the kinds and
//! the fact rows, which are in memory; no entry is decoded for it.

use std::collections::HashMap;

use super::facts::pack_code;
use super::{EntryIndex, Gazetteer, Kind};

impl Gazetteer {
    /// The first-level division (kind [`Kind::Admin1`]) of the same country and admin-1
    /// code as the entry at `index`; `None` for a country, a division itself, or an entry
    /// without codes or whose division is not in the gazetteer.
    pub fn admin1_of(&self, index: EntryIndex) -> Option<EntryIndex> {
        if matches!(
            self.kinds.get(index as usize),
            None | Some(Kind::Admin1 | Kind::Country)
        ) {
            return None;
        }
        let facts = self.facts(index);
        let key = (facts.country()?, facts.admin1()?);
        self.admin1_by_codes().get(&key).copied()
    }

    /// The first-level division (kind [`Kind::Admin1`]) of country `country` (ISO
    /// 3166-1 alpha-2, as entries spell it) and GeoNames admin-1 code `admin1` (`OH` of
    /// `US.OH`); `None` if the gazetteer has none. For naming a division the map knows
    /// only by its codes.
    pub fn admin1_entry(&self, country: &str, admin1: &str) -> Option<EntryIndex> {
        if country.is_empty() || admin1.is_empty() {
            return None;
        }
        self.admin1_by_codes()
            .get(&(pack_code(country), pack_code(admin1)))
            .copied()
    }

    /// Every first-level division by its packed country and admin-1 codes, made on
    /// first use.
    fn admin1_by_codes(&self) -> &HashMap<(u64, u64), EntryIndex> {
        self.admin1_table.get_or_init(|| {
            let mut table = HashMap::new();
            for (i, kind) in self.kinds.iter().enumerate() {
                if *kind != Kind::Admin1 {
                    continue;
                }
                let facts = self.facts(i as EntryIndex);
                if let (Some(country), Some(admin1)) = (facts.country(), facts.admin1()) {
                    // The first of several (a division listed twice) is kept.
                    table.entry((country, admin1)).or_insert(i as EntryIndex);
                }
            }
            table
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namesakes_of_one_country_lie_in_their_own_divisions() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let divisions: Vec<String> = g
            .candidates("Washington County")
            .iter()
            .filter(|c| g.entry(c.entry).country_code.as_deref() == Some("US"))
            .filter_map(|c| g.admin1_of(c.entry))
            .map(|d| g.entry(d).name.clone())
            .collect();
        assert!(divisions.len() >= 5, "{divisions:?}");
        assert!(divisions.iter().any(|d| d == "Alabama"), "{divisions:?}");
        let niamey = g.candidates("Agadez");
        assert!(niamey.iter().any(|c| {
            g.admin1_of(c.entry)
                .is_some_and(|d| g.entry(d).name == "Agadez")
        }));
        let niger = g.candidates("Niger");
        for c in niger
            .iter()
            .filter(|c| g.entry(c.entry).kind == Kind::Country)
        {
            assert_eq!(g.admin1_of(c.entry), None);
        }
    }

    #[test]
    fn a_division_is_found_by_its_codes() {
        let g = Gazetteer::load_bundled().expect("bundled gazetteer");
        let ohio = g.admin1_entry("US", "OH").expect("Ohio");
        assert_eq!(g.entry(ohio).name, "Ohio");
        assert_eq!(g.entry(ohio).kind, Kind::Admin1);
        assert_eq!(g.admin1_entry("US", "ZZ"), None);
        assert_eq!(g.admin1_entry("", "OH"), None);
    }
}

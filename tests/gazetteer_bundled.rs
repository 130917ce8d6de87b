//! The bundled gazetteer holds what the issue asks: towns within 25 km, countries with
//! their demonyms, first-level divisions, regions, and namesakes kept apart.

use gazette::gazetteer::{Gazetteer, Kind};

fn g() -> Gazetteer {
    Gazetteer::load_bundled().expect("bundled gazetteer loads")
}

fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    gazette::geodesy::haversine_km(a, b)
}

/// The best candidate of `kind` in `country` for `name`.
fn find(g: &Gazetteer, name: &str, kind: Kind, country: Option<&str>) -> Option<(f64, f64)> {
    g.candidates(name)
        .iter()
        .map(|c| g.entry(c.entry))
        .filter(|e| e.kind == kind && e.country_code.as_deref() == country)
        .max_by_key(|e| e.population)
        .map(|e| (e.lat, e.lon))
}

#[test]
fn towns_of_the_sahel_stories_within_25_km() {
    let g = g();
    let towns = [
        ("Niamey", "NE", 13.5137, 2.1098),
        ("Agadez", "NE", 16.9733, 7.9911),
        ("Tahoua", "NE", 14.8888, 5.2692),
        ("Zinder", "NE", 13.8053, 8.9883),
        ("Sebha", "LY", 27.0377, 14.4283),
        ("N'Djamena", "TD", 12.1067, 15.0444),
        ("Bamako", "ML", 12.6500, -8.0000),
        ("Ouagadougou", "BF", 12.3714, -1.5197),
    ];
    for (name, cc, lat, lon) in towns {
        let p = find(&g, name, Kind::Place, Some(cc)).unwrap_or_else(|| panic!("{name} missing"));
        assert!(
            km(p, (lat, lon)) < 25.0,
            "{name} is {:.0} km off",
            km(p, (lat, lon))
        );
    }
}

#[test]
fn countries_and_their_demonyms() {
    let g = g();
    let countries = [
        ("Niger", "NE", "Nigerien"),
        ("Nigeria", "NG", "Nigerian"),
        ("France", "FR", "French"),
        ("Turkey", "TR", "Turkish"),
        ("United States", "US", "American"),
        ("Mali", "ML", "Malian"),
        ("Chad", "TD", "Chadian"),
        ("Libya", "LY", "Libyan"),
    ];
    for (name, cc, demonym) in countries {
        let country = g.country(cc).unwrap_or_else(|| panic!("{cc} missing"));
        assert!(
            g.candidates(name).iter().any(|c| c.entry == country),
            "{name} does not find {cc}"
        );
        let dem = g
            .candidates(demonym)
            .into_iter()
            .find(|c| g.entry(c.entry).kind == Kind::Demonym)
            .unwrap_or_else(|| panic!("{demonym} missing"));
        assert_eq!(g.entry(dem.entry).refers_to, Some(country), "{demonym}");
    }
    for abbr in ["US", "U.S.", "USA", "America"] {
        assert!(
            g.candidates(abbr)
                .iter()
                .any(|c| Some(c.entry) == g.country("US")),
            "{abbr}"
        );
    }
    for abbr in ["UK", "Britain"] {
        assert!(
            g.candidates(abbr)
                .iter()
                .any(|c| Some(c.entry) == g.country("GB")),
            "{abbr}"
        );
    }
    let counts = g.counts_by_kind();
    let n = |k: Kind| {
        counts
            .iter()
            .find(|(kind, _)| *kind == k)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    assert!(n(Kind::Country) >= 245, "{counts:?}");
    assert!(n(Kind::Place) >= 140_000, "{counts:?}");
    assert!(n(Kind::Admin1) >= 3_500, "{counts:?}");
}

#[test]
fn regions_and_namesakes() {
    let g = g();
    let regions = [
        ("Sahel", 14.5, 5.0),
        ("Sahara", 23.0, 13.0),
        ("West Africa", 12.0, -2.0),
    ];
    for (name, lat, lon) in regions {
        let e = g
            .candidates(name)
            .into_iter()
            .map(|c| g.entry(c.entry))
            .find(|e| matches!(e.kind, Kind::Region | Kind::Physical))
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(e.country_code.is_none(), "{name} is multi-country");
        assert!(
            km((e.lat, e.lon), (lat, lon)) < 800.0,
            "{name} at {},{}",
            e.lat,
            e.lon
        );
    }
    let kinds = |name: &str| -> Vec<(Kind, Option<String>)> {
        g.candidates(name)
            .iter()
            .map(|c| {
                let e = g.entry(c.entry);
                (e.kind, e.country_code.clone())
            })
            .collect()
    };
    let niger = kinds("Niger");
    assert!(niger.contains(&(Kind::Country, Some("NE".into()))));
    assert!(niger.contains(&(Kind::Admin1, Some("NG".into()))));
    assert!(
        niger
            .iter()
            .any(|(k, cc)| *k == Kind::Physical && cc.is_none())
    );
    let georgia = kinds("Georgia");
    assert!(georgia.contains(&(Kind::Country, Some("GE".into()))));
    assert!(georgia.contains(&(Kind::Admin1, Some("US".into()))));
    assert!(kinds("Paris").len() > 5);
    assert!(kinds("Agadez").contains(&(Kind::Admin1, Some("NE".into()))));
    assert!(kinds("Tahoua").contains(&(Kind::Admin1, Some("NE".into()))));
    assert!(kinds("Texas").contains(&(Kind::Admin1, Some("US".into()))));
}

#[test]
fn the_compact_facts_agree_with_every_entry() {
    use gazette::gazetteer::{EntryFacts, pack_code};
    let g = g();
    let mut regions_with_members = 0;
    for (i, e) in g.entries().enumerate() {
        let i = i as u32;
        let f = g.facts(i);
        assert_eq!(*f, EntryFacts::of(i, e), "{}", e.id);
        assert_eq!(
            f.country(),
            e.country_code
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(pack_code),
            "{}",
            e.id
        );
        let members: Vec<u64> = if e.country_code.is_none() {
            e.members.iter().map(|m| pack_code(m)).collect()
        } else {
            Vec::new()
        };
        assert_eq!(g.member_codes(i), members.as_slice(), "{}", e.id);
        regions_with_members += usize::from(!members.is_empty());
    }
    // The Sahel, West Africa, the Middle East…: regions vote for their members.
    assert!(regions_with_members >= 10, "{regions_with_members}");
}

//! The word lists that say what a neighbour of a name announces (a place, a person, a
//! date, a kind of place) and [`classify`], which looks a word up in all of them at once.
//! Data more than logic: kept apart from the scoring that reads them.

use rustc_hash::FxHashMap as HashMap;

use crate::geoparse::hits::KindCue;
use crate::short_key::ShortKey;

/// Months and weekdays: always capitalised in English, so the dictionary cannot flag
/// them as ordinary words, yet they are almost never places in news ("in March").
const CALENDAR_WORDS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
    "ramadan",
    // News style abbreviates months (`Nov. 3`, `Sept 12`): as calendar words as the
    // full names. Weekday abbreviations that are also words (`Sun`, `Sat`, `Wed`) are
    // left out.
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "tues",
    "thurs",
];

/// Words that, right before a name, announce a place.
const LOCATIVE_CUES: &[&str] = &[
    "in",
    "at",
    "from",
    "near",
    "to",
    "into",
    "across",
    "throughout",
    "around",
    "outside",
    "inside",
    "toward",
    "towards",
    "via",
    "through",
    "between",
    "within",
    "of",
    "visited",
    "visit",
    "visiting",
    "reached",
    "entered",
    "left",
    "leaving",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "northeastern",
    "northwestern",
    "southeastern",
    "southwestern",
    "downtown",
    "neighbouring",
    "neighboring",
    "rural",
    "suburban",
    "native",
    "borders",
    "bordering",
    "capital",
    "city",
    "town",
    "village",
    "state",
    "county",
    "province",
    "region",
    "country",
    "nation",
    "based",
    "where",
];

/// Words before a name that say it is a person's name (lower-case titles; capitalised
/// ones are caught by the capitalised-neighbour rule).
const PERSON_CUES: &[&str] = &[
    "president",
    "minister",
    "senator",
    "governor",
    "mayor",
    "general",
    "gen",
    "mr",
    "mrs",
    "ms",
    "dr",
    "secretary",
    "chief",
    "commander",
    "envoy",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "officer",
    "sheriff",
    "coach",
    "actor",
    "actress",
    "singer",
    "rapper",
    "author",
    "player",
    "striker",
    "quarterback",
    "manager",
    "director",
    "chairman",
    "ceo",
    "leader",
    "rev",
    "pastor",
    "father",
    "sister",
    "brother",
    "son",
    "daughter",
    "wife",
    "husband",
    "sgt",
    "lt",
    "col",
    "capt",
    "detective",
    "deputy",
    "trooper",
    "councilman",
    "councilwoman",
    "representative",
    "rep",
    "sen",
    "gov",
    "attorney",
    "lawyer",
    "dean",
    "professor",
];

/// Nouns after a name for a leader's term in office: "the Obama administration" is a
/// president's, whatever town shares the name.
const OFFICE_TERMS: &[&str] = &["administration", "presidency"];

/// Verbs after a name that say a person (or an organisation) acted.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "explained",
    "noted",
    "wrote",
    "asked",
    "replied",
    "stated",
    "argued",
    "insisted",
    "recalled",
    "believes",
    "thinks",
];

/// Capitalised words that begin a longer place name rather than a person's name
/// ("North Dakota", "Lake Chad", "Fort Worth"), so a capitalised word before a name is
/// not evidence of a person when it is one of these.
const PLACE_PREFIXES: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "new", "old", "upper", "lower", "greater", "downtown", "lake", "mount", "mt", "port", "fort",
    "saint", "st", "san", "santa", "los", "las", "el", "la", "le", "al", "the", "rio", "cape",
    "isle", "gulf", "bay", "river", "sea", "republic", "kingdom", "state", "city", "metro",
    "inner", "outer", "far", "near", "middle", "lakes",
];

/// Capitalised words after a name that continue a place ("Agadez Region", "Cook
/// County"), so they are not evidence of a person or organisation.
const PLACE_SUFFIXES: &[&str] = &[
    "county",
    "parish",
    "city",
    "state",
    "region",
    "province",
    "district",
    "river",
    "lake",
    "valley",
    "mountains",
    "mountain",
    "island",
    "islands",
    "bay",
    "basin",
    "delta",
    "desert",
    "coast",
    "peninsula",
    "sea",
    "ocean",
    "gulf",
    "strait",
    "township",
    "borough",
    "village",
    "town",
    "area",
    "metro",
    "airport",
    "harbor",
    "harbour",
    "port",
    "falls",
    "springs",
    "beach",
    "heights",
    "hills",
];

/// Lower-case nouns right after a name that make it where someone or something is from
/// or stands (`a Gainesville man`, `three Denton County residents`, `the Leeds
/// police`): news names local people and services by their town this way.
const DENIZEN_NOUNS: &[&str] = &[
    "man",
    "men",
    "woman",
    "women",
    "resident",
    "residents",
    "native",
    "natives",
    "teen",
    "teens",
    "teenager",
    "boy",
    "girl",
    "couple",
    "homeowner",
    "homeowners",
    "home",
    "homes",
    "area",
    "police",
    "officials",
    "voters",
    "neighborhood",
    "neighbourhood",
    "neighborhoods",
    "neighbourhoods",
    "community",
    "communities",
    "businesses",
    "schools",
    "students",
    "firefighters",
    "authorities",
    "suburb",
    "suburbs",
    "residence",
    "location",
    "landfill",
    "mayor",
    "council",
    "councillor",
    "councilman",
    "councilwoman",
    "metro",
    "court",
    "hospital",
    "prison",
];

/// Capitalised words after a name that start the name of a public body or service of
/// that place (`Leeds Police`, `Ohio Department of Health`, `Dayton Public Library`,
/// `Yorkshire Fire and Rescue`): the place is named inside it, as news readers (and the
/// gold standards) take it. Companies, teams and events are not listed: their names say
/// nothing of the place's part.
const INSTITUTION_HEADS: &[&str] = &[
    "police",
    "sheriff",
    "fire",
    "council",
    "public",
    "library",
    "schools",
    "department",
    "board",
    "highway",
    "chamber",
    "zoo",
    "transit",
    "municipal",
    "legislature",
    "assembly",
    "senate",
    "parliament",
    "attorney",
    "commissioners",
    "commission",
    "courthouse",
    "jail",
    "housing",
    "herald",
    "gazette",
    "tribune",
    "courier",
    "chronicle",
    "examiner",
    "register",
    "democrat",
    "republican",
    "ministry",
    "army",
    "military",
    "navy",
    "association",
    "lottery",
    "bar",
    "governor",
];

/// Capitalised words after a name that make it a town's name rather than a state's or
/// a country's: newspapers and city services (`The Washington Post`, `New York
/// Police Department`, `Quebec City Hall`). A state's police is its `State Police`.
const TOWN_HEADS: &[&str] = &[
    "times",
    "post",
    "herald",
    "tribune",
    "chronicle",
    "journal",
    "gazette",
    "courier",
    "examiner",
    "daily",
    "police",
    "mayor",
    "hall",
];

/// Words that open a noun phrase: capitalised at a sentence's start ("A Kenosha
/// woman", "This Leeds firm"), they are no first name before the place.
const DETERMINERS: &[&str] = &[
    "a", "an", "this", "that", "these", "those", "another", "every", "each", "some", "any", "no",
    "our", "their", "his", "her", "its", "my", "your", "both", "all", "two", "three", "four",
    "five", "several", "many", "most",
];

/// Capitalised words after a town's name that make the two one name of a street,
/// park, river or station ("Wichita Drive", "Hopkins Park", "Neches River", "Greer
/// Station"): news names local features so, and the feature, not the town, is the
/// place meant. Left out where the gold standards and news usage keep the town
/// (`Highway`, `Court`, `Hospital`, `Village`, `Airport`).
const FEATURE_WORDS: &[&str] = &[
    "river",
    "creek",
    "valley",
    "park",
    "station",
    "colony",
    "township",
    "falls",
    "bay",
    "harbor",
    "gardens",
    "cathedral",
    "stadium",
    "road",
    "drive",
    "street",
    "avenue",
    "boulevard",
    "lane",
    "way",
    "reservoir",
    "canyon",
    "island",
];

/// The buildings news names for the governments in them: "the White House said", "a
/// Kremlin spokesman", and a parliament that shares a town's name ("the Duma"; the
/// Syrian town is GeoNames' "Dūmā"). A town may bear the name (White House, Tennessee),
/// but the government is what news means unless a qualifier or "in" says otherwise.
pub(super) const SEATS_OF_POWER: &[&str] = &[
    "Duma",
    "White House",
    "Kremlin",
    "Downing Street",
    "Élysée",
    "Elysee",
    "Pentagon",
    "Blue House",
    "Zhongnanhai",
];

/// True if `surface` is one of the [`SEATS_OF_POWER`], in any case. Every proposal asks:
/// names of other lengths are turned away before any comparison.
pub(super) fn is_seat_of_power(surface: &str) -> bool {
    matches!(surface.len(), 4 | 6..=8 | 10 | 11 | 14)
        && SEATS_OF_POWER
            .iter()
            .any(|seat| seat.len() == surface.len() && seat.eq_ignore_ascii_case(surface))
}

/// Abbreviated titles before a person's name, dotted ("U.S. Sens. Byrd and
/// Rockefeller", "Lt. Gov. Smith"): never a place, though "Sens" is a French town.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "sen", "sens", "rep", "reps", "gov", "govs", "gen", "lt", "col", "capt", "sgt", "rev", "cmdr",
    "adm", "maj", "supt", "det", "cpl", "pvt",
];

/// True if `surface` is one of the [`TITLE_ABBREVIATIONS`] and `after` (the text after
/// it) goes on with its period and a capitalised name.
pub(super) fn is_title_abbreviation(surface: &str, after: &str) -> bool {
    surface.len() <= 4
        && TITLE_ABBREVIATIONS
            .iter()
            .any(|t| t.eq_ignore_ascii_case(surface))
        && after
            .strip_prefix(". ")
            .is_some_and(|rest| rest.chars().next().is_some_and(char::is_uppercase))
}

/// Words that with "American" name an ethnic group in US news ("African Americans",
/// "Native American artifacts"): the pair names neither a continent nor the country.
/// Not a country's demonym ("Russian-American crew": the two countries' people).
const ETHNIC_WITH_AMERICAN: &[&str] = &["African", "Native", "Asian", "Anglo"];

/// True if `text[start..end]` is either word of an ethnic group's name with
/// "American" ([`ETHNIC_WITH_AMERICAN`]), joined by a space or a hyphen.
pub(super) fn in_ethnic_american(text: &str, start: usize, end: usize) -> bool {
    let surface = &text[start..end];
    let ends_word = |rest: &str| !rest.chars().next().is_some_and(char::is_alphanumeric);
    if ETHNIC_WITH_AMERICAN.contains(&surface) {
        let after = &text[end..];
        return after
            .strip_prefix([' ', '-'])
            .and_then(|rest| rest.strip_prefix("American"))
            .is_some_and(|rest| ends_word(rest.strip_prefix('s').unwrap_or(rest)));
    }
    if surface != "American" && surface != "Americans" {
        return false;
    }
    let Some(before) = text[..start].strip_suffix([' ', '-']) else {
        return false;
    };
    ETHNIC_WITH_AMERICAN.iter().any(|w| {
        before
            .strip_suffix(w)
            .is_some_and(|head| !head.chars().next_back().is_some_and(char::is_alphanumeric))
    })
}

/// Nouns of one place that, in lower case right after a name, make it a place of that
/// kind ("the Akhalgori district", "Zabul province", "the Sool region"): the name is
/// that district's or province's own. Plurals ("Texas cities") and offices ("Kano
/// governor") say the kind too (`KIND_CUES`) but follow names that are clear already.
const PLACE_NOUNS: &[&str] = &[
    "city",
    "county",
    "district",
    "governorate",
    "municipality",
    "oblast",
    "parish",
    "prefecture",
    "province",
    "region",
    "state",
    "town",
    "township",
    "village",
];

/// Plural nouns of places, and the kind of place each says its members are: in "Kupiansk
/// and other towns" or "provinces such as Herat and Kandahar" the names are of that kind.
const PLACE_PLURALS: &[(&str, KindCue)] = &[
    ("towns", KindCue::Settlement),
    ("cities", KindCue::Settlement),
    ("villages", KindCue::Settlement),
    ("communities", KindCue::Settlement),
    ("settlements", KindCue::Settlement),
    ("suburbs", KindCue::Settlement),
    ("municipalities", KindCue::Settlement),
    ("capitals", KindCue::Settlement),
    ("provinces", KindCue::Division),
    ("states", KindCue::Division),
    ("regions", KindCue::Division),
    ("districts", KindCue::Division),
    ("counties", KindCue::Division),
    ("countries", KindCue::Country),
    ("nations", KindCue::Country),
];

/// Words between a name and the plural after it: "and other towns", "and nearby
/// villages", "and several other cities".
const AND_OTHER: &[&str] = &[
    " and other ",
    " and several other ",
    " and many other ",
    " and some other ",
    " and nearby ",
    " and neighbouring ",
    " and neighboring ",
    " and surrounding ",
];

/// Words between a plural and the first name of its examples: "cities such as Mashhad".
const SUCH_AS: &[&str] = &[
    " such as ",
    ", such as ",
    " including ",
    ", including ",
    " like ",
];

/// The kind of place a plural noun of places around a name says it is, if one does:
/// the name before "and other towns" (`after` is the text after the name), or the first
/// name after "cities such as" (`before` is the text before it). The rest of a list
/// ("Mashhad, Tabriz and Rasht") follows from its joints. Why a scan of the text and no
/// word classes: the cue is three or four words long and asked of every name once.
pub(super) fn plural_cue(before: &str, after: &str) -> Option<KindCue> {
    // One look at the bytes first: nearly every name is followed by something else
    // than " and " and preceded by something else than "as ", "including " or "like ",
    // and the comparisons below, for every name, cost the parser 5% (callgrind).
    let after = after.strip_prefix(',').unwrap_or(after);
    if after.as_bytes().starts_with(b" and ")
        && let Some(kind) = and_other_cue(after)
    {
        return Some(kind);
    }
    let b = before.as_bytes();
    // "Benue and Plateau states", "Ondo or Ekiti provinces": the last of two or more
    // names the plural right after it closes.
    if (b.ends_with(b" and ") || b.ends_with(b" or ") || b.ends_with(b" & "))
        && let Some(rest) = after.strip_prefix(' ')
        && let Some(kind) = plural_at(rest)
        && previous_name_is_capitalised(before)
    {
        return Some(kind);
    }
    if !(b.ends_with(b"as ") || b.ends_with(b"including ") || b.ends_with(b"like ")) {
        return None;
    }
    for joint in SUCH_AS {
        if let Some(head) = before.strip_suffix(joint)
            && let Some(word_start) = head.rfind(' ').map(|i| i + 1).or(Some(0))
        {
            let word = &head[word_start..];
            if let Some(&(_, kind)) = PLACE_PLURALS
                .iter()
                .find(|(w, _)| w.eq_ignore_ascii_case(word))
            {
                return Some(kind);
            }
        }
    }
    None
}

/// The kind of place a plural of [`PLACE_PLURALS`] at the start of `rest` says, as a
/// whole word ("states", not "statesman").
fn plural_at(rest: &str) -> Option<KindCue> {
    PLACE_PLURALS.iter().find_map(|&(w, kind)| {
        let tail = rest.get(..w.len())?;
        let ends = rest[w.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        (tail.eq_ignore_ascii_case(w) && ends).then_some(kind)
    })
}

/// True if the word before the joint that `before` ends with (" and ") is capitalised:
/// a list's name, not "roads and bridges".
fn previous_name_is_capitalised(before: &str) -> bool {
    let head = before.trim_end();
    let head = head
        .rsplit_once(' ')
        .map_or("", |(h, _)| h)
        .trim_end_matches(',');
    head.rsplit(' ')
        .next()
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase)
}

/// [`plural_cue`] after a name that " and " follows (`after`).
fn and_other_cue(after: &str) -> Option<KindCue> {
    for joint in AND_OTHER {
        if let Some(rest) = after.get(..joint.len())
            && rest.eq_ignore_ascii_case(joint)
        {
            let rest = &after[joint.len()..];
            // One adjective may stand between: "and other border towns".
            return plural_at(rest).or_else(|| {
                let word_end = rest.find(' ')?;
                let word = &rest[..word_end];
                (word.len() <= 12 && word.bytes().all(|b| b.is_ascii_lowercase()))
                    .then(|| plural_at(&rest[word_end + 1..]))
                    .flatten()
            });
        }
    }
    None
}

/// Makes of cars, in crash and court reports: "a 2007 Toyota Corolla", "a silver
/// Pontiac Grand Prix", "his Dodge Durango". Many are towns (Toyota, Honda, Pontiac,
/// Cadillac, Lincoln) and many models are places (Tacoma, Durango, Malibu, Santa Fe).
const VEHICLE_MAKES: &[&str] = &[
    "acura",
    "buick",
    "cadillac",
    "chevrolet",
    "chevy",
    "chrysler",
    "dodge",
    "ford",
    "gmc",
    "honda",
    "hyundai",
    "infiniti",
    "isuzu",
    "jeep",
    "kia",
    "lexus",
    "lincoln",
    "mazda",
    "mercury",
    "mitsubishi",
    "nissan",
    "oldsmobile",
    "plymouth",
    "pontiac",
    "saturn",
    "subaru",
    "suzuki",
    "toyota",
    "volkswagen",
    "volvo",
];

/// Family and close ties: a given name after one of these and a comma is the person
/// ("his wife, Julia,", "their son, David").
const KIN_NOUNS: &[&str] = &[
    "wife",
    "husband",
    "son",
    "daughter",
    "brother",
    "sister",
    "mother",
    "father",
    "partner",
    "fiance",
    "fiancé",
    "fiancee",
    "fiancée",
    "girlfriend",
    "boyfriend",
    "widow",
    "widower",
    "grandson",
    "granddaughter",
    "grandmother",
    "grandfather",
    "niece",
    "nephew",
    "cousin",
    "stepson",
    "stepdaughter",
];

/// Which of the word lists above a word is on, as bits: each mention checks its
/// neighbours against several lists, so one lookup answers them all.
pub(super) mod class {
    pub const CALENDAR: u32 = 1;
    pub const LOCATIVE: u32 = 2;
    pub const PERSON_CUE: u32 = 4;
    pub const SPEECH_VERB: u32 = 8;
    pub const PLACE_PREFIX: u32 = 16;
    pub const PLACE_SUFFIX: u32 = 32;
    pub const OF: u32 = 64;
    pub const THE: u32 = 128;
    pub const DENIZEN: u32 = 256;
    pub const INSTITUTION: u32 = 512;
    pub const TOWN_HEAD: u32 = 1024;
    pub const DETERMINER: u32 = 2048;
    pub const FEATURE: u32 = 4096;
    pub const VEHICLE_MAKE: u32 = 8192;
    pub const KIN: u32 = 16384;
    pub const OFFICE: u32 = 32768;
    pub const PLACE_NOUN: u32 = 65536;
    pub const PREPOSITION: u32 = 1 << 17;
}

/// What the cue lists say of a word, case aside.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WordClass {
    /// [`class`] bits.
    pub(super) bits: u32,
    /// The kind of place the word announces (`city`, `river`).
    pub(super) kind: Option<KindCue>,
}

/// Each cue list with its [`class`] bit.
const CUE_LISTS: &[(&[&str], u32)] = &[
    (CALENDAR_WORDS, class::CALENDAR),
    (LOCATIVE_CUES, class::LOCATIVE),
    (PERSON_CUES, class::PERSON_CUE),
    (SPEECH_VERBS, class::SPEECH_VERB),
    (PLACE_PREFIXES, class::PLACE_PREFIX),
    (PLACE_SUFFIXES, class::PLACE_SUFFIX),
    (&["of"], class::OF),
    (&["the"], class::THE),
    (DENIZEN_NOUNS, class::DENIZEN),
    (INSTITUTION_HEADS, class::INSTITUTION),
    (TOWN_HEADS, class::TOWN_HEAD),
    (DETERMINERS, class::DETERMINER),
    (FEATURE_WORDS, class::FEATURE),
    (VEHICLE_MAKES, class::VEHICLE_MAKE),
    (KIN_NOUNS, class::KIN),
    (OFFICE_TERMS, class::OFFICE),
    (PLACE_NOUNS, class::PLACE_NOUN),
    (PREPOSITIONS_AFTER_A_NAME, class::PREPOSITION),
];

/// Lower-case words after a name that make it the object of a verb or a preposition
/// ("moved to Wales in 2010", "Tom Reid of Reading in the final"), not an adjective
/// before a noun ("Western countries"): prepositions that seldom go on inside a longer
/// name. Not "of" or "to", which often do ("Bay of Pigs", "Road to Damascus").
const PREPOSITIONS_AFTER_A_NAME: &[&str] = &[
    "in", "on", "at", "near", "from", "for", "with", "by", "since", "after", "before", "during",
    "until",
];

/// What the cue lists say of `word`, in any case.
pub(super) fn classify(word: &str) -> WordClass {
    static CLASSES: std::sync::OnceLock<HashMap<ShortKey, WordClass>> = std::sync::OnceLock::new();
    let classes = CLASSES.get_or_init(|| {
        let mut m: HashMap<ShortKey, WordClass> = HashMap::default();
        for &(words, bit) in CUE_LISTS {
            for w in words {
                if let Some(k) = ShortKey::new(w) {
                    m.entry(k).or_default().bits |= bit;
                }
            }
        }
        for &(w, kind) in KIND_CUES {
            if let Some(k) = ShortKey::new(w) {
                m.entry(k).or_default().kind = Some(kind);
            }
        }
        m
    });
    let key = ShortKey::lowercase(word);
    key.and_then(|k| classes.get(&k).copied())
        .unwrap_or_default()
}

/// Words before or after a name that say which kind of place it is.
const KIND_CUES: &[(&str, KindCue)] = &[
    ("city", KindCue::Settlement),
    ("town", KindCue::Settlement),
    ("village", KindCue::Settlement),
    ("capital", KindCue::Settlement),
    ("hamlet", KindCue::Settlement),
    ("township", KindCue::Settlement),
    ("suburb", KindCue::Settlement),
    ("municipality", KindCue::Settlement),
    ("region", KindCue::Division),
    ("state", KindCue::Division),
    ("province", KindCue::Division),
    ("county", KindCue::Division),
    ("parish", KindCue::Division),
    ("district", KindCue::Division),
    ("governorate", KindCue::Division),
    ("prefecture", KindCue::Division),
    ("department", KindCue::Division),
    ("river", KindCue::Feature),
    ("lake", KindCue::Feature),
    ("desert", KindCue::Feature),
    ("mountains", KindCue::Feature),
    ("mountain", KindCue::Feature),
    ("sea", KindCue::Feature),
    ("ocean", KindCue::Feature),
    ("basin", KindCue::Feature),
    // A plural after a name makes it the place that holds them: "Georgia counties",
    // "Texas cities", "Dutch provinces" name a state or a country, never a town.
    ("counties", KindCue::Division),
    ("parishes", KindCue::Division),
    ("provinces", KindCue::Division),
    ("districts", KindCue::Division),
    ("cities", KindCue::Division),
    ("towns", KindCue::Division),
    // An office says what it governs: "the premier of Quebec" and "Texas governor" name
    // a province or state, "the mayor of Quebec" and "Toronto mayor" a city.
    ("mayor", KindCue::Settlement),
    ("premier", KindCue::Division),
    ("governor", KindCue::Division),
    ("country", KindCue::Country),
    ("nation", KindCue::Country),
    ("republic", KindCue::Country),
    ("kingdom", KindCue::Country),
];

#[cfg(test)]
mod classify_tests {
    use super::*;

    #[test]
    fn every_seat_of_power_passes_the_length_gate() {
        for seat in SEATS_OF_POWER {
            assert!(is_seat_of_power(seat), "{seat}");
            assert!(is_seat_of_power(&seat.to_ascii_uppercase()), "{seat}");
        }
        assert!(!is_seat_of_power("White Houses"));
        assert!(!is_seat_of_power("Whitehouse"));
    }

    #[test]
    fn every_listed_word_is_classified_in_any_case() {
        for &(words, bit) in CUE_LISTS {
            for w in words {
                assert!(classify(w).bits & bit != 0, "{w}");
                assert!(classify(&w.to_uppercase()).bits & bit != 0, "{w}");
            }
        }
        for &(w, kind) in KIND_CUES {
            assert_eq!(classify(w).kind, Some(kind), "{w}");
        }
        assert_eq!(classify("Of").bits & class::OF, class::OF);
        assert_eq!(classify("THE").bits & class::THE, class::THE);
        let none = classify("Niamey");
        assert_eq!((none.bits, none.kind), (0, None));
        // Not ASCII, and longer than a short key: no class, no panic.
        assert_eq!(classify("Ségou").bits, 0);
        assert_eq!(classify("extraordinarily-long-word").bits, 0);
    }
}

#[cfg(test)]
mod plural_cue_tests {
    use super::*;

    #[test]
    fn a_plural_of_places_around_a_name() {
        let cue = |text: &str, name: &str| {
            let start = text.find(name).expect("name in text");
            plural_cue(&text[..start], &text[start + name.len()..])
        };
        let town = Some(KindCue::Settlement);
        assert_eq!(
            cue("Shelling hit Kupiansk and other towns.", "Kupiansk"),
            town
        );
        assert_eq!(
            cue("It hit Kupiansk, and nearby villages.", "Kupiansk"),
            town
        );
        assert_eq!(
            cue("It hit Kupiansk and other border towns.", "Kupiansk"),
            town
        );
        assert_eq!(cue("in cities such as Tabriz.", "Tabriz"), town);
        assert_eq!(cue("in cities such as Tabriz and Rasht.", "Tabriz"), town);
        assert_eq!(
            cue("Provinces including Kunar", "Kunar"),
            Some(KindCue::Division)
        );
        assert_eq!(cue("countries like Chad", "Chad"), Some(KindCue::Country));
        // No plural of places, or not right there.
        assert_eq!(cue("Kupiansk and other reports.", "Kupiansk"), None);
        assert_eq!(cue("Kupiansk and other townsfolk.", "Kupiansk"), None);
        assert_eq!(cue("Kupiansk and others.", "Kupiansk"), None);
        assert_eq!(
            cue("Kupiansk and other big border towns.", "Kupiansk"),
            None
        );
        assert_eq!(cue("people like Chad", "Chad"), None);
        assert_eq!(cue("Chad", "Chad"), None);
        // Text that ends inside a cue, and multi-byte letters around it: no panic.
        assert_eq!(cue("Kupiansk and oth", "Kupiansk"), None);
        assert_eq!(cue("Kupiansk and other é", "Kupiansk"), None);
        assert_eq!(cue("é such as Tabriz", "Tabriz"), None);
    }
}

#[cfg(test)]
mod ethnic_american_tests {
    use super::*;

    #[test]
    fn ethnic_groups_named_with_american() {
        let at = |text: &str, word: &str| {
            let start = text.find(word).expect("word in text");
            in_ethnic_american(text, start, start + word.len())
        };
        assert!(at("African Americans voted", "African"));
        assert!(at("African Americans voted", "Americans"));
        assert!(at("a Native American museum", "American"));
        assert!(at("an African-American church", "American"));
        assert!(!at("a Russian-American crew", "American"));
        assert!(!at("the African Union", "African"));
        assert!(!at("SouthAfrican American", "American"));
        assert!(!at("African Americana", "African"));
    }
}

//! What is known about a document besides its text: title, publication date, URL and
//! source, as the readers of pages, feeds and dataset exports find them. Every field is
//! optional: a plain `.txt` file has none.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// A document's title, date, URL and source, each when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    /// Where it was published (canonical URL, feed item link, dataset URL field). Never
    /// fetched: it is shown and exported, and the app opens it in the browser on request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The publication or site (`og:site_name`, the feed's title, a dataset's source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Metadata {
    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.published.is_none()
            && self.url.is_none()
            && self.source.is_none()
    }

    /// `title` and `source` with white space collapsed and empty values dropped; `url`
    /// trimmed. Readers call it on what they found, so every format gives the same shape.
    pub fn cleaned(self) -> Metadata {
        Metadata {
            title: self.title.and_then(|t| collapsed(&t)),
            published: self.published,
            url: self
                .url
                .and_then(|u| collapsed(&u))
                .filter(|u| !u.contains(' ')),
            source: self.source.and_then(|s| collapsed(&s)),
        }
    }
}

/// `text` with runs of white space made one space and trimmed, or `None` if empty.
/// Long values are cut (at a character boundary) to 1,000 bytes: a title or a URL is
/// never longer, and a broken page could put a whole article in its `<title>`.
fn collapsed(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len().min(MAX_FIELD_BYTES));
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > MAX_FIELD_BYTES {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

/// Longest title, URL or source kept (bytes).
const MAX_FIELD_BYTES: usize = 1000;

/// A publication date: a calendar date, with the time and the UTC offset when the
/// source gave them. The calendar date is the one written in the source (local to the
/// publisher when an offset is given), never shifted to UTC: an article of 23:30 on
/// 4 March in Sydney is a 4 March article.
///
/// Written and read as ISO 8601: `2021-03-04`, `2021-03-04T10:00:00`, or
/// `2021-03-04T10:00:00+01:00` (`Z` for UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Published {
    /// The calendar date.
    pub date: NaiveDate,
    /// The time of day, when given.
    pub time: Option<NaiveTime>,
    /// The offset from UTC, when given with a time.
    pub offset: Option<FixedOffset>,
}

impl Published {
    /// A date without a time.
    pub fn day(date: NaiveDate) -> Published {
        Published {
            date,
            time: None,
            offset: None,
        }
    }

    /// Days since 1970-01-01 (negative before): the unit the timeline and the date
    /// filter count in.
    pub fn day_number(&self) -> i32 {
        day_number(self.date)
    }

    /// Reads a date as news sources write them. Accepted, after trimming:
    /// - ISO 8601 / RFC 3339: `2021-03-04`, `2021-03-04T10:00`, `2021-03-04T10:00:00.5Z`,
    ///   `2021-03-04 10:00:00+01:00`, `2021-03-04T10:00:00+0100`; also with `/` or `.`
    ///   between the parts of the date (`2021/03/04`);
    /// - RFC 2822 (RSS): `Thu, 04 Mar 2021 10:00:00 +0000` or `GMT`, the weekday optional;
    /// - compact `20210304` and `20210304103000` (GDELT and other dataset exports);
    /// - words: `4 March 2021`, `March 4, 2021`, `Mar 4 2021`, `4 Mar. 2021`;
    /// - `DD/MM/YYYY` or `MM/DD/YYYY` only when one of the first two numbers is above 12,
    ///   so that which is the month cannot be mistaken.
    ///
    /// Anything else (an ambiguous `03/04/2021`, a year outside 1800–2200, text) is `None`:
    /// the document is kept undated rather than put on a wrong day.
    pub fn parse(text: &str) -> Option<Published> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        let parsed = parse_iso(text)
            .or_else(|| parse_rfc2822(text))
            .or_else(|| parse_compact(text))
            .or_else(|| parse_words(text))
            .or_else(|| parse_slashed(text))?;
        (1800..=2200)
            .contains(&chrono::Datelike::year(&parsed.date))
            .then_some(parsed)
    }
}

/// The warning for a date a reader found but could not read (`raw`, shown cut to 40
/// characters): the document is kept undated. Every reader words it the same way.
pub fn unreadable_date(raw: &str) -> String {
    let shown: String = raw.chars().take(40).collect();
    format!("date {shown:?} could not be read; kept undated")
}

/// Days since 1970-01-01 of `date`.
pub fn day_number(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((date - epoch).num_days()).unwrap_or(0)
}

/// The date `day` days after 1970-01-01.
pub fn date_of_day(day: i32) -> NaiveDate {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    epoch
        .checked_add_signed(chrono::Duration::days(i64::from(day)))
        .unwrap_or(epoch)
}

impl fmt::Display for Published {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date.format("%Y-%m-%d"))?;
        if let Some(time) = self.time {
            if chrono::Timelike::nanosecond(&time) == 0 {
                write!(f, "T{}", time.format("%H:%M:%S"))?;
            } else {
                write!(f, "T{}", time.format("%H:%M:%S%.3f"))?;
            }
            if let Some(offset) = self.offset {
                if offset.local_minus_utc() == 0 {
                    f.write_str("Z")?;
                } else {
                    write!(f, "{offset}")?;
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Published {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Published {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Published::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date: {text:?}")))
    }
}

fn from_datetime(dt: DateTime<FixedOffset>) -> Published {
    Published {
        date: dt.date_naive(),
        time: Some(dt.time()),
        offset: Some(*dt.offset()),
    }
}

fn from_naive(dt: NaiveDateTime) -> Published {
    Published {
        date: dt.date(),
        time: Some(dt.time()),
        offset: None,
    }
}

fn parse_iso(text: &str) -> Option<Published> {
    // The date part, with `-`, `/` or `.` between year, month and day.
    let bytes = text.as_bytes();
    if bytes.len() < 10 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sep = bytes[4];
    if !matches!(sep, b'-' | b'/' | b'.') || bytes[7] != sep {
        return None;
    }
    let normal: String = text
        .char_indices()
        .map(|(i, c)| {
            if (i == 4 || i == 7) && c != '-' {
                '-'
            } else {
                c
            }
        })
        .collect();
    let date = NaiveDate::parse_from_str(normal.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = normal.get(10..)?;
    if rest.is_empty() {
        return Some(Published::day(date));
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let full = format!("{}T{}", &normal[..10], rest.trim());
    if let Ok(dt) = DateTime::parse_from_rfc3339(&full) {
        return Some(from_datetime(dt));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%dT%H:%M:%S%.f %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&full, format) {
            return Some(from_datetime(dt));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&full, format) {
            return Some(from_naive(dt));
        }
    }
    // A time with a zone name (`10:00:00 UTC`, `10:00 GMT`): UTC; any other name, the
    // date alone (the time's zone is unknown).
    let (time, zone) = rest.trim().rsplit_once(' ')?;
    let dt =
        NaiveDateTime::parse_from_str(&format!("{}T{time}", &normal[..10]), "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| {
                NaiveDateTime::parse_from_str(
                    &format!("{}T{time}", &normal[..10]),
                    "%Y-%m-%dT%H:%M",
                )
            })
            .ok()?;
    if matches!(zone, "UTC" | "GMT" | "Z") {
        Some(from_datetime(dt.and_utc().fixed_offset()))
    } else {
        Some(Published::day(date))
    }
}

fn parse_rfc2822(text: &str) -> Option<Published> {
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(from_datetime(dt));
    }
    // Feeds in the wild: a zone name chrono does not know (`CEST`, `IST`), or none at
    // all. The date and time are still the publisher's own.
    let without_weekday = text.split_once(", ").map_or(text, |(_, rest)| rest);
    let mut words: Vec<&str> = without_weekday.split_whitespace().collect();
    if words.len() == 5 && words[4].chars().all(|c| c.is_ascii_alphabetic()) {
        words.pop();
    }
    if words.len() == 4 {
        let joined = words.join(" ");
        for format in ["%d %b %Y %H:%M:%S", "%d %b %Y %H:%M"] {
            if let Ok(dt) = NaiveDateTime::parse_from_str(&joined, format) {
                return Some(from_naive(dt));
            }
        }
    }
    None
}

fn parse_compact(text: &str) -> Option<Published> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match text.len() {
        8 => NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()
            .map(Published::day),
        14 => NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S")
            .ok()
            .map(from_naive),
        _ => None,
    }
}

fn parse_words(text: &str) -> Option<Published> {
    // `4 March 2021`, `March 4, 2021`, `Mar. 4 2021`: punctuation out, then day month
    // year in either order. A trailing time is ignored (its zone is rarely given).
    let cleaned: String = text
        .chars()
        .map(|c| if c == ',' || c == '.' { ' ' } else { c })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let words = match words.first() {
        // A leading weekday.
        Some(w) if w.len() >= 3 && w.chars().all(char::is_alphabetic) && month_of(w).is_none() => {
            &words[1..]
        }
        _ => &words[..],
    };
    if words.len() < 3 {
        return None;
    }
    let number = |w: &str| {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse::<u32>()
            .ok()
    };
    let (day, month, year) = if let Some(month) = month_of(words[0]) {
        (number(words[1])?, month, words[2].parse::<i32>().ok()?)
    } else {
        (
            number(words[0])?,
            month_of(words[1])?,
            words[2].parse::<i32>().ok()?,
        )
    };
    NaiveDate::from_ymd_opt(year, month, day).map(Published::day)
}

/// The month a word names, in English (full or three-letter, `Sept` too).
fn month_of(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
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
    ];
    let word = word.to_ascii_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() <= 4 && m.starts_with(&word)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn parse_slashed(text: &str) -> Option<Published> {
    let date = text.split_whitespace().next()?;
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    let [a, b, year] = parts[..] else {
        return None;
    };
    if year.len() != 4 {
        return None;
    }
    let (a, b, year) = (
        a.parse::<u32>().ok()?,
        b.parse::<u32>().ok()?,
        year.parse::<i32>().ok()?,
    );
    let (day, month) = match (a > 12, b > 12) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        // Both ≤ 12 (ambiguous) or both > 12 (not a date).
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day).map(Published::day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn iso(text: &str) -> Option<String> {
        Published::parse(text).map(|p| p.to_string())
    }

    #[test]
    fn reads_the_dates_news_sources_write() {
        let cases = [
            ("2021-03-04", Some("2021-03-04")),
            (" 2021-03-04 ", Some("2021-03-04")),
            ("2021/03/04", Some("2021-03-04")),
            ("2021-03-04T10:05", Some("2021-03-04T10:05:00")),
            ("2021-03-04T10:05:09Z", Some("2021-03-04T10:05:09Z")),
            ("2021-03-04T10:05:09.250Z", Some("2021-03-04T10:05:09.250Z")),
            (
                "2021-03-04T23:30:00+11:00",
                Some("2021-03-04T23:30:00+11:00"),
            ),
            (
                "2021-03-04T10:05:09+0100",
                Some("2021-03-04T10:05:09+01:00"),
            ),
            ("2021-03-04 10:05:09", Some("2021-03-04T10:05:09")),
            ("2021-03-04 10:05:09 UTC", Some("2021-03-04T10:05:09Z")),
            (
                "Thu, 04 Mar 2021 10:05:09 +0000",
                Some("2021-03-04T10:05:09Z"),
            ),
            (
                "Thu, 04 Mar 2021 10:05:09 GMT",
                Some("2021-03-04T10:05:09Z"),
            ),
            (
                "Thu, 04 Mar 2021 10:05:09 CEST",
                Some("2021-03-04T10:05:09"),
            ),
            ("04 Mar 2021 10:05 -0500", Some("2021-03-04T10:05:00-05:00")),
            ("20210304", Some("2021-03-04")),
            ("20210304103000", Some("2021-03-04T10:30:00")),
            ("4 March 2021", Some("2021-03-04")),
            ("March 4, 2021", Some("2021-03-04")),
            ("Sept. 14, 2020", Some("2020-09-14")),
            ("Thursday, March 4, 2021", Some("2021-03-04")),
            ("4th March 2021", Some("2021-03-04")),
            ("25/12/2020", Some("2020-12-25")),
            ("12/25/2020", Some("2020-12-25")),
            ("03/04/2021", None),
            ("2021-02-30", None),
            ("yesterday", None),
            ("", None),
            ("0001-01-01", None),
            ("9999-12-31", None),
            ("2021-03-04Tgarbage", None),
        ];
        for (text, expected) in cases {
            assert_eq!(iso(text).as_deref(), expected, "{text:?}");
        }
    }

    #[test]
    fn a_late_evening_date_stays_on_the_publishers_day() {
        let p = Published::parse("2021-03-04T23:30:00+11:00").expect("date");
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2021, 3, 4).expect("day"));
        assert_eq!(p.day_number(), 18690);
        assert_eq!(date_of_day(18690), p.date);
        assert_eq!(
            day_number(NaiveDate::from_ymd_opt(1969, 12, 31).expect("d")),
            -1
        );
    }

    #[test]
    fn metadata_round_trips_through_json_and_cleans_fields() {
        let meta = Metadata {
            title: Some("  Rain \n in   Agadez ".into()),
            published: Published::parse("2021-03-04T10:05:09Z"),
            url: Some(" https://example.org/a ".into()),
            source: Some("".into()),
        }
        .cleaned();
        assert_eq!(meta.title.as_deref(), Some("Rain in Agadez"));
        assert_eq!(meta.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(meta.source, None);
        let json = serde_json::to_string(&meta).expect("json");
        assert_eq!(
            json,
            r#"{"title":"Rain in Agadez","published":"2021-03-04T10:05:09Z","url":"https://example.org/a"}"#
        );
        let back: Metadata = serde_json::from_str(&json).expect("back");
        assert_eq!(back, meta);
        assert!(Metadata::default().is_empty());
        let long = "word ".repeat(1000);
        let cut = Metadata {
            title: Some(long),
            ..Metadata::default()
        }
        .cleaned();
        assert!(cut.title.expect("title").len() <= MAX_FIELD_BYTES);
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_round_trips(text in "\\PC{0,40}") {
            if let Some(p) = Published::parse(&text) {
                prop_assert_eq!(Published::parse(&p.to_string()), Some(p));
            }
        }
    }
}

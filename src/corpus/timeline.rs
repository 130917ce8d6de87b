//! Mentions over time, in bins of a day, a week or a month chosen by the span, for the
//! app's timeline. Made from [`Summary::timeline`](super::Summary::timeline), whose size
//! is the number of distinct publication days, never the number of documents.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};

use super::metadata::{date_of_day, day_number};

/// The length of a timeline bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinUnit {
    /// One day.
    Day,
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

impl BinUnit {
    /// The unit for a span of `days`: days up to about three months, weeks up to two
    /// years, months beyond, so the timeline has between a few and about a hundred bars
    /// for a news archive (more only for archives over eight years).
    pub fn for_span(days: i32) -> BinUnit {
        match days {
            ..=92 => BinUnit::Day,
            93..=731 => BinUnit::Week,
            _ => BinUnit::Month,
        }
    }

    /// The first day (days since 1970-01-01) of the bin holding `day`.
    pub fn start_of(self, day: i32) -> i32 {
        let date = date_of_day(day);
        match self {
            BinUnit::Day => day,
            BinUnit::Week => day - date.weekday().num_days_from_monday() as i32,
            BinUnit::Month => date.with_day(1).map_or(day, day_number),
        }
    }

    /// The first day of the bin after the one starting on `start`.
    pub fn next(self, start: i32) -> i32 {
        match self {
            BinUnit::Day => start + 1,
            BinUnit::Week => start + 7,
            BinUnit::Month => date_of_day(start)
                .checked_add_months(Months::new(1))
                .map_or(start + 31, day_number),
        }
    }

    /// A bin's label: `2021-03-04`, `week of 2021-03-01`, `March 2021`.
    pub fn label(self, start: i32) -> String {
        let date: NaiveDate = date_of_day(start);
        match self {
            BinUnit::Day => date.format("%Y-%m-%d").to_string(),
            BinUnit::Week => format!("week of {}", date.format("%Y-%m-%d")),
            BinUnit::Month => date.format("%B %Y").to_string(),
        }
    }
}

/// One bar of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bin {
    /// First day of the bin (days since 1970-01-01).
    pub start: i32,
    /// First day after it.
    pub end: i32,
    /// Mentions in documents published in it.
    pub mentions: usize,
}

/// Mentions per bin, every bin from the first dated mention's to the last's (empty bins
/// included, so the axis is time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// The bins' length.
    pub unit: BinUnit,
    /// The bins, in time order.
    pub bins: Vec<Bin>,
}

/// More bins than this (a span of centuries, from a bad date field) are not drawn one by
/// one: the timeline is cut to the last this many months.
pub const MAX_BINS: usize = 1200;

impl Timeline {
    /// The timeline of `mentions_per_day` (day → mentions), or `None` when no mention is
    /// dated.
    pub fn of(mentions_per_day: &BTreeMap<i32, usize>) -> Option<Timeline> {
        let (&first, _) = mentions_per_day.first_key_value()?;
        let (&last, _) = mentions_per_day.last_key_value()?;
        let unit = BinUnit::for_span(last - first);
        let mut bins: Vec<Bin> = Vec::new();
        let mut start = unit.start_of(first);
        while start <= last {
            let end = unit.next(start);
            bins.push(Bin {
                start,
                end,
                mentions: 0,
            });
            start = end;
        }
        if bins.len() > MAX_BINS {
            bins.drain(..bins.len() - MAX_BINS);
        }
        for (&day, &n) in mentions_per_day {
            // Bins are in order: find the one holding `day`.
            let i = bins.partition_point(|b| b.end <= day);
            if let Some(bin) = bins.get_mut(i)
                && bin.start <= day
            {
                bin.mentions += n;
            }
        }
        Some(Timeline { unit, bins })
    }

    /// The most mentions in one bin.
    pub fn peak(&self) -> usize {
        self.bins.iter().map(|b| b.mentions).max().unwrap_or(0)
    }

    /// First day of the first bin and first day after the last.
    pub fn span(&self) -> (i32, i32) {
        (
            self.bins.first().map_or(0, |b| b.start),
            self.bins.last().map_or(0, |b| b.end),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i32 {
        crate::corpus::Published::parse(text)
            .expect("date")
            .day_number()
    }

    #[test]
    fn bins_follow_the_span_and_cover_every_mention() {
        let days: BTreeMap<i32, usize> = [(day("2021-03-04"), 3), (day("2021-03-06"), 2)].into();
        let t = Timeline::of(&days).expect("dated");
        assert_eq!(t.unit, BinUnit::Day);
        assert_eq!(t.bins.len(), 3);
        assert_eq!(
            t.bins.iter().map(|b| b.mentions).collect::<Vec<_>>(),
            [3, 0, 2]
        );

        let days: BTreeMap<i32, usize> = [(day("2021-03-04"), 3), (day("2021-09-30"), 2)].into();
        let t = Timeline::of(&days).expect("dated");
        assert_eq!(t.unit, BinUnit::Week);
        // 2021-03-04 is a Thursday: its week starts on Monday 1 March.
        assert_eq!(t.bins[0].start, day("2021-03-01"));
        assert_eq!(t.unit.label(t.bins[0].start), "week of 2021-03-01");
        assert_eq!(t.bins.iter().map(|b| b.mentions).sum::<usize>(), 5);

        let days: BTreeMap<i32, usize> = [
            (day("2019-12-31"), 1),
            (day("2021-02-28"), 1),
            (day("2022-01-15"), 4),
        ]
        .into();
        let t = Timeline::of(&days).expect("dated");
        assert_eq!(t.unit, BinUnit::Month);
        assert_eq!(t.bins[0].start, day("2019-12-01"));
        assert_eq!(t.bins[1].start, day("2020-01-01"));
        assert_eq!(t.bins.len(), 26);
        assert_eq!(t.peak(), 4);
        assert_eq!(t.unit.label(t.bins[2].start), "February 2020");
        assert_eq!(t.span().1, day("2022-02-01"));
        assert!(Timeline::of(&BTreeMap::new()).is_none());
    }

    #[test]
    fn a_span_of_centuries_is_cut_not_drawn_bar_by_bar() {
        let days: BTreeMap<i32, usize> = [(day("1850-01-01"), 1), (day("2021-01-01"), 1)].into();
        let t = Timeline::of(&days).expect("dated");
        assert_eq!(t.bins.len(), MAX_BINS);
        assert_eq!(t.bins.iter().map(|b| b.mentions).sum::<usize>(), 1);
    }
}

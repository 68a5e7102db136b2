//! The calendar: a month grid of weeks starting on Sunday, fixtures and matches placed on its
//! days, and the upcoming fixtures (DOMAIN.md §3.13).
//!
//! Which fixtures and matches a viewer may see is the query's job (§4.1, and
//! [`crate::fixture::can_view_fixture`]); these functions only place what they are given.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{DomainError, FixtureId, MatchId};

/// Fixtures in the calendar's `upcoming` list.
pub const UPCOMING_LIMIT: usize = 5;
/// Earliest year the calendar accepts.
pub const MIN_YEAR: i32 = 1;
/// Latest year the calendar accepts.
pub const MAX_YEAR: i32 = 9999;

/// A calendar month. [`YearMonth::new`] accepts years 1–9999 and months 1–12;
/// [`previous`](YearMonth::previous) and [`next`](YearMonth::next) may step one month past
/// those years (year 0 or 10000) for the navigation links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

/// One cell of the month grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridDay {
    /// The date.
    pub date: NaiveDate,
    /// False for the days of the previous or next month that fill the first and last week.
    pub in_month: bool,
}

/// A month as whole weeks, Sunday first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthGrid {
    /// The month shown.
    pub month: YearMonth,
    /// The month before (December of the previous year for January).
    pub previous: YearMonth,
    /// The month after (January of the next year for December).
    pub next: YearMonth,
    /// 4 to 6 weeks of 7 days, Sunday to Saturday.
    pub weeks: Vec<[GridDay; 7]>,
}

/// A fixture as the calendar needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFixture {
    /// The fixture.
    pub id: FixtureId,
    /// Its day.
    pub scheduled_date: NaiveDate,
    /// Its time.
    pub scheduled_time: NaiveTime,
    /// The match it was converted into, if any.
    pub match_id: Option<MatchId>,
    /// That match is confirmed: the fixture is then hidden (the match shows instead).
    pub match_confirmed: bool,
}

/// A confirmed match as the calendar needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarMatch {
    /// The match.
    pub id: MatchId,
    /// When it was played; its UTC date is its day.
    pub played_at: DateTime<Utc>,
}

/// A day of the calendar with what happens on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// The date.
    pub date: NaiveDate,
    /// Part of the month shown (false for filler days).
    pub in_month: bool,
    /// Fixtures by time, then id; those whose match is confirmed are left out.
    pub fixtures: Vec<FixtureId>,
    /// Matches by `played_at`, then id.
    pub matches: Vec<MatchId>,
}

/// A month grid filled with fixtures and matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarMonth {
    /// The month shown.
    pub month: YearMonth,
    /// The month before.
    pub previous: YearMonth,
    /// The month after.
    pub next: YearMonth,
    /// Weeks of 7 days, Sunday first.
    pub weeks: Vec<Vec<CalendarDay>>,
}

impl YearMonth {
    /// Validates `year` (1–9999) and `month` (1–12); anything else is
    /// `invalid_query_parameter` naming the parameter, year first.
    pub fn new(year: i64, month: i64) -> Result<Self, DomainError> {
        let year = i32::try_from(year)
            .ok()
            .filter(|y| (MIN_YEAR..=MAX_YEAR).contains(y))
            .ok_or(DomainError::InvalidQueryParameter { parameter: "year" })?;
        let month = u32::try_from(month)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or(DomainError::InvalidQueryParameter { parameter: "month" })?;
        Ok(Self { year, month })
    }

    /// Parses the `year` and `month` query parameters.
    pub fn parse(year: &str, month: &str) -> Result<Self, DomainError> {
        let year = year
            .parse()
            .map_err(|_| DomainError::InvalidQueryParameter { parameter: "year" })?;
        let month = month
            .parse()
            .map_err(|_| DomainError::InvalidQueryParameter { parameter: "month" })?;
        Self::new(year, month)
    }

    /// The month containing `date`.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    #[must_use]
    pub fn month(self) -> u32 {
        self.month
    }

    /// The month before, wrapping January to December of the previous year.
    #[must_use]
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                month: self.month - 1,
                ..self
            }
        }
    }

    /// The month after, wrapping December to January of the next year.
    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                month: self.month + 1,
                ..self
            }
        }
    }

    /// The 1st of the month.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        // Years stay within 0..=10000, far inside chrono's range.
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }
}

impl MonthGrid {
    /// The first cell (a Sunday, on or before the 1st).
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        self.weeks.first().map_or(NaiveDate::MIN, |w| w[0].date)
    }

    /// The last cell (a Saturday, on or after the month's last day).
    #[must_use]
    pub fn last_day(&self) -> NaiveDate {
        self.weeks.last().map_or(NaiveDate::MIN, |w| w[6].date)
    }
}

/// The grid of `month`: whole weeks from the Sunday on or before the 1st to the Saturday on
/// or after the last day; days of the neighbouring months fill the first and last week and are
/// flagged `in_month: false`.
#[must_use]
pub fn month_grid(month: YearMonth) -> MonthGrid {
    let (first, last) = (month.first_day(), month.last_day());
    let lead = u64::from(first.weekday().num_days_from_sunday());
    let trail = 6 - u64::from(last.weekday().num_days_from_sunday());
    let start = first.checked_sub_days(Days::new(lead)).unwrap_or(first);
    let end = last.checked_add_days(Days::new(trail)).unwrap_or(last);
    let mut weeks = Vec::with_capacity(6);
    let mut sunday = start;
    while sunday <= end {
        weeks.push(std::array::from_fn(|i| {
            let date = sunday
                .checked_add_days(Days::new(i as u64))
                .unwrap_or(sunday);
            GridDay {
                date,
                in_month: YearMonth::of(date) == month,
            }
        }));
        match sunday.checked_add_days(Days::new(7)) {
            Some(next) => sunday = next,
            None => break,
        }
    }
    MonthGrid {
        month,
        previous: month.previous(),
        next: month.next(),
        weeks,
    }
}

/// Places fixtures and matches on the grid's days (filler days included, so query the range
/// [`MonthGrid::first_day`] … [`MonthGrid::last_day`]). A fixture whose match is confirmed is
/// hidden; items outside the grid are ignored.
#[must_use]
pub fn place_on_calendar(
    grid: &MonthGrid,
    fixtures: &[CalendarFixture],
    matches: &[CalendarMatch],
) -> CalendarMonth {
    let mut shown: Vec<&CalendarFixture> = fixtures.iter().filter(|f| !f.match_confirmed).collect();
    shown.sort_by_key(|f| (f.scheduled_date, f.scheduled_time, f.id));
    let mut played: Vec<&CalendarMatch> = matches.iter().collect();
    played.sort_by_key(|m| (m.played_at, m.id));
    let weeks = grid
        .weeks
        .iter()
        .map(|week| {
            week.iter()
                .map(|day| CalendarDay {
                    date: day.date,
                    in_month: day.in_month,
                    fixtures: shown
                        .iter()
                        .filter(|f| f.scheduled_date == day.date)
                        .map(|f| f.id)
                        .collect(),
                    matches: played
                        .iter()
                        .filter(|m| m.played_at.date_naive() == day.date)
                        .map(|m| m.id)
                        .collect(),
                })
                .collect()
        })
        .collect();
    CalendarMonth {
        month: grid.month,
        previous: grid.previous,
        next: grid.next,
        weeks,
    }
}

/// The next `limit` unconverted fixtures dated today or later, by date, time, id
/// ([`UPCOMING_LIMIT`] for the calendar; the dashboard uses 3).
#[must_use]
pub fn upcoming(fixtures: &[CalendarFixture], today: NaiveDate, limit: usize) -> Vec<FixtureId> {
    let mut next: Vec<&CalendarFixture> = fixtures
        .iter()
        .filter(|f| f.match_id.is_none() && f.scheduled_date >= today)
        .collect();
    next.sort_by_key(|f| (f.scheduled_date, f.scheduled_time, f.id));
    next.into_iter().take(limit).map(|f| f.id).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;

    fn ym(year: i64, month: i64) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn time(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn months_outside_one_to_twelve_and_odd_years_are_refused() {
        let bad = |parameter| Err(DomainError::InvalidQueryParameter { parameter });
        assert_eq!(YearMonth::new(2026, 0), bad("month"));
        assert_eq!(YearMonth::new(2026, 13), bad("month"));
        assert_eq!(YearMonth::new(0, 5), bad("year"));
        assert_eq!(YearMonth::new(10_000, 5), bad("year"));
        assert_eq!(YearMonth::new(i64::MAX, 13), bad("year"));
        assert_eq!(YearMonth::parse("2026", "may"), bad("month"));
        assert_eq!(YearMonth::parse("twenty", "5"), bad("year"));
        assert_eq!(YearMonth::parse("2026", "12"), Ok(ym(2026, 12)));
    }

    #[test]
    fn previous_and_next_wrap_across_years() {
        assert_eq!(ym(2026, 1).previous(), ym(2025, 12));
        assert_eq!(ym(2025, 12).next(), ym(2026, 1));
        assert_eq!(ym(2026, 6).previous(), ym(2026, 5));
        assert_eq!(ym(2026, 6).next(), ym(2026, 7));
        let grid = month_grid(ym(2026, 1));
        assert_eq!((grid.previous, grid.next), (ym(2025, 12), ym(2026, 2)));
    }

    #[test]
    fn weeks_start_on_sunday_and_filler_days_are_flagged() {
        // March 2026: the 1st is a Sunday, the 31st a Tuesday.
        let grid = month_grid(ym(2026, 3));
        assert_eq!(grid.weeks.len(), 5);
        assert_eq!(grid.first_day(), day("2026-03-01"));
        assert_eq!(grid.last_day(), day("2026-04-04"));
        assert!(grid.weeks[4][2].in_month);
        assert!(!grid.weeks[4][3].in_month);
        // May 2026: the 1st is a Friday → 5 filler days of April.
        let may = month_grid(ym(2026, 5));
        assert_eq!(may.first_day(), day("2026-04-26"));
        assert_eq!(may.weeks.len(), 6);
        assert_eq!(may.weeks[0].iter().filter(|d| !d.in_month).count(), 5);
        for week in &may.weeks {
            assert_eq!(week[0].date.weekday(), Weekday::Sun);
            assert_eq!(week[6].date.weekday(), Weekday::Sat);
        }
        let days: Vec<NaiveDate> = may.weeks.iter().flatten().map(|d| d.date).collect();
        assert!(days.windows(2).all(|w| w[0].succ_opt() == Some(w[1])));
        assert_eq!(
            may.weeks.iter().flatten().filter(|d| d.in_month).count(),
            31
        );
    }

    #[test]
    fn february_of_a_leap_year_has_twenty_nine_days() {
        let grid = month_grid(ym(2028, 2));
        assert_eq!(
            grid.weeks.iter().flatten().filter(|d| d.in_month).count(),
            29
        );
        // February 2026 starts on a Sunday and ends on a Saturday: exactly 4 weeks.
        assert_eq!(month_grid(ym(2026, 2)).weeks.len(), 4);
    }

    #[test]
    fn the_edge_years_still_give_a_grid() {
        assert_eq!(month_grid(ym(1, 1)).previous.year(), 0);
        assert_eq!(month_grid(ym(9999, 12)).next.year(), 10_000);
        assert_eq!(
            month_grid(ym(9999, 12)).last_day(),
            NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()
        );
    }

    fn fixture(id: i64, date: &str, hour: u32) -> CalendarFixture {
        CalendarFixture {
            id: FixtureId(id),
            scheduled_date: day(date),
            scheduled_time: time(hour),
            match_id: None,
            match_confirmed: false,
        }
    }

    #[test]
    fn fixtures_and_matches_land_on_their_days_and_confirmed_fixtures_hide() {
        let grid = month_grid(ym(2026, 3));
        let mut done = fixture(3, "2026-03-10", 18);
        done.match_id = Some(MatchId(30));
        done.match_confirmed = true;
        let mut pending = fixture(4, "2026-03-10", 9);
        pending.match_id = Some(MatchId(40));
        let fixtures = [
            fixture(2, "2026-03-10", 18),
            fixture(1, "2026-03-10", 18),
            done,
            pending,
            fixture(5, "2026-04-02", 18),
            fixture(6, "2026-05-01", 18),
        ];
        let matches = [
            CalendarMatch {
                id: MatchId(30),
                played_at: "2026-03-10T19:30:00Z".parse().unwrap(),
            },
            CalendarMatch {
                id: MatchId(8),
                played_at: "2026-03-10T08:00:00Z".parse().unwrap(),
            },
        ];
        let month = place_on_calendar(&grid, &fixtures, &matches);
        let find = |d: &str| {
            month
                .weeks
                .iter()
                .flatten()
                .find(|c| c.date == day(d))
                .unwrap()
                .clone()
        };
        let tenth = find("2026-03-10");
        assert_eq!(
            tenth.fixtures,
            vec![FixtureId(4), FixtureId(1), FixtureId(2)]
        );
        assert_eq!(tenth.matches, vec![MatchId(8), MatchId(30)]);
        let filler = find("2026-04-02");
        assert!(!filler.in_month);
        assert_eq!(filler.fixtures, vec![FixtureId(5)]);
        assert!(
            month
                .weeks
                .iter()
                .flatten()
                .all(|c| !c.fixtures.contains(&FixtureId(6)))
        );
    }

    #[test]
    fn upcoming_lists_the_next_unconverted_fixtures_from_today() {
        let today = day("2026-03-10");
        let mut converted = fixture(1, "2026-03-10", 8);
        converted.match_id = Some(MatchId(1));
        let fixtures = [
            converted,
            fixture(2, "2026-03-09", 18),
            fixture(9, "2026-03-12", 18),
            fixture(8, "2026-03-12", 18),
            fixture(7, "2026-03-12", 9),
            fixture(6, "2026-03-10", 20),
            fixture(5, "2026-04-01", 18),
            fixture(4, "2026-05-01", 18),
        ];
        assert_eq!(
            upcoming(&fixtures, today, UPCOMING_LIMIT),
            vec![
                FixtureId(6),
                FixtureId(7),
                FixtureId(8),
                FixtureId(9),
                FixtureId(5)
            ]
        );
        assert_eq!(
            upcoming(&fixtures, today, 3),
            vec![FixtureId(6), FixtureId(7), FixtureId(8)]
        );
    }
}

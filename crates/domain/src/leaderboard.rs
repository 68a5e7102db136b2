//! The leaderboard (DOMAIN.md §3.8), its filter, movement and the rank badge (§3.12).
//!
//! Two entry points produce the same [`Leaderboard`]: [`leaderboard`] from confirmed matches
//! (any filter) and [`default_leaderboard`] from the per-player aggregate columns, which is
//! what serves the default board (all kinds, all time) without reading matches.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::elo::INITIAL_RATING;
use crate::math::win_rate;
use crate::player::PlayerName;
use crate::record::MatchRecord;
use crate::{DomainError, MatchId, MatchKind, PlayerId};

/// Which matches count: all, singles only or doubles only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindFilter {
    /// Singles and doubles.
    #[default]
    All,
    /// Singles only.
    Singles,
    /// Doubles only.
    Doubles,
}

impl KindFilter {
    /// The query-string spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Singles => "singles",
            Self::Doubles => "doubles",
        }
    }

    /// Whether a match of `kind` passes.
    #[must_use]
    pub fn includes(self, kind: MatchKind) -> bool {
        match self {
            Self::All => true,
            Self::Singles => kind == MatchKind::Singles,
            Self::Doubles => kind == MatchKind::Doubles,
        }
    }

    fn parse(value: &str) -> Result<Self, DomainError> {
        match value {
            "all" => Ok(Self::All),
            "singles" => Ok(Self::Singles),
            "doubles" => Ok(Self::Doubles),
            _ => Err(DomainError::InvalidQueryParameter { parameter: "kind" }),
        }
    }
}

/// Which matches count by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// All time.
    #[default]
    All,
    /// `played_at ≥ now − 30 × 24 h`.
    Last30Days,
    /// `played_at ≥ now − 90 × 24 h`.
    Last90Days,
    /// `played_at ≥ now − 180 × 24 h`.
    Last180Days,
    /// `played_at ≥ now − 365 × 24 h`.
    Last365Days,
    /// From `from` 00:00:00 to `to` 23:59:59.999 UTC, both inclusive; `from ≤ to`.
    Custom {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
}

/// The instants a period spans, both ends inclusive; `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PeriodWindow {
    /// Earliest `played_at` that counts.
    pub start: Option<DateTime<Utc>>,
    /// Latest `played_at` that counts.
    pub end: Option<DateTime<Utc>>,
}

impl PeriodWindow {
    /// Whether `played_at` falls inside.
    #[must_use]
    pub fn contains(&self, played_at: DateTime<Utc>) -> bool {
        self.start.is_none_or(|s| played_at >= s) && self.end.is_none_or(|e| played_at <= e)
    }
}

impl Period {
    /// The query-string spelling of `period`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Last30Days => "30d",
            Self::Last90Days => "90d",
            Self::Last180Days => "180d",
            Self::Last365Days => "365d",
            Self::Custom { .. } => "custom",
        }
    }

    /// N of "the last N days", for the rolling periods.
    #[must_use]
    pub fn days(&self) -> Option<i64> {
        match self {
            Self::Last30Days => Some(30),
            Self::Last90Days => Some(90),
            Self::Last180Days => Some(180),
            Self::Last365Days => Some(365),
            Self::All | Self::Custom { .. } => None,
        }
    }

    /// The instants this period spans at `now`. Persistence can use the same bounds in SQL.
    #[must_use]
    pub fn window(&self, now: DateTime<Utc>) -> PeriodWindow {
        match *self {
            Self::All => PeriodWindow {
                start: None,
                end: None,
            },
            Self::Custom { from, to } => PeriodWindow {
                start: Some(from.and_time(NaiveTime::MIN).and_utc()),
                // 23:59:59.999 of `to`, as §3.8 states it.
                end: Some(
                    to.and_time(NaiveTime::MIN)
                        .and_utc()
                        .checked_add_signed(TimeDelta::days(1) - TimeDelta::milliseconds(1))
                        .unwrap_or(DateTime::<Utc>::MAX_UTC),
                ),
            },
            Self::Last30Days | Self::Last90Days | Self::Last180Days | Self::Last365Days => {
                let days = self.days().unwrap_or(0);
                PeriodWindow {
                    start: Some(now - TimeDelta::hours(24 * days)),
                    end: None,
                }
            }
        }
    }

    /// Parses a period name; `custom` yields `None` (its dates are checked separately).
    fn parse_name(value: &str) -> Result<Option<Self>, DomainError> {
        Ok(Some(match value {
            "all" => Self::All,
            "30d" => Self::Last30Days,
            "90d" => Self::Last90Days,
            "180d" => Self::Last180Days,
            "365d" => Self::Last365Days,
            "custom" => return Ok(None),
            _ => {
                return Err(DomainError::InvalidQueryParameter {
                    parameter: "period",
                });
            }
        }))
    }
}

/// The raw query-string values of a leaderboard request; `None` (or an empty string) means the
/// parameter was not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeaderboardQuery<'a> {
    /// `kind`: all | singles | doubles (default all).
    pub kind: Option<&'a str>,
    /// `period`: all | 30d | 90d | 180d | 365d | custom (default all).
    pub period: Option<&'a str>,
    /// `from`: YYYY-MM-DD, for the custom period.
    pub from: Option<&'a str>,
    /// `to`: YYYY-MM-DD, for the custom period.
    pub to: Option<&'a str>,
    /// `limit`: a non-negative integer (default 10, 0 = no limit).
    pub limit: Option<&'a str>,
}

/// A validated leaderboard filter. Two requests that mean the same board have equal filters,
/// so the filter (through [`fmt::Display`]) is a sound cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeaderboardFilter {
    /// Kind of match.
    pub kind: KindFilter,
    /// Date range.
    pub period: Period,
    /// Rows returned; 0 = all.
    pub limit: u32,
}

impl Default for LeaderboardFilter {
    fn default() -> Self {
        Self {
            kind: KindFilter::All,
            period: Period::All,
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

impl LeaderboardFilter {
    /// The limit when none is given.
    pub const DEFAULT_LIMIT: u32 = 10;

    /// Validates the query parameters (§3.8, §6).
    ///
    /// * A value outside its set, a date that is not `YYYY-MM-DD`, or a limit that is not a
    ///   non-negative integer is `invalid_query_parameter` naming the parameter (checked in the
    ///   order kind, period, from, to, limit).
    /// * `period=custom` without both dates, or with from > to, is `invalid_date_range`.
    /// * An empty value counts as absent (forms send `from=&to=`).
    /// * Dates sent with a period other than custom are still checked for format (a malformed
    ///   value is a bad request whatever the period) but otherwise **ignored** and dropped from
    ///   the filter: a form switching from custom back to "30d" keeps sending its old dates,
    ///   and the board is the same with or without them, so they must not split the cache key.
    pub fn from_query(query: LeaderboardQuery<'_>) -> Result<Self, DomainError> {
        let kind = given(query.kind)
            .map(KindFilter::parse)
            .transpose()?
            .unwrap_or_default();
        let period = given(query.period).map(Period::parse_name).transpose()?;
        let from = given(query.from)
            .map(|s| parse_date(s, "from"))
            .transpose()?;
        let to = given(query.to).map(|s| parse_date(s, "to")).transpose()?;
        let limit = given(query.limit)
            .map(parse_limit)
            .transpose()?
            .unwrap_or(Self::DEFAULT_LIMIT);
        let period = match period {
            None => Period::All,
            Some(Some(rolling)) => rolling,
            Some(None) => match (from, to) {
                (Some(from), Some(to)) if from <= to => Period::Custom { from, to },
                _ => return Err(DomainError::InvalidDateRange),
            },
        };
        Ok(Self {
            kind,
            period,
            limit,
        })
    }

    /// Whether this is the default board (all kinds, all time, any limit), which
    /// [`default_leaderboard`] computes from player aggregates.
    #[must_use]
    pub fn is_default_board(&self) -> bool {
        self.kind == KindFilter::All && self.period == Period::All
    }

    /// Whether a match counts for this filter at `now`.
    #[must_use]
    pub fn includes(&self, record: &MatchRecord, now: DateTime<Utc>) -> bool {
        self.kind.includes(record.kind) && self.period.window(now).contains(record.played_at)
    }
}

/// The canonical query string, e.g. `kind=all&period=custom&from=2024-01-01&to=2024-01-31&limit=10`.
impl fmt::Display for LeaderboardFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "kind={}&period={}",
            self.kind.as_str(),
            self.period.as_str()
        )?;
        if let Period::Custom { from, to } = self.period {
            write!(
                f,
                "&from={}&to={}",
                from.format("%Y-%m-%d"),
                to.format("%Y-%m-%d")
            )?;
        }
        write!(f, "&limit={}", self.limit)
    }
}

/// A player as the leaderboard shows them: name and current overall ratings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderboardPlayer {
    /// Who.
    pub player: PlayerName,
    /// Current rating.
    pub rating: i32,
    /// Highest rating reached.
    pub peak_rating: i32,
}

/// One applied rating change (an `elo_history` row): feeds movement and history rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppliedChange {
    /// The rated match.
    pub match_id: MatchId,
    /// The player whose rating changed.
    pub player: PlayerId,
    /// When it was applied (the match's `confirmed_at`).
    pub applied_at: DateTime<Utc>,
    /// Signed change.
    pub change: i32,
}

/// A player's aggregate columns (DOMAIN.md §2 `players`), the only input of the default board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerAggregate {
    /// Who.
    pub player: PlayerName,
    /// Current rating.
    pub rating: i32,
    /// Highest rating reached.
    pub peak_rating: i32,
    /// Confirmed matches played.
    pub confirmed_matches: u32,
    /// Confirmed matches won (losses are `confirmed_matches − wins`).
    pub wins: u32,
    /// Games won in confirmed matches.
    pub games_won: u32,
    /// Games lost in confirmed matches; `games_won + games_lost` is every game of those
    /// matches, both sides — the board's `games` column.
    pub games_lost: u32,
}

/// One leaderboard row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// 1-based position after sorting, before the limit.
    pub rank: u32,
    /// Who.
    pub player: PlayerName,
    /// Current overall rating (not per period).
    pub rating: i32,
    /// Current overall peak rating.
    pub peak_rating: i32,
    /// Matches in the data set.
    pub matches: u32,
    /// Every game of those matches, both sides.
    pub games: u32,
    /// Matches won.
    pub wins: u32,
    /// matches − wins.
    pub losses: u32,
    /// 100 × wins / matches.
    pub win_rate: f64,
    /// Rating change over the last 7 × 24 h, whatever the filter.
    pub movement_7d: i32,
}

/// The returned row that moved most in the last 7 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BiggestMover {
    /// Who.
    pub player: PlayerName,
    /// Their movement (≠ 0).
    pub movement_7d: i32,
}

/// An ISO 8601 week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IsoWeek {
    /// The ISO week-numbering year (may differ from the calendar year around New Year).
    pub year: i32,
    /// 1–53.
    pub week: u32,
}

impl IsoWeek {
    /// The ISO week of the UTC date of `now`.
    #[must_use]
    pub fn of(now: DateTime<Utc>) -> Self {
        let week = now.date_naive().iso_week();
        Self {
            year: week.year(),
            week: week.week(),
        }
    }
}

/// Why a board has no rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyReason {
    /// The club has no confirmed match at all.
    NoMatches,
    /// There are confirmed matches, but the filters exclude them all.
    NoResults,
}

/// A computed leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// The rows, at most `limit` (all when the limit is 0).
    pub items: Vec<LeaderboardRow>,
    /// Ranked rows before the limit.
    pub total: u32,
    /// Largest `|movement_7d|` among `items`; absent when nobody moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biggest_mover: Option<BiggestMover>,
    /// The ISO week of today.
    pub iso_week: IsoWeek,
    /// Set exactly when `items` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_reason: Option<EmptyReason>,
}

/// The leaderboard of `filter` over the club's confirmed matches.
///
/// * `players`: at least every player appearing in `matches` (others are ignored; a
///   participant missing from it gets no row).
/// * `matches`: **all** confirmed matches of the club, in any order; the function applies the
///   filter itself. All of them are needed to tell `no_matches` from `no_results`. Unfinished
///   records are ignored.
/// * `changes`: applied rating changes, at least those of the last 7 × 24 h.
#[must_use]
pub fn leaderboard(
    filter: &LeaderboardFilter,
    players: &[LeaderboardPlayer],
    matches: &[MatchRecord],
    changes: &[AppliedChange],
    now: DateTime<Utc>,
) -> Leaderboard {
    leaderboard_moved(filter, players, matches, &movements_7d(changes, now), now)
}

/// [`leaderboard`] with each player's `movement_7d` given (absent = 0), as
/// [`movement_from_rating`] computes it from one history row per player.
#[must_use]
pub fn leaderboard_moved<S: BuildHasher>(
    filter: &LeaderboardFilter,
    players: &[LeaderboardPlayer],
    matches: &[MatchRecord],
    movement: &HashMap<PlayerId, i32, S>,
    now: DateTime<Utc>,
) -> Leaderboard {
    #[derive(Default)]
    struct Tally {
        matches: u32,
        wins: u32,
        games: u32,
    }

    let window = filter.period.window(now);
    let mut any_complete = false;
    let mut tallies: HashMap<PlayerId, Tally> = HashMap::new();
    for m in matches {
        let score = m.tally();
        let Some(winner) = score.winner else { continue };
        any_complete = true;
        if !filter.kind.includes(m.kind) || !window.contains(m.played_at) {
            continue;
        }
        let games = u32::from(score.side1_games) + u32::from(score.side2_games);
        for side in [winner, winner.other()] {
            for player in m.players(side) {
                let t = tallies.entry(*player).or_default();
                t.matches += 1;
                t.games += games;
                t.wins += u32::from(side == winner);
            }
        }
    }
    let rows = players
        .iter()
        .filter_map(|p| {
            let t = tallies.get(&p.player.id)?;
            Some(unranked_row(
                p.player.clone(),
                p.rating,
                p.peak_rating,
                t.matches,
                t.wins,
                t.games,
            ))
        })
        .collect();
    let empty_reason = if any_complete {
        EmptyReason::NoResults
    } else {
        EmptyReason::NoMatches
    };
    finish(rows, filter.limit, empty_reason, movement, now)
}

/// The default board (all kinds, all time) from the players' aggregate columns alone; equal
/// to [`leaderboard`] with the default filter on the matches those aggregates count.
///
/// Players with no confirmed match get no row. An empty board means the club has no confirmed
/// match (`no_matches`): this filter excludes nothing.
#[must_use]
pub fn default_leaderboard(
    limit: u32,
    aggregates: &[PlayerAggregate],
    changes: &[AppliedChange],
    now: DateTime<Utc>,
) -> Leaderboard {
    default_leaderboard_moved(limit, aggregates, &movements_7d(changes, now), now)
}

/// [`default_leaderboard`] with each player's `movement_7d` given (absent = 0).
#[must_use]
pub fn default_leaderboard_moved<S: BuildHasher>(
    limit: u32,
    aggregates: &[PlayerAggregate],
    movement: &HashMap<PlayerId, i32, S>,
    now: DateTime<Utc>,
) -> Leaderboard {
    let rows = aggregates
        .iter()
        .filter(|a| a.confirmed_matches > 0)
        .map(|a| {
            unranked_row(
                a.player.clone(),
                a.rating,
                a.peak_rating,
                a.confirmed_matches,
                a.wins,
                a.games_won + a.games_lost,
            )
        })
        .collect();
    finish(rows, limit, EmptyReason::NoMatches, movement, now)
}

/// Sum of each player's rating changes applied at or after now − 7 × 24 h.
#[must_use]
pub fn movements_7d(changes: &[AppliedChange], now: DateTime<Utc>) -> HashMap<PlayerId, i32> {
    let since = movement_since(now);
    let mut movement = HashMap::new();
    for c in changes.iter().filter(|c| c.applied_at >= since) {
        *movement.entry(c.player).or_insert(0) += c.change;
    }
    movement
}

/// The start of the movement window: 7 × 24 h before `now`; a change applied at or after it
/// counts.
#[must_use]
pub fn movement_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - TimeDelta::hours(7 * 24)
}

/// `movement_7d` of a player whose rating is `rating`, from `rating_before`: the
/// [`applied_ratings`] value of their last history row applied before [`movement_since`]
/// (`None` without such a row: the initial 1500). Equal to the sum of the changes applied
/// since (what [`movements_7d`] adds up) whenever `rating` is 1500 plus all the player's
/// changes, whatever order the rows were replayed in.
#[must_use]
pub fn movement_from_rating(rating: i32, rating_before: Option<i32>) -> i32 {
    rating - rating_before.unwrap_or(INITIAL_RATING)
}

/// For each change (any order), the player's rating once every change of theirs applied up
/// to it is counted, in `applied_at` order with ties in the given order (history rows are
/// given in id order): 1500 plus those changes. It equals the row's `new_rating` as long as
/// rows are applied in id order (normal operation); after a recalculation, which replays in
/// play order but keeps `applied_at`, it may not. Stored as `elo_history.applied_rating`.
#[must_use]
pub fn applied_ratings(changes: &[AppliedChange]) -> Vec<i32> {
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by_key(|&i| (changes[i].player, changes[i].applied_at, i));
    let mut result = vec![INITIAL_RATING; changes.len()];
    let mut running: Option<(PlayerId, i32)> = None;
    for i in order {
        let c = &changes[i];
        let before = match running {
            Some((p, r)) if p == c.player => r,
            _ => INITIAL_RATING,
        };
        let after = before + c.change;
        result[i] = after;
        running = Some((c.player, after));
    }
    result
}

/// The rank badge (§3.12): 1 + the number of players with a strictly higher rating.
#[must_use]
pub fn badge_rank(own_rating: i32, all_ratings: impl IntoIterator<Item = i32>) -> u32 {
    1 + all_ratings.into_iter().filter(|&r| r > own_rating).count() as u32
}

/// The board's order: rating desc, wins desc, `win_rate` desc, name asc, id asc. Win rates
/// compare exactly (as fractions), not as rounded doubles.
#[must_use]
pub fn board_order(a: &LeaderboardRow, b: &LeaderboardRow) -> Ordering {
    b.rating
        .cmp(&a.rating)
        .then(b.wins.cmp(&a.wins))
        .then_with(|| {
            // b.wins / b.matches vs a.wins / a.matches, descending; every row has matches ≥ 1.
            (u64::from(b.wins) * u64::from(a.matches))
                .cmp(&(u64::from(a.wins) * u64::from(b.matches)))
        })
        .then_with(|| a.player.name.cmp(&b.player.name))
        .then(a.player.id.cmp(&b.player.id))
}

fn unranked_row(
    player: PlayerName,
    rating: i32,
    peak_rating: i32,
    matches: u32,
    wins: u32,
    games: u32,
) -> LeaderboardRow {
    LeaderboardRow {
        rank: 0,
        player,
        rating,
        peak_rating,
        matches,
        games,
        wins,
        losses: matches - wins,
        win_rate: win_rate(wins, matches),
        movement_7d: 0,
    }
}

fn finish<S: BuildHasher>(
    mut rows: Vec<LeaderboardRow>,
    limit: u32,
    empty_reason: EmptyReason,
    movement: &HashMap<PlayerId, i32, S>,
    now: DateTime<Utc>,
) -> Leaderboard {
    rows.sort_by(board_order);
    let total = rows.len() as u32;
    if limit > 0 {
        rows.truncate(limit as usize);
    }
    let mut biggest: Option<(u32, usize)> = None;
    for (index, row) in rows.iter_mut().enumerate() {
        row.rank = index as u32 + 1;
        row.movement_7d = movement.get(&row.player.id).copied().unwrap_or(0);
        let size = row.movement_7d.unsigned_abs();
        if size > 0 && biggest.is_none_or(|(best, _)| size > best) {
            biggest = Some((size, index));
        }
    }
    Leaderboard {
        biggest_mover: biggest.map(|(_, i)| BiggestMover {
            player: rows[i].player.clone(),
            movement_7d: rows[i].movement_7d,
        }),
        empty_reason: rows.is_empty().then_some(empty_reason),
        items: rows,
        total,
        iso_week: IsoWeek::of(now),
    }
}

/// A query value, with an empty string counting as absent.
fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|s| !s.is_empty())
}

fn parse_date(value: &str, parameter: &'static str) -> Result<NaiveDate, DomainError> {
    let bad = DomainError::InvalidQueryParameter { parameter };
    // chrono alone would accept "2024-1-5" or "+2024-01-05"; the contract is YYYY-MM-DD.
    let shape_ok = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(bad);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad)
}

fn parse_limit(value: &str) -> Result<u32, DomainError> {
    let bad = DomainError::InvalidQueryParameter { parameter: "limit" };
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad); // refuses "+5", "-1", " 5"
    }
    value.parse().map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use proptest::prelude::*;

    use super::*;
    use crate::test_matches::{self, at_hours, best_of};

    fn name(id: i64, name: &str) -> PlayerName {
        PlayerName::new(PlayerId(id), name, "")
    }

    fn lp(id: i64, n: &str, rating: i32) -> LeaderboardPlayer {
        LeaderboardPlayer {
            player: name(id, n),
            rating,
            peak_rating: rating.max(1500),
        }
    }

    /// A best-of-3 match whose games follow `pattern` ('1' = side 1 wins the game).
    fn record(id: i64, hours: i64, side1: &[i64], side2: &[i64], pattern: &str) -> MatchRecord {
        let scores: Vec<(i64, i64)> = pattern
            .chars()
            .map(|c| if c == '1' { (11, 6) } else { (6, 11) })
            .collect();
        MatchRecord {
            best_of: best_of(3),
            ..test_matches::record(id, side1, side2, &scores, 60 * hours)
        }
    }

    fn query<'a>(pairs: &[(&str, &'a str)]) -> LeaderboardQuery<'a> {
        let mut q = LeaderboardQuery::default();
        for &(k, v) in pairs {
            match k {
                "kind" => q.kind = Some(v),
                "period" => q.period = Some(v),
                "from" => q.from = Some(v),
                "to" => q.to = Some(v),
                "limit" => q.limit = Some(v),
                _ => unreachable!(),
            }
        }
        q
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<LeaderboardFilter, DomainError> {
        LeaderboardFilter::from_query(query(pairs))
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn no_parameters_give_the_default_board_of_ten() {
        let f = parse(&[]).unwrap();
        assert_eq!(f, LeaderboardFilter::default());
        assert_eq!(f.limit, 10);
        assert!(f.is_default_board());
        assert_eq!(f.to_string(), "kind=all&period=all&limit=10");
    }

    #[test]
    fn every_documented_value_parses() {
        for (k, want) in [
            ("all", KindFilter::All),
            ("singles", KindFilter::Singles),
            ("doubles", KindFilter::Doubles),
        ] {
            assert_eq!(parse(&[("kind", k)]).unwrap().kind, want);
        }
        for (p, days) in [("30d", 30), ("90d", 90), ("180d", 180), ("365d", 365)] {
            let f = parse(&[("period", p)]).unwrap();
            assert_eq!(f.period.days(), Some(days));
            assert_eq!(f.period.as_str(), p);
            assert!(!f.is_default_board());
        }
        assert_eq!(parse(&[("limit", "0")]).unwrap().limit, 0);
        assert_eq!(parse(&[("limit", "100")]).unwrap().limit, 100);
        let custom = parse(&[
            ("period", "custom"),
            ("from", "2024-01-01"),
            ("to", "2024-01-01"),
        ])
        .unwrap();
        assert_eq!(
            custom.period,
            Period::Custom {
                from: date("2024-01-01"),
                to: date("2024-01-01")
            }
        );
        assert_eq!(
            custom.to_string(),
            "kind=all&period=custom&from=2024-01-01&to=2024-01-01&limit=10"
        );
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let bad = |parameter| Err(DomainError::InvalidQueryParameter { parameter });
        assert_eq!(parse(&[("kind", "mixed")]), bad("kind"));
        assert_eq!(parse(&[("kind", "Singles")]), bad("kind"));
        assert_eq!(parse(&[("period", "7d")]), bad("period"));
        assert_eq!(parse(&[("limit", "-1")]), bad("limit"));
        assert_eq!(parse(&[("limit", "ten")]), bad("limit"));
        assert_eq!(parse(&[("limit", "+5")]), bad("limit"));
        assert_eq!(parse(&[("limit", "99999999999")]), bad("limit"));
        for d in [
            "2024-1-05",
            "2024-02-30",
            "20240105",
            "+2024-01-05",
            "2024-01-05T00:00",
        ] {
            assert_eq!(
                parse(&[("period", "custom"), ("from", d), ("to", "2024-03-01")]),
                bad("from"),
                "{d}"
            );
        }
        assert_eq!(
            parse(&[
                ("period", "custom"),
                ("from", "2024-03-01"),
                ("to", "tomorrow")
            ]),
            bad("to")
        );
        // A bad period is reported before a missing date.
        assert_eq!(parse(&[("period", "week"), ("to", "x")]), bad("period"));
        assert_eq!(parse(&[("kind", "x"), ("limit", "x")]), bad("kind"));
    }

    #[test]
    fn a_custom_period_needs_both_dates_in_order() {
        let range = Err(DomainError::InvalidDateRange);
        assert_eq!(parse(&[("period", "custom")]), range);
        assert_eq!(
            parse(&[("period", "custom"), ("from", "2024-01-01")]),
            range
        );
        assert_eq!(parse(&[("period", "custom"), ("to", "2024-01-01")]), range);
        assert_eq!(
            parse(&[("period", "custom"), ("from", "2024-01-01"), ("to", "")]),
            range
        );
        assert_eq!(
            parse(&[
                ("period", "custom"),
                ("from", "2024-01-02"),
                ("to", "2024-01-01")
            ]),
            range
        );
        assert_eq!(DomainError::InvalidDateRange.code(), "invalid_date_range");
    }

    #[test]
    fn dates_beside_another_period_are_checked_then_ignored() {
        let f = parse(&[
            ("period", "30d"),
            ("from", "2024-05-01"),
            ("to", "2024-01-01"),
        ])
        .unwrap();
        assert_eq!(f, parse(&[("period", "30d")]).unwrap());
        assert_eq!(f.to_string(), "kind=all&period=30d&limit=10");
        assert_eq!(
            parse(&[("from", "2024-01-01"), ("to", "2024-02-01")]).unwrap(),
            LeaderboardFilter::default()
        );
        assert_eq!(
            parse(&[("period", "all"), ("from", "junk")]),
            Err(DomainError::InvalidQueryParameter { parameter: "from" })
        );
    }

    #[test]
    fn empty_values_count_as_absent() {
        let f = parse(&[
            ("kind", ""),
            ("period", ""),
            ("from", ""),
            ("to", ""),
            ("limit", ""),
        ]);
        assert_eq!(f, Ok(LeaderboardFilter::default()));
    }

    #[test]
    fn rolling_periods_reach_back_n_times_24_hours() {
        let now = at_hours(1000);
        let w = Period::Last30Days.window(now);
        assert!(w.contains(now - Duration::hours(30 * 24)));
        assert!(!w.contains(now - Duration::hours(30 * 24) - Duration::milliseconds(1)));
        assert!(w.contains(now + Duration::minutes(5)));
        assert!(Period::All.window(now).contains(at_hours(-100_000)));
    }

    #[test]
    fn a_custom_period_spans_whole_days_inclusive() {
        let p = Period::Custom {
            from: date("2024-03-01"),
            to: date("2024-03-02"),
        };
        let w = p.window(at_hours(0));
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(w.contains(t("2024-03-01T00:00:00Z")));
        assert!(w.contains(t("2024-03-02T23:59:59.999Z")));
        assert!(!w.contains(t("2024-02-29T23:59:59.999Z")));
        assert!(!w.contains(t("2024-03-03T00:00:00Z")));
    }

    fn club() -> (Vec<LeaderboardPlayer>, Vec<MatchRecord>) {
        let players = vec![
            lp(1, "Ann", 1550),
            lp(2, "Ben", 1480),
            lp(3, "Cat", 1520),
            lp(4, "Dan", 1450),
            lp(5, "Eve", 1500), // never played
        ];
        let matches = vec![
            record(1, -24 * 100, &[1], &[2], "11"), // old singles: Ann beats Ben 2-0
            record(2, -24 * 10, &[3], &[1], "101"), // Cat beats Ann 2-1
            record(3, -24, &[1, 2], &[3, 4], "00"), // doubles: Cat & Dan win 2-0
            record(4, -2, &[2], &[4], "011"),       // Ben beats Dan 2-1
        ];
        (players, matches)
    }

    #[test]
    fn the_board_counts_matches_games_and_wins_per_player() {
        let (players, matches) = club();
        let now = at_hours(0);
        let board = leaderboard(&LeaderboardFilter::default(), &players, &matches, &[], now);
        let summary: Vec<_> = board
            .items
            .iter()
            .map(|r| (r.rank, r.player.id.0, r.matches, r.games, r.wins, r.losses))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, 1, 3, 7, 1, 2), // Ann 1550
                (2, 3, 2, 5, 2, 0), // Cat 1520
                (3, 2, 3, 7, 1, 2), // Ben 1480
                (4, 4, 2, 5, 1, 1), // Dan 1450
            ]
        );
        assert_eq!(board.total, 4);
        assert!((board.items[0].win_rate - 100.0 / 3.0).abs() < 1e-12);
        assert_eq!(board.empty_reason, None);
        assert_eq!(board.biggest_mover, None);
    }

    #[test]
    fn filters_restrict_the_data_set_but_not_ratings() {
        let (players, matches) = club();
        let now = at_hours(0);
        let f = |pairs: &[(&str, &str)]| parse(pairs).unwrap();

        let singles = leaderboard(&f(&[("kind", "singles")]), &players, &matches, &[], now);
        let ann = &singles.items[0];
        assert_eq!(
            (ann.player.id.0, ann.matches, ann.wins, ann.rating),
            (1, 2, 1, 1550)
        );

        let doubles = leaderboard(&f(&[("kind", "doubles")]), &players, &matches, &[], now);
        assert_eq!(doubles.items.len(), 4);
        assert!(doubles.items.iter().all(|r| r.matches == 1 && r.games == 2));

        let recent = leaderboard(&f(&[("period", "30d")]), &players, &matches, &[], now);
        let ann = recent.items.iter().find(|r| r.player.id.0 == 1).unwrap();
        assert_eq!((ann.matches, ann.wins), (2, 0));

        let custom = f(&[
            ("period", "custom"),
            ("from", "2000-01-01"),
            ("to", "2000-12-31"),
        ]);
        let none = leaderboard(&custom, &players, &matches, &[], now);
        assert!(none.items.is_empty());
        assert_eq!(none.empty_reason, Some(EmptyReason::NoResults));
    }

    #[test]
    fn an_empty_club_has_no_matches_and_unfinished_matches_do_not_count() {
        let (players, _) = club();
        let unfinished = record(9, -1, &[1], &[2], "1");
        for matches in [vec![], vec![unfinished]] {
            let board = leaderboard(
                &LeaderboardFilter::default(),
                &players,
                &matches,
                &[],
                at_hours(0),
            );
            assert!(board.items.is_empty());
            assert_eq!(board.empty_reason, Some(EmptyReason::NoMatches));
        }
        let board = default_leaderboard(10, &[], &[], at_hours(0));
        assert_eq!(board.empty_reason, Some(EmptyReason::NoMatches));
    }

    #[test]
    fn ties_break_on_wins_then_win_rate_then_name_then_id() {
        let players = vec![
            lp(1, "Zoe", 1500),
            lp(2, "Amy", 1500),
            lp(3, "Amy", 1500),
            lp(4, "Bob", 1500),
            lp(5, "Cy", 1500),
            lp(6, "Di", 1500),
        ];
        let matches = vec![
            // Zoe: 2 wins of 2. Bob: 2 wins of 3. Amy (2), Amy (3): 0 wins of 1 each.
            record(1, -10, &[1], &[5], "11"),
            record(2, -9, &[1], &[6], "11"),
            record(3, -8, &[4], &[5], "11"),
            record(4, -7, &[4], &[6], "11"),
            record(5, -6, &[5], &[4], "11"),
            record(6, -5, &[5], &[3], "11"),
            record(7, -4, &[6], &[2], "11"),
        ];
        let board = leaderboard(
            &LeaderboardFilter {
                limit: 0,
                ..Default::default()
            },
            &players,
            &matches,
            &[],
            at_hours(0),
        );
        let order: Vec<i64> = board.items.iter().map(|r| r.player.id.0).collect();
        // Zoe and Bob: 2 wins; Zoe's rate is higher. Cy 2 wins of 4 → after Bob (2 of 3).
        // Di 1 of 3. Amy (2) before Amy (3) by id.
        assert_eq!(order, vec![1, 4, 5, 6, 2, 3]);
        assert_eq!(
            board.items.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6]
        );
    }

    #[test]
    fn the_limit_cuts_after_ranking_and_zero_means_all() {
        let (players, matches) = club();
        let board = |limit| {
            let filter = LeaderboardFilter {
                limit,
                ..Default::default()
            };
            leaderboard(&filter, &players, &matches, &[], at_hours(0))
        };
        let two = board(2);
        assert_eq!(two.items.len(), 2);
        assert_eq!(two.total, 4);
        let all = board(0);
        assert_eq!(all.items.len(), 4);
        assert_eq!(all.items[..2], two.items[..]);
    }

    #[test]
    fn movement_sums_the_last_seven_days_whatever_the_filter() {
        let (players, matches) = club();
        let now = at_hours(0);
        let change = |m, p, hours_ago: i64, change| AppliedChange {
            match_id: MatchId(m),
            player: PlayerId(p),
            applied_at: now - Duration::hours(hours_ago),
            change,
        };
        let changes = vec![
            change(1, 1, 24 * 100, 50), // too old
            change(3, 1, 24, -10),
            change(4, 1, 2, -6),
            change(3, 3, 7 * 24, 16), // exactly 7 × 24 h ago: counts
            change(4, 2, 2, 16),
        ];
        let singles = parse(&[("kind", "singles")]).unwrap();
        let board = leaderboard(&singles, &players, &matches, &changes, now);
        let movement: Vec<(i64, i32)> = board
            .items
            .iter()
            .map(|r| (r.player.id.0, r.movement_7d))
            .collect();
        assert_eq!(movement, vec![(1, -16), (3, 16), (2, 16), (4, 0)]);
        // |−16| ties with 16: the first in table order wins.
        let mover = board.biggest_mover.unwrap();
        assert_eq!((mover.player.id.0, mover.movement_7d), (1, -16));
    }

    #[test]
    fn the_biggest_mover_is_chosen_among_returned_rows_only() {
        let (players, matches) = club();
        let now = at_hours(0);
        let changes = vec![AppliedChange {
            match_id: MatchId(4),
            player: PlayerId(4),
            applied_at: now,
            change: -20,
        }];
        let f = |limit| LeaderboardFilter {
            limit,
            ..Default::default()
        };
        let top = leaderboard(&f(2), &players, &matches, &changes, now);
        assert_eq!(top.biggest_mover, None);
        let all = leaderboard(&f(0), &players, &matches, &changes, now);
        assert_eq!(all.biggest_mover.unwrap().player.id, PlayerId(4));
    }

    #[test]
    fn the_iso_week_is_that_of_today() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            IsoWeek::of(t("2024-12-30T12:00:00Z")),
            IsoWeek {
                year: 2025,
                week: 1
            }
        );
        assert_eq!(
            IsoWeek::of(t("2024-06-12T00:00:00Z")),
            IsoWeek {
                year: 2024,
                week: 24
            }
        );
    }

    #[test]
    fn the_rank_badge_counts_strictly_higher_ratings() {
        let ratings = [1600, 1550, 1550, 1500];
        assert_eq!(badge_rank(1600, ratings), 1);
        assert_eq!(badge_rank(1550, ratings), 2);
        assert_eq!(badge_rank(1500, ratings), 4);
        assert_eq!(badge_rank(1500, []), 1);
    }

    #[test]
    fn the_empty_board_serializes_without_absent_fields() {
        let board = default_leaderboard(10, &[], &[], at_hours(0));
        let json = serde_json::to_value(&board).unwrap();
        assert_eq!(json["empty_reason"], "no_matches");
        assert!(json.get("biggest_mover").is_none());
    }

    // --- aggregates vs matches ---

    /// What the write path keeps in the `players` aggregate columns, recomputed naively.
    fn aggregates(players: &[LeaderboardPlayer], matches: &[MatchRecord]) -> Vec<PlayerAggregate> {
        players
            .iter()
            .map(|p| {
                let mut a = PlayerAggregate {
                    player: p.player.clone(),
                    rating: p.rating,
                    peak_rating: p.peak_rating,
                    confirmed_matches: 0,
                    wins: 0,
                    games_won: 0,
                    games_lost: 0,
                };
                for m in matches {
                    let (Some(side), Some(won)) = (m.side_of(p.player.id), m.won_by(p.player.id))
                    else {
                        continue;
                    };
                    let t = m.tally();
                    a.confirmed_matches += 1;
                    a.wins += u32::from(won);
                    a.games_won += u32::from(t.games(side));
                    a.games_lost += u32::from(t.games(side.other()));
                }
                a
            })
            .collect()
    }

    #[test]
    fn the_default_board_from_aggregates_equals_the_board_from_matches() {
        let (players, matches) = club();
        let now = at_hours(0);
        let changes = vec![AppliedChange {
            match_id: MatchId(4),
            player: PlayerId(2),
            applied_at: now - Duration::hours(2),
            change: 16,
        }];
        for limit in [0, 1, 2, 10] {
            let f = LeaderboardFilter {
                limit,
                ..Default::default()
            };
            assert_eq!(
                default_leaderboard(limit, &aggregates(&players, &matches), &changes, now),
                leaderboard(&f, &players, &matches, &changes, now),
                "limit {limit}"
            );
        }
    }

    fn any_club()
    -> impl Strategy<Value = (Vec<LeaderboardPlayer>, Vec<MatchRecord>, Vec<AppliedChange>)> {
        let names = prop::sample::select(vec!["Ann", "Ben", "ann", "Émile", "Zed"]);
        let players = prop::collection::vec((names, 1490i32..1510), 4..9).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (n, r))| lp(i as i64 + 1, n, r))
                .collect::<Vec<_>>()
        });
        players.prop_flat_map(|players| {
            let n = players.len();
            let one_match = (
                any::<bool>(),                                           // doubles?
                Just((1..=n as i64).collect::<Vec<_>>()).prop_shuffle(), // distinct players
                prop::sample::select(vec![1i64, 3, 5, 7]),
                prop::collection::vec(any::<bool>(), 1..10), // game winners in order
                -2000i64..10,                                // hours from now
            );
            let matches = prop::collection::vec(one_match, 0..25).prop_map(|ms| {
                ms.into_iter()
                    .enumerate()
                    .map(|(i, (doubles, ids, n, wins, hours))| {
                        let best_of = best_of(n);
                        let (mut scores, needed, mut s1, mut s2) =
                            (vec![], best_of.games_needed(), 0, 0);
                        for w in wins {
                            if s1 == needed || s2 == needed {
                                break;
                            }
                            scores.push(if w { (11, 6) } else { (6, 11) });
                            if w { s1 += 1 } else { s2 += 1 }
                        }
                        let (side1, side2) = if doubles {
                            (vec![ids[0], ids[1]], vec![ids[2], ids[3]])
                        } else {
                            (vec![ids[0]], vec![ids[1]])
                        };
                        // Possibly unfinished: must be ignored everywhere.
                        let m =
                            test_matches::record(i as i64 + 1, &side1, &side2, &scores, 60 * hours);
                        MatchRecord { best_of, ..m }
                    })
                    .collect::<Vec<_>>()
            });
            let changes = prop::collection::vec((1..=n as i64, 0i64..400, -30i32..30), 0..15)
                .prop_map(|cs| {
                    cs.into_iter()
                        .enumerate()
                        .map(|(i, (p, hours_ago, change))| AppliedChange {
                            match_id: MatchId(i as i64 + 1),
                            player: PlayerId(p),
                            applied_at: at_hours(0) - Duration::hours(hours_ago),
                            change,
                        })
                        .collect::<Vec<_>>()
                });
            (Just(players), matches, changes)
        })
    }

    fn any_filter() -> impl Strategy<Value = LeaderboardFilter> {
        let kind = prop::sample::select(vec![
            KindFilter::All,
            KindFilter::Singles,
            KindFilter::Doubles,
        ]);
        let period = prop_oneof![
            Just(Period::All),
            Just(Period::Last30Days),
            Just(Period::Last90Days),
            Just(Period::Last180Days),
            Just(Period::Last365Days),
            (0u64..100, 0u64..30).prop_map(|(start, len)| {
                let from = at_hours(-2000).date_naive() + chrono::Days::new(start);
                Period::Custom {
                    from,
                    to: from + chrono::Days::new(len),
                }
            }),
        ];
        (kind, period, 0u32..12).prop_map(|(kind, period, limit)| LeaderboardFilter {
            kind,
            period,
            limit,
        })
    }

    proptest! {
        #[test]
        fn rows_are_sorted_ranked_and_consistent(
            (players, matches, changes) in any_club(),
            filter in any_filter(),
        ) {
            let now = at_hours(0);
            let board = leaderboard(&filter, &players, &matches, &changes, now);
            for (i, row) in board.items.iter().enumerate() {
                prop_assert_eq!(row.rank as usize, i + 1);
                prop_assert_eq!(row.wins + row.losses, row.matches);
                prop_assert!(row.matches >= 1);
                prop_assert!(row.games >= row.matches);
                prop_assert!((row.win_rate - 100.0 * f64::from(row.wins) / f64::from(row.matches)).abs() < 1e-9);
            }
            for pair in board.items.windows(2) {
                let (a, b) = (&pair[0], &pair[1]);
                prop_assert_eq!(board_order(a, b), Ordering::Less);
                prop_assert!(a.rating >= b.rating);
                if a.rating == b.rating {
                    prop_assert!(a.wins >= b.wins);
                    // Compare rates as fractions: exact, and no float equality.
                    let (ra, rb) = (
                        u64::from(a.wins) * u64::from(b.matches),
                        u64::from(b.wins) * u64::from(a.matches),
                    );
                    if a.wins == b.wins {
                        prop_assert!(ra >= rb);
                        if ra == rb {
                            prop_assert!((&a.player.name, a.player.id) < (&b.player.name, b.player.id));
                        }
                    }
                }
            }
            if filter.limit > 0 {
                prop_assert!(board.items.len() <= filter.limit as usize);
            }
            prop_assert_eq!(board.items.is_empty(), board.empty_reason.is_some());
            if let Some(m) = &board.biggest_mover {
                let best = board.items.iter().map(|r| r.movement_7d.unsigned_abs()).max().unwrap();
                prop_assert_eq!(m.movement_7d.unsigned_abs(), best);
                let first = board.items.iter().find(|r| r.movement_7d.unsigned_abs() == best).unwrap();
                prop_assert_eq!(&m.player, &first.player);
            } else {
                prop_assert!(board.items.iter().all(|r| r.movement_7d == 0));
            }
            // The limit only cuts: the full board starts with the same rows.
            let full = leaderboard(&LeaderboardFilter { limit: 0, ..filter }, &players, &matches, &changes, now);
            prop_assert_eq!(&full.items[..board.items.len()], &board.items[..]);
            prop_assert_eq!(full.total, board.total);
        }

        #[test]
        fn the_aggregate_board_equals_the_match_board(
            (players, matches, changes) in any_club(),
            limit in 0u32..12,
        ) {
            let now = at_hours(0);
            let from_matches = leaderboard(
                &LeaderboardFilter { limit, ..Default::default() },
                &players,
                &matches,
                &changes,
                now,
            );
            let from_aggregates = default_leaderboard(limit, &aggregates(&players, &matches), &changes, now);
            prop_assert_eq!(from_aggregates, from_matches);
        }
    }

    proptest! {
        /// The read path's movement (current rating minus the applied rating of the last row
        /// before the window) equals the §3.8 definition (the sum of the changes applied in
        /// the window), also after a recalculation replayed matches in an order other than
        /// the one they were applied in (`applied_at` kept).
        #[test]
        fn movement_from_one_row_per_player_equals_the_sum_of_the_week(
            ms in prop::collection::vec(
                (1i64..5, 1i64..4, any::<bool>(), -400i64..0, 0i64..400),
                0..30,
            ),
            boundary in any::<bool>(),
        ) {
            let now = at_hours(0);
            let confirmed: Vec<(MatchRecord, DateTime<Utc>)> = ms
                .iter()
                .enumerate()
                .map(|(i, &(a, offset, side1_wins, played, applied_ago))| {
                    let b = (a - 1 + offset) % 4 + 1;
                    let scores: &[(i64, i64)] = if side1_wins { &[(11, 9)] } else { &[(9, 11)] };
                    let r = test_matches::record(i as i64 + 1, &[a], &[b], scores, 60 * played);
                    // Some exactly at the window's start, which counts.
                    let applied = if boundary && i % 3 == 0 {
                        movement_since(now)
                    } else {
                        now - Duration::hours(applied_ago)
                    };
                    (r, applied)
                })
                .collect();
            let ids: Vec<PlayerId> = (1..=4).map(PlayerId).collect();
            let replay = crate::elo::replay(&confirmed, &ids);
            let changes: Vec<AppliedChange> = replay
                .history
                .iter()
                .map(|h| AppliedChange {
                    match_id: h.match_id,
                    player: h.player_id,
                    applied_at: h.applied_at,
                    change: h.rating_change,
                })
                .collect();
            let applied = applied_ratings(&changes);
            let expected = movements_7d(&changes, now);
            for player in ids {
                // The last row before the window in (applied_at, id) order.
                let before = changes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.player == player && c.applied_at < movement_since(now))
                    .max_by_key(|(i, c)| (c.applied_at, *i))
                    .map(|(i, _)| applied[i]);
                let rating = replay.aggregates[&player].rating;
                prop_assert_eq!(
                    movement_from_rating(rating, before),
                    expected.get(&player).copied().unwrap_or(0)
                );
            }
        }
    }
}

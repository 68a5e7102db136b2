//! Achievements: the 24 definitions, evaluation when a match becomes confirmed, the backfill
//! and the progress view (DOMAIN.md §3.14).
//!
//! [`ACHIEVEMENTS`] is the single source of the `achievements` rows the migration inserts.
//! Every computation folds the player's matches in play order into the same running totals, so
//! evaluating match by match and the backfill attribute each achievement to the same match.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::elo::{INITIAL_RATING, updated_peak};
use crate::match_format::string_enum;
use crate::record::MatchRecord;
use crate::streaks::Streaks;
use crate::{DomainError, MatchId, MatchKind, PlayerId, Side};

string_enum!(
    /// An achievement's tier; one-offs have tier `none`.
    Tier, "tier" {
        /// No tier: a one-off, or nothing of a tiered group earned yet.
        None = "none",
        /// The first tier.
        Bronze = "bronze",
        /// The second tier.
        Silver = "silver",
        /// The last tier.
        Gold = "gold",
    }
);

impl Tier {
    /// The tier above this one; `None` after gold.
    #[must_use]
    pub fn next(self) -> Option<Self> {
        match self {
            Self::None => Some(Self::Bronze),
            Self::Bronze => Some(Self::Silver),
            Self::Silver => Some(Self::Gold),
            Self::Gold => None,
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::None => 0,
            Self::Bronze => 1,
            Self::Silver => 2,
            Self::Gold => 3,
        }
    }
}

string_enum!(
    /// The group an achievement belongs to (`group_slug`): six tiered groups of three tiers and
    /// six one-offs, each its own group.
    AchievementGroup, "group_slug" {
        /// Current win streak.
        WinStreak = "win_streak",
        /// Confirmed matches.
        MatchesPlayed = "matches_played",
        /// Confirmed wins.
        MatchesWon = "matches_won",
        /// Games won in which both scores reached 10.
        DeuceMaster = "deuce_master",
        /// Beating opponents rated higher before the match.
        GiantSlayer = "giant_slayer",
        /// Singles matches against one opponent.
        Rivalry = "rivalry",
        /// Won a match.
        FirstBlood = "first_blood",
        /// Won a game 11-0.
        PerfectGame = "perfect_game",
        /// Won after losing games 1 and 2.
        ComebackKing = "comeback_king",
        /// Won conceding fewer than 20 points.
        IronWall = "iron_wall",
        /// Won a match that went the full distance.
        MarathonMatch = "marathon_match",
        /// Reached a new peak rating.
        PeakPerformer = "peak_performer",
    }
);

impl AchievementGroup {
    /// Whether the group has bronze, silver and gold tiers.
    #[must_use]
    pub fn is_tiered(self) -> bool {
        ACHIEVEMENTS
            .iter()
            .any(|a| a.group == self && a.tier != Tier::None)
    }
}

/// One achievement definition: a row of the `achievements` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Achievement {
    /// Unique key (≤ 80 characters), also used by clients.
    pub slug: &'static str,
    /// Display name.
    pub name: &'static str,
    /// What unlocks it.
    pub description: &'static str,
    /// `none` for one-offs.
    pub tier: Tier,
    /// The group; stored as `group_slug`.
    pub group: AchievementGroup,
    /// A short emoji.
    pub icon: &'static str,
    /// The value the group's measure must reach; 1 for one-offs.
    pub threshold: i64,
    /// Display order, 1…24.
    pub sort_order: i32,
}

impl Achievement {
    /// The `group_slug` column.
    #[must_use]
    pub fn group_slug(&self) -> &'static str {
        self.group.as_str()
    }
}

/// The points a winner may concede for `iron_wall` (strictly fewer).
pub const IRON_WALL_POINTS: u32 = 20;

macro_rules! achievement {
    ($order:literal, $slug:literal, $name:literal, $description:literal, $tier:ident,
     $group:ident, $icon:literal, $threshold:literal) => {
        Achievement {
            slug: $slug,
            name: $name,
            description: $description,
            tier: Tier::$tier,
            group: AchievementGroup::$group,
            icon: $icon,
            threshold: $threshold,
            sort_order: $order,
        }
    };
}

/// The 24 achievements of DOMAIN.md §3.14 in display order; the migration inserts exactly
/// these rows.
#[rustfmt::skip]
pub const ACHIEVEMENTS: [Achievement; 24] = [
    achievement!(1, "win_streak_bronze", "Hot Streak", "Win 3 matches in a row", Bronze, WinStreak, "🔥", 3),
    achievement!(2, "win_streak_silver", "On Fire", "Win 5 matches in a row", Silver, WinStreak, "🔥", 5),
    achievement!(3, "win_streak_gold", "Unstoppable", "Win 10 matches in a row", Gold, WinStreak, "🔥", 10),
    achievement!(4, "matches_played_bronze", "Regular", "Play 10 confirmed matches", Bronze, MatchesPlayed, "🏓", 10),
    achievement!(5, "matches_played_silver", "Dedicated", "Play 50 confirmed matches", Silver, MatchesPlayed, "🏓", 50),
    achievement!(6, "matches_played_gold", "Veteran", "Play 100 confirmed matches", Gold, MatchesPlayed, "🏓", 100),
    achievement!(7, "matches_won_bronze", "Winner", "Win 10 confirmed matches", Bronze, MatchesWon, "🏆", 10),
    achievement!(8, "matches_won_silver", "Champion", "Win 50 confirmed matches", Silver, MatchesWon, "🏆", 50),
    achievement!(9, "matches_won_gold", "Conqueror", "Win 100 confirmed matches", Gold, MatchesWon, "🏆", 100),
    achievement!(10, "deuce_master_bronze", "Cool Head", "Win 3 games in which both sides reached 10 points", Bronze, DeuceMaster, "🎯", 3),
    achievement!(11, "deuce_master_silver", "Deuce Expert", "Win 10 games in which both sides reached 10 points", Silver, DeuceMaster, "🎯", 10),
    achievement!(12, "deuce_master_gold", "Deuce Master", "Win 25 games in which both sides reached 10 points", Gold, DeuceMaster, "🎯", 25),
    achievement!(13, "giant_slayer_bronze", "Underdog", "Beat opponents rated at least 100 above you", Bronze, GiantSlayer, "🐉", 100),
    achievement!(14, "giant_slayer_silver", "Giant Slayer", "Beat opponents rated at least 200 above you", Silver, GiantSlayer, "🐉", 200),
    achievement!(15, "giant_slayer_gold", "Titan Slayer", "Beat opponents rated at least 300 above you", Gold, GiantSlayer, "🐉", 300),
    achievement!(16, "rivalry_bronze", "Rivals", "Play 5 singles matches against the same opponent", Bronze, Rivalry, "🤝", 5),
    achievement!(17, "rivalry_silver", "Old Rivals", "Play 10 singles matches against the same opponent", Silver, Rivalry, "🤝", 10),
    achievement!(18, "rivalry_gold", "Eternal Rivals", "Play 20 singles matches against the same opponent", Gold, Rivalry, "🤝", 20),
    achievement!(19, "first_blood", "First Blood", "Win a confirmed match", None, FirstBlood, "🩸", 1),
    achievement!(20, "perfect_game", "Perfect Game", "Win a game 11-0", None, PerfectGame, "💯", 1),
    achievement!(21, "comeback_king", "Comeback King", "Win a best of 5 or longer after losing the first two games", None, ComebackKing, "👑", 1),
    achievement!(22, "iron_wall", "Iron Wall", "Win a match conceding fewer than 20 points", None, IronWall, "🧱", 1),
    achievement!(23, "marathon_match", "Marathon", "Win a match that went the full distance", None, MarathonMatch, "⏳", 1),
    achievement!(24, "peak_performer", "Peak Performer", "Gain rating and reach a new peak", None, PeakPerformer, "📈", 1),
];

/// The definition with this slug.
#[must_use]
pub fn achievement(slug: &str) -> Option<&'static Achievement> {
    ACHIEVEMENTS.iter().find(|a| a.slug == slug)
}

/// The rating facts of one rated match for one player, read from the match's `elo_history` rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EloFacts {
    /// Every participant's rating before the match (`old_rating`).
    pub pre_match: Vec<(PlayerId, i32)>,
    /// The player's rating change (`rating_change`).
    pub change: i32,
    /// The player's rating after the match (`new_rating`).
    pub new_rating: i32,
    /// The player's peak rating before this match was applied.
    pub previous_peak: i32,
}

impl EloFacts {
    fn pre_match_rating(&self, player: PlayerId) -> Option<i32> {
        self.pre_match
            .iter()
            .find(|(p, _)| *p == player)
            .map(|(_, r)| *r)
    }
}

/// The player's peak before each of their rated matches, from their `elo_history` rows in
/// application (id) order as `(match, new_rating)`; peaks start at 1500 (§3.6).
#[must_use]
pub fn peaks_before(history: &[(MatchId, i32)]) -> BTreeMap<MatchId, i32> {
    let mut peak = INITIAL_RATING;
    history
        .iter()
        .map(|&(match_id, new_rating)| {
            let before = peak;
            peak = updated_peak(peak, new_rating);
            (match_id, before)
        })
        .collect()
}

/// An achievement newly earned by the backfill, attributed to the match that reached it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Award {
    /// The achievement.
    pub slug: &'static str,
    /// The match that unlocked it.
    pub match_id: MatchId,
}

/// A stored `player_achievements` row, as input to [`achievements_view`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwardRecord {
    /// The achievement's slug.
    pub slug: String,
    /// When it was awarded.
    pub awarded_at: DateTime<Utc>,
    /// The match that unlocked it; `None` once that match was deleted.
    pub match_id: Option<MatchId>,
}

/// An earned achievement as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EarnedAchievement {
    /// The achievement's slug.
    pub slug: &'static str,
    /// Its name.
    pub name: &'static str,
    /// Its tier.
    pub tier: Tier,
    /// When it was awarded.
    pub awarded_at: DateTime<Utc>,
    /// The match that unlocked it.
    pub match_id: Option<MatchId>,
}

/// Progress in one group.
///
/// Tiered groups: `tier` is the highest earned (`none` before bronze), `next_tier` the one
/// after it (`None` once gold is earned), `threshold` the next tier's (gold's once earned).
/// One-offs: `tier` `none`, no `next_tier`, `value` 1 when earned else 0, `threshold` 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AchievementProgress {
    /// The group.
    pub group: AchievementGroup,
    /// The highest tier earned.
    pub tier: Tier,
    /// The tier to aim for next.
    pub next_tier: Option<Tier>,
    /// The group's measure: matches played, wins, longest win run, deuce wins, largest
    /// giant-slayer gap (rounded down, at least 0), largest rivalry count; 1/0 for one-offs.
    pub value: i64,
    /// The threshold of `next_tier`.
    pub threshold: i64,
}

/// A player's achievements: `{earned, progress}` of `GET /players/{id}/achievements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AchievementsView {
    /// Earned achievements in display order.
    pub earned: Vec<EarnedAchievement>,
    /// One item per group (12), in display order.
    pub progress: Vec<AchievementProgress>,
}

/// The achievements `player` newly earns when `confirmed` becomes confirmed, in display order.
///
/// `history` holds the player's confirmed matches at that moment, this one included (it is
/// added when missing), in any order; `elo` this match's rating facts for the player (without
/// them `giant_slayer` and `peak_performer` are not evaluated); `earned` the slugs the player
/// already holds, which are never awarded again. A match the player did not play, or one
/// without a winner, earns nothing.
#[must_use]
pub fn evaluate_match(
    player: PlayerId,
    confirmed: &MatchRecord,
    history: &[MatchRecord],
    elo: Option<&EloFacts>,
    earned: &BTreeSet<String>,
) -> Vec<&'static str> {
    let played = history
        .iter()
        .filter(|m| m.id != confirmed.id)
        .chain([confirmed]);
    let mut totals = Totals::default();
    let mut outcome = None;
    for m in in_play_order(played) {
        let is_this = m.id == confirmed.id;
        let facts = if is_this { elo } else { None };
        let result = totals.add(player, m, facts);
        if is_this {
            outcome = result;
        }
    }
    outcome.map_or_else(Vec::new, |outcome| {
        outcome
            .unlocked(&totals)
            .filter(|a| !earned.contains(a.slug))
            .map(|a| a.slug)
            .collect()
    })
}

/// Replays `player`'s confirmed `matches` in play order and awards what each match reached with
/// the totals as of that match, skipping the slugs in `earned`. `elo` maps match ids to the
/// player's rating facts. Running it again with the result added to `earned` awards nothing.
#[must_use]
pub fn backfill(
    player: PlayerId,
    matches: &[MatchRecord],
    elo: &BTreeMap<MatchId, EloFacts>,
    earned: &BTreeSet<String>,
) -> Vec<Award> {
    let mut held: BTreeSet<&str> = earned.iter().map(String::as_str).collect();
    let mut totals = Totals::default();
    let mut awards = Vec::new();
    for m in in_play_order(matches) {
        let Some(outcome) = totals.add(player, m, elo.get(&m.id)) else {
            continue;
        };
        for a in outcome.unlocked(&totals) {
            if held.insert(a.slug) {
                awards.push(Award {
                    slug: a.slug,
                    match_id: m.id,
                });
            }
        }
    }
    awards
}

/// A player's running totals over all their confirmed matches in play order: the measures of
/// the progress view (§3.14) and the streaks (§3.7). The write path stores them on the
/// `players` row, so reads never fold the player's matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlayerTotals {
    /// Matches played.
    pub played: i64,
    /// Matches won.
    pub won: i64,
    /// Current, longest win and longest loss runs.
    pub streaks: Streaks,
    /// Games won in which both scores were ≥ 10.
    pub deuce_wins: i64,
    /// The most singles matches against one opponent.
    pub top_rivalry: i64,
    /// The largest giant-slayer gap of a won match (rounded down, at least 0).
    pub top_gap: i64,
}

/// The totals of `player` over their confirmed `matches` (any order; other players' matches
/// and unfinished ones are skipped) with their rating facts per match.
#[must_use]
pub fn totals(
    player: PlayerId,
    matches: &[MatchRecord],
    elo: &BTreeMap<MatchId, EloFacts>,
) -> PlayerTotals {
    let mut totals = Totals::default();
    for m in in_play_order(matches) {
        totals.add(player, m, elo.get(&m.id));
    }
    totals.summary()
}

/// Progress in all 12 groups, in display order, from the player's confirmed matches, their rating facts and the
/// slugs they hold.
#[must_use]
pub fn progress(
    player: PlayerId,
    matches: &[MatchRecord],
    elo: &BTreeMap<MatchId, EloFacts>,
    earned: &BTreeSet<String>,
) -> Vec<AchievementProgress> {
    progress_of(&totals(player, matches, elo), earned)
}

/// Progress in all 12 groups, in display order, from stored totals and the slugs held.
#[must_use]
pub fn progress_of(totals: &PlayerTotals, earned: &BTreeSet<String>) -> Vec<AchievementProgress> {
    AchievementGroup::ALL
        .iter()
        .map(|&group| group_progress(group, totals, earned))
        .collect()
}

/// The `{earned, progress}` view from the stored awards (unknown slugs are skipped) and the
/// player's confirmed matches.
#[must_use]
pub fn achievements_view(
    player: PlayerId,
    matches: &[MatchRecord],
    elo: &BTreeMap<MatchId, EloFacts>,
    awards: &[AwardRecord],
) -> AchievementsView {
    achievements_view_of(&totals(player, matches, elo), awards)
}

/// The `{earned, progress}` view from the stored awards (unknown slugs are skipped) and the
/// player's stored totals: what the player page reads.
#[must_use]
pub fn achievements_view_of(totals: &PlayerTotals, awards: &[AwardRecord]) -> AchievementsView {
    let by_slug: BTreeMap<&str, &AwardRecord> =
        awards.iter().map(|r| (r.slug.as_str(), r)).collect();
    let earned = ACHIEVEMENTS
        .iter()
        .filter_map(|a| {
            by_slug.get(a.slug).map(|r| EarnedAchievement {
                slug: a.slug,
                name: a.name,
                tier: a.tier,
                awarded_at: r.awarded_at,
                match_id: r.match_id,
            })
        })
        .collect();
    let slugs = awards.iter().map(|r| r.slug.clone()).collect();
    AchievementsView {
        earned,
        progress: progress_of(totals, &slugs),
    }
}

/// The player's running totals over their confirmed matches in play order.
#[derive(Debug, Default)]
struct Totals {
    played: i64,
    won: i64,
    /// Streaks of the player's results so far (§3.7); the win-streak group reads them.
    streaks: Streaks,
    deuce_wins: i64,
    singles_against: BTreeMap<PlayerId, i64>,
    top_rivalry: i64,
    top_gap: i64,
}

/// One counted match seen from the player's side.
#[derive(Debug, Clone, Copy)]
struct Outcome<'a> {
    player: PlayerId,
    side: Side,
    won: bool,
    record: &'a MatchRecord,
    elo: Option<&'a EloFacts>,
}

impl<'a> Outcome<'a> {
    /// `None` when the player did not play `record` or it has no winner: it does not count.
    fn of(player: PlayerId, record: &'a MatchRecord, elo: Option<&'a EloFacts>) -> Option<Self> {
        let side = record.side_of(player)?;
        let won = record.winner()? == side;
        Some(Self {
            player,
            side,
            won,
            record,
            elo,
        })
    }

    fn opponents(&self) -> &'a [PlayerId] {
        self.record.players(self.side.other())
    }

    fn deuce_wins(&self) -> i64 {
        self.record
            .games
            .iter()
            .filter(|g| g.winner() == self.side && g.side1_points() >= 10 && g.side2_points() >= 10)
            .count() as i64
    }

    /// Mean opponent pre-match rating minus the player's own, rounded down (so `gap ≥ t` keeps
    /// its meaning for whole thresholds); `None` without the ratings.
    fn rating_gap(&self) -> Option<i64> {
        let facts = self.elo?;
        let own = i64::from(facts.pre_match_rating(self.player)?);
        let opponents = self.opponents();
        if opponents.is_empty() {
            return None;
        }
        let mut sum = 0_i64;
        for &opponent in opponents {
            sum += i64::from(facts.pre_match_rating(opponent)?);
        }
        let n = opponents.len() as i64;
        Some((sum - own * n).div_euclid(n))
    }

    fn won_game_to_love(&self) -> bool {
        let (own, other) = (self.side, self.side.other());
        self.record
            .games
            .iter()
            .any(|g| g.points(own) == 11 && g.points(other) == 0)
    }

    fn lost_games_one_and_two(&self) -> bool {
        let lost = |index: usize| {
            self.record
                .games
                .get(index)
                .is_some_and(|g| g.winner() != self.side)
        };
        lost(0) && lost(1)
    }

    fn points_conceded(&self) -> u32 {
        let other = self.side.other();
        self.record
            .games
            .iter()
            .map(|g| u32::from(g.points(other)))
            .sum()
    }

    fn went_the_distance(&self) -> bool {
        self.record.games.len() == usize::from(self.record.best_of.get())
    }

    fn reached_new_peak(&self) -> bool {
        self.elo
            .is_some_and(|f| f.change > 0 && f.new_rating >= f.previous_peak)
    }

    /// Whether `achievement`'s rule holds for this match with `totals` just after it.
    fn unlocks(&self, achievement: &Achievement, totals: &Totals) -> bool {
        let t = achievement.threshold;
        let singles = self.record.kind == MatchKind::Singles;
        match achievement.group {
            AchievementGroup::WinStreak => i64::from(totals.streaks.current_wins()) >= t,
            AchievementGroup::MatchesPlayed => totals.played >= t,
            AchievementGroup::MatchesWon => totals.won >= t,
            AchievementGroup::DeuceMaster => totals.deuce_wins >= t,
            AchievementGroup::GiantSlayer => self.won && self.rating_gap().is_some_and(|g| g >= t),
            AchievementGroup::Rivalry => singles && totals.top_rivalry >= t,
            AchievementGroup::FirstBlood => self.won,
            AchievementGroup::PerfectGame => self.won_game_to_love(),
            AchievementGroup::ComebackKing => {
                self.won && self.record.best_of.get() >= 5 && self.lost_games_one_and_two()
            }
            AchievementGroup::IronWall => self.won && self.points_conceded() < IRON_WALL_POINTS,
            AchievementGroup::MarathonMatch => self.won && self.went_the_distance(),
            AchievementGroup::PeakPerformer => self.reached_new_peak(),
        }
    }

    /// The achievements this match unlocks with `totals` just after it, in display order.
    fn unlocked<'t>(
        &'t self,
        totals: &'t Totals,
    ) -> impl Iterator<Item = &'static Achievement> + 't {
        ACHIEVEMENTS.iter().filter(move |a| self.unlocks(a, totals))
    }
}

impl Totals {
    fn summary(&self) -> PlayerTotals {
        PlayerTotals {
            played: self.played,
            won: self.won,
            streaks: self.streaks,
            deuce_wins: self.deuce_wins,
            top_rivalry: self.top_rivalry,
            top_gap: self.top_gap,
        }
    }

    /// Counts one match (in play order); returns it seen from the player's side, or `None`
    /// (changing nothing) when it does not count.
    fn add<'a>(
        &mut self,
        player: PlayerId,
        record: &'a MatchRecord,
        elo: Option<&'a EloFacts>,
    ) -> Option<Outcome<'a>> {
        let outcome = Outcome::of(player, record, elo)?;
        self.played += 1;
        self.won += i64::from(outcome.won);
        self.streaks = self.streaks.then(outcome.won);
        self.deuce_wins += outcome.deuce_wins();
        if record.kind == MatchKind::Singles {
            for &opponent in outcome.opponents() {
                let count = self.singles_against.entry(opponent).or_default();
                *count += 1;
                self.top_rivalry = self.top_rivalry.max(*count);
            }
        }
        if outcome.won
            && let Some(gap) = outcome.rating_gap()
        {
            self.top_gap = self.top_gap.max(gap);
        }
        Some(outcome)
    }
}

fn group_progress(
    group: AchievementGroup,
    totals: &PlayerTotals,
    earned: &BTreeSet<String>,
) -> AchievementProgress {
    let members = || ACHIEVEMENTS.iter().filter(move |a| a.group == group);
    if !group.is_tiered() {
        let held = members().any(|a| earned.contains(a.slug));
        return AchievementProgress {
            group,
            tier: Tier::None,
            next_tier: None,
            value: i64::from(held),
            threshold: 1,
        };
    }
    let tier = members()
        .filter(|a| earned.contains(a.slug))
        .map(|a| a.tier)
        .max_by_key(|t| t.rank())
        .unwrap_or(Tier::None);
    let next_tier = tier.next();
    let target = next_tier.unwrap_or(Tier::Gold);
    let threshold = members()
        .find(|a| a.tier == target)
        .map_or(0, |a| a.threshold);
    let value = match group {
        AchievementGroup::WinStreak => i64::from(totals.streaks.longest_win),
        AchievementGroup::MatchesPlayed => totals.played,
        AchievementGroup::MatchesWon => totals.won,
        AchievementGroup::DeuceMaster => totals.deuce_wins,
        AchievementGroup::GiantSlayer => totals.top_gap,
        _ => totals.top_rivalry,
    };
    AchievementProgress {
        group,
        tier,
        next_tier,
        value,
        threshold,
    }
}

fn in_play_order<'a>(matches: impl IntoIterator<Item = &'a MatchRecord>) -> Vec<&'a MatchRecord> {
    let mut ordered: Vec<&MatchRecord> = matches.into_iter().collect();
    ordered.sort_by_key(|m| m.play_order_key());
    ordered.dedup_by_key(|m| m.id);
    ordered
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::scoring::{GameScore, Tally};
    use crate::test_matches::{self, at_hours};

    const ME: PlayerId = PlayerId(1);

    /// A casual match played `id` hours after the tests' epoch, in an explicit format.
    fn record(
        id: i64,
        side1: &[i64],
        side2: &[i64],
        best_of: i64,
        games: &[(i64, i64)],
    ) -> MatchRecord {
        MatchRecord {
            best_of: test_matches::best_of(best_of),
            ..test_matches::record(id, side1, side2, games, 60 * id)
        }
    }

    /// A singles match of ME (side 1) against `opponent`, scores from ME's point of view.
    fn singles(id: i64, opponent: i64, best_of: i64, games: &[(i64, i64)]) -> MatchRecord {
        record(id, &[1], &[opponent], best_of, games)
    }

    fn win(id: i64, opponent: i64) -> MatchRecord {
        singles(id, opponent, 3, &[(11, 5), (11, 5)])
    }

    fn loss(id: i64, opponent: i64) -> MatchRecord {
        singles(id, opponent, 3, &[(5, 11), (5, 11)])
    }

    /// Results oldest first, all against player 2: `W` wins, anything else loses.
    fn results(pattern: &str) -> Vec<MatchRecord> {
        (1..)
            .zip(pattern.chars())
            .map(|(id, c)| if c == 'W' { win(id, 2) } else { loss(id, 2) })
            .collect()
    }

    fn none() -> BTreeSet<String> {
        BTreeSet::new()
    }

    /// What the newest of `history` awards, with no prior achievements.
    fn newest(history: &[MatchRecord], elo: Option<&EloFacts>) -> Vec<&'static str> {
        let last = history.iter().max_by_key(|m| m.play_order_key()).unwrap();
        evaluate_match(ME, last, history, elo, &none())
    }

    /// What `m` awards as the player's only match, with no prior achievements.
    fn only(m: &MatchRecord, elo: Option<&EloFacts>) -> Vec<&'static str> {
        evaluate_match(ME, m, &[], elo, &none())
    }

    fn facts(ratings: &[(i64, i32)], change: i32, previous_peak: i32) -> EloFacts {
        let own = ratings.iter().find(|(p, _)| *p == 1).map_or(1500, |r| r.1);
        EloFacts {
            pre_match: ratings.iter().map(|&(p, r)| (PlayerId(p), r)).collect(),
            change,
            new_rating: own + change,
            previous_peak,
        }
    }

    fn has(awarded: &[&str], slug: &str) -> bool {
        awarded.contains(&slug)
    }

    #[test]
    fn the_table_has_24_unique_slugs_in_display_order() {
        let slugs: BTreeSet<&str> = ACHIEVEMENTS.iter().map(|a| a.slug).collect();
        assert_eq!(slugs.len(), 24);
        let orders: Vec<i32> = ACHIEVEMENTS.iter().map(|a| a.sort_order).collect();
        assert_eq!(orders, (1..=24).collect::<Vec<_>>());
        assert!(
            ACHIEVEMENTS
                .iter()
                .all(|a| a.slug.len() <= 80 && !a.icon.is_empty())
        );
    }

    #[test]
    fn tiered_groups_have_bronze_silver_gold_with_rising_thresholds() {
        let expected = [
            (AchievementGroup::WinStreak, [3, 5, 10]),
            (AchievementGroup::MatchesPlayed, [10, 50, 100]),
            (AchievementGroup::MatchesWon, [10, 50, 100]),
            (AchievementGroup::DeuceMaster, [3, 10, 25]),
            (AchievementGroup::GiantSlayer, [100, 200, 300]),
            (AchievementGroup::Rivalry, [5, 10, 20]),
        ];
        for (group, thresholds) in expected {
            let tiers: Vec<(Tier, i64, String)> = ACHIEVEMENTS
                .iter()
                .filter(|a| a.group == group)
                .map(|a| (a.tier, a.threshold, a.slug.to_owned()))
                .collect();
            let g = group.as_str();
            assert_eq!(
                tiers,
                vec![
                    (Tier::Bronze, thresholds[0], format!("{g}_bronze")),
                    (Tier::Silver, thresholds[1], format!("{g}_silver")),
                    (Tier::Gold, thresholds[2], format!("{g}_gold")),
                ]
            );
            assert!(group.is_tiered());
        }
        let one_offs: Vec<&str> = ACHIEVEMENTS
            .iter()
            .filter(|a| !a.group.is_tiered())
            .inspect(|a| {
                assert_eq!(
                    (a.tier, a.threshold, a.group_slug()),
                    (Tier::None, 1, a.slug)
                );
            })
            .map(|a| a.slug)
            .collect();
        assert_eq!(
            one_offs,
            [
                "first_blood",
                "perfect_game",
                "comeback_king",
                "iron_wall",
                "marathon_match",
                "peak_performer"
            ]
        );
        assert_eq!(AchievementGroup::ALL.len(), 12);
    }

    #[test]
    fn tiers_parse_their_stored_names() {
        assert_eq!("silver".parse(), Ok(Tier::Silver));
        assert_eq!(Tier::None.as_str(), "none");
        assert_eq!(
            "platinum".parse::<Tier>(),
            Err(DomainError::InvalidChoice { field: "tier" })
        );
        assert_eq!(achievement("iron_wall").map(|a| a.sort_order), Some(22));
        assert_eq!(achievement("nope"), None);
    }

    #[test]
    fn three_wins_in_a_row_award_win_streak_bronze_and_two_do_not() {
        assert!(has(&newest(&results("WWW"), None), "win_streak_bronze"));
        assert!(!has(&newest(&results("WW"), None), "win_streak_bronze"));
        assert!(has(&newest(&results("LWWW"), None), "win_streak_bronze"));
        assert!(!has(&newest(&results("WWWW"), None), "win_streak_silver"));
        assert!(has(&newest(&results("WWWWW"), None), "win_streak_silver"));
        assert!(has(
            &newest(&results(&"W".repeat(10)), None),
            "win_streak_gold"
        ));
    }

    #[test]
    fn the_win_streak_is_the_current_run_not_the_oldest() {
        // §3.0 trap: an old run of three does not count once broken.
        assert!(!has(&newest(&results("WWWLWW"), None), "win_streak_bronze"));
        assert!(!has(&newest(&results("WWWWWL"), None), "win_streak_bronze"));
    }

    #[test]
    fn matches_played_counts_wins_and_losses_from_ten() {
        assert!(!has(
            &newest(&results("WLWLWLWLW"), None),
            "matches_played_bronze"
        ));
        let ten = results("WLWLWLWLWL");
        let awarded = newest(&ten, None);
        assert!(has(&awarded, "matches_played_bronze"));
        assert!(!has(&awarded, "matches_won_bronze"));
    }

    #[test]
    fn matches_won_needs_ten_wins() {
        let nine = format!("{}L", "WWWWWWWWW");
        assert!(!has(&newest(&results(&nine), None), "matches_won_bronze"));
        let ten = format!("{}LW", "WWWWWWWWW");
        assert!(has(&newest(&results(&ten), None), "matches_won_bronze"));
    }

    #[test]
    fn deuce_master_counts_won_games_where_both_reached_ten() {
        // 12-10 and 10-12 lost don't mix: only games ME won count; 11-9 is not a deuce.
        let m1 = singles(1, 2, 5, &[(12, 10), (10, 12), (11, 9), (11, 9), (11, 9)]);
        let m2 = singles(2, 2, 5, &[(14, 12), (11, 0), (11, 0)]);
        assert!(!has(
            &newest(&[m1.clone(), m2.clone()], None),
            "deuce_master_bronze"
        ));
        // The match loser's deuce game counts too.
        let m3 = singles(3, 2, 3, &[(13, 11), (0, 11), (0, 11)]);
        assert!(has(&newest(&[m1, m2, m3], None), "deuce_master_bronze"));
    }

    #[test]
    fn giant_slayer_needs_a_win_over_a_gap_of_at_least_one_hundred() {
        let m = win(1, 2);
        let exact = facts(&[(1, 1500), (2, 1600)], 20, 1800);
        assert!(has(&only(&m, Some(&exact)), "giant_slayer_bronze"));
        let short = facts(&[(1, 1500), (2, 1599)], 20, 1800);
        assert!(!has(&only(&m, Some(&short)), "giant_slayer_bronze"));
        let huge = facts(&[(1, 1200), (2, 1500)], 20, 1800);
        let awarded = only(&m, Some(&huge));
        for tier in ["bronze", "silver", "gold"] {
            assert!(has(&awarded, &format!("giant_slayer_{tier}")));
        }
        let lost = only(&loss(1, 2), Some(&huge));
        assert!(!has(&lost, "giant_slayer_bronze"));
        assert!(!has(&only(&win(1, 2), None), "giant_slayer_bronze"));
    }

    #[test]
    fn giant_slayer_in_doubles_compares_own_rating_with_the_opponents_mean() {
        let m = record(1, &[1, 5], &[2, 3], 3, &[(11, 5), (11, 5)]);
        // Opponents' mean 1600.5, own 1500: the strong partner does not matter.
        let yes = facts(&[(1, 1500), (5, 2000), (2, 1650), (3, 1551)], 8, 1800);
        assert!(has(&only(&m, Some(&yes)), "giant_slayer_bronze"));
        // Mean 1599.5: a gap of 99.5 is not enough.
        let no = facts(&[(1, 1500), (5, 1000), (2, 1650), (3, 1549)], 8, 1800);
        assert!(!has(&only(&m, Some(&no)), "giant_slayer_bronze"));
    }

    #[test]
    fn rivalry_counts_singles_matches_against_one_opponent() {
        let mut history: Vec<MatchRecord> = (1..=4).map(|id| win(id, 2)).collect();
        history.push(loss(5, 2));
        assert!(has(&newest(&history, None), "rivalry_bronze"));

        // Four singles and one doubles against player 2: not yet.
        let mut history: Vec<MatchRecord> = (1..=4).map(|id| win(id, 2)).collect();
        history.push(record(5, &[1, 5], &[2, 3], 3, &[(11, 5), (11, 5)]));
        assert!(!has(&newest(&history, None), "rivalry_bronze"));

        // Five against player 2 but this match is doubles: not on this match.
        let mut history: Vec<MatchRecord> = (1..=5).map(|id| win(id, 2)).collect();
        history.push(record(6, &[1, 5], &[3, 4], 3, &[(11, 5), (11, 5)]));
        assert!(!has(&newest(&history, None), "rivalry_bronze"));
        // The next singles match, against anyone, carries the largest count.
        history.push(win(7, 3));
        assert!(has(&newest(&history, None), "rivalry_bronze"));
    }

    #[test]
    fn rivalry_tiers_follow_the_largest_count() {
        let nine: Vec<MatchRecord> = (1..=9).map(|id| loss(id, 2)).collect();
        assert!(!has(&newest(&nine, None), "rivalry_silver"));
        let ten: Vec<MatchRecord> = (1..=10).map(|id| loss(id, 2)).collect();
        assert!(has(&newest(&ten, None), "rivalry_silver"));
        let twenty: Vec<MatchRecord> = (1..=20).map(|id| loss(id, 2)).collect();
        assert!(has(&newest(&twenty, None), "rivalry_gold"));
    }

    #[test]
    fn first_blood_goes_to_the_winner_only() {
        assert!(has(&only(&win(1, 2), None), "first_blood"));
        assert!(!has(&only(&loss(1, 2), None), "first_blood"));
    }

    #[test]
    fn perfect_game_goes_to_whoever_won_a_game_eleven_love_even_the_match_loser() {
        let lost_match = singles(1, 2, 3, &[(11, 0), (5, 11), (9, 11)]);
        assert!(has(&only(&lost_match, None), "perfect_game"));
        let eleven_one = singles(1, 2, 3, &[(11, 1), (11, 5)]);
        assert!(!has(&only(&eleven_one, None), "perfect_game"));
        let conceded = singles(1, 2, 3, &[(0, 11), (11, 5), (11, 5)]);
        assert!(!has(&only(&conceded, None), "perfect_game"));
        // On side 2 as well.
        let side2 = record(1, &[2], &[1], 3, &[(0, 11), (11, 9), (11, 9)]);
        assert!(has(&only(&side2, None), "perfect_game"));
    }

    #[test]
    fn comeback_king_needs_a_win_after_losing_games_one_and_two_in_best_of_five_or_more() {
        let five = singles(1, 2, 5, &[(5, 11), (5, 11), (11, 5), (11, 5), (11, 5)]);
        assert!(has(&only(&five, None), "comeback_king"));
        let seven = singles(
            1,
            2,
            7,
            &[(5, 11), (5, 11), (11, 5), (11, 5), (11, 5), (11, 5)],
        );
        assert!(has(&only(&seven, None), "comeback_king"));
        let only_first = singles(1, 2, 5, &[(5, 11), (11, 5), (5, 11), (11, 5), (11, 5)]);
        assert!(!has(&only(&only_first, None), "comeback_king"));
        let three = singles(1, 2, 3, &[(5, 11), (11, 5), (11, 5)]);
        assert!(!has(&only(&three, None), "comeback_king"));
        let lost = singles(1, 2, 5, &[(5, 11), (5, 11), (11, 5), (11, 5), (5, 11)]);
        assert!(!has(&only(&lost, None), "comeback_king"));
    }

    #[test]
    fn iron_wall_means_fewer_than_twenty_points_conceded() {
        let conceded_19 = singles(1, 2, 5, &[(11, 9), (11, 9), (11, 1)]);
        assert!(has(&only(&conceded_19, None), "iron_wall"));
        let conceded_20 = singles(1, 2, 5, &[(11, 9), (11, 9), (11, 2)]);
        assert!(!has(&only(&conceded_20, None), "iron_wall"));
        let lost = singles(1, 2, 3, &[(0, 11), (0, 11)]);
        assert!(!has(&only(&lost, None), "iron_wall"));
    }

    #[test]
    fn marathon_match_means_a_win_in_all_best_of_games() {
        let full = singles(1, 2, 5, &[(11, 5), (5, 11), (11, 5), (5, 11), (11, 5)]);
        assert!(has(&only(&full, None), "marathon_match"));
        let short = singles(1, 2, 5, &[(11, 5), (5, 11), (11, 5), (11, 5)]);
        assert!(!has(&only(&short, None), "marathon_match"));
        let lost = singles(1, 2, 3, &[(11, 5), (5, 11), (5, 11)]);
        assert!(!has(&only(&lost, None), "marathon_match"));
    }

    #[test]
    fn peak_performer_needs_a_gain_reaching_the_previous_peak() {
        let m = win(1, 2);
        let equal = facts(&[(1, 1490), (2, 1500)], 10, 1500);
        assert!(has(&only(&m, Some(&equal)), "peak_performer"));
        let below = facts(&[(1, 1480), (2, 1500)], 10, 1500);
        assert!(!has(&only(&m, Some(&below)), "peak_performer"));
        let no_gain = facts(&[(1, 1600), (2, 1500)], 0, 1500);
        assert!(!has(&only(&m, Some(&no_gain)), "peak_performer"));
        assert!(!has(&only(&m, None), "peak_performer"));
        // A loser can't gain, but the rule only asks for Δ > 0 and the peak.
        let loser_gain = facts(&[(1, 1600), (2, 1500)], 2, 1600);
        assert!(has(&only(&loss(1, 2), Some(&loser_gain)), "peak_performer"));
    }

    #[test]
    fn an_earned_achievement_is_never_awarded_twice() {
        let earned: BTreeSet<String> = ["first_blood".to_owned()].into();
        let awarded = evaluate_match(ME, &win(1, 2), &[win(1, 2)], None, &earned);
        assert_eq!(awarded, ["iron_wall"]);
    }

    #[test]
    fn a_match_the_player_did_not_play_or_without_winner_earns_nothing() {
        let other = record(1, &[7], &[8], 3, &[(11, 0), (11, 0)]);
        assert!(evaluate_match(ME, &other, std::slice::from_ref(&other), None, &none()).is_empty());
        let unfinished = singles(1, 2, 5, &[(11, 0), (11, 0)]);
        assert!(evaluate_match(ME, &unfinished, &[], None, &none()).is_empty());
    }

    #[test]
    fn evaluation_sorts_the_history_and_adds_the_match_itself() {
        let mut history = results("WW");
        history.reverse();
        let third = win(3, 2);
        let awarded = evaluate_match(ME, &third, &history, None, &none());
        assert!(has(&awarded, "win_streak_bronze"));
    }

    #[test]
    fn backfill_attributes_each_tier_to_the_match_that_reached_it() {
        let mut history = results("WWWLWWWWWLLLL");
        history.reverse();
        let awards = backfill(ME, &history, &BTreeMap::new(), &none());
        let at_match = |slug: &str| awards.iter().find(|a| a.slug == slug).map(|a| a.match_id);
        assert_eq!(at_match("first_blood"), Some(MatchId(1)));
        assert_eq!(at_match("win_streak_bronze"), Some(MatchId(3)));
        assert_eq!(at_match("rivalry_bronze"), Some(MatchId(5)));
        assert_eq!(at_match("win_streak_silver"), Some(MatchId(9)));
        assert_eq!(at_match("matches_played_bronze"), Some(MatchId(10)));
        assert_eq!(at_match("rivalry_silver"), Some(MatchId(10)));
        assert_eq!(at_match("win_streak_gold"), None);
        assert_eq!(at_match("matches_won_bronze"), None);
    }

    #[test]
    fn backfill_uses_each_matchs_own_elo_facts() {
        let history = [win(1, 2), win(2, 3)];
        let elo = BTreeMap::from([
            (MatchId(1), facts(&[(1, 1500), (2, 1550)], 20, 1500)),
            (MatchId(2), facts(&[(1, 1520), (3, 1750)], 25, 1520)),
        ]);
        let awards = backfill(ME, &history, &elo, &none());
        assert!(awards.contains(&Award {
            slug: "peak_performer",
            match_id: MatchId(1)
        }));
        assert!(awards.contains(&Award {
            slug: "giant_slayer_silver",
            match_id: MatchId(2)
        }));
    }

    #[test]
    fn backfill_is_idempotent() {
        let history = results("WWWWWLWLWWWL");
        let first = backfill(ME, &history, &BTreeMap::new(), &none());
        assert!(!first.is_empty());
        let earned: BTreeSet<String> = first.iter().map(|a| a.slug.to_owned()).collect();
        assert!(backfill(ME, &history, &BTreeMap::new(), &earned).is_empty());
    }

    #[test]
    fn a_player_without_matches_sees_twelve_progress_items() {
        let items = progress(ME, &[], &BTreeMap::new(), &none());
        assert_eq!(items.len(), 12);
        for item in &items[..6] {
            assert_eq!(
                (item.tier, item.next_tier, item.value),
                (Tier::None, Some(Tier::Bronze), 0)
            );
        }
        assert_eq!(items[0].threshold, 3);
        assert_eq!(items[4].threshold, 100);
        for item in &items[6..] {
            assert_eq!(
                (item.tier, item.next_tier, item.value, item.threshold),
                (Tier::None, None, 0, 1)
            );
        }
        let groups: Vec<&str> = items.iter().map(|i| i.group.as_str()).collect();
        assert_eq!(
            &groups[..3],
            ["win_streak", "matches_played", "matches_won"]
        );
    }

    #[test]
    fn progress_shows_the_highest_tier_the_next_one_and_the_values() {
        let history = results("WWWWWLWWL");
        let earned: BTreeSet<String> = [
            "win_streak_bronze",
            "win_streak_silver",
            "first_blood",
            "matches_won_gold",
        ]
        .map(str::to_owned)
        .into();
        let items = progress(ME, &history, &BTreeMap::new(), &earned);
        let item = |g: AchievementGroup| items.iter().find(|i| i.group == g).unwrap().clone();
        assert_eq!(
            item(AchievementGroup::WinStreak),
            AchievementProgress {
                group: AchievementGroup::WinStreak,
                tier: Tier::Silver,
                next_tier: Some(Tier::Gold),
                value: 5,
                threshold: 10,
            }
        );
        let played = item(AchievementGroup::MatchesPlayed);
        assert_eq!((played.value, played.threshold), (9, 10));
        let won = item(AchievementGroup::MatchesWon);
        assert_eq!(
            (won.tier, won.next_tier, won.threshold),
            (Tier::Gold, None, 100)
        );
        assert_eq!(item(AchievementGroup::Rivalry).value, 9);
        assert_eq!(item(AchievementGroup::FirstBlood).value, 1);
        assert_eq!(item(AchievementGroup::PerfectGame).value, 0);
    }

    #[test]
    fn progress_shows_the_largest_giant_slayer_gap_of_a_won_match() {
        let history = [win(1, 2), loss(2, 3), win(3, 4)];
        let elo = BTreeMap::from([
            (MatchId(1), facts(&[(1, 1500), (2, 1620)], 20, 1500)),
            (MatchId(2), facts(&[(1, 1500), (3, 1900)], -5, 1520)),
            (MatchId(3), facts(&[(1, 1500), (4, 1400)], 5, 1520)),
        ]);
        let items = progress(ME, &history, &elo, &none());
        let gap = items
            .iter()
            .find(|i| i.group == AchievementGroup::GiantSlayer)
            .unwrap();
        assert_eq!(gap.value, 120);
    }

    #[test]
    fn the_view_lists_earned_achievements_in_display_order() {
        let awards = [
            AwardRecord {
                slug: "iron_wall".to_owned(),
                awarded_at: at_hours(2),
                match_id: Some(MatchId(2)),
            },
            AwardRecord {
                slug: "first_blood".to_owned(),
                awarded_at: at_hours(1),
                match_id: None,
            },
            AwardRecord {
                slug: "retired_slug".to_owned(),
                awarded_at: at_hours(1),
                match_id: None,
            },
        ];
        let view = achievements_view(ME, &[win(1, 2), win(2, 2)], &BTreeMap::new(), &awards);
        let slugs: Vec<&str> = view.earned.iter().map(|e| e.slug).collect();
        assert_eq!(slugs, ["first_blood", "iron_wall"]);
        assert_eq!(view.earned[1].name, "Iron Wall");
        assert_eq!(view.earned[1].match_id, Some(MatchId(2)));
        assert_eq!(view.progress.len(), 12);
    }

    #[test]
    fn peaks_before_start_at_1500_and_follow_application_order() {
        let peaks = peaks_before(&[(MatchId(3), 1490), (MatchId(1), 1530), (MatchId(2), 1510)]);
        assert_eq!(peaks[&MatchId(3)], 1500);
        assert_eq!(peaks[&MatchId(1)], 1500);
        assert_eq!(peaks[&MatchId(2)], 1530);
    }

    /// One generated match: (doubles, player on side 1, opponent, index of `best_of`, games as
    /// (player's side wins, loser points), hour played, hour recorded, ratings, change).
    type RawMatch = (
        bool,
        bool,
        i64,
        usize,
        Vec<(bool, i64)>,
        i64,
        i64,
        Vec<i32>,
        i32,
    );

    fn raw_match() -> impl Strategy<Value = RawMatch> {
        (
            any::<bool>(),
            any::<bool>(),
            2_i64..5,
            0_usize..5,
            proptest::collection::vec((any::<bool>(), 0_i64..14), 9),
            0_i64..30,
            0_i64..3,
            proptest::collection::vec(1200_i32..1900, 4),
            -30_i32..30,
        )
    }

    fn build(id: i64, raw: &RawMatch) -> (MatchRecord, EloFacts) {
        let (doubles, first, opponent, best_of, games, played, created, ratings, change) = raw;
        let (own, other): (Vec<i64>, Vec<i64>) = if *doubles {
            (vec![1, 9], vec![*opponent, 8])
        } else {
            (vec![1], vec![*opponent])
        };
        let (side1, side2) = if *first {
            (own.clone(), other.clone())
        } else {
            (other.clone(), own.clone())
        };
        let best_of = test_matches::best_of([1, 3, 5, 7, 9][*best_of]);
        let mut scores = Vec::new();
        for &(mine, lo) in games {
            if Tally::of(&scores, best_of).winner.is_some() {
                break;
            }
            let hi = if lo <= 9 { 11 } else { lo + 2 };
            let own_side_is_1 = *first;
            let (a, b) = if mine == own_side_is_1 {
                (hi, lo)
            } else {
                (lo, hi)
            };
            scores.push(GameScore::new(a, b).unwrap());
        }
        let mut m = record(id, &side1, &side2, i64::from(best_of.get()), &[]);
        m.games = scores;
        m.played_at = at_hours(*played);
        m.created_at = at_hours(*created);
        let players = own.iter().chain(&other);
        let pre_match: Vec<(PlayerId, i32)> = players
            .zip(ratings)
            .map(|(&p, &r)| (PlayerId(p), r))
            .collect();
        let facts = EloFacts {
            new_rating: pre_match[0].1 + change,
            pre_match,
            change: *change,
            previous_peak: 1500 + (ratings[0] % 150),
        };
        (m, facts)
    }

    fn generated(raws: &[RawMatch]) -> (Vec<MatchRecord>, BTreeMap<MatchId, EloFacts>) {
        let mut matches = Vec::new();
        let mut elo = BTreeMap::new();
        for (id, raw) in (1..).zip(raws) {
            let (m, f) = build(id, raw);
            elo.insert(m.id, f);
            matches.push(m);
        }
        (matches, elo)
    }

    proptest! {
        #[test]
        fn backfill_twice_gives_the_same_set_and_then_nothing_new(
            raws in proptest::collection::vec(raw_match(), 0..40),
        ) {
            let (mut matches, elo) = generated(&raws);
            let first = backfill(ME, &matches, &elo, &none());
            matches.reverse();
            let second = backfill(ME, &matches, &elo, &none());
            prop_assert_eq!(&first, &second);
            let earned: BTreeSet<String> = first.iter().map(|a| a.slug.to_owned()).collect();
            prop_assert_eq!(earned.len(), first.len());
            prop_assert!(backfill(ME, &matches, &elo, &earned).is_empty());
        }

        #[test]
        fn evaluating_match_by_match_equals_the_backfill(
            raws in proptest::collection::vec(raw_match(), 0..40),
        ) {
            let (matches, elo) = generated(&raws);
            let mut ordered = matches.clone();
            crate::record::sort_play_order(&mut ordered);
            let mut earned = BTreeSet::new();
            let mut live = Vec::new();
            for (i, m) in ordered.iter().enumerate() {
                for slug in evaluate_match(ME, m, &ordered[..=i], elo.get(&m.id), &earned) {
                    earned.insert(slug.to_owned());
                    live.push(Award { slug, match_id: m.id });
                }
            }
            prop_assert_eq!(live, backfill(ME, &matches, &elo, &none()));
        }

        #[test]
        fn backfilled_progress_has_reached_its_tier_and_not_the_next(
            raws in proptest::collection::vec(raw_match(), 0..40),
        ) {
            let (matches, elo) = generated(&raws);
            let earned: BTreeSet<String> = backfill(ME, &matches, &elo, &none())
                .iter()
                .map(|a| a.slug.to_owned())
                .collect();
            for item in progress(ME, &matches, &elo, &earned) {
                if !item.group.is_tiered() {
                    continue;
                }
                if item.next_tier.is_some() {
                    prop_assert!(item.value < item.threshold, "{:?}", item);
                }
                if let Some(reached) = ACHIEVEMENTS
                    .iter()
                    .find(|a| a.group == item.group && a.tier == item.tier)
                {
                    prop_assert!(item.value >= reached.threshold, "{:?}", item);
                }
            }
        }
    }
}

//! Leaderboard, head-to-head, pair statistics and the dashboard (API.md "Statistics",
//! DOMAIN.md §3.8, §3.10–3.12).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::dashboard::{Rivalry as DomainRivalry, WaitingItem as DomainWaitingItem};
use ttstats_domain::head_to_head::{
    HeadToHead as DomainHeadToHead, HeadToHeadGame as DomainGame, HeadToHeadMatch as DomainMatch,
    RecentForm as DomainRecent, WinProbability as PairWinProbability,
};
use ttstats_domain::leaderboard::{
    EmptyReason, IsoWeek as DomainIsoWeek, LeaderboardFilter,
    LeaderboardQuery as DomainLeaderboardQuery, LeaderboardRow as DomainRow,
};
use ttstats_domain::pairs::{PairResult as DomainPairResult, PairStats as DomainPairStats};
use ttstats_domain::streaks::Streak as DomainStreak;
use ttstats_domain::{DomainError, MatchType, PlayerId};

use crate::matches::Match;
use crate::players::{Player, Streak};

/// `GET /leaderboard?kind=&period=&from=&to=&limit=`, parsed by the domain
/// (`invalid_query_parameter`, `invalid_date_range`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LeaderboardQuery {
    /// `all` (default), `singles` or `doubles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `all` (default), `30d`, `90d`, `180d`, `365d` or `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// First day of a custom period (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day of a custom period, inclusive (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Rows to return (default 10; 0 = all).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl LeaderboardQuery {
    /// The borrowed form the domain parses.
    #[must_use]
    pub fn as_domain(&self) -> DomainLeaderboardQuery<'_> {
        DomainLeaderboardQuery {
            kind: self.kind.as_deref(),
            period: self.period.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
            limit: self.limit.as_deref(),
        }
    }

    /// The validated filter.
    pub fn to_filter(&self) -> Result<LeaderboardFilter, DomainError> {
        LeaderboardFilter::from_query(self.as_domain())
    }
}

/// `GET /leaderboard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leaderboard {
    /// Ranked rows, at most `limit`.
    pub items: Vec<LeaderboardRow>,
    /// The largest |movement_7d| among the rows; absent when nobody moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biggest_mover: Option<BiggestMover>,
    /// The ISO week of today.
    pub iso_week: IsoWeek,
    /// `no_matches` or `no_results`, set exactly when `items` is empty.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "no_results"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_reason: Option<EmptyReason>,
    /// Ranked rows before the limit.
    pub total: u32,
}

/// One leaderboard row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderboardRow {
    /// 1-based position before the limit.
    pub rank: u32,
    /// The player.
    pub player: Player,
    /// Current overall rating.
    pub rating: i32,
    /// Peak rating.
    pub peak_rating: i32,
    /// Matches in the filtered set.
    pub matches: u32,
    /// Games of those matches, both sides.
    pub games: u32,
    /// Wins.
    pub wins: u32,
    /// matches − wins.
    pub losses: u32,
    /// 100 × wins / matches.
    pub win_rate: f64,
    /// Rating change in the last 7 × 24 h (ignores the filters).
    pub movement_7d: i32,
}

impl LeaderboardRow {
    /// The wire row for a domain row and its player.
    #[must_use]
    pub fn from_domain(row: &DomainRow, player: Player) -> Self {
        Self {
            rank: row.rank,
            player,
            rating: row.rating,
            peak_rating: row.peak_rating,
            matches: row.matches,
            games: row.games,
            wins: row.wins,
            losses: row.losses,
            win_rate: row.win_rate,
            movement_7d: row.movement_7d,
        }
    }
}

/// The week's biggest mover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BiggestMover {
    /// The player.
    pub player: Player,
    /// Signed movement.
    pub movement_7d: i32,
}

/// An ISO 8601 week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IsoWeek {
    /// ISO week-year.
    pub year: i32,
    /// Week 1–53.
    pub week: u32,
}

impl From<DomainIsoWeek> for IsoWeek {
    fn from(w: DomainIsoWeek) -> Self {
        Self {
            year: w.year,
            week: w.week,
        }
    }
}

/// `GET /head-to-head?player1=&player2=` and `GET /pairs?player1=&player2=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PlayerPairQuery {
    /// The first player (everything is oriented to them).
    pub player1: i64,
    /// The second player.
    pub player2: i64,
}

impl PlayerPairQuery {
    /// The two ids, refused when equal (`players_not_distinct`).
    pub fn players(&self) -> Result<(PlayerId, PlayerId), DomainError> {
        if self.player1 == self.player2 {
            Err(DomainError::PlayersNotDistinct)
        } else {
            Ok((PlayerId(self.player1), PlayerId(self.player2)))
        }
    }
}

/// `GET /head-to-head` (API.md `HeadToHead`), oriented to player1 (DOMAIN.md §3.10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeadToHead {
    /// Player 1.
    pub player1: Player,
    /// Player 2.
    pub player2: Player,
    /// total_matches > 0.
    pub has_data: bool,
    /// Confirmed singles matches between the two.
    pub total_matches: u32,
    /// Games of those matches.
    pub total_games: u32,
    /// Matches won by player 1.
    pub player1_match_wins: u32,
    /// Matches won by player 2.
    pub player2_match_wins: u32,
    /// Percent of matches won by player 1.
    pub player1_match_win_rate: f64,
    /// Percent of matches won by player 2.
    pub player2_match_win_rate: f64,
    /// Games won by player 1.
    pub player1_game_wins: u32,
    /// Games won by player 2.
    pub player2_game_wins: u32,
    /// Percent of games won by player 1.
    pub player1_game_win_rate: f64,
    /// Percent of games won by player 2.
    pub player2_game_win_rate: f64,
    /// Games with |diff| ≤ 2.
    pub close_games: u32,
    /// Games with diff ≥ 5.
    pub player1_dominant_games: u32,
    /// Games with diff ≤ −5.
    pub player2_dominant_games: u32,
    /// Mean |diff|.
    pub avg_point_diff: f64,
    /// Largest |diff| among player 1's game wins.
    pub player1_max_margin: u32,
    /// Largest |diff| among player 2's game wins.
    pub player2_max_margin: u32,
    /// Player 1's mean points per game.
    pub player1_avg_points: f64,
    /// Player 2's mean points per game.
    pub player2_avg_points: f64,
    /// Form over the last 5 matches.
    pub recent: RecentForm,
    /// Signed games margin per match, chronological (+ when player 1 won).
    pub match_margins: Vec<i32>,
    /// Running mean of `match_margins`.
    pub match_margin_running_avg: Vec<f64>,
    /// Every game, chronological.
    pub games: Vec<HeadToHeadGame>,
    /// The matches, newest first, oriented to player 1.
    pub matches: Vec<HeadToHeadMatch>,
    /// Confirmed doubles with both as partners.
    pub doubles_together: u32,
    /// Confirmed doubles with both as opponents.
    pub doubles_against: u32,
    /// From current ratings, at request time.
    pub player1_win_probability: u8,
    /// 100 − player1_win_probability.
    pub player2_win_probability: u8,
}

impl HeadToHead {
    /// The wire form of a domain head-to-head with both players and the current probability.
    #[must_use]
    pub fn from_domain(
        h: &DomainHeadToHead,
        player1: Player,
        player2: Player,
        probability: PairWinProbability,
    ) -> Self {
        Self {
            player1,
            player2,
            has_data: h.has_data,
            total_matches: h.total_matches,
            total_games: h.total_games,
            player1_match_wins: h.player1_match_wins,
            player2_match_wins: h.player2_match_wins,
            player1_match_win_rate: h.player1_match_win_rate,
            player2_match_win_rate: h.player2_match_win_rate,
            player1_game_wins: h.player1_game_wins,
            player2_game_wins: h.player2_game_wins,
            player1_game_win_rate: h.player1_game_win_rate,
            player2_game_win_rate: h.player2_game_win_rate,
            close_games: h.close_games,
            player1_dominant_games: h.player1_dominant_games,
            player2_dominant_games: h.player2_dominant_games,
            avg_point_diff: h.avg_point_diff,
            player1_max_margin: h.player1_max_margin,
            player2_max_margin: h.player2_max_margin,
            player1_avg_points: h.player1_avg_points,
            player2_avg_points: h.player2_avg_points,
            recent: h.recent.into(),
            match_margins: h.match_margins.clone(),
            match_margin_running_avg: h.match_margin_running_avg.clone(),
            games: h.games.iter().map(Into::into).collect(),
            matches: h.matches.iter().map(Into::into).collect(),
            doubles_together: h.doubles_together,
            doubles_against: h.doubles_against,
            player1_win_probability: probability.player1,
            player2_win_probability: probability.player2,
        }
    }
}

/// Form over the last 5 matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentForm {
    /// Wins of player 1.
    pub player1_wins: u32,
    /// Wins of player 2.
    pub player2_wins: u32,
    /// min(5, matches).
    pub total: u32,
}

impl From<DomainRecent> for RecentForm {
    fn from(r: DomainRecent) -> Self {
        Self {
            player1_wins: r.player1_wins,
            player2_wins: r.player2_wins,
            total: r.total,
        }
    }
}

/// A game between the two, oriented to player 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeadToHeadGame {
    /// The match.
    pub match_id: i64,
    /// Game number.
    pub number: u8,
    /// When the match was played.
    pub played_at: DateTime<Utc>,
    /// Player 1's points.
    pub player1_points: u16,
    /// Player 2's points.
    pub player2_points: u16,
    /// player1_points − player2_points.
    pub diff: i32,
}

impl From<&DomainGame> for HeadToHeadGame {
    fn from(g: &DomainGame) -> Self {
        Self {
            match_id: g.match_id.0,
            number: g.number,
            played_at: g.played_at,
            player1_points: g.player1_points,
            player2_points: g.player2_points,
            diff: g.diff,
        }
    }
}

/// A match between the two, oriented to player 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeadToHeadMatch {
    /// The match.
    pub match_id: i64,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// `casual`, `practice` or `tournament`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "casual"))]
    pub match_type: MatchType,
    /// The format.
    pub best_of: u8,
    /// Games won by player 1.
    pub player1_games: u8,
    /// Games won by player 2.
    pub player2_games: u8,
    /// Player 1 won.
    pub player1_won: bool,
}

impl From<&DomainMatch> for HeadToHeadMatch {
    fn from(m: &DomainMatch) -> Self {
        Self {
            match_id: m.match_id.0,
            played_at: m.played_at,
            match_type: m.match_type,
            best_of: m.best_of.get(),
            player1_games: m.player1_games,
            player2_games: m.player2_games,
            player1_won: m.player1_won,
        }
    }
}

/// `GET /pairs`: two players as doubles partners (DOMAIN.md §3.11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairStats {
    /// The two partners, in query order.
    pub players: Vec<Player>,
    /// Confirmed doubles together.
    pub matches: u32,
    /// Wins.
    pub wins: u32,
    /// Losses.
    pub losses: u32,
    /// 100 × wins / matches.
    pub win_rate: f64,
    /// The run including the newest match.
    pub current_streak: Streak,
    /// Longest run of wins.
    pub longest_win_streak: u32,
    /// Longest run of losses.
    pub longest_loss_streak: u32,
    /// Mean games won per match (2 decimals).
    pub avg_games_won: f64,
    /// Mean games lost per match (2 decimals).
    pub avg_games_lost: f64,
    /// The largest winning margin (earliest on ties).
    pub best_win: Option<PairResult>,
    /// The largest losing margin (earliest on ties).
    pub worst_loss: Option<PairResult>,
}

impl PairStats {
    /// The wire form of domain pair statistics with both players.
    #[must_use]
    pub fn from_domain(stats: &DomainPairStats, players: Vec<Player>) -> Self {
        Self {
            players,
            matches: stats.matches,
            wins: stats.wins,
            losses: stats.losses,
            win_rate: stats.win_rate,
            current_streak: DomainStreak {
                kind: stats.current_streak.kind,
                length: stats.current_streak.length,
            }
            .into(),
            longest_win_streak: stats.longest_win_streak,
            longest_loss_streak: stats.longest_loss_streak,
            avg_games_won: stats.avg_games_won,
            avg_games_lost: stats.avg_games_lost,
            best_win: stats.best_win.as_ref().map(Into::into),
            worst_loss: stats.worst_loss.as_ref().map(Into::into),
        }
    }
}

/// A notable match of a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairResult {
    /// The match.
    pub match_id: i64,
    /// When it was played.
    pub played_at: DateTime<Utc>,
    /// Games won by the pair.
    pub games_won: u8,
    /// Games lost by the pair.
    pub games_lost: u8,
    /// Printed score, the pair's games first ("3-0").
    pub score: String,
}

impl From<&DomainPairResult> for PairResult {
    fn from(r: &DomainPairResult) -> Self {
        Self {
            match_id: r.match_id.0,
            played_at: r.played_at,
            games_won: r.games_won,
            games_lost: r.games_lost,
            score: r.score.clone(),
        }
    }
}

/// `GET /dashboard` (DOMAIN.md §3.12). The personal sections are present only for a signed-in
/// user with a player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Players in the club.
    pub total_players: u32,
    /// Confirmed matches in the club.
    pub total_confirmed_matches: u32,
    /// The 5 most recent confirmed matches.
    pub recent_matches: Vec<Match>,
    /// Live matches the user scores or plays in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_now: Option<Vec<LiveNowItem>>,
    /// Matches awaiting the user's confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_on_you: Option<WaitingOnYou>,
    /// The user's rivalries (max 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rivalries: Option<Vec<Rivalry>>,
    /// The user's next fixtures (max 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixtures: Option<Vec<DashboardFixture>>,
}

/// A live match on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveNowItem {
    /// The match.
    pub match_id: i64,
    /// The other side's label.
    pub opponent: String,
    /// Games of side 1.
    pub side1_games: u8,
    /// Games of side 2.
    pub side2_games: u8,
    /// Points of side 1 in the current game.
    pub side1_points: u16,
    /// Points of side 2 in the current game.
    pub side2_points: u16,
    /// side1_games + side2_games + 1.
    pub game_number: u8,
    /// The format.
    pub best_of: u8,
    /// When the last point was scored.
    pub last_point_at: Option<DateTime<Utc>>,
}

/// "Waiting on you": up to 4 items and the uncapped count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingOnYou {
    /// Newest first, at most 4.
    pub items: Vec<WaitingItem>,
    /// All matches awaiting the user's confirmation.
    pub pending_confirmations: u32,
}

/// A match awaiting the user's confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitingItem {
    /// The match.
    pub match_id: i64,
    /// The other side's label.
    pub opponent_label: String,
    /// The user's side's games (own score first).
    pub own_games: u8,
    /// The other side's games.
    pub opponent_games: u8,
    /// The user's side won.
    pub won: bool,
    /// The user's projected Δ.
    pub projected_delta: i32,
    /// When it was played.
    pub played_at: DateTime<Utc>,
}

impl From<&DomainWaitingItem> for WaitingItem {
    fn from(w: &DomainWaitingItem) -> Self {
        Self {
            match_id: w.match_id.0,
            opponent_label: w.opponent_label.clone(),
            own_games: w.own_games,
            opponent_games: w.opponent_games,
            won: w.won,
            projected_delta: w.projected_delta,
            played_at: w.played_at,
        }
    }
}

/// A rivalry: the user's record against one opponent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rivalry {
    /// The opponent.
    pub opponent: Player,
    /// The user's wins.
    pub wins: u32,
    /// The user's losses.
    pub losses: u32,
    /// Matches played.
    pub played: u32,
    /// When they last played.
    pub last_played: DateTime<Utc>,
    /// The last match.
    pub last_match_id: i64,
    /// wins > losses.
    pub leading: bool,
    /// The opponent's rating − the user's.
    pub elo_gap: i32,
}

impl Rivalry {
    /// The wire form of a domain rivalry with the opponent.
    #[must_use]
    pub fn from_domain(r: &DomainRivalry, opponent: Player) -> Self {
        Self {
            opponent,
            wins: r.wins,
            losses: r.losses,
            played: r.played,
            last_played: r.last_played,
            last_match_id: r.last_match_id.0,
            leading: r.leading,
            elo_gap: r.elo_gap,
        }
    }
}

/// An upcoming fixture on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DashboardFixture {
    /// The fixture.
    pub scheduled_match_id: i64,
    /// Its date.
    pub scheduled_date: NaiveDate,
    /// Its time (HH:MM:SS).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "18:00:00"))]
    pub scheduled_time: NaiveTime,
    /// The other side's label, "TBC" when none.
    pub opponent_label: String,
    /// The championship's name, if any.
    pub championship_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matches::tests::player;
    use ttstats_domain::head_to_head::{head_to_head, win_probability};

    #[test]
    fn an_empty_head_to_head_has_exactly_the_api_fields() {
        let h = head_to_head(PlayerId(1), PlayerId(2), &[]).unwrap();
        let wire = HeadToHead::from_domain(&h, player(1), player(2), win_probability(1500, 1500));
        let json = serde_json::to_value(&wire).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut expected = vec![
            "player1",
            "player2",
            "has_data",
            "total_matches",
            "total_games",
            "player1_match_wins",
            "player2_match_wins",
            "player1_match_win_rate",
            "player2_match_win_rate",
            "player1_game_wins",
            "player2_game_wins",
            "player1_game_win_rate",
            "player2_game_win_rate",
            "close_games",
            "player1_dominant_games",
            "player2_dominant_games",
            "avg_point_diff",
            "player1_max_margin",
            "player2_max_margin",
            "player1_avg_points",
            "player2_avg_points",
            "recent",
            "match_margins",
            "match_margin_running_avg",
            "games",
            "matches",
            "doubles_together",
            "doubles_against",
            "player1_win_probability",
            "player2_win_probability",
        ];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!(json["has_data"], false);
        assert_eq!(json["player1"]["id"], 1);
        assert_eq!(
            json["recent"],
            serde_json::json!({"player1_wins": 0, "player2_wins": 0, "total": 0})
        );
        assert_eq!(json["player1_win_probability"], 50);
        assert_eq!(json["player2_win_probability"], 50);
    }

    #[test]
    fn head_to_head_refuses_the_same_player_twice() {
        let q = PlayerPairQuery {
            player1: 3,
            player2: 3,
        };
        assert_eq!(q.players(), Err(DomainError::PlayersNotDistinct));
        let q = PlayerPairQuery {
            player1: 3,
            player2: 4,
        };
        assert_eq!(q.players(), Ok((PlayerId(3), PlayerId(4))));
    }

    #[test]
    fn the_leaderboard_query_goes_through_the_domain_parser() {
        let q = LeaderboardQuery {
            period: Some("custom".into()),
            from: Some("2026-03-10".into()),
            to: Some("2026-03-01".into()),
            ..LeaderboardQuery::default()
        };
        assert_eq!(q.to_filter(), Err(DomainError::InvalidDateRange));
        let q = LeaderboardQuery {
            kind: Some("mixed".into()),
            ..LeaderboardQuery::default()
        };
        assert_eq!(
            q.to_filter(),
            Err(DomainError::InvalidQueryParameter { parameter: "kind" })
        );
        let default = LeaderboardQuery::default().to_filter().unwrap();
        assert_eq!(default.limit, LeaderboardFilter::DEFAULT_LIMIT);
        assert!(default.is_default_board());
    }

    #[test]
    fn a_leaderboard_row_carries_the_api_columns_and_the_empty_reason_spelling() {
        let row = LeaderboardRow {
            rank: 1,
            player: player(1),
            rating: 1524,
            peak_rating: 1524,
            matches: 1,
            games: 4,
            wins: 1,
            losses: 0,
            win_rate: 100.0,
            movement_7d: 24,
        };
        let board = Leaderboard {
            items: vec![row],
            biggest_mover: None,
            iso_week: IsoWeek {
                year: 2026,
                week: 9,
            },
            empty_reason: None,
            total: 1,
        };
        let json = serde_json::to_value(&board).unwrap();
        let mut keys: Vec<&str> = json["items"][0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "games",
                "losses",
                "matches",
                "movement_7d",
                "peak_rating",
                "player",
                "rank",
                "rating",
                "win_rate",
                "wins"
            ]
        );
        assert!(json.get("biggest_mover").is_none());
        assert_eq!(
            json["iso_week"],
            serde_json::json!({"year": 2026, "week": 9})
        );
        let empty = Leaderboard {
            items: vec![],
            empty_reason: Some(EmptyReason::NoResults),
            total: 0,
            ..board
        };
        assert_eq!(
            serde_json::to_value(&empty).unwrap()["empty_reason"],
            "no_results"
        );
    }

    #[test]
    fn an_anonymous_dashboard_has_only_the_club_part() {
        let d = Dashboard {
            total_players: 4,
            total_confirmed_matches: 9,
            recent_matches: vec![],
            live_now: None,
            waiting_on_you: None,
            rivalries: None,
            fixtures: None,
        };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"total_players": 4, "total_confirmed_matches": 9,
                "recent_matches": []})
        );
    }
}

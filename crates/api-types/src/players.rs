//! Players, their statistics, history, rating history and achievements (API.md "Players",
//! DOMAIN.md §3.1, §3.9, §3.14).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::achievements::{
    AchievementGroup, AchievementProgress as DomainProgress, AchievementsView,
    EarnedAchievement as DomainEarned, Tier,
};
use ttstats_domain::elo::{EloHistoryEntry, RatingPoint as DomainRatingPoint};
use ttstats_domain::streaks::{Streak as DomainStreak, StreakKind};
use ttstats_domain::{DomainError, MatchKind};

use crate::matches::Match;
use crate::{FieldErrors, checked_text, double_option};

/// A player's style of play.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlayingStyle {
    /// The default.
    #[default]
    Normal,
    /// Hard rubber.
    HardRubber,
    /// Not known.
    Unknown,
}

impl PlayingStyle {
    /// Every value.
    pub const ALL: [Self; 3] = [Self::Normal, Self::HardRubber, Self::Unknown];

    /// The wire and database spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::HardRubber => "hard_rubber",
            Self::Unknown => "unknown",
        }
    }

    /// Parses the wire spelling (`invalid_choice` on `playing_style` otherwise).
    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or(DomainError::InvalidChoice {
                field: "playing_style",
            })
    }
}

/// A player (API.md `Player`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Player {
    /// Id.
    pub id: i64,
    /// Name (1–100 characters).
    pub name: String,
    /// Nickname (0–50 characters; empty when none).
    pub nickname: String,
    /// `nickname` when non-empty, else `name`.
    pub display_name: String,
    /// Current Elo rating.
    pub rating: i32,
    /// Highest rating reached (≥ 1500).
    pub peak_rating: i32,
    /// Matches whose Elo update was applied.
    pub rated_matches: u32,
    /// Linked to an active user with a verified e-mail address.
    pub verified: bool,
    /// No linked user.
    pub is_guest: bool,
    /// Style of play.
    pub playing_style: PlayingStyle,
}

/// `GET /players?search=&page=&per_page=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct PlayerListQuery {
    /// Case-insensitive part of the name or nickname.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// 1-based page number.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// Items per page, 1–100.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_page: Option<String>,
}

/// `POST /players`: a guest player for an opponent without an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Ada Lovelace", "nickname": "Ada", "playing_style": "normal"
})))]
pub struct CreatePlayerRequest {
    /// Name, 1–100 characters.
    pub name: String,
    /// Nickname, up to 50 characters.
    #[serde(default)]
    pub nickname: Option<String>,
    /// `normal` (default), `hard_rubber` or `unknown`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PlayingStyle>))]
    #[serde(default)]
    pub playing_style: Option<String>,
    /// Free notes.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A validated new player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlayer {
    /// Trimmed name.
    pub name: String,
    /// Trimmed nickname, empty when none.
    pub nickname: String,
    /// Style of play.
    pub playing_style: PlayingStyle,
    /// Trimmed notes, if any.
    pub notes: Option<String>,
}

/// Longest player name (DOMAIN.md §2).
pub const NAME_MAX: usize = 100;
/// Longest nickname (DOMAIN.md §2).
pub const NICKNAME_MAX: usize = 50;
/// Longest notes accepted on players, matches and fixtures (not fixed by DOMAIN.md).
pub const NOTES_MAX: usize = 2000;

impl TryFrom<&CreatePlayerRequest> for NewPlayer {
    type Error = FieldErrors;

    fn try_from(request: &CreatePlayerRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let name = checked_text(&mut errors, "name", Some(&request.name), true, NAME_MAX);
        let nickname = checked_text(
            &mut errors,
            "nickname",
            request.nickname.as_deref(),
            false,
            NICKNAME_MAX,
        );
        let notes = checked_text(
            &mut errors,
            "notes",
            request.notes.as_deref(),
            false,
            NOTES_MAX,
        );
        let playing_style = match request.playing_style.as_deref() {
            None => PlayingStyle::default(),
            Some(s) => PlayingStyle::parse(s).unwrap_or_else(|e| {
                errors.push("playing_style", e);
                PlayingStyle::default()
            }),
        };
        errors.into_result(Self {
            name: name.unwrap_or_default(),
            nickname: nickname.unwrap_or_default(),
            playing_style,
            notes,
        })
    }
}

/// `PATCH /players/{id}`: absent fields stay, `null` clears a nullable field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"nickname": "The Wall"})))]
pub struct UpdatePlayerRequest {
    /// New name, 1–100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New nickname; `null` or "" removes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub nickname: Option<Option<String>>,
    /// New style of play.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PlayingStyle>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playing_style: Option<String>,
    /// New notes; `null` clears them.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub notes: Option<Option<String>>,
    /// Admins only: link the player to a user (`null` unlinks, making it a guest).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<Option<i64>>,
}

/// A validated player update: `None` leaves a field unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayerChanges {
    /// New name.
    pub name: Option<String>,
    /// New nickname ("" when removed).
    pub nickname: Option<String>,
    /// New style.
    pub playing_style: Option<PlayingStyle>,
    /// New notes (`Some(None)` clears).
    pub notes: Option<Option<String>>,
    /// New link (`Some(None)` unlinks).
    pub user_id: Option<Option<i64>>,
}

impl TryFrom<&UpdatePlayerRequest> for PlayerChanges {
    type Error = FieldErrors;

    fn try_from(request: &UpdatePlayerRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let name = request.name.as_deref().map(|n| {
            checked_text(&mut errors, "name", Some(n), true, NAME_MAX).unwrap_or_default()
        });
        let nickname = request.nickname.as_ref().map(|n| {
            checked_text(&mut errors, "nickname", n.as_deref(), false, NICKNAME_MAX)
                .unwrap_or_default()
        });
        let notes = request
            .notes
            .as_ref()
            .map(|n| checked_text(&mut errors, "notes", n.as_deref(), false, NOTES_MAX));
        let playing_style = request.playing_style.as_deref().and_then(|s| {
            PlayingStyle::parse(s)
                .map_err(|e| errors.push("playing_style", e))
                .ok()
        });
        errors.into_result(Self {
            name,
            nickname,
            playing_style,
            notes,
            user_id: request.user_id,
        })
    }
}

/// A run of equal results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Streak {
    /// `win`, `loss` or `none`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "win"))]
    pub kind: StreakKind,
    /// Matches in the run (0 for `none`).
    pub length: u32,
}

impl From<DomainStreak> for Streak {
    fn from(s: DomainStreak) -> Self {
        Self {
            kind: s.kind,
            length: s.length,
        }
    }
}

/// A point of the rating chart: "Start" at 1500, then one per rated match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingPoint {
    /// "Start" or the date applied (YYYY-MM-DD).
    pub label: String,
    /// Rating after this point.
    pub rating: i32,
    /// The match; null for the start point.
    pub match_id: Option<i64>,
}

impl From<&DomainRatingPoint> for RatingPoint {
    fn from(p: &DomainRatingPoint) -> Self {
        Self {
            label: p.label.clone(),
            rating: p.rating,
            match_id: p.match_id.map(|m| m.0),
        }
    }
}

/// An earned achievement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EarnedAchievement {
    /// Stable key, e.g. `win_streak_bronze`.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// `none` (one-off), `bronze`, `silver` or `gold`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "bronze"))]
    pub tier: Tier,
    /// When it was awarded.
    pub awarded_at: DateTime<Utc>,
    /// The match that earned it (null if that match was deleted).
    pub match_id: Option<i64>,
}

impl From<&DomainEarned> for EarnedAchievement {
    fn from(e: &DomainEarned) -> Self {
        Self {
            slug: e.slug.to_owned(),
            name: e.name.to_owned(),
            tier: e.tier,
            awarded_at: e.awarded_at,
            match_id: e.match_id.map(|m| m.0),
        }
    }
}

/// Progress in one achievement group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AchievementProgress {
    /// Group slug, e.g. `matches_played`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "matches_played"))]
    pub group: AchievementGroup,
    /// Highest tier earned (`none` when none).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "bronze"))]
    pub tier: Tier,
    /// The next tier; null after gold and for one-offs.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "silver"))]
    pub next_tier: Option<Tier>,
    /// Current value (played, won, longest win run, …; 1/0 for one-offs).
    pub value: i64,
    /// Threshold of the next tier (1 for one-offs).
    pub threshold: i64,
}

impl From<&DomainProgress> for AchievementProgress {
    fn from(p: &DomainProgress) -> Self {
        Self {
            group: p.group,
            tier: p.tier,
            next_tier: p.next_tier,
            value: p.value,
            threshold: p.threshold,
        }
    }
}

/// `GET /players/{id}/achievements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Achievements {
    /// Earned achievements.
    pub earned: Vec<EarnedAchievement>,
    /// Progress per group (12 items).
    pub progress: Vec<AchievementProgress>,
}

impl From<&AchievementsView> for Achievements {
    fn from(v: &AchievementsView) -> Self {
        Self {
            earned: v.earned.iter().map(Into::into).collect(),
            progress: v.progress.iter().map(Into::into).collect(),
        }
    }
}

/// `GET /players/{id}/stats` (API.md plus DOMAIN.md §3.9), identical for every viewer except
/// `can_edit`, which is added at request time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlayerStats {
    /// The player.
    pub player_id: i64,
    /// Confirmed matches.
    pub total_matches: u32,
    /// Wins.
    pub wins: u32,
    /// Losses.
    pub losses: u32,
    /// 100 × wins / matches (0 without matches).
    pub win_rate: f64,
    /// The run that includes the newest match.
    pub current_streak: Streak,
    /// Longest run of wins.
    pub longest_win_streak: u32,
    /// Longest run of losses.
    pub longest_loss_streak: u32,
    /// Games won.
    pub games_won: u32,
    /// Games lost.
    pub games_lost: u32,
    /// Current rating.
    pub rating: i32,
    /// Peak rating.
    pub peak_rating: i32,
    /// Rated matches.
    pub rated_matches: u32,
    /// Verified player.
    pub verified: bool,
    /// The last 100 points of the rating chart ("Start" at 1500 only while the player has
    /// fewer than 100 rated matches); the whole series is `GET /players/{id}/elo-history`.
    pub rating_history: Vec<RatingPoint>,
    /// Earned achievements and progress.
    pub achievements: Achievements,
    /// Whether the viewer may edit the player (per viewer, never cached).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_edit: Option<bool>,
}

impl PlayerStats {
    /// The wire form of the domain statistics with the chart and achievements.
    #[must_use]
    pub fn from_domain(
        stats: &ttstats_domain::player_stats::PlayerStats,
        rating_history: &[DomainRatingPoint],
        achievements: &AchievementsView,
    ) -> Self {
        Self {
            player_id: stats.player_id.0,
            total_matches: stats.total_matches,
            wins: stats.wins,
            losses: stats.losses,
            win_rate: stats.win_rate,
            current_streak: stats.current_streak.into(),
            longest_win_streak: stats.longest_win_streak,
            longest_loss_streak: stats.longest_loss_streak,
            games_won: stats.games_won,
            games_lost: stats.games_lost,
            rating: stats.rating,
            peak_rating: stats.peak_rating,
            rated_matches: stats.rated_matches,
            verified: stats.verified,
            rating_history: rating_history.iter().map(Into::into).collect(),
            achievements: achievements.into(),
            can_edit: None,
        }
    }
}

/// One item of `GET /players/{id}/matches`: a confirmed match oriented to the player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryItem {
    /// The match.
    #[serde(rename = "match")]
    pub played: Match,
    /// The player's side (1 or 2).
    pub own_side: u8,
    /// Games won by the player's side.
    pub own_games: u8,
    /// Games won by the other side.
    pub opponent_games: u8,
    /// The other side's label ("A" or "A and B").
    pub opponent: String,
    /// The partner in doubles.
    #[serde(default)]
    pub partner: Option<Player>,
    /// The player's side won.
    pub won: bool,
    /// The player's applied rating change, when rated.
    #[serde(default)]
    pub rating_change: Option<i32>,
}

/// One row of `GET /players/{id}/elo-history`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EloHistoryItem {
    /// The rated match.
    pub match_id: i64,
    /// When the change was applied (the match's confirmation time).
    pub at: DateTime<Utc>,
    /// Rating before.
    pub old_rating: i32,
    /// Rating after.
    pub new_rating: i32,
    /// Signed change.
    pub change: i32,
    /// The side's K-factor.
    pub k_factor: f64,
}

impl From<&EloHistoryEntry> for EloHistoryItem {
    fn from(e: &EloHistoryEntry) -> Self {
        Self {
            match_id: e.match_id.0,
            at: e.applied_at,
            old_rating: e.old_rating,
            new_rating: e.new_rating,
            change: e.rating_change,
            k_factor: e.k_factor,
        }
    }
}

/// Parses the `kind` query value of lists (`invalid_query_parameter` otherwise).
pub(crate) fn kind_parameter(value: Option<&str>) -> Result<Option<MatchKind>, DomainError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| DomainError::InvalidQueryParameter { parameter: "kind" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttstats_domain::elo::rating_history;
    use ttstats_domain::{MatchId, PlayerId, Side};

    pub(crate) fn player(id: i64, name: &str) -> Player {
        Player {
            id,
            name: name.to_owned(),
            nickname: String::new(),
            display_name: name.to_owned(),
            rating: 1500,
            peak_rating: 1500,
            rated_matches: 0,
            verified: true,
            is_guest: false,
            playing_style: PlayingStyle::Normal,
        }
    }

    fn keys(value: &serde_json::Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    #[test]
    fn a_player_has_exactly_the_api_fields() {
        let json = serde_json::to_value(player(1, "Ada")).unwrap();
        assert_eq!(
            keys(&json),
            [
                "display_name",
                "id",
                "is_guest",
                "name",
                "nickname",
                "peak_rating",
                "playing_style",
                "rated_matches",
                "rating",
                "verified"
            ]
        );
        assert_eq!(json["playing_style"], "normal");
        let back: Player = serde_json::from_value(json).unwrap();
        assert_eq!(back, player(1, "Ada"));
    }

    #[test]
    fn a_guest_player_request_is_trimmed_and_defaults_to_normal_style() {
        let request = CreatePlayerRequest {
            name: "  Bo  ".into(),
            nickname: Some("  ".into()),
            ..CreatePlayerRequest::default()
        };
        let new = NewPlayer::try_from(&request).unwrap();
        assert_eq!(new.name, "Bo");
        assert_eq!(new.nickname, "");
        assert_eq!(new.playing_style, PlayingStyle::Normal);
    }

    #[test]
    fn a_guest_player_request_reports_every_bad_field() {
        let request = CreatePlayerRequest {
            name: " ".into(),
            nickname: Some("n".repeat(51)),
            playing_style: Some("lefty".into()),
            notes: None,
        };
        let errors = NewPlayer::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("name"), ["field_required"]);
        assert_eq!(errors.codes_for("nickname"), ["field_too_long"]);
        assert_eq!(errors.codes_for("playing_style"), ["invalid_choice"]);
        assert_eq!(errors.code(), Some("field_required"));
    }

    #[test]
    fn name_length_boundaries_are_100_and_nickname_50() {
        let ok = CreatePlayerRequest {
            name: "a".repeat(100),
            nickname: Some("b".repeat(50)),
            ..CreatePlayerRequest::default()
        };
        assert!(NewPlayer::try_from(&ok).is_ok());
        let long = CreatePlayerRequest {
            name: "a".repeat(101),
            ..CreatePlayerRequest::default()
        };
        assert_eq!(
            NewPlayer::try_from(&long).unwrap_err().codes_for("name"),
            ["field_too_long"]
        );
    }

    #[test]
    fn an_update_tells_absent_from_null() {
        let absent: UpdatePlayerRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(absent.nickname, None);
        let cleared: UpdatePlayerRequest =
            serde_json::from_str(r#"{"nickname": null, "user_id": null}"#).unwrap();
        assert_eq!(cleared.nickname, Some(None));
        assert_eq!(cleared.user_id, Some(None));
        let set: UpdatePlayerRequest = serde_json::from_str(r#"{"nickname": "Zed"}"#).unwrap();
        assert_eq!(set.nickname, Some(Some("Zed".into())));

        let changes = PlayerChanges::try_from(&cleared).unwrap();
        assert_eq!(changes.nickname, Some(String::new()));
        assert_eq!(changes.name, None);
        assert_eq!(changes.user_id, Some(None));
        assert_eq!(
            serde_json::to_value(&cleared).unwrap(),
            serde_json::json!({"nickname": null, "user_id": null})
        );
    }

    #[test]
    fn an_update_refuses_a_blank_name_and_an_unknown_style() {
        let request: UpdatePlayerRequest =
            serde_json::from_str(r#"{"name": "", "playing_style": "x"}"#).unwrap();
        let errors = PlayerChanges::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("name"), ["field_required"]);
        assert_eq!(errors.codes_for("playing_style"), ["invalid_choice"]);
    }

    #[test]
    fn stats_carry_the_api_fields_and_the_domain_streak() {
        let entry = EloHistoryEntry {
            match_id: MatchId(7),
            player_id: PlayerId(1),
            side: Side::One,
            old_rating: 1500,
            new_rating: 1524,
            rating_change: 24,
            k_factor: 48.0,
            applied_at: "2026-03-01T10:00:00Z".parse().unwrap(),
        };
        let history = rating_history(PlayerId(1), &[entry]);
        let domain = ttstats_domain::player_stats::PlayerStats {
            player_id: PlayerId(1),
            total_matches: 3,
            wins: 2,
            losses: 1,
            win_rate: 66.67,
            current_streak: DomainStreak {
                kind: StreakKind::Win,
                length: 2,
            },
            longest_win_streak: 2,
            longest_loss_streak: 1,
            games_won: 9,
            games_lost: 4,
            rating: 1524,
            peak_rating: 1524,
            rated_matches: 1,
            verified: true,
        };
        let view = AchievementsView {
            earned: vec![],
            progress: vec![],
        };
        let stats = PlayerStats::from_domain(&domain, &history, &view);
        let json = serde_json::to_value(&stats).unwrap();
        assert_eq!(
            json["current_streak"],
            serde_json::json!({"kind": "win", "length": 2})
        );
        assert_eq!(json["rating_history"][0]["label"], "Start");
        assert_eq!(json["rating_history"][1]["label"], "2026-03-01");
        assert_eq!(json["rating_history"][1]["match_id"], 7);
        assert!(json.get("can_edit").is_none());
        for key in [
            "player_id",
            "total_matches",
            "wins",
            "losses",
            "win_rate",
            "longest_win_streak",
            "longest_loss_streak",
            "games_won",
            "games_lost",
            "rating",
            "peak_rating",
            "rated_matches",
            "verified",
            "achievements",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        let item = EloHistoryItem::from(&entry);
        assert_eq!(
            serde_json::to_value(item).unwrap(),
            serde_json::json!({"match_id": 7, "at": "2026-03-01T10:00:00Z", "old_rating": 1500,
                "new_rating": 1524, "change": 24, "k_factor": 48.0})
        );
    }

    #[test]
    fn the_kind_parameter_is_singles_doubles_or_absent() {
        assert_eq!(kind_parameter(None), Ok(None));
        assert_eq!(kind_parameter(Some("")), Ok(None));
        assert_eq!(
            kind_parameter(Some("doubles")),
            Ok(Some(MatchKind::Doubles))
        );
        assert_eq!(
            kind_parameter(Some("triples")),
            Err(DomainError::InvalidQueryParameter { parameter: "kind" })
        );
    }
}

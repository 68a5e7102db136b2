//! Championships: round-robin competitions between entries (API.md `Championship`,
//! DOMAIN.md §3.13).

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::{DomainError, MatchKind, PlayerId};

use crate::locations::Location;
use crate::page::page_request;
use crate::players::{NOTES_MAX, Player};
use crate::{FieldErrors, checked_text, double_option};

/// Where a championship stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChampionshipStatus {
    /// Public and open for entries.
    Registration,
    /// Fixtures generated, nothing played.
    Scheduled,
    /// A fixture was converted.
    InProgress,
    /// Every fixture converted and every match confirmed.
    Completed,
    /// Cancelled by its creator or an admin.
    Cancelled,
}

impl ChampionshipStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Registration,
        Self::Scheduled,
        Self::InProgress,
        Self::Completed,
        Self::Cancelled,
    ];

    /// The wire spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::Scheduled => "scheduled",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A championship with its entries, fixtures, standings and results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Championship {
    /// Id.
    pub id: i64,
    /// Name (1–200 characters).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `singles` or `doubles`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "singles"))]
    pub kind: MatchKind,
    /// Open for registration to everyone.
    pub is_public: bool,
    /// Every pairing is played twice, home and away.
    pub home_and_away: bool,
    /// Most entries (2–100).
    pub max_entries: u32,
    /// Where it stands.
    pub status: ChampionshipStatus,
    /// First round's date.
    pub start_date: NaiveDate,
    /// Last round's date, once scheduled.
    pub end_date: Option<NaiveDate>,
    /// Last day to register (public championships).
    pub registration_deadline: Option<NaiveDate>,
    /// Registration is open today.
    pub registration_open: bool,
    /// Where it is played.
    pub location: Option<Location>,
    /// The creator's player.
    pub created_by_player_id: Option<i64>,
    /// Entries in entry order.
    pub entries: Vec<Entry>,
    /// Fixtures by round.
    pub fixtures: Vec<ChampionshipFixture>,
    /// Standings, first place first.
    pub standings: Vec<StandingRow>,
    /// Results matrix: rows and columns in standings order.
    pub results: Vec<Vec<ResultCell>>,
    /// ⌊100 × converted fixtures / fixtures⌋.
    pub progress: u8,
    /// The winner once completed.
    pub champion_entry_id: Option<i64>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One competitor: 1 player (singles) or 2 (doubles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// Display name (the side label when none was given).
    pub display_name: String,
    /// The members.
    pub players: Vec<Player>,
    /// Seed, if set.
    pub seed: Option<u32>,
}

/// A fixture of a championship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChampionshipFixture {
    /// The scheduled match.
    pub id: i64,
    /// Round 1….
    pub round_number: u32,
    /// start_date + 7 × (round − 1) days.
    pub scheduled_date: NaiveDate,
    /// 18:00 unless moved.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "18:00:00"))]
    pub scheduled_time: NaiveTime,
    /// Home entry (side 1).
    pub side1_entry_id: i64,
    /// Away entry (side 2).
    pub side2_entry_id: i64,
    /// The match once converted.
    pub match_id: Option<i64>,
}

/// One row of the standings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StandingRow {
    /// The entry.
    pub entry_id: i64,
    /// Confirmed matches played.
    pub played: u32,
    /// Wins.
    pub wins: u32,
    /// Losses.
    pub losses: u32,
    /// Games won.
    pub games_won: u32,
    /// Games lost.
    pub games_lost: u32,
    /// games_won − games_lost.
    pub game_difference: i32,
    /// 3 × wins.
    pub points: u32,
}

/// What a results-matrix cell shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    /// The diagonal.
    #[serde(rename = "self")]
    Diagonal,
    /// No complete match yet.
    NotPlayed,
    /// Complete but not confirmed.
    PendingConfirmation,
    /// Confirmed.
    Confirmed,
}

/// A results-matrix cell: the match with the row's entry at home and the column's away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultCell {
    /// What it shows.
    pub status: CellStatus,
    /// The match, if any.
    pub match_id: Option<i64>,
    /// "g1-g2" from the row's view.
    pub score: Option<String>,
    /// The row's entry won.
    pub won: Option<bool>,
}

/// `POST /championships`. A private championship carries its entries (player ids; pairs for
/// doubles) and is scheduled at once; a public one opens for registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Spring League", "kind": "singles", "is_public": true, "max_entries": 8,
    "start_date": "2026-04-06", "registration_deadline": "2026-04-01"
})))]
pub struct CreateChampionshipRequest {
    /// 1–200 characters.
    pub name: String,
    /// Free description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `singles` (default) or `doubles`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
    /// Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_and_away: Option<bool>,
    /// 2–100 (default 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries: Option<i64>,
    /// Today or later.
    pub start_date: NaiveDate,
    /// Required when public; before start_date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_deadline: Option<NaiveDate>,
    /// Location id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<i64>,
    /// Private only: the entries, each 1 player id (singles) or 2 (doubles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Vec<i64>>,
}

/// Longest championship name (DOMAIN.md §2).
pub const CHAMPIONSHIP_NAME_MAX: usize = 200;

/// A validated new championship; the server still checks [`NewChampionship::check_start`],
/// the players and that the creator has a player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChampionship {
    /// Trimmed name.
    pub name: String,
    /// Trimmed description.
    pub description: Option<String>,
    /// Singles or doubles.
    pub kind: MatchKind,
    /// Public.
    pub is_public: bool,
    /// Home and away.
    pub home_and_away: bool,
    /// 2–100.
    pub max_entries: u32,
    /// First round.
    pub start_date: NaiveDate,
    /// Registration deadline (always set when public).
    pub registration_deadline: Option<NaiveDate>,
    /// Location id.
    pub location_id: Option<i64>,
    /// Private entries in the order given.
    pub entries: Vec<Vec<PlayerId>>,
}

impl NewChampionship {
    /// start_date is today or later (`start_date_in_past`).
    pub fn check_start(&self, today: NaiveDate) -> Result<(), DomainError> {
        if self.start_date < today {
            Err(DomainError::StartDateInPast)
        } else {
            Ok(())
        }
    }
}

impl TryFrom<&CreateChampionshipRequest> for NewChampionship {
    type Error = FieldErrors;

    fn try_from(request: &CreateChampionshipRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let name = checked_text(
            &mut errors,
            "name",
            Some(&request.name),
            true,
            CHAMPIONSHIP_NAME_MAX,
        );
        let description = checked_text(
            &mut errors,
            "description",
            request.description.as_deref(),
            false,
            NOTES_MAX,
        );
        let kind = match request.kind.as_deref() {
            None => Some(MatchKind::Singles),
            Some(k) => k.parse().map_err(|e| errors.push("kind", e)).ok(),
        };
        let max_entries = request.max_entries.unwrap_or(8);
        if !(2..=100).contains(&max_entries) {
            errors.push("max_entries", DomainError::MaxEntriesInvalid);
        }
        let is_public = request.is_public.unwrap_or(true);
        match request.registration_deadline {
            None if is_public => errors.push(
                "registration_deadline",
                DomainError::RegistrationDeadlineRequired,
            ),
            Some(deadline) if deadline >= request.start_date => errors.push(
                "registration_deadline",
                DomainError::RegistrationDeadlineAfterStart,
            ),
            _ => {}
        }
        let entries: Vec<Vec<PlayerId>> = request
            .entries
            .iter()
            .map(|entry| entry.iter().copied().map(PlayerId).collect())
            .collect();
        if is_public {
            if !entries.is_empty() {
                // Public championships fill by registration (DOMAIN.md §3.13).
                errors.push("entries", DomainError::InvalidChoice { field: "entries" });
            }
        } else if let Some(kind) = kind {
            check_entries(&mut errors, kind, &entries, max_entries);
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(Self {
                name: name.unwrap_or_default(),
                description,
                kind,
                is_public,
                home_and_away: request.home_and_away.unwrap_or(true),
                max_entries: max_entries as u32,
                start_date: request.start_date,
                registration_deadline: request.registration_deadline,
                location_id: request.location,
                entries,
            }),
            _ => Err(errors),
        }
    }
}

/// Private entries: 2…max_entries of them, each of the kind's size, no player twice.
fn check_entries(
    errors: &mut FieldErrors,
    kind: MatchKind,
    entries: &[Vec<PlayerId>],
    max_entries: i64,
) {
    if entries.len() < 2 {
        errors.push("entries", DomainError::NotEnoughEntries);
    } else if entries.len() as i64 > max_entries && (2..=100).contains(&max_entries) {
        errors.push("entries", DomainError::TooManyEntries);
    }
    let mut seen = HashSet::new();
    for (i, entry) in entries.iter().enumerate() {
        if entry.len() != kind.side_size() {
            errors.push(format!("entries[{i}]"), DomainError::EntrySizeInvalid);
        } else if !entry.iter().all(|p| seen.insert(*p)) {
            errors.push(format!("entries[{i}]"), DomainError::PlayersNotDistinct);
        }
    }
}

/// `PATCH /championships/{id}`: name, description, location, and status (the only way to
/// `cancelled`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "cancelled"})))]
pub struct UpdateChampionshipRequest {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New description; `null` removes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    /// New location id; `null` removes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    #[serde(
        default,
        deserialize_with = "double_option::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub location: Option<Option<i64>>,
    /// New status.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ChampionshipStatus>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A validated championship update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChampionshipChanges {
    /// New name.
    pub name: Option<String>,
    /// New description (`Some(None)` removes it).
    pub description: Option<Option<String>>,
    /// New location (`Some(None)` removes it).
    pub location_id: Option<Option<i64>>,
    /// New status.
    pub status: Option<ChampionshipStatus>,
}

impl TryFrom<&UpdateChampionshipRequest> for ChampionshipChanges {
    type Error = FieldErrors;

    fn try_from(request: &UpdateChampionshipRequest) -> Result<Self, Self::Error> {
        let mut errors = FieldErrors::new();
        let name = request.name.as_deref().map(|n| {
            checked_text(&mut errors, "name", Some(n), true, CHAMPIONSHIP_NAME_MAX)
                .unwrap_or_default()
        });
        let description = request
            .description
            .as_ref()
            .map(|d| checked_text(&mut errors, "description", d.as_deref(), false, NOTES_MAX));
        let status = request.status.as_deref().and_then(|s| {
            let parsed = ChampionshipStatus::parse(s);
            if parsed.is_none() {
                errors.push("status", DomainError::InvalidChoice { field: "status" });
            }
            parsed
        });
        errors.into_result(Self {
            name,
            description,
            location_id: request.location,
            status,
        })
    }
}

/// `POST /championships/{id}/register`: the caller's player enters, with a partner for doubles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"partner": 7})))]
pub struct RegisterEntryRequest {
    /// The partner's player id (doubles only; guests allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<i64>,
}

/// `GET /championships?status=&participation=&page=&per_page=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ChampionshipListQuery {
    /// `all` (default), `upcoming`, `past` or one status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `all` (default), `mine` or `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation: Option<String>,
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

/// Who takes part, for the championship list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Participation {
    /// Everything visible.
    All,
    /// The caller's player entered or the caller created it.
    Mine,
    /// Public ones.
    Public,
}

/// A validated championship list filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChampionshipFilter {
    /// The statuses shown (all of them for `all`).
    pub statuses: Vec<ChampionshipStatus>,
    /// Participation.
    pub participation: Participation,
    /// The page.
    pub page: PageRequest,
}

impl ChampionshipListQuery {
    /// Validates the parameters (`invalid_query_parameter`).
    pub fn to_filter(&self) -> Result<ChampionshipFilter, DomainError> {
        use ChampionshipStatus as S;
        let statuses = match self.status.as_deref().filter(|v| !v.is_empty()) {
            None | Some("all") => S::ALL.to_vec(),
            Some("upcoming") => vec![S::Registration, S::Scheduled],
            Some("past") => vec![S::Completed, S::Cancelled],
            Some(one) => vec![S::parse(one).ok_or(DomainError::InvalidQueryParameter {
                parameter: "status",
            })?],
        };
        let participation = match self.participation.as_deref().filter(|v| !v.is_empty()) {
            None | Some("all") => Participation::All,
            Some("mine") => Participation::Mine,
            Some("public") => Participation::Public,
            Some(_) => {
                return Err(DomainError::InvalidQueryParameter {
                    parameter: "participation",
                });
            }
        };
        Ok(ChampionshipFilter {
            statuses,
            participation,
            page: page_request(self.page.as_deref(), self.per_page.as_deref())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn public() -> CreateChampionshipRequest {
        CreateChampionshipRequest {
            name: "Spring League".into(),
            description: None,
            kind: None,
            is_public: None,
            home_and_away: None,
            max_entries: None,
            start_date: date("2026-04-06"),
            registration_deadline: Some(date("2026-04-01")),
            location: None,
            entries: vec![],
        }
    }

    fn private(entries: Vec<Vec<i64>>) -> CreateChampionshipRequest {
        CreateChampionshipRequest {
            is_public: Some(false),
            registration_deadline: None,
            entries,
            ..public()
        }
    }

    #[test]
    fn a_public_championship_takes_the_defaults_of_section_2() {
        let new = NewChampionship::try_from(&public()).unwrap();
        assert_eq!(new.kind, MatchKind::Singles);
        assert!(new.is_public && new.home_and_away);
        assert_eq!(new.max_entries, 8);
        assert_eq!(new.check_start(date("2026-04-06")), Ok(()));
        assert_eq!(
            new.check_start(date("2026-04-07")),
            Err(DomainError::StartDateInPast)
        );
    }

    #[test]
    fn a_public_championship_needs_a_deadline_before_the_start() {
        let missing = CreateChampionshipRequest {
            registration_deadline: None,
            ..public()
        };
        assert_eq!(
            NewChampionship::try_from(&missing).unwrap_err().code(),
            Some("registration_deadline_required")
        );
        let same_day = CreateChampionshipRequest {
            registration_deadline: Some(date("2026-04-06")),
            ..public()
        };
        assert_eq!(
            NewChampionship::try_from(&same_day).unwrap_err().code(),
            Some("registration_deadline_after_start")
        );
    }

    #[test]
    fn max_entries_is_two_to_one_hundred() {
        for (n, ok) in [(1, false), (2, true), (100, true), (101, false)] {
            let request = CreateChampionshipRequest {
                max_entries: Some(n),
                ..public()
            };
            assert_eq!(NewChampionship::try_from(&request).is_ok(), ok, "{n}");
        }
    }

    #[test]
    fn a_private_championship_cannot_be_created_without_entries() {
        let errors = NewChampionship::try_from(&private(vec![])).unwrap_err();
        assert_eq!(errors.codes_for("entries"), ["not_enough_entries"]);
        let two = NewChampionship::try_from(&private(vec![vec![1], vec![2]])).unwrap();
        assert_eq!(two.entries, vec![vec![PlayerId(1)], vec![PlayerId(2)]]);
    }

    #[test]
    fn private_entries_have_the_kind_size_and_distinct_players_within_max_entries() {
        let request = CreateChampionshipRequest {
            kind: Some("doubles".into()),
            ..private(vec![vec![1, 2], vec![3], vec![2, 4]])
        };
        let errors = NewChampionship::try_from(&request).unwrap_err();
        assert_eq!(errors.codes_for("entries[1]"), ["entry_size_invalid"]);
        assert_eq!(errors.codes_for("entries[2]"), ["players_not_distinct"]);
        let crowded = CreateChampionshipRequest {
            max_entries: Some(2),
            ..private(vec![vec![1], vec![2], vec![3]])
        };
        assert_eq!(
            NewChampionship::try_from(&crowded)
                .unwrap_err()
                .codes_for("entries"),
            ["too_many_entries"]
        );
    }

    #[test]
    fn an_update_accepts_only_known_statuses() {
        let request: UpdateChampionshipRequest =
            serde_json::from_str(r#"{"status": "cancelled", "description": null}"#).unwrap();
        let changes = ChampionshipChanges::try_from(&request).unwrap();
        assert_eq!(changes.status, Some(ChampionshipStatus::Cancelled));
        assert_eq!(changes.description, Some(None));
        let bad: UpdateChampionshipRequest =
            serde_json::from_str(r#"{"status": "paused"}"#).unwrap();
        assert_eq!(
            ChampionshipChanges::try_from(&bad).unwrap_err().code(),
            Some("invalid_choice")
        );
    }

    #[test]
    fn the_list_filter_expands_upcoming_and_past() {
        let q = ChampionshipListQuery {
            status: Some("upcoming".into()),
            participation: Some("mine".into()),
            ..ChampionshipListQuery::default()
        };
        let f = q.to_filter().unwrap();
        assert_eq!(
            f.statuses,
            [
                ChampionshipStatus::Registration,
                ChampionshipStatus::Scheduled
            ]
        );
        assert_eq!(f.participation, Participation::Mine);
        let q = ChampionshipListQuery {
            status: Some("in_progress".into()),
            ..ChampionshipListQuery::default()
        };
        assert_eq!(
            q.to_filter().unwrap().statuses,
            [ChampionshipStatus::InProgress]
        );
        let q = ChampionshipListQuery {
            participation: Some("others".into()),
            ..ChampionshipListQuery::default()
        };
        assert_eq!(
            q.to_filter(),
            Err(DomainError::InvalidQueryParameter {
                parameter: "participation"
            })
        );
    }

    #[test]
    fn a_championship_has_the_api_fields_and_the_diagonal_is_self() {
        let c = Championship {
            id: 1,
            name: "Spring".into(),
            description: None,
            kind: MatchKind::Singles,
            is_public: true,
            home_and_away: true,
            max_entries: 8,
            status: ChampionshipStatus::InProgress,
            start_date: date("2026-04-06"),
            end_date: Some(date("2026-05-11")),
            registration_deadline: Some(date("2026-04-01")),
            registration_open: false,
            location: None,
            created_by_player_id: Some(1),
            entries: vec![],
            fixtures: vec![],
            standings: vec![],
            results: vec![vec![ResultCell {
                status: CellStatus::Diagonal,
                match_id: None,
                score: None,
                won: None,
            }]],
            progress: 50,
            champion_entry_id: None,
            created_at: "2026-03-01T00:00:00Z".parse().unwrap(),
        };
        let json = serde_json::to_value(&c).unwrap();
        for key in [
            "id",
            "name",
            "description",
            "kind",
            "is_public",
            "home_and_away",
            "max_entries",
            "status",
            "start_date",
            "end_date",
            "registration_deadline",
            "entries",
            "fixtures",
            "standings",
            "progress",
            "champion_entry_id",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["status"], "in_progress");
        assert_eq!(json["start_date"], "2026-04-06");
        assert_eq!(json["results"][0][0]["status"], "self");
    }
}

//! Championships: status and list filters, creation, registration, start, progress,
//! completion, and who may see or manage one (DOMAIN.md §3.13, §4.1, §4.2).
//!
//! Submodules, re-exported here: creation (`create.rs`), registration and start
//! (`registration.rs`), the round-robin schedule (`schedule.rs`), and the standings and results
//! matrix (`standings.rs`).

mod create;
mod registration;
mod schedule;
mod standings;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::match_format::string_enum;
use crate::{DomainError, EntryId, PlayerId};

pub use create::{NewChampionship, ValidChampionship, check_entries, validate_new_championship};
pub use registration::{
    ChampionshipState, check_regenerate, check_register, check_start, check_unregister,
    registration_open,
};
pub use schedule::{
    FIXTURE_TIME, GeneratedFixture, Pairing, Schedule, generate_schedule, link_entry, round_date,
    round_robin,
};
pub use standings::{
    ChampionshipMatch, MatrixCell, MatrixRow, ResultsMatrix, StandingRow, results_matrix, standings,
};

/// Longest championship name, in characters.
pub const NAME_MAX: usize = 200;
/// Smallest allowed `max_entries`.
pub const MIN_ENTRIES: u32 = 2;
/// Largest allowed `max_entries`.
pub const MAX_ENTRIES: u32 = 100;
/// `max_entries` when the request leaves it out.
pub const DEFAULT_MAX_ENTRIES: u32 = 8;

string_enum!(
    /// Where a championship is in its life.
    ChampionshipStatus, "status" {
        /// Public and taking entries.
        Registration = "registration",
        /// Schedule generated, nothing played yet.
        Scheduled = "scheduled",
        /// At least one fixture converted.
        InProgress = "in_progress",
        /// Every fixture played and confirmed; the champion is set.
        Completed = "completed",
        /// Stopped by hand (the only way into this status).
        Cancelled = "cancelled",
    }
);

/// The `status` filter of the championship list: all, upcoming, past, or one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum StatusFilter {
    /// Every status.
    #[default]
    All,
    /// Registration and scheduled.
    Upcoming,
    /// Completed and cancelled.
    Past,
    /// Exactly this status.
    Only(ChampionshipStatus),
}

/// The `participation` filter of the championship list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ParticipationFilter {
    /// Every championship the viewer may see.
    #[default]
    All,
    /// Championships the viewer created or entered.
    Mine,
    /// Public championships.
    Public,
}

/// Who is asking. `None` where a function takes `Option<Viewer>` means anonymous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// The signed-in user's player, if they have one.
    pub player: Option<PlayerId>,
    /// The user is an admin.
    pub is_admin: bool,
}

/// What visibility and list filters need to know about a championship.
#[derive(Debug, Clone, Copy)]
pub struct ChampionshipAccess<'a> {
    /// Public championships are visible to every signed-in user.
    pub is_public: bool,
    /// The creator's player (null once that player is gone).
    pub created_by: Option<PlayerId>,
    /// Every player of every entry.
    pub entrants: &'a [PlayerId],
}

/// One competitor of a championship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry.
    pub id: EntryId,
    /// Optional seed; seeded entries come first in entry order.
    pub seed: Option<i64>,
    /// When it was created (second key of entry order).
    pub created_at: DateTime<Utc>,
    /// Its players: one for singles, two for doubles.
    pub members: Vec<PlayerId>,
}

/// A championship that has just become completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// The first standings row; `None` only for a championship without entries.
    pub champion_entry_id: Option<EntryId>,
}

impl StatusFilter {
    /// Whether a championship in `status` passes the filter.
    #[must_use]
    pub fn matches(self, status: ChampionshipStatus) -> bool {
        self.statuses().contains(&status)
    }

    /// The statuses the filter lets through (for a SQL `IN`).
    #[must_use]
    pub fn statuses(self) -> &'static [ChampionshipStatus] {
        use ChampionshipStatus as S;
        match self {
            Self::All => S::ALL,
            Self::Upcoming => &[S::Registration, S::Scheduled],
            Self::Past => &[S::Completed, S::Cancelled],
            Self::Only(S::Registration) => &[S::Registration],
            Self::Only(S::Scheduled) => &[S::Scheduled],
            Self::Only(S::InProgress) => &[S::InProgress],
            Self::Only(S::Completed) => &[S::Completed],
            Self::Only(S::Cancelled) => &[S::Cancelled],
        }
    }

    /// The query-string spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Upcoming => "upcoming",
            Self::Past => "past",
            Self::Only(status) => status.as_str(),
        }
    }
}

impl ParticipationFilter {
    /// Whether a championship the viewer may see passes the filter; `player` is the viewer's
    /// player (`mine` matches nothing without one).
    #[must_use]
    pub fn matches(self, championship: &ChampionshipAccess<'_>, player: Option<PlayerId>) -> bool {
        match self {
            Self::All => true,
            Self::Public => championship.is_public,
            Self::Mine => player.is_some_and(|p| is_creator_or_entrant(championship, p)),
        }
    }

    /// The query-string spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Mine => "mine",
            Self::Public => "public",
        }
    }
}

impl FromStr for StatusFilter {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(Self::All),
            "upcoming" => Ok(Self::Upcoming),
            "past" => Ok(Self::Past),
            other => {
                other
                    .parse()
                    .map(Self::Only)
                    .map_err(|_| DomainError::InvalidQueryParameter {
                        parameter: "status",
                    })
            }
        }
    }
}

impl FromStr for ParticipationFilter {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(Self::All),
            "mine" => Ok(Self::Mine),
            "public" => Ok(Self::Public),
            _ => Err(DomainError::InvalidQueryParameter {
                parameter: "participation",
            }),
        }
    }
}

impl fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ParticipationFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for StatusFilter {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<StatusFilter> for String {
    fn from(value: StatusFilter) -> Self {
        value.as_str().to_owned()
    }
}

impl TryFrom<String> for ParticipationFilter {
    type Error = DomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ParticipationFilter> for String {
    fn from(value: ParticipationFilter) -> Self {
        value.as_str().to_owned()
    }
}

/// Championships (§4.1): admins see all; signed-in users see public ones and private ones
/// they created or entered; anonymous callers see none.
#[must_use]
pub fn can_view_championship(
    viewer: Option<Viewer>,
    championship: &ChampionshipAccess<'_>,
) -> bool {
    match viewer {
        None => false,
        Some(Viewer { is_admin: true, .. }) => true,
        Some(Viewer { player, .. }) => {
            championship.is_public || player.is_some_and(|p| is_creator_or_entrant(championship, p))
        }
    }
}

/// Edit, start and regenerate (§4.2): the creator or an admin (`not_championship_creator`).
pub fn check_championship_creator(
    viewer: Viewer,
    created_by: Option<PlayerId>,
) -> Result<(), DomainError> {
    if viewer.is_admin || (viewer.player.is_some() && viewer.player == created_by) {
        Ok(())
    } else {
        Err(DomainError::NotChampionshipCreator)
    }
}

/// Entry order: seed (nulls last), `created_at`, id.
pub fn sort_entries(entries: &mut [Entry]) {
    entries.sort_by_key(entry_order_key);
}

/// The entries in entry order, borrowed.
#[must_use]
pub fn entries_in_order(entries: &[Entry]) -> Vec<&Entry> {
    let mut ordered: Vec<&Entry> = entries.iter().collect();
    ordered.sort_by_key(|e| entry_order_key(e));
    ordered
}

/// Progress = ⌊100 × converted fixtures / fixtures⌋, 0 without fixtures.
#[must_use]
pub fn progress(converted_fixtures: usize, fixtures: usize) -> u8 {
    if fixtures == 0 {
        return 0;
    }
    (100 * converted_fixtures.min(fixtures) / fixtures) as u8
}

/// The completion check, run whenever a championship match becomes confirmed — by the last
/// confirmation, by auto-confirm or by a verification change alike: only the matches'
/// `is_confirmed` is looked at, never how it got there.
///
/// Completed ⇔ status `in_progress` ∧ ≥ 1 fixture ∧ every fixture converted ∧ every match of the
/// championship confirmed; the champion is the first standings row.
#[must_use]
pub fn check_completion(
    status: ChampionshipStatus,
    fixtures: usize,
    converted_fixtures: usize,
    entries: &[Entry],
    matches: &[ChampionshipMatch],
) -> Option<Completion> {
    let done = status == ChampionshipStatus::InProgress
        && fixtures > 0
        && converted_fixtures >= fixtures
        && matches.iter().all(|m| m.is_confirmed);
    done.then(|| Completion {
        champion_entry_id: standings(entries, matches).first().map(|row| row.entry_id),
    })
}

fn is_creator_or_entrant(championship: &ChampionshipAccess<'_>, player: PlayerId) -> bool {
    championship.created_by == Some(player) || championship.entrants.contains(&player)
}

fn entry_order_key(entry: &Entry) -> (bool, Option<i64>, DateTime<Utc>, EntryId) {
    (entry.seed.is_none(), entry.seed, entry.created_at, entry.id)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::confirmation::{Completion as Pipeline, Participant, on_completion};
    use crate::{MatchId, Side};

    pub(super) fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(super) fn ids(v: &[i64]) -> Vec<PlayerId> {
        v.iter().copied().map(PlayerId).collect()
    }

    pub(super) fn entry(id: i64, members: &[i64]) -> Entry {
        Entry {
            id: EntryId(id),
            seed: None,
            created_at: DateTime::from_timestamp(1_700_000_000 + id, 0).unwrap(),
            members: ids(members),
        }
    }

    #[test]
    fn statuses_and_filters_parse_their_wire_names() {
        assert_eq!("in_progress".parse(), Ok(ChampionshipStatus::InProgress));
        assert_eq!(
            "running".parse::<ChampionshipStatus>(),
            Err(DomainError::InvalidChoice { field: "status" })
        );
        assert_eq!("upcoming".parse(), Ok(StatusFilter::Upcoming));
        assert_eq!(
            "cancelled".parse(),
            Ok(StatusFilter::Only(ChampionshipStatus::Cancelled))
        );
        assert_eq!(
            "soon".parse::<StatusFilter>(),
            Err(DomainError::InvalidQueryParameter {
                parameter: "status"
            })
        );
        assert_eq!("mine".parse(), Ok(ParticipationFilter::Mine));
        assert_eq!(
            "others".parse::<ParticipationFilter>(),
            Err(DomainError::InvalidQueryParameter {
                parameter: "participation"
            })
        );
        for filter in [
            StatusFilter::All,
            StatusFilter::Past,
            StatusFilter::Only(ChampionshipStatus::Scheduled),
        ] {
            assert_eq!(filter.to_string().parse(), Ok(filter));
        }
    }

    #[test]
    fn upcoming_is_registration_and_scheduled_and_past_is_completed_and_cancelled() {
        use ChampionshipStatus as S;
        let passing = |f: StatusFilter| -> Vec<S> {
            S::ALL.iter().copied().filter(|s| f.matches(*s)).collect()
        };
        assert_eq!(passing(StatusFilter::All), S::ALL.to_vec());
        assert_eq!(
            passing(StatusFilter::Upcoming),
            vec![S::Registration, S::Scheduled]
        );
        assert_eq!(
            passing(StatusFilter::Past),
            vec![S::Completed, S::Cancelled]
        );
        assert_eq!(
            passing(StatusFilter::Only(S::InProgress)),
            vec![S::InProgress]
        );
    }

    #[test]
    fn mine_means_created_or_entered_and_public_means_public() {
        let entrants = ids(&[5, 6]);
        let private = ChampionshipAccess {
            is_public: false,
            created_by: Some(PlayerId(1)),
            entrants: &entrants,
        };
        let mine = ParticipationFilter::Mine;
        assert!(mine.matches(&private, Some(PlayerId(1))));
        assert!(mine.matches(&private, Some(PlayerId(6))));
        assert!(!mine.matches(&private, Some(PlayerId(9))));
        assert!(!mine.matches(&private, None));
        assert!(!ParticipationFilter::Public.matches(&private, Some(PlayerId(1))));
        assert!(ParticipationFilter::All.matches(&private, None));
    }

    #[test]
    fn private_championships_are_visible_to_creator_entrants_and_admins_only() {
        let entrants = ids(&[5]);
        let private = ChampionshipAccess {
            is_public: false,
            created_by: Some(PlayerId(1)),
            entrants: &entrants,
        };
        let user = |p: Option<i64>| {
            Some(Viewer {
                player: p.map(PlayerId),
                is_admin: false,
            })
        };
        assert!(can_view_championship(user(Some(1)), &private));
        assert!(can_view_championship(user(Some(5)), &private));
        assert!(!can_view_championship(user(Some(9)), &private));
        assert!(!can_view_championship(user(None), &private));
        assert!(can_view_championship(
            Some(Viewer {
                player: None,
                is_admin: true
            }),
            &private
        ));
        let public = ChampionshipAccess {
            is_public: true,
            ..private
        };
        assert!(can_view_championship(user(None), &public));
        assert!(!can_view_championship(None, &public));
    }

    #[test]
    fn only_the_creator_or_an_admin_manages_a_championship() {
        let creator = Some(PlayerId(1));
        let as_player = |p: i64| Viewer {
            player: Some(PlayerId(p)),
            is_admin: false,
        };
        assert!(check_championship_creator(as_player(1), creator).is_ok());
        assert_eq!(
            check_championship_creator(as_player(2), creator),
            Err(DomainError::NotChampionshipCreator)
        );
        let nobody = Viewer {
            player: None,
            is_admin: false,
        };
        assert_eq!(
            check_championship_creator(nobody, None),
            Err(DomainError::NotChampionshipCreator)
        );
        let admin = Viewer {
            player: None,
            is_admin: true,
        };
        assert!(check_championship_creator(admin, creator).is_ok());
    }

    #[test]
    fn entry_order_is_seed_with_nulls_last_then_created_at_then_id() {
        let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap();
        let e = |id, seed, created| Entry {
            id: EntryId(id),
            seed,
            created_at: at(created),
            members: vec![],
        };
        let mut entries = vec![
            e(1, None, 5),
            e(2, Some(2), 9),
            e(3, None, 1),
            e(4, Some(1), 9),
            e(5, None, 1),
        ];
        sort_entries(&mut entries);
        let order: Vec<i64> = entries.iter().map(|e| e.id.0).collect();
        assert_eq!(order, vec![4, 2, 3, 5, 1]);
    }

    #[test]
    fn progress_rounds_down_and_is_zero_without_fixtures() {
        assert_eq!(progress(0, 0), 0);
        assert_eq!(progress(1, 3), 33);
        assert_eq!(progress(2, 3), 66);
        assert_eq!(progress(12, 12), 100);
    }

    fn confirmed(id: i64, home: i64, away: i64, games: (u8, u8)) -> ChampionshipMatch {
        ChampionshipMatch {
            id: MatchId(id),
            side1_entry: Some(EntryId(home)),
            side2_entry: Some(EntryId(away)),
            side1_games: games.0,
            side2_games: games.1,
            winner: Some(if games.0 > games.1 {
                Side::One
            } else {
                Side::Two
            }),
            is_confirmed: true,
        }
    }

    #[test]
    fn completion_needs_in_progress_fixtures_all_converted_and_all_confirmed() {
        use ChampionshipStatus as S;
        let entries = [entry(1, &[10]), entry(2, &[11])];
        let played = [confirmed(1, 1, 2, (1, 3)), confirmed(2, 2, 1, (3, 0))];
        let champion = Some(Completion {
            champion_entry_id: Some(EntryId(2)),
        });
        assert_eq!(
            check_completion(S::InProgress, 2, 2, &entries, &played),
            champion
        );
        assert_eq!(
            check_completion(S::Scheduled, 2, 2, &entries, &played),
            None
        );
        assert_eq!(
            check_completion(S::Completed, 2, 2, &entries, &played),
            None
        );
        assert_eq!(check_completion(S::InProgress, 0, 0, &entries, &[]), None);
        assert_eq!(
            check_completion(S::InProgress, 2, 1, &entries, &played),
            None
        );
        let mut pending = played;
        pending[1].is_confirmed = false;
        assert_eq!(
            check_completion(S::InProgress, 2, 2, &entries, &pending),
            None
        );
    }

    #[test]
    fn a_championship_whose_last_match_is_auto_confirmed_completes() {
        // DOMAIN.md §3.0: the last match is against a guest, so the pipeline auto-confirms it.
        let entries = [entry(1, &[10]), entry(2, &[11])];
        let first = confirmed(1, 1, 2, (3, 1));
        let mut last = confirmed(2, 2, 1, (3, 2));
        last.is_confirmed = false;
        let participants = [
            Participant {
                player: PlayerId(11),
                side: Side::One,
                verified: false,
            },
            Participant {
                player: PlayerId(10),
                side: Side::Two,
                verified: true,
            },
        ];
        assert!(matches!(
            on_completion(&participants, &[]),
            Pipeline::AutoConfirm { .. }
        ));
        last.is_confirmed = true;
        let done = check_completion(
            ChampionshipStatus::InProgress,
            2,
            2,
            &entries,
            &[first, last],
        );
        assert_eq!(
            done.and_then(|c| c.champion_entry_id),
            Some(EntryId(1)),
            "one win each; entry 1 has the better game difference (5-4 against 4-5)"
        );
    }
}

//! Fixtures (scheduled matches): scheduling, who may see, edit, delete and convert one, and
//! what a conversion creates (DOMAIN.md §3.13, §4.1, §4.2).
//!
//! Checks follow §6's order: visibility (404, the caller's job with [`can_view_fixture`]) →
//! permission (403) → input (422) → state (409).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::championship::{ChampionshipAccess, ChampionshipStatus, Viewer};
use crate::match_format::{check_creator, check_played_at, validate_sides};
use crate::{BestOf, ChampionshipId, DomainError, EntryId, MatchKind, MatchType, PlayerId};

/// What the access rules need to know about a fixture.
#[derive(Debug, Clone, Copy)]
pub struct FixtureAccess<'a> {
    /// Players of both sides.
    pub participants: &'a [PlayerId],
    /// Its championship, for championship fixtures.
    pub championship: Option<ChampionshipAccess<'a>>,
}

/// The championship side of a championship fixture, for conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionshipFixture {
    /// The championship.
    pub championship_id: ChampionshipId,
    /// Its current status.
    pub status: ChampionshipStatus,
    /// The home entry.
    pub side1_entry: Option<EntryId>,
    /// The away entry.
    pub side2_entry: Option<EntryId>,
}

/// A fixture about to be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixtureToConvert {
    /// The scheduled day.
    pub scheduled_date: NaiveDate,
    /// The scheduled time (UTC).
    pub scheduled_time: NaiveTime,
    /// Already linked to a match.
    pub converted: bool,
    /// Set for championship fixtures.
    pub championship: Option<ChampionshipFixture>,
}

/// Optional values of a convert request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversionOptions {
    /// Defaults to the scheduled date and time.
    pub played_at: Option<DateTime<Utc>>,
    /// Defaults to 5.
    pub best_of: Option<BestOf>,
    /// Defaults to casual; ignored for championship fixtures (always tournament).
    pub match_type: Option<MatchType>,
}

/// The match a conversion creates (sides are the fixture's, unchanged) and its side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    /// When the match was played.
    pub played_at: DateTime<Utc>,
    /// The format.
    pub best_of: BestOf,
    /// Tournament for championship fixtures.
    pub match_type: MatchType,
    /// Inherited from a championship fixture.
    pub championship_id: Option<ChampionshipId>,
    /// Inherited home entry.
    pub side1_entry: Option<EntryId>,
    /// Inherited away entry.
    pub side2_entry: Option<EntryId>,
    /// `Some(in_progress)` when this conversion moves a `scheduled` championship on.
    pub championship_status: Option<ChampionshipStatus>,
}

/// Fixtures and calendar entries (§4.1): admins; the fixture's participants; for a
/// championship fixture also its entrants and its creator (who may edit it, §4.2, and so must
/// see it). Anonymous callers see none.
#[must_use]
pub fn can_view_fixture(viewer: Option<Viewer>, fixture: &FixtureAccess<'_>) -> bool {
    let Some(viewer) = viewer else {
        return false;
    };
    if viewer.is_admin {
        return true;
    }
    let Some(player) = viewer.player else {
        return false;
    };
    fixture.participants.contains(&player)
        || fixture
            .championship
            .is_some_and(|c| c.created_by == Some(player) || c.entrants.contains(&player))
}

/// Editing date, time, location or notes (§4.2): a championship fixture only by the
/// championship's creator (`not_championship_creator`), any other fixture by its participants
/// (`not_a_participant`); admins always.
pub fn check_fixture_edit(viewer: Viewer, fixture: &FixtureAccess<'_>) -> Result<(), DomainError> {
    if viewer.is_admin {
        return Ok(());
    }
    match fixture.championship {
        Some(championship) if is_creator(viewer, &championship) => Ok(()),
        Some(_) => Err(DomainError::NotChampionshipCreator),
        None => check_participant(viewer, fixture),
    }
}

/// Deleting: participants and admins (`not_a_participant`). A championship fixture cannot be
/// deleted on its own — only by regenerating or deleting the championship — which §6 gives no
/// code of its own; it answers `not_championship_creator` ("championship-fixture change").
pub fn check_fixture_delete(
    viewer: Viewer,
    fixture: &FixtureAccess<'_>,
) -> Result<(), DomainError> {
    if fixture.championship.is_some() {
        return Err(DomainError::NotChampionshipCreator);
    }
    if viewer.is_admin {
        return Ok(());
    }
    check_participant(viewer, fixture)
}

/// Converting: participants and admins (`not_a_participant`), championship fixtures included.
pub fn check_fixture_convert(
    viewer: Viewer,
    fixture: &FixtureAccess<'_>,
) -> Result<(), DomainError> {
    if viewer.is_admin {
        return Ok(());
    }
    check_participant(viewer, fixture)
}

/// A fixture may not be dated before today (`scheduled_date_in_past`).
pub fn check_scheduled_date(date: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if date < today {
        Err(DomainError::ScheduledDateInPast)
    } else {
        Ok(())
    }
}

/// Validates a new fixture (§3.13 with the participant rules of §3.3): a non-admin creator
/// needs a player (`player_profile_required`), then side sizes and distinct players
/// (`wrong_player_count`, `players_not_distinct`), then the creator must play
/// (`creator_not_participant`), then the date (`scheduled_date_in_past`).
pub fn validate_new_fixture(
    creator: Viewer,
    kind: MatchKind,
    side1: &[PlayerId],
    side2: &[PlayerId],
    scheduled_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if !creator.is_admin && creator.player.is_none() {
        return Err(DomainError::PlayerProfileRequired);
    }
    validate_sides(kind, side1, side2)?;
    check_creator(creator.player, creator.is_admin, side1, side2)?;
    check_scheduled_date(scheduled_date, today)
}

/// Checks an edit once permitted: a changed date must not be in the past (422), and a
/// converted fixture is frozen (`fixture_already_converted`, 409).
pub fn check_fixture_update(
    converted: bool,
    new_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if let Some(date) = new_date {
        check_scheduled_date(date, today)?;
    }
    if converted {
        return Err(DomainError::FixtureAlreadyConverted);
    }
    Ok(())
}

/// Decides what converting `fixture` creates (permission is [`check_fixture_convert`]).
///
/// `played_at` defaults to the scheduled date and time, `best_of` to 5 and `match_type` to
/// casual; a championship fixture's match inherits the championship and entries, is always
/// `tournament`, and moves a `scheduled` championship to `in_progress`. The match must obey
/// §3.3 like any other, so a `played_at` more than 5 minutes after `now` — given or defaulted
/// from a fixture still ahead — is `played_at_in_future`. A converted fixture is
/// `fixture_already_converted`.
pub fn convert_fixture(
    fixture: &FixtureToConvert,
    options: ConversionOptions,
    now: DateTime<Utc>,
) -> Result<Conversion, DomainError> {
    if let Some(played_at) = options.played_at {
        check_played_at(played_at, now)?;
    }
    if fixture.converted {
        return Err(DomainError::FixtureAlreadyConverted);
    }
    let played_at = options.played_at.unwrap_or_else(|| {
        fixture
            .scheduled_date
            .and_time(fixture.scheduled_time)
            .and_utc()
    });
    check_played_at(played_at, now)?;
    let championship = fixture.championship;
    Ok(Conversion {
        played_at,
        best_of: options.best_of.unwrap_or_default(),
        match_type: if championship.is_some() {
            MatchType::Tournament
        } else {
            options.match_type.unwrap_or(MatchType::Casual)
        },
        championship_id: championship.map(|c| c.championship_id),
        side1_entry: championship.and_then(|c| c.side1_entry),
        side2_entry: championship.and_then(|c| c.side2_entry),
        championship_status: championship
            .filter(|c| c.status == ChampionshipStatus::Scheduled)
            .map(|_| ChampionshipStatus::InProgress),
    })
}

fn is_creator(viewer: Viewer, championship: &ChampionshipAccess<'_>) -> bool {
    viewer.player.is_some() && viewer.player == championship.created_by
}

fn check_participant(viewer: Viewer, fixture: &FixtureAccess<'_>) -> Result<(), DomainError> {
    match viewer.player {
        Some(player) if fixture.participants.contains(&player) => Ok(()),
        _ => Err(DomainError::NotAParticipant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn ids(v: &[i64]) -> Vec<PlayerId> {
        v.iter().copied().map(PlayerId).collect()
    }

    fn user(p: i64) -> Viewer {
        Viewer {
            player: Some(PlayerId(p)),
            is_admin: false,
        }
    }

    const ADMIN: Viewer = Viewer {
        player: None,
        is_admin: true,
    };

    #[test]
    fn fixtures_are_seen_by_participants_entrants_the_championship_creator_and_admins() {
        let players = ids(&[1, 2]);
        let entrants = ids(&[1, 2, 3, 4]);
        let plain = FixtureAccess {
            participants: &players,
            championship: None,
        };
        assert!(can_view_fixture(Some(user(1)), &plain));
        assert!(!can_view_fixture(Some(user(3)), &plain));
        assert!(can_view_fixture(Some(ADMIN), &plain));
        assert!(!can_view_fixture(None, &plain));
        let cup = FixtureAccess {
            championship: Some(ChampionshipAccess {
                is_public: true,
                created_by: Some(PlayerId(9)),
                entrants: &entrants,
            }),
            ..plain
        };
        assert!(can_view_fixture(Some(user(4)), &cup), "entrant");
        assert!(can_view_fixture(Some(user(9)), &cup), "creator");
        assert!(
            !can_view_fixture(Some(user(5)), &cup),
            "public is not enough"
        );
    }

    #[test]
    fn championship_fixtures_are_edited_by_the_creator_others_by_participants() {
        let players = ids(&[1, 2]);
        let plain = FixtureAccess {
            participants: &players,
            championship: None,
        };
        assert!(check_fixture_edit(user(1), &plain).is_ok());
        assert_eq!(
            check_fixture_edit(user(3), &plain),
            Err(DomainError::NotAParticipant)
        );
        let cup = FixtureAccess {
            championship: Some(ChampionshipAccess {
                is_public: false,
                created_by: Some(PlayerId(9)),
                entrants: &players,
            }),
            ..plain
        };
        assert!(check_fixture_edit(user(9), &cup).is_ok());
        assert!(check_fixture_edit(ADMIN, &cup).is_ok());
        assert_eq!(
            check_fixture_edit(user(1), &cup),
            Err(DomainError::NotChampionshipCreator)
        );
    }

    #[test]
    fn only_plain_fixtures_are_deleted_and_any_participant_converts() {
        let players = ids(&[1, 2]);
        let plain = FixtureAccess {
            participants: &players,
            championship: None,
        };
        assert!(check_fixture_delete(user(2), &plain).is_ok());
        assert!(check_fixture_delete(ADMIN, &plain).is_ok());
        assert_eq!(
            check_fixture_delete(user(3), &plain),
            Err(DomainError::NotAParticipant)
        );
        let cup = FixtureAccess {
            championship: Some(ChampionshipAccess {
                is_public: true,
                created_by: Some(PlayerId(1)),
                entrants: &players,
            }),
            ..plain
        };
        assert_eq!(
            check_fixture_delete(user(1), &cup),
            Err(DomainError::NotChampionshipCreator)
        );
        assert!(check_fixture_convert(user(2), &cup).is_ok());
        assert!(check_fixture_convert(ADMIN, &cup).is_ok());
        assert_eq!(
            check_fixture_convert(user(9), &cup),
            Err(DomainError::NotAParticipant)
        );
    }

    #[test]
    fn new_fixtures_follow_the_participant_rules_and_start_today_or_later() {
        let today = day("2026-03-01");
        let (a, b) = (ids(&[1]), ids(&[2]));
        let ok = |creator, date: &str| {
            validate_new_fixture(creator, MatchKind::Singles, &a, &b, day(date), today)
        };
        assert!(ok(user(1), "2026-03-01").is_ok());
        assert_eq!(
            ok(user(1), "2026-02-28"),
            Err(DomainError::ScheduledDateInPast)
        );
        assert_eq!(
            ok(user(3), "2026-03-02"),
            Err(DomainError::CreatorNotParticipant)
        );
        assert!(ok(ADMIN, "2026-03-02").is_ok());
        let nobody = Viewer {
            player: None,
            is_admin: false,
        };
        assert_eq!(
            ok(nobody, "2026-03-02"),
            Err(DomainError::PlayerProfileRequired)
        );
        assert_eq!(
            validate_new_fixture(user(1), MatchKind::Doubles, &a, &b, today, today),
            Err(DomainError::WrongPlayerCount)
        );
    }

    #[test]
    fn a_converted_fixture_is_no_longer_editable() {
        let today = day("2026-03-01");
        assert!(check_fixture_update(false, Some(today), today).is_ok());
        assert!(check_fixture_update(false, None, today).is_ok());
        assert_eq!(
            check_fixture_update(false, Some(day("2026-02-01")), today),
            Err(DomainError::ScheduledDateInPast)
        );
        assert_eq!(
            check_fixture_update(true, None, today),
            Err(DomainError::FixtureAlreadyConverted)
        );
    }

    fn fixture(championship: Option<ChampionshipFixture>) -> FixtureToConvert {
        FixtureToConvert {
            scheduled_date: day("2026-03-02"),
            scheduled_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            converted: false,
            championship,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn conversion_defaults_to_the_scheduled_time_best_of_five_and_casual() {
        let now = at("2026-03-02T20:00:00Z");
        let made = convert_fixture(&fixture(None), ConversionOptions::default(), now).unwrap();
        assert_eq!(
            made,
            Conversion {
                played_at: at("2026-03-02T18:00:00Z"),
                best_of: BestOf::FIVE,
                match_type: MatchType::Casual,
                championship_id: None,
                side1_entry: None,
                side2_entry: None,
                championship_status: None,
            }
        );
        let options = ConversionOptions {
            played_at: Some(at("2026-03-02T19:00:00Z")),
            best_of: Some(BestOf::new(3).unwrap()),
            match_type: Some(MatchType::Practice),
        };
        let made = convert_fixture(&fixture(None), options, now).unwrap();
        assert_eq!(
            (made.played_at, made.best_of.get(), made.match_type),
            (at("2026-03-02T19:00:00Z"), 3, MatchType::Practice)
        );
    }

    #[test]
    fn a_championship_fixture_becomes_a_tournament_match_and_starts_the_championship() {
        let now = at("2026-03-02T20:00:00Z");
        let cup = |status| {
            fixture(Some(ChampionshipFixture {
                championship_id: ChampionshipId(7),
                status,
                side1_entry: Some(EntryId(1)),
                side2_entry: Some(EntryId(2)),
            }))
        };
        let casual = ConversionOptions {
            match_type: Some(MatchType::Casual),
            ..ConversionOptions::default()
        };
        let made = convert_fixture(&cup(ChampionshipStatus::Scheduled), casual, now).unwrap();
        assert_eq!(made.match_type, MatchType::Tournament);
        assert_eq!(made.championship_id, Some(ChampionshipId(7)));
        assert_eq!(
            (made.side1_entry, made.side2_entry),
            (Some(EntryId(1)), Some(EntryId(2)))
        );
        assert_eq!(
            made.championship_status,
            Some(ChampionshipStatus::InProgress)
        );
        let later = convert_fixture(&cup(ChampionshipStatus::InProgress), casual, now).unwrap();
        assert_eq!(later.championship_status, None);
    }

    #[test]
    fn a_fixture_converts_once_and_never_into_a_future_match() {
        let now = at("2026-03-02T20:00:00Z");
        let done = FixtureToConvert {
            converted: true,
            ..fixture(None)
        };
        assert_eq!(
            convert_fixture(&done, ConversionOptions::default(), now),
            Err(DomainError::FixtureAlreadyConverted)
        );
        let early = at("2026-03-02T17:00:00Z");
        assert_eq!(
            convert_fixture(&fixture(None), ConversionOptions::default(), early),
            Err(DomainError::PlayedAtInFuture)
        );
        let played_earlier = ConversionOptions {
            played_at: Some(at("2026-03-02T16:30:00Z")),
            ..ConversionOptions::default()
        };
        assert!(convert_fixture(&fixture(None), played_earlier, early).is_ok());
    }
}

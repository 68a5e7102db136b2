//! Championship creation (DOMAIN.md §3.13): the request's checks, including the entries a
//! private championship is created with.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ChampionshipStatus, MAX_ENTRIES, MIN_ENTRIES, NAME_MAX};
use crate::{DomainError, MatchKind, PlayerId};

/// A championship as the creation request describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChampionship {
    /// 1–200 characters once trimmed.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Singles or doubles.
    pub kind: MatchKind,
    /// Public championships take registrations; private ones are created with their entries.
    pub is_public: bool,
    /// Play every pairing twice, once at each side's "home".
    pub home_and_away: bool,
    /// 2–100.
    pub max_entries: i64,
    /// On or after today.
    pub start_date: NaiveDate,
    /// Required when public; always before `start_date`.
    pub registration_deadline: Option<NaiveDate>,
    /// Private only: each entry's players (ignored for public championships).
    pub entries: Vec<Vec<PlayerId>>,
}

/// A creation request that passed every check, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidChampionship {
    /// The trimmed name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Singles or doubles.
    pub kind: MatchKind,
    /// Public or private.
    pub is_public: bool,
    /// Double round robin.
    pub home_and_away: bool,
    /// 2–100.
    pub max_entries: u32,
    /// The first round's date.
    pub start_date: NaiveDate,
    /// The last day to register.
    pub registration_deadline: Option<NaiveDate>,
    /// `registration` for public championships; `scheduled` for private ones, whose schedule is
    /// generated in the same transaction.
    pub status: ChampionshipStatus,
    /// Private only: the entries to create, in request order (empty when public).
    pub entries: Vec<Vec<PlayerId>>,
    /// The creator's player.
    pub created_by: PlayerId,
}

/// Validates a creation request (§3.13) for the caller's player `creator` (required, admins
/// included: the championship records its creator's player).
///
/// Checks, first failure wins: creator (`player_profile_required`); name (`field_required`,
/// `field_too_long`); `max_entries_invalid`; `start_date_in_past`;
/// `registration_deadline_required`; `registration_deadline_after_start`; then, for a private
/// championship, its entries (see [`check_entries`]).
pub fn validate_new_championship(
    new: &NewChampionship,
    creator: Option<PlayerId>,
    today: NaiveDate,
) -> Result<ValidChampionship, DomainError> {
    let created_by = creator.ok_or(DomainError::PlayerProfileRequired)?;
    let name = new.name.trim();
    if name.is_empty() {
        return Err(DomainError::FieldRequired { field: "name" });
    }
    if name.chars().count() > NAME_MAX {
        return Err(DomainError::FieldTooLong {
            field: "name",
            max: NAME_MAX,
        });
    }
    let max_entries = u32::try_from(new.max_entries)
        .ok()
        .filter(|m| (MIN_ENTRIES..=MAX_ENTRIES).contains(m))
        .ok_or(DomainError::MaxEntriesInvalid)?;
    if new.start_date < today {
        return Err(DomainError::StartDateInPast);
    }
    if new.is_public && new.registration_deadline.is_none() {
        return Err(DomainError::RegistrationDeadlineRequired);
    }
    if new
        .registration_deadline
        .is_some_and(|deadline| deadline >= new.start_date)
    {
        return Err(DomainError::RegistrationDeadlineAfterStart);
    }
    let (status, entries) = if new.is_public {
        (ChampionshipStatus::Registration, Vec::new())
    } else {
        check_entries(new.kind, &new.entries, max_entries)?;
        (ChampionshipStatus::Scheduled, new.entries.clone())
    };
    Ok(ValidChampionship {
        name: name.to_owned(),
        description: new.description.clone(),
        kind: new.kind,
        is_public: new.is_public,
        home_and_away: new.home_and_away,
        max_entries,
        start_date: new.start_date,
        registration_deadline: new.registration_deadline,
        status,
        entries,
        created_by,
    })
}

/// Checks a private championship's entries: each has the kind's size (`entry_size_invalid`),
/// no player appears twice across all entries (`players_not_distinct`), at most
/// `max_entries` (`too_many_entries`) and at least 2.
///
/// Fewer than 2 is `not_enough_entries`: DOMAIN.md §3.0 forbids private championships without
/// entries and §6 has no 422 code for it, so this reuses the start rule's code (409).
pub fn check_entries(
    kind: MatchKind,
    entries: &[Vec<PlayerId>],
    max_entries: u32,
) -> Result<(), DomainError> {
    if entries.iter().any(|e| e.len() != kind.side_size()) {
        return Err(DomainError::EntrySizeInvalid);
    }
    let mut seen = HashSet::new();
    if !entries.iter().flatten().all(|p| seen.insert(*p)) {
        return Err(DomainError::PlayersNotDistinct);
    }
    if entries.len() > max_entries as usize {
        return Err(DomainError::TooManyEntries);
    }
    if entries.len() < MIN_ENTRIES as usize {
        return Err(DomainError::NotEnoughEntries);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::championship::tests::{day, ids};

    fn new_private(entries: Vec<Vec<PlayerId>>) -> NewChampionship {
        NewChampionship {
            name: "Winter league".into(),
            description: String::new(),
            kind: MatchKind::Singles,
            is_public: false,
            home_and_away: true,
            max_entries: 4,
            start_date: day("2026-03-02"),
            registration_deadline: None,
            entries,
        }
    }

    fn new_public() -> NewChampionship {
        NewChampionship {
            is_public: true,
            registration_deadline: Some(day("2026-02-27")),
            ..new_private(vec![])
        }
    }

    const TODAY: &str = "2026-02-20";

    fn create(new: &NewChampionship) -> Result<ValidChampionship, DomainError> {
        validate_new_championship(new, Some(PlayerId(1)), day(TODAY))
    }

    #[test]
    fn a_public_championship_opens_registration_without_entries() {
        let valid = create(&new_public()).unwrap();
        assert_eq!(valid.status, ChampionshipStatus::Registration);
        assert!(valid.entries.is_empty());
        assert_eq!(valid.created_by, PlayerId(1));
    }

    #[test]
    fn a_private_championship_is_scheduled_with_its_entries() {
        let entries = vec![ids(&[1]), ids(&[2]), ids(&[3])];
        let valid = create(&new_private(entries.clone())).unwrap();
        assert_eq!(valid.status, ChampionshipStatus::Scheduled);
        assert_eq!(valid.entries, entries);
    }

    #[test]
    fn the_creator_needs_a_player() {
        assert_eq!(
            validate_new_championship(&new_public(), None, day(TODAY)),
            Err(DomainError::PlayerProfileRequired)
        );
    }

    #[test]
    fn names_are_required_and_at_most_two_hundred_characters() {
        let named = |name: &str| {
            create(&NewChampionship {
                name: name.into(),
                ..new_public()
            })
        };
        assert_eq!(
            named("   "),
            Err(DomainError::FieldRequired { field: "name" })
        );
        assert_eq!(named(" Cup ").unwrap().name, "Cup");
        assert!(named(&"é".repeat(200)).is_ok());
        assert_eq!(
            named(&"é".repeat(201)),
            Err(DomainError::FieldTooLong {
                field: "name",
                max: 200
            })
        );
    }

    #[test]
    fn max_entries_is_two_to_one_hundred() {
        let sized = |max_entries| {
            create(&NewChampionship {
                max_entries,
                ..new_public()
            })
        };
        assert_eq!(sized(2).unwrap().max_entries, 2);
        assert_eq!(sized(100).unwrap().max_entries, 100);
        for bad in [-1, 0, 1, 101, i64::MAX] {
            assert_eq!(sized(bad), Err(DomainError::MaxEntriesInvalid), "{bad}");
        }
    }

    #[test]
    fn dates_start_today_or_later_with_a_deadline_before_the_start() {
        let dated = |start: &str, deadline: Option<&str>| {
            create(&NewChampionship {
                start_date: day(start),
                registration_deadline: deadline.map(day),
                ..new_public()
            })
        };
        assert!(dated(TODAY, Some("2026-02-19")).is_ok());
        assert_eq!(
            dated("2026-02-19", Some("2026-02-18")),
            Err(DomainError::StartDateInPast)
        );
        assert_eq!(
            dated("2026-03-02", None),
            Err(DomainError::RegistrationDeadlineRequired)
        );
        assert_eq!(
            dated("2026-03-02", Some("2026-03-02")),
            Err(DomainError::RegistrationDeadlineAfterStart)
        );
        let private_late = NewChampionship {
            registration_deadline: Some(day("2026-03-05")),
            ..new_private(vec![ids(&[1]), ids(&[2])])
        };
        assert_eq!(
            create(&private_late),
            Err(DomainError::RegistrationDeadlineAfterStart)
        );
    }

    #[test]
    fn a_private_championship_without_two_entries_is_refused() {
        assert_eq!(
            create(&new_private(vec![])),
            Err(DomainError::NotEnoughEntries)
        );
        assert_eq!(
            create(&new_private(vec![ids(&[1])])),
            Err(DomainError::NotEnoughEntries)
        );
    }

    #[test]
    fn private_entries_have_the_kind_size_distinct_players_and_fit() {
        assert_eq!(
            create(&new_private(vec![ids(&[1]), ids(&[2, 3])])),
            Err(DomainError::EntrySizeInvalid)
        );
        assert_eq!(
            create(&new_private(vec![ids(&[1]), ids(&[1])])),
            Err(DomainError::PlayersNotDistinct)
        );
        let five = (1..=5).map(|p| ids(&[p])).collect();
        assert_eq!(create(&new_private(five)), Err(DomainError::TooManyEntries));
        let doubles = NewChampionship {
            kind: MatchKind::Doubles,
            ..new_private(vec![ids(&[1, 2]), ids(&[3, 2])])
        };
        assert_eq!(create(&doubles), Err(DomainError::PlayersNotDistinct));
        let doubles = NewChampionship {
            entries: vec![ids(&[1, 2]), ids(&[3, 4])],
            ..doubles
        };
        assert!(create(&doubles).is_ok());
    }
}

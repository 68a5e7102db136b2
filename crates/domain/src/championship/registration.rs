//! Registration, unregistration, start and regeneration (DOMAIN.md §3.13).

use chrono::NaiveDate;

use super::{ChampionshipStatus, Entry, MIN_ENTRIES};
use crate::{DomainError, EntryId, MatchKind, PlayerId};

/// What registration, unregistration and start look at.
#[derive(Debug, Clone, Copy)]
pub struct ChampionshipState<'a> {
    /// Singles or doubles.
    pub kind: MatchKind,
    /// Only public championships take registrations.
    pub is_public: bool,
    /// The current status.
    pub status: ChampionshipStatus,
    /// 2–100.
    pub max_entries: u32,
    /// Last day to register, inclusive.
    pub registration_deadline: Option<NaiveDate>,
    /// The current entries.
    pub entries: &'a [Entry],
}

impl ChampionshipState<'_> {
    /// Registration open ⇔ public ∧ status registration ∧ (no deadline ∨ today ≤ deadline).
    #[must_use]
    pub fn registration_open(&self, today: NaiveDate) -> bool {
        registration_open(
            self.is_public,
            self.status,
            self.registration_deadline,
            today,
        )
    }
}

/// Registration open ⇔ public ∧ status registration ∧ (no deadline ∨ today ≤ deadline) (§3.13).
#[must_use]
pub fn registration_open(
    is_public: bool,
    status: ChampionshipStatus,
    registration_deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    is_public
        && status == ChampionshipStatus::Registration
        && registration_deadline.is_none_or(|deadline| today <= deadline)
}

/// Checks a registration by the caller's player with an optional doubles `partner` and returns
/// the new entry's members (caller first).
///
/// Order: `player_profile_required` (403), then input — `entry_size_invalid` (a partner for
/// singles or none for doubles), `players_not_distinct` (partner = caller) — then state —
/// `registration_closed`, `championship_full`, `already_registered` (caller or partner is in
/// an entry). Whether the partner exists is the caller's check (`unknown_player`).
pub fn check_register(
    caller: Option<PlayerId>,
    partner: Option<PlayerId>,
    championship: &ChampionshipState<'_>,
    today: NaiveDate,
) -> Result<Vec<PlayerId>, DomainError> {
    let caller = caller.ok_or(DomainError::PlayerProfileRequired)?;
    let members: Vec<PlayerId> = std::iter::once(caller).chain(partner).collect();
    if members.len() != championship.kind.side_size() {
        return Err(DomainError::EntrySizeInvalid);
    }
    if partner == Some(caller) {
        return Err(DomainError::PlayersNotDistinct);
    }
    if !championship.registration_open(today) {
        return Err(DomainError::RegistrationClosed);
    }
    if championship.entries.len() >= championship.max_entries as usize {
        return Err(DomainError::ChampionshipFull);
    }
    if championship
        .entries
        .iter()
        .any(|e| e.members.iter().any(|m| members.contains(m)))
    {
        return Err(DomainError::AlreadyRegistered);
    }
    Ok(members)
}

/// Checks an unregistration by the caller's player and returns the entry to delete (the whole
/// entry, partner included), or `None` when the caller has no entry (nothing to do).
///
/// Allowed only while the status is registration (`championship_not_in_registration`); the
/// deadline does not matter.
pub fn check_unregister(
    caller: Option<PlayerId>,
    championship: &ChampionshipState<'_>,
) -> Result<Option<EntryId>, DomainError> {
    let caller = caller.ok_or(DomainError::PlayerProfileRequired)?;
    if championship.status != ChampionshipStatus::Registration {
        return Err(DomainError::ChampionshipNotInRegistration);
    }
    Ok(championship
        .entries
        .iter()
        .find(|e| e.members.contains(&caller))
        .map(|e| e.id))
}

/// Checks a start (permission is [`check_championship_creator`](super::check_championship_creator)): status registration
/// (`championship_not_in_registration`) and at least 2 entries (`not_enough_entries`). On
/// success generate the schedule and set the status to `scheduled`.
pub fn check_start(championship: &ChampionshipState<'_>) -> Result<(), DomainError> {
    if championship.status != ChampionshipStatus::Registration {
        return Err(DomainError::ChampionshipNotInRegistration);
    }
    if championship.entries.len() < MIN_ENTRIES as usize {
        return Err(DomainError::NotEnoughEntries);
    }
    Ok(())
}

/// Regeneration replaces every fixture, so it is refused once any fixture is converted
/// (`fixture_already_converted`).
pub fn check_regenerate(converted_fixtures: usize) -> Result<(), DomainError> {
    if converted_fixtures > 0 {
        Err(DomainError::FixtureAlreadyConverted)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::championship::tests::{day, entry, ids};

    const TODAY: &str = "2026-02-20";

    fn open_state(entries: &[Entry]) -> ChampionshipState<'_> {
        ChampionshipState {
            kind: MatchKind::Singles,
            is_public: true,
            status: ChampionshipStatus::Registration,
            max_entries: 3,
            registration_deadline: Some(day("2026-02-27")),
            entries,
        }
    }

    #[test]
    fn registration_is_open_for_public_championships_until_the_deadline_inclusive() {
        let state = open_state(&[]);
        assert!(state.registration_open(day("2026-02-27")));
        assert!(!state.registration_open(day("2026-02-28")));
        let no_deadline = ChampionshipState {
            registration_deadline: None,
            ..state
        };
        assert!(no_deadline.registration_open(day("2030-01-01")));
        let private = ChampionshipState {
            is_public: false,
            ..state
        };
        assert!(!private.registration_open(day(TODAY)));
        let scheduled = ChampionshipState {
            status: ChampionshipStatus::Scheduled,
            ..state
        };
        assert!(!scheduled.registration_open(day(TODAY)));
    }

    #[test]
    fn register_refuses_closed_full_and_already_registered() {
        let today = day(TODAY);
        let entries = [entry(1, &[10]), entry(2, &[11])];
        let state = open_state(&entries);
        assert_eq!(
            check_register(Some(PlayerId(12)), None, &state, today),
            Ok(ids(&[12]))
        );
        assert_eq!(
            check_register(Some(PlayerId(10)), None, &state, today),
            Err(DomainError::AlreadyRegistered)
        );
        assert_eq!(
            check_register(Some(PlayerId(12)), None, &state, day("2026-02-28")),
            Err(DomainError::RegistrationClosed)
        );
        let full = [entry(1, &[10]), entry(2, &[11]), entry(3, &[13])];
        assert_eq!(
            check_register(Some(PlayerId(12)), None, &open_state(&full), today),
            Err(DomainError::ChampionshipFull)
        );
        assert_eq!(
            check_register(None, None, &state, today),
            Err(DomainError::PlayerProfileRequired)
        );
    }

    #[test]
    fn doubles_registration_needs_a_distinct_unregistered_partner() {
        let today = day(TODAY);
        let entries = [entry(1, &[10, 11])];
        let state = ChampionshipState {
            kind: MatchKind::Doubles,
            ..open_state(&entries)
        };
        let me = Some(PlayerId(20));
        assert_eq!(
            check_register(me, Some(PlayerId(21)), &state, today),
            Ok(ids(&[20, 21]))
        );
        assert_eq!(
            check_register(me, None, &state, today),
            Err(DomainError::EntrySizeInvalid)
        );
        assert_eq!(
            check_register(me, me, &state, today),
            Err(DomainError::PlayersNotDistinct)
        );
        assert_eq!(
            check_register(me, Some(PlayerId(11)), &state, today),
            Err(DomainError::AlreadyRegistered)
        );
        let singles = open_state(&entries);
        assert_eq!(
            check_register(me, Some(PlayerId(21)), &singles, today),
            Err(DomainError::EntrySizeInvalid)
        );
    }

    #[test]
    fn unregister_removes_the_whole_entry_only_during_registration() {
        let entries = [entry(1, &[10, 11]), entry(2, &[12, 13])];
        let state = ChampionshipState {
            kind: MatchKind::Doubles,
            ..open_state(&entries)
        };
        assert_eq!(
            check_unregister(Some(PlayerId(13)), &state),
            Ok(Some(EntryId(2)))
        );
        assert_eq!(check_unregister(Some(PlayerId(99)), &state), Ok(None));
        let scheduled = ChampionshipState {
            status: ChampionshipStatus::Scheduled,
            ..state
        };
        assert_eq!(
            check_unregister(Some(PlayerId(13)), &scheduled),
            Err(DomainError::ChampionshipNotInRegistration)
        );
    }

    #[test]
    fn start_needs_registration_status_and_two_entries() {
        let one = [entry(1, &[10])];
        assert_eq!(
            check_start(&open_state(&one)),
            Err(DomainError::NotEnoughEntries)
        );
        let two = [entry(1, &[10]), entry(2, &[11])];
        assert!(check_start(&open_state(&two)).is_ok());
        let scheduled = ChampionshipState {
            status: ChampionshipStatus::Scheduled,
            ..open_state(&two)
        };
        assert_eq!(
            check_start(&scheduled),
            Err(DomainError::ChampionshipNotInRegistration)
        );
    }

    #[test]
    fn regeneration_stops_at_the_first_converted_fixture() {
        assert!(check_regenerate(0).is_ok());
        assert_eq!(
            check_regenerate(1),
            Err(DomainError::FixtureAlreadyConverted)
        );
    }
}

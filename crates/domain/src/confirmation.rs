//! Who must confirm a result, when a match counts as confirmed, and auto-confirmation
//! (DOMAIN.md §3.5).

use serde::{Deserialize, Serialize};

use crate::{DomainError, PlayerId, Side};

/// A participant as confirmation sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The player.
    pub player: PlayerId,
    /// Their side.
    pub side: Side,
    /// Linked to an active user with a verified e-mail.
    pub verified: bool,
}

/// The confirmation state of a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationState {
    /// Verified participants of either side.
    pub required: Vec<PlayerId>,
    /// Required confirmers who have not confirmed.
    pub awaiting: Vec<PlayerId>,
    /// Every verified member of side 1 confirmed (vacuous without verified members).
    pub side1_confirmed: bool,
    /// Every verified member of side 2 confirmed.
    pub side2_confirmed: bool,
    /// Complete and both sides confirmed.
    pub is_confirmed: bool,
}

/// Computes the state from participants, who confirmed, and whether the match is complete.
#[must_use]
pub fn confirmation_state(
    participants: &[Participant],
    confirmed: &[PlayerId],
    complete: bool,
) -> ConfirmationState {
    let required: Vec<PlayerId> = participants
        .iter()
        .filter(|p| p.verified)
        .map(|p| p.player)
        .collect();
    let awaiting: Vec<PlayerId> = required
        .iter()
        .copied()
        .filter(|p| !confirmed.contains(p))
        .collect();
    let side_confirmed = |side: Side| {
        participants
            .iter()
            .filter(|p| p.side == side && p.verified)
            .all(|p| confirmed.contains(&p.player))
    };
    let (side1_confirmed, side2_confirmed) = (side_confirmed(Side::One), side_confirmed(Side::Two));
    ConfirmationState {
        required,
        awaiting,
        side1_confirmed,
        side2_confirmed,
        is_confirmed: complete && side1_confirmed && side2_confirmed,
    }
}

/// What the completion pipeline does when a match gets a winner (or a pending match is
/// re-evaluated after a verification change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Completion {
    /// A side has no verified player: confirm at once for everyone lacking a confirmation.
    AutoConfirm {
        /// The unverified participants that caused it, for the response.
        unverified: Vec<PlayerId>,
        /// Participants to add an `auto` confirmation for.
        confirm_for: Vec<PlayerId>,
    },
    /// Every required confirmer has already confirmed: the match is confirmed now.
    Confirmed,
    /// Ask these required confirmers to confirm.
    RequestConfirmations(Vec<PlayerId>),
}

/// Decides the completion pipeline for a complete, unconfirmed match.
#[must_use]
pub fn on_completion(participants: &[Participant], confirmed: &[PlayerId]) -> Completion {
    let side_has_verified = |side: Side| participants.iter().any(|p| p.side == side && p.verified);
    if !side_has_verified(Side::One) || !side_has_verified(Side::Two) {
        return Completion::AutoConfirm {
            unverified: participants
                .iter()
                .filter(|p| !p.verified)
                .map(|p| p.player)
                .collect(),
            confirm_for: participants
                .iter()
                .map(|p| p.player)
                .filter(|p| !confirmed.contains(p))
                .collect(),
        };
    }
    let state = confirmation_state(participants, confirmed, true);
    if state.is_confirmed {
        Completion::Confirmed
    } else {
        Completion::RequestConfirmations(state.awaiting)
    }
}

/// The outcome of a valid confirm action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmOutcome {
    /// The caller had already confirmed: nothing is written (idempotent).
    AlreadyConfirmed,
    /// The confirmation is recorded; `becomes_confirmed` when it was the last one needed.
    Recorded {
        /// This confirmation completes the match's confirmation.
        becomes_confirmed: bool,
    },
}

/// The match facts the confirm action checks (visibility is the caller's job: 404 first).
#[derive(Debug, Clone, Copy)]
pub struct ConfirmContext<'a> {
    /// The match's participants.
    pub participants: &'a [Participant],
    /// Who confirmed so far.
    pub confirmed: &'a [PlayerId],
    /// A winner is set.
    pub complete: bool,
    /// Scored live right now.
    pub is_live: bool,
}

/// Checks a confirm action by `caller` (the caller's own player) in the order of §3.5.
pub fn confirm(
    caller: Option<PlayerId>,
    ctx: ConfirmContext<'_>,
) -> Result<ConfirmOutcome, DomainError> {
    let caller = caller.ok_or(DomainError::PlayerProfileRequired)?;
    if !ctx.participants.iter().any(|p| p.player == caller) {
        return Err(DomainError::NotAParticipant);
    }
    if ctx.is_live {
        return Err(DomainError::MatchIsLive);
    }
    if !ctx.complete {
        return Err(DomainError::MatchNotComplete);
    }
    if ctx.confirmed.contains(&caller) {
        return Ok(ConfirmOutcome::AlreadyConfirmed);
    }
    let mut after = ctx.confirmed.to_vec();
    after.push(caller);
    Ok(ConfirmOutcome::Recorded {
        becomes_confirmed: confirmation_state(ctx.participants, &after, true).is_confirmed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, side: u8, verified: bool) -> Participant {
        Participant {
            player: PlayerId(id),
            side: Side::try_from(side).unwrap(),
            verified,
        }
    }

    #[test]
    fn every_verified_participant_of_both_sides_must_confirm() {
        let parts = [p(1, 1, true), p(2, 2, true)];
        let s = confirmation_state(&parts, &[PlayerId(1)], true);
        assert_eq!(s.awaiting, vec![PlayerId(2)]);
        assert!(!s.is_confirmed);
        let s = confirmation_state(&parts, &[PlayerId(1), PlayerId(2)], true);
        assert!(s.is_confirmed);
    }

    #[test]
    fn an_unfinished_match_is_never_confirmed() {
        let parts = [p(1, 1, true), p(2, 2, true)];
        assert!(!confirmation_state(&parts, &[PlayerId(1), PlayerId(2)], false).is_confirmed);
    }

    #[test]
    fn a_side_without_verified_players_auto_confirms_and_names_them() {
        let parts = [p(1, 1, true), p(2, 2, false)];
        assert_eq!(
            on_completion(&parts, &[]),
            Completion::AutoConfirm {
                unverified: vec![PlayerId(2)],
                confirm_for: vec![PlayerId(1), PlayerId(2)],
            }
        );
        let nobody = [p(1, 1, false), p(2, 2, false)];
        assert!(matches!(
            on_completion(&nobody, &[]),
            Completion::AutoConfirm { .. }
        ));
    }

    #[test]
    fn doubles_with_one_verified_member_per_side_need_only_those_two() {
        let parts = [p(1, 1, true), p(2, 1, false), p(3, 2, true), p(4, 2, false)];
        assert_eq!(
            on_completion(&parts, &[]),
            Completion::RequestConfirmations(vec![PlayerId(1), PlayerId(3)])
        );
        assert_eq!(
            on_completion(&parts, &[PlayerId(1), PlayerId(3)]),
            Completion::Confirmed
        );
    }

    #[test]
    fn confirm_checks_profile_participation_live_and_completeness_in_order() {
        let parts = [p(1, 1, true), p(2, 2, true)];
        let ctx = ConfirmContext {
            participants: &parts,
            confirmed: &[],
            complete: false,
            is_live: true,
        };
        assert_eq!(confirm(None, ctx), Err(DomainError::PlayerProfileRequired));
        assert_eq!(
            confirm(Some(PlayerId(9)), ctx),
            Err(DomainError::NotAParticipant)
        );
        assert_eq!(
            confirm(Some(PlayerId(1)), ctx),
            Err(DomainError::MatchIsLive)
        );
        let ctx = ConfirmContext {
            is_live: false,
            ..ctx
        };
        assert_eq!(
            confirm(Some(PlayerId(1)), ctx),
            Err(DomainError::MatchNotComplete)
        );
    }

    #[test]
    fn confirming_twice_is_idempotent_and_the_last_confirmation_completes() {
        let parts = [p(1, 1, true), p(2, 2, true)];
        let ctx = ConfirmContext {
            participants: &parts,
            confirmed: &[PlayerId(1)],
            complete: true,
            is_live: false,
        };
        assert_eq!(
            confirm(Some(PlayerId(1)), ctx),
            Ok(ConfirmOutcome::AlreadyConfirmed)
        );
        assert_eq!(
            confirm(Some(PlayerId(2)), ctx),
            Ok(ConfirmOutcome::Recorded {
                becomes_confirmed: true
            })
        );
    }
}

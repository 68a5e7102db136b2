//! Which cache tags each write bumps, after its transaction commits (DOMAIN.md §5). A reader
//! that computed before the bump cannot store under the new generation (crates/cache).
//!
//! | write | bump |
//! |---|---|
//! | game added/edited/deleted, live game stored, confirmation (still pending), pending match deleted or its details edited | `pending:{p}` per participant |
//! | match becomes confirmed (last confirmation, auto-confirm, live win, verification change), confirmed match's details edited | `pending:{p}`, `player:{p}` per participant, `club` |
//! | confirmed match deleted (ratings replayed), Elo recalculation, cache clear | everything |
//! | player renamed or edited, verification or activity changed, user linked | everything (see [`player_renamed`], [`verification_changed`]); this also covers the `player` family (name, rating, verified) and every `account` value (player link) |
//! | player created | `players`, `club` |
//! | fixture created, edited, deleted | `fixtures:{p}` per fixture participant |
//! | fixture converted | `fixtures:{p}` per participant + the new match's write |
//! | championship created, edited, entered, left, started, regenerated | everything (see [`championship_changed`]) |
//! | account changed by an admin (activity, admin flag, verification) | `user:{u}` (the cached authentication facts, family `account`) + the verification row when it changed (see [`account_changed`]) |

use ttstats_cache::{Cache, Tag};
use ttstats_domain::{PlayerId, UserId};
use ttstats_persistence::match_writes::WriteOutcome;

/// What a match write invalidates: `None` for everything (a deleted confirmed match replayed
/// every rating), else the tags.
pub fn match_tags(outcome: &WriteOutcome) -> Option<Vec<Tag>> {
    if outcome.ratings_replayed {
        return None;
    }
    let mut tags: Vec<Tag> = outcome
        .participants
        .iter()
        .map(|p| Tag::Pending(*p))
        .collect();
    if outcome.became_confirmed {
        tags.extend(outcome.participants.iter().map(|p| Tag::Player(*p)));
        tags.push(Tag::Club);
    }
    Some(tags)
}

/// After any write to a match: its participants' pending lists; when it became confirmed,
/// their statistics and the club boards too; a deleted confirmed match re-rated everyone.
pub async fn match_written(cache: &Cache, outcome: &WriteOutcome) {
    match match_tags(outcome) {
        None => cache.invalidate_all().await,
        Some(tags) => cache.invalidate(&tags).await,
    }
}

/// A player's verification changed: an e-mail verified or unverified, an account activated or
/// deactivated. DOMAIN.md §5 names `player:{p}` and `pending:{p}`, but the player's `verified`
/// flag is part of the player object embedded in *other* players' cached values (leaderboard
/// rows, recent matches, every opponent's history page), whose tags cannot be known without a
/// query, and re-evaluated pending matches may have been auto-confirmed. A rare write: a
/// global flush, correct by construction.
pub async fn verification_changed(cache: &Cache) {
    cache.invalidate_all().await;
}

/// An admin changed an account (activity, admin flag, e-mail verification): its cached
/// authentication facts go on every instance, so a deactivated user's next request is refused
/// (and a demoted admin's is no longer an admin's).
pub async fn account_changed(cache: &Cache, user: UserId) {
    cache.invalidate(&[Tag::User(user)]).await;
}

/// A player was created (totals and boards count players; guests only, so no account's
/// player link changes).
pub async fn player_created(cache: &Cache) {
    cache.invalidate(&[Tag::Players, Tag::Club]).await;
}

/// A player was renamed or edited (name, nickname, style, linked user): the player object is
/// embedded in other players' cached values (see [`verification_changed`]), so everything
/// goes.
pub async fn player_renamed(cache: &Cache) {
    cache.invalidate_all().await;
}

/// Fixtures of these players were created, edited, deleted or converted: their personal
/// dashboards' upcoming fixtures (and calendar months).
pub async fn fixtures_changed(cache: &Cache, players: &[PlayerId]) {
    let tags: Vec<Tag> = players.iter().map(|p| Tag::Fixtures(*p)).collect();
    cache.invalidate(&tags).await;
}

/// A championship was created, edited, entered, left, started or regenerated. Starting and
/// regenerating create or delete fixtures of every entrant, and a rename shows in the
/// upcoming fixtures of every participant's dashboard; the services do not return those
/// players, and these writes are rare (a few per season), so: a global flush.
pub async fn championship_changed(cache: &Cache) {
    cache.invalidate_all().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(became_confirmed: bool, ratings_replayed: bool) -> WriteOutcome {
        WriteOutcome {
            participants: vec![PlayerId(1), PlayerId(2)],
            became_confirmed,
            ratings_replayed,
            ..WriteOutcome::default()
        }
    }

    #[test]
    fn a_pending_match_write_bumps_only_its_players_pending_lists() {
        assert_eq!(
            match_tags(&outcome(false, false)),
            Some(vec![Tag::Pending(PlayerId(1)), Tag::Pending(PlayerId(2))])
        );
    }

    #[test]
    fn a_match_that_became_confirmed_bumps_its_players_statistics_and_the_club() {
        assert_eq!(
            match_tags(&outcome(true, false)),
            Some(vec![
                Tag::Pending(PlayerId(1)),
                Tag::Pending(PlayerId(2)),
                Tag::Player(PlayerId(1)),
                Tag::Player(PlayerId(2)),
                Tag::Club,
            ])
        );
    }

    #[test]
    fn a_deleted_confirmed_match_flushes_everything() {
        assert_eq!(match_tags(&outcome(false, true)), None);
    }
}

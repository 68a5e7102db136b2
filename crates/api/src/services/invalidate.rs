//! Which cache tags each write bumps, after its transaction commits (DOMAIN.md §5). A reader
//! that computed before the bump cannot store under the new generation (crates/cache).

use ttstats_cache::{Cache, Tag};
use ttstats_domain::PlayerId;
use ttstats_persistence::match_writes::WriteOutcome;

/// After any write to a match: its participants' pending lists; when it became confirmed,
/// their statistics and the club boards too; a deleted confirmed match re-rated everyone.
pub async fn match_written(cache: &Cache, outcome: &WriteOutcome) {
    if outcome.ratings_replayed {
        cache.invalidate_all().await;
        return;
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
    cache.invalidate(&tags).await;
}

/// After several match writes in one request (a verification change re-evaluating pending
/// matches).
pub async fn matches_written(cache: &Cache, outcomes: &[WriteOutcome]) {
    for outcome in outcomes {
        match_written(cache, outcome).await;
    }
}

/// A player's verification or user link changed.
pub async fn player_verification_changed(cache: &Cache, player: PlayerId) {
    cache
        .invalidate(&[Tag::Player(player), Tag::Pending(player)])
        .await;
}

/// A player was created (totals and boards count players).
pub async fn player_created(cache: &Cache) {
    cache.invalidate(&[Tag::Players, Tag::Club]).await;
}

/// A player was renamed: names appear inside other players' cached values, so everything goes.
pub async fn player_renamed(cache: &Cache) {
    cache.invalidate_all().await;
}

/// Fixtures of these players were created, edited, deleted or converted.
pub async fn fixtures_changed(cache: &Cache, players: &[PlayerId]) {
    let tags: Vec<Tag> = players.iter().map(|p| Tag::Fixtures(*p)).collect();
    cache.invalidate(&tags).await;
}

/// Rare writes whose effects reach many families (verification, account changes, fixtures and
/// championship schedules, the end of live scoring): drop everything rather than risk a stale
/// value. A finer tag set can replace this where a write becomes frequent.
pub async fn everything(cache: &Cache) {
    cache.invalidate_all().await;
}

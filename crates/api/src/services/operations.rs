//! Operator actions over HTTP: cache statistics and clearing, Elo recalculation.

use ttstats_api_types::admin::{
    CacheStats, FamilyStats, InvalidationStats, L1Stats, L2Stats, RatingChange, RecalculateReport,
    ReplayedMatch,
};
use ttstats_cache::Family;
use ttstats_domain::DomainError;
use ttstats_persistence::ratings;

use crate::error::ApiError;
use crate::state::AppState;

/// Cache statistics in the API's shape.
pub async fn cache_stats(state: &AppState) -> CacheStats {
    let stats = state.cache.stats().await;
    CacheStats {
        l1: L1Stats {
            entries: stats.l1.entries,
            bytes: stats.l1.bytes,
            max_bytes: stats.l1.max_bytes,
            hits: stats.l1.hits,
            misses: stats.l1.misses,
        },
        l2: L2Stats {
            connected: stats.l2.connected,
            keys: stats.l2.keys.unwrap_or(0),
            memory_bytes: stats.l2.memory_bytes.unwrap_or(0),
            hits: stats.l2.hits,
            misses: stats.l2.misses,
            subscriber_connected: stats.l2.subscriber_connected,
            errors: stats.l2.errors,
            pending_invalidations: stats.l2.pending_invalidations,
        },
        hit_rate: stats.hit_rate,
        families: stats
            .families
            .iter()
            .map(|(family, f)| {
                (
                    family.as_str().to_owned(),
                    FamilyStats {
                        l1_hits: f.l1_hits,
                        l2_hits: f.l2_hits,
                        misses: f.misses,
                    },
                )
            })
            .collect(),
        invalidations: InvalidationStats {
            local: stats.invalidations.local,
            received: stats.invalidations.received,
        },
    }
}

/// Clears one family or the whole cache, on every instance.
pub async fn clear_cache(state: &AppState, family: Option<&str>) -> Result<(), ApiError> {
    let family = family
        .filter(|f| !f.is_empty())
        .map(|f| {
            f.parse::<Family>()
                .map_err(|_| DomainError::InvalidQueryParameter {
                    parameter: "family",
                })
        })
        .transpose()?;
    state.cache.clear(family).await;
    Ok(())
}

/// Replays every confirmed match in play order (or reports what would change). A real run
/// changes names and ratings everywhere, so every cached value goes.
pub async fn recalculate_elo(
    state: &AppState,
    dry_run: bool,
) -> Result<RecalculateReport, ApiError> {
    let report = state
        .db
        .transaction(async |conn| ratings::recalculate(conn, dry_run).await)
        .await?;
    if !dry_run {
        state.cache.invalidate_all().await;
    }
    Ok(RecalculateReport {
        dry_run: report.dry_run,
        matches_replayed: u32::try_from(report.matches_replayed).unwrap_or(u32::MAX),
        history_rows_deleted: u32::try_from(report.history_rows_deleted).unwrap_or(u32::MAX),
        first_matches: report
            .first_matches
            .iter()
            .map(|(id, played_at)| ReplayedMatch {
                id: id.0,
                played_at: *played_at,
            })
            .collect(),
        changed_players: report
            .changed_players
            .iter()
            .map(|(player, old, new)| RatingChange {
                player_id: player.0,
                old_rating: *old,
                new_rating: *new,
            })
            .collect(),
    })
}

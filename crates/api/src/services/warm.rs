//! Cache warm-up (`ttstats cache warm`, `POST /api/v1/admin/cache/warm`): reads the values
//! most pages need through the cache, with the same keys and computations as the routes, so a
//! warmed value is byte-identical to what a read would have stored.

use std::time::{Duration, Instant};

use ttstats_api_types::admin::CacheWarmReport;
use ttstats_api_types::stats::LeaderboardQuery;
use ttstats_cache::{Cache, Cached, Key, Source};
use ttstats_domain::DomainError;
use ttstats_domain::player_stats::PageRequest;
use ttstats_persistence::{Db, players as player_rows};

use crate::error::ApiError;
use crate::services::players::elo_history_bytes;
use crate::services::stats;

/// Players warmed when the caller does not say.
pub const DEFAULT_PLAYERS: u32 = 50;
/// The most players one warm-up reads.
pub const MAX_PLAYERS: u32 = 1000;

/// Leaderboard kinds and periods warmed (each with the default limit, as the SPA asks).
const KINDS: [&str; 3] = ["all", "singles", "doubles"];
const PERIODS: [&str; 5] = ["all", "30d", "90d", "180d", "365d"];

/// History page sizes warmed: the SPA's player page (10) and the API default (20).
const HISTORY_PAGE_SIZES: [u32; 2] = [10, 20];

/// One step of a warm-up, for progress output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// `leaderboard`, `dashboard` or `players`.
    pub stage: &'static str,
    /// Items of this stage done.
    pub done: u32,
    /// Items in this stage.
    pub total: u32,
}

/// What a warm-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarmReport {
    /// Values read through the cache.
    pub entries: u32,
    /// Of these, computed now (the others were cached already).
    pub computed: u32,
    /// Players warmed.
    pub players: u32,
    /// Time taken.
    pub duration: Duration,
}

impl WarmReport {
    fn count(&mut self, cached: &Cached) {
        self.entries += 1;
        if matches!(cached.source, Source::Miss | Source::Bypass) {
            self.computed += 1;
        }
    }

    /// The API's shape.
    pub fn to_wire(&self) -> CacheWarmReport {
        CacheWarmReport {
            entries: self.entries,
            computed: self.computed,
            players: self.players,
            duration_ms: u64::try_from(self.duration.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// `?players=`: absent means [`DEFAULT_PLAYERS`]; otherwise 0–[`MAX_PLAYERS`].
pub fn players_param(value: Option<&str>) -> Result<u32, ApiError> {
    let bad = || {
        ApiError::from(DomainError::InvalidQueryParameter {
            parameter: "players",
        })
    };
    match value.filter(|v| !v.is_empty()) {
        None => Ok(DEFAULT_PLAYERS),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_PLAYERS)
            .ok_or_else(bad),
    }
}

/// Warms every leaderboard variant, the dashboard's club parts, and the statistics, first
/// history pages and Elo history of the `players` most active players, calling `progress`
/// after each item.
pub async fn warm(
    db: &Db,
    cache: &Cache,
    players: u32,
    mut progress: impl FnMut(Progress),
) -> Result<WarmReport, ApiError> {
    let started = Instant::now();
    let mut report = WarmReport::default();

    let total = u32::try_from(KINDS.len() * PERIODS.len()).unwrap_or(u32::MAX);
    let mut done = 0;
    for kind in KINDS {
        for period in PERIODS {
            let query = LeaderboardQuery {
                kind: Some(kind.to_owned()),
                period: Some(period.to_owned()),
                ..LeaderboardQuery::default()
            };
            let filter = query.to_filter()?;
            let key = stats::leaderboard_key(&filter);
            let cached = cache
                .get_or_compute(&key, || stats::leaderboard(db, &filter))
                .await?;
            report.count(&cached);
            done += 1;
            progress(Progress {
                stage: "leaderboard",
                done,
                total,
            });
        }
    }

    let totals = cache
        .get_or_compute(&Key::DashboardTotals, || stats::dashboard_totals(db))
        .await?;
    report.count(&totals);
    let recent = cache
        .get_or_compute(&Key::DashboardRecent, || stats::dashboard_recent(db))
        .await?;
    report.count(&recent);
    progress(Progress {
        stage: "dashboard",
        done: 2,
        total: 2,
    });

    let active = db
        .run(async |conn| player_rows::most_active(conn, players).await)
        .await?;
    let total = u32::try_from(active.len()).unwrap_or(u32::MAX);
    for (i, id) in active.into_iter().enumerate() {
        let cached = cache
            .get_or_compute(&Key::PlayerStats(id), || stats::player_stats(db, id))
            .await?;
        report.count(&cached);
        for per_page in HISTORY_PAGE_SIZES {
            let page = PageRequest { page: 1, per_page };
            let key = stats::player_history_key(id, page);
            let cached = cache
                .get_or_compute(&key, || stats::player_history_bytes(db, id, page))
                .await?;
            report.count(&cached);
        }
        let cached = cache
            .get_or_compute(&Key::EloHistory(id), || elo_history_bytes(db, id))
            .await?;
        report.count(&cached);
        report.players += 1;
        progress(Progress {
            stage: "players",
            done: u32::try_from(i + 1).unwrap_or(u32::MAX),
            total,
        });
    }
    report.duration = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_players_parameter_defaults_to_50_and_refuses_more_than_1000() {
        assert_eq!(players_param(None).unwrap(), 50);
        assert_eq!(players_param(Some("")).unwrap(), 50);
        assert_eq!(players_param(Some("0")).unwrap(), 0);
        assert_eq!(players_param(Some("1000")).unwrap(), 1000);
        for bad in ["1001", "-1", "ten"] {
            assert!(players_param(Some(bad)).is_err(), "{bad}");
        }
    }
}

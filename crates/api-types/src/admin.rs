//! Administration: cache statistics, accounts, the e-mail outbox and Elo recalculation
//! (API.md "Admin and operations").

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `GET /admin/cache/stats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CacheStats {
    /// The in-process tier.
    pub l1: L1Stats,
    /// The Redis tier.
    pub l2: L2Stats,
    /// Hits / (hits + misses) over both tiers, 0–1.
    pub hit_rate: f64,
    /// Per key family (`leaderboard`, `player_stats`, …).
    pub families: BTreeMap<String, FamilyStats>,
    /// Invalidations made here and received from other instances.
    #[serde(default)]
    pub invalidations: InvalidationStats,
}

/// Invalidation counters of one instance since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvalidationStats {
    /// Made by this instance's writes and clears.
    pub local: u64,
    /// Received from other instances over Redis pub/sub (cross-instance coherence).
    pub received: u64,
}

/// The in-process (moka) tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct L1Stats {
    /// Entries held.
    pub entries: u64,
    /// Bytes held.
    pub bytes: u64,
    /// Capacity in bytes (`TTSTATS_L1_MAX_MB`).
    #[serde(default)]
    pub max_bytes: u64,
    /// Hits.
    pub hits: u64,
    /// Misses.
    pub misses: u64,
}

/// The Redis tier; zeros and `connected: false` without Redis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct L2Stats {
    /// Redis answers.
    pub connected: bool,
    /// Keys of this application.
    pub keys: u64,
    /// Redis memory in use.
    pub memory_bytes: u64,
    /// Hits.
    pub hits: u64,
    /// Misses.
    pub misses: u64,
    /// The invalidation subscriber is subscribed: other instances' invalidations arrive.
    #[serde(default)]
    pub subscriber_connected: bool,
    /// Failed or timed-out Redis operations since start (absorbed: reads fell back).
    #[serde(default)]
    pub errors: u64,
    /// Invalidations made while Redis was away and not yet replayed there.
    #[serde(default)]
    pub pending_invalidations: bool,
}

/// Hits and misses of one key family.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyStats {
    /// L1 hits.
    pub l1_hits: u64,
    /// L2 hits.
    pub l2_hits: u64,
    /// Misses (computed).
    pub misses: u64,
}

/// `POST /admin/cache/clear?family=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CacheClearQuery {
    /// Only this key family; everything when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

/// `POST /admin/cache/warm?players=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CacheWarmQuery {
    /// How many of the most active players get their statistics, first history page and Elo
    /// history warmed (0–1000, default 50).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>))]
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub players: Option<String>,
}

/// What `POST /admin/cache/warm` (and `ttstats cache warm`) filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CacheWarmReport {
    /// Values read through the cache: leaderboard variants, dashboard parts and the players'.
    pub entries: u32,
    /// Of these, computed from the database now (the rest were cached already).
    pub computed: u32,
    /// Players whose values were warmed.
    pub players: u32,
    /// Wall-clock time of the warm-up in milliseconds.
    pub duration_ms: u64,
}

/// `POST /admin/elo/recalculate?dry_run=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RecalculateQuery {
    /// Report without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// What a recalculation did (or, dry, would do) (DOMAIN.md §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecalculateReport {
    /// Nothing was changed.
    pub dry_run: bool,
    /// Confirmed matches replayed (or to replay).
    pub matches_replayed: u32,
    /// elo_history rows deleted (or to delete).
    pub history_rows_deleted: u32,
    /// The first 5 matches in replay order.
    pub first_matches: Vec<ReplayedMatch>,
    /// Players whose rating changed (empty on a dry run).
    pub changed_players: Vec<RatingChange>,
}

/// A match in replay order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplayedMatch {
    /// The match.
    pub id: i64,
    /// When it was played.
    pub played_at: DateTime<Utc>,
}

/// A player's rating before and after a recalculation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingChange {
    /// The player.
    pub player_id: i64,
    /// Before.
    pub old_rating: i32,
    /// After.
    pub new_rating: i32,
}

/// An account as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserAdminView {
    /// Id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// E-mail address.
    pub email: String,
    /// The address is verified.
    pub email_verified: bool,
    /// Administrator.
    pub is_admin: bool,
    /// Not deactivated.
    pub active: bool,
    /// The linked player.
    pub player_id: Option<i64>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// `PATCH /admin/users/{id}`: absent fields stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email_verified": true})))]
pub struct UpdateUserRequest {
    /// Mark the address verified or not (re-evaluates the player's pending matches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Grant or revoke admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_admin: Option<bool>,
    /// Activate or deactivate (deactivating revokes refresh tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A queued e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxItem {
    /// Id.
    pub id: i64,
    /// The recipient account.
    pub user_id: Option<i64>,
    /// Recipient address.
    pub to_address: String,
    /// `verify_email`, `match_confirmation`, `scheduled_match`, ….
    pub kind: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Not sent before this time.
    pub send_after: DateTime<Utc>,
    /// When it was sent; null while queued.
    pub sent_at: Option<DateTime<Utc>>,
    /// Delivery attempts.
    pub attempts: u32,
    /// The last delivery error.
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_stats_have_the_api_shape() {
        let stats = CacheStats {
            l1: L1Stats::default(),
            l2: L2Stats::default(),
            hit_rate: 0.0,
            families: BTreeMap::from([("leaderboard".to_owned(), FamilyStats::default())]),
            invalidations: InvalidationStats::default(),
        };
        assert_eq!(
            serde_json::to_value(&stats).unwrap(),
            serde_json::json!({
                "l1": {"entries": 0, "bytes": 0, "max_bytes": 0, "hits": 0, "misses": 0},
                "l2": {"connected": false, "keys": 0, "memory_bytes": 0, "hits": 0, "misses": 0,
                    "subscriber_connected": false, "errors": 0, "pending_invalidations": false},
                "hit_rate": 0.0,
                "families": {"leaderboard": {"l1_hits": 0, "l2_hits": 0, "misses": 0}},
                "invalidations": {"local": 0, "received": 0}
            })
        );
    }

    #[test]
    fn a_dry_run_query_defaults_to_false() {
        let q: RecalculateQuery = serde_json::from_str("{}").unwrap();
        assert!(!q.dry_run);
        let q: RecalculateQuery = serde_json::from_str(r#"{"dry_run": true}"#).unwrap();
        assert!(q.dry_run);
    }

    #[test]
    fn a_user_update_sends_only_the_fields_set() {
        let u = UpdateUserRequest {
            active: Some(false),
            ..UpdateUserRequest::default()
        };
        assert_eq!(
            serde_json::to_value(u).unwrap(),
            serde_json::json!({"active": false})
        );
    }
}

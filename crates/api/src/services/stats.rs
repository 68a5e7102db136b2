//! Statistics reads (DOMAIN.md §3.8–3.12): each computes one cacheable value as JSON bytes or
//! loads the per-request parts that are never cached (current ratings, viewer flags).

use std::collections::HashMap;

use chrono::Utc;
use ttstats_api_types::Page;
use ttstats_api_types::players::{Achievements, HistoryItem, Player, PlayerStats};
use ttstats_api_types::stats::{HeadToHead, PairStats};
use ttstats_cache::{Cache, Cached, Key};
use ttstats_domain::head_to_head::win_probability;
use ttstats_domain::leaderboard::{LeaderboardFilter, Period};
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::{MatchId, PlayerId};
use ttstats_persistence::queries::{dashboard, head_to_head, leaderboard, player_stats};
use ttstats_persistence::{Conn, Db, DbError, matches, players};

use crate::cached::{Members, to_bytes, to_bytes_without};
use crate::error::ApiError;
use crate::services::matches::context;
use crate::services::or_not_found;
use crate::views::stats::{history_item_view, leaderboard_view, personal_dashboard_view};
use crate::views::{Caller, match_view, player_view};

/// Members of the head-to-head that depend on current ratings, spliced in per request.
pub const HEAD_TO_HEAD_LIVE_FIELDS: [&str; 4] = [
    "player1",
    "player2",
    "player1_win_probability",
    "player2_win_probability",
];

/// The cache key of the leaderboard of `filter`: the route and `cache warm` share it, so a
/// warmed value is the one a read finds.
pub fn leaderboard_key(filter: &LeaderboardFilter) -> Key {
    let (from, to) = match filter.period {
        Period::Custom { from, to } => (Some(from.to_string()), Some(to.to_string())),
        _ => (None, None),
    };
    Key::Leaderboard {
        kind: filter.kind.as_str().to_owned(),
        period: filter.period.as_str().to_owned(),
        from,
        to,
        limit: filter.limit,
    }
}

/// The leaderboard of `filter` now.
pub async fn leaderboard(db: &Db, filter: &LeaderboardFilter) -> Result<Vec<u8>, ApiError> {
    let (board, people) = db
        .run(async |conn| {
            let board = leaderboard::leaderboard(conn, filter, Utc::now()).await?;
            let ids: Vec<PlayerId> = board.items.iter().map(|r| r.player.id).collect();
            Ok((board, player_map(conn, &ids).await?))
        })
        .await?;
    to_bytes(&leaderboard_view(&board, &people))
}

/// A player's statistics, the same for every viewer (`can_edit` is added per request).
pub async fn player_stats(db: &Db, id: PlayerId) -> Result<Vec<u8>, ApiError> {
    let view = db
        .run(async |conn| player_stats::player_stats(conn, id).await)
        .await
        .map_err(or_not_found("player"))?;
    to_bytes(&PlayerStats::from_domain(
        &view.stats,
        &view.rating_history,
        &view.achievements,
    ))
}

/// A player's achievements and progress.
pub async fn achievements(db: &Db, id: PlayerId) -> Result<Achievements, ApiError> {
    let view = db
        .run(async |conn| player_stats::player_stats(conn, id).await)
        .await
        .map_err(or_not_found("player"))?;
    Ok(Achievements::from(&view.achievements))
}

/// One page of a player's confirmed matches, newest first, oriented to the player.
pub async fn player_history(
    db: &Db,
    id: PlayerId,
    page: PageRequest,
) -> Result<Page<HistoryItem>, ApiError> {
    let (history, fulls, ctx) = db
        .run(async |conn| {
            let history = player_stats::player_history(conn, id, page).await?;
            let ids: Vec<MatchId> = history.items.iter().map(|i| i.match_id).collect();
            let fulls = matches::load_matches(conn, &ids).await?;
            let ctx = context(conn, &fulls).await?;
            Ok((history, fulls, ctx))
        })
        .await
        .map_err(or_not_found("player"))?;
    let by_id: HashMap<MatchId, _> = fulls.iter().map(|f| (f.id(), f)).collect();
    let items = history
        .items
        .iter()
        .filter_map(|item| by_id.get(&item.match_id).map(|full| (item, *full)))
        .map(|(item, full)| history_item_view(item, full, &ctx))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        items,
        page: history.page,
        per_page: history.per_page,
        total: history.total,
    })
}

/// The cache key of the first page of a player's history with `page.per_page` items.
pub fn player_history_key(id: PlayerId, page: PageRequest) -> Key {
    Key::PlayerHistory {
        player: id,
        per_page: page.per_page,
    }
}

/// [`player_history`] serialized, the cached form of its first page.
pub async fn player_history_bytes(
    db: &Db,
    id: PlayerId,
    page: PageRequest,
) -> Result<Vec<u8>, ApiError> {
    to_bytes(&player_history(db, id, page).await?)
}

/// One player as the API shows it now, through the cache (family `player`); `not_found` for
/// an unknown id (never cached).
pub async fn player(cache: &Cache, db: &Db, id: PlayerId) -> Result<Player, ApiError> {
    let cached = cache
        .get_or_compute(&Key::Player(id), || player_bytes(db, id))
        .await?;
    decode_player(&cached)
}

/// A cached `player` value.
pub fn decode_player(cached: &Cached) -> Result<Player, ApiError> {
    serde_json::from_slice(&cached.bytes).map_err(|e| ApiError::Internal(e.into()))
}

/// The value of a key whose reads are composed with others' ([`Cache::get_or_compute_all`]):
/// players, pair reads, dashboard parts and the pending badge.
pub async fn part(db: &Db, key: &Key) -> Result<Vec<u8>, ApiError> {
    match *key {
        Key::Player(id) => player_bytes(db, id).await,
        Key::HeadToHead(a, b) => head_to_head(db, a, b).await,
        Key::PairStats(a, b) => pair_stats(db, a, b).await,
        Key::DashboardTotals => dashboard_totals(db).await,
        Key::DashboardRecent => dashboard_recent(db).await,
        Key::DashboardPersonal(player) => dashboard_personal(db, player).await,
        Key::Pending(player) => crate::services::matches::pending_badge(db, player).await,
        ref other => Err(ApiError::Internal(anyhow::anyhow!(
            "{other} is not computed as a part"
        ))),
    }
}

async fn player_bytes(db: &Db, id: PlayerId) -> Result<Vec<u8>, ApiError> {
    let found = db.run(async |conn| player_map(conn, &[id]).await).await?;
    to_bytes(
        found
            .get(&id)
            .ok_or_else(|| ApiError::not_found("player"))?,
    )
}

/// The match-based part of the head-to-head of `a` against `b`: everything but
/// [`HEAD_TO_HEAD_LIVE_FIELDS`].
pub async fn head_to_head(db: &Db, a: PlayerId, b: PlayerId) -> Result<Vec<u8>, ApiError> {
    let (h, mut players) = db
        .run(async |conn| {
            let h = head_to_head::head_to_head(conn, a, b).await?;
            Ok((h, player_map(conn, &[a, b]).await?))
        })
        .await
        .map_err(or_not_found("player"))?;
    let mut player = |id| {
        players
            .remove(&id)
            .ok_or_else(|| ApiError::not_found("player"))
    };
    let (a, b) = (player(a)?, player(b)?);
    let wire = HeadToHead::from_domain(&h, a, b, win_probability(1500, 1500));
    to_bytes_without(&wire, &HEAD_TO_HEAD_LIVE_FIELDS)
}

/// The per-request members of a head-to-head: both players as they are now and the win
/// probabilities from their current ratings.
pub fn head_to_head_live(a: &Player, b: &Player) -> Result<Members, ApiError> {
    let p = win_probability(a.rating, b.rating);
    Members::default()
        .with("player1", a)?
        .with("player2", b)?
        .with("player1_win_probability", &p.player1)?
        .with("player2_win_probability", &p.player2)
}

/// The doubles record of `a` and `b` as partners, without `players` (spliced in query order,
/// since the cached value is shared by both orders).
pub async fn pair_stats(db: &Db, a: PlayerId, b: PlayerId) -> Result<Vec<u8>, ApiError> {
    let stats = db
        .run(async |conn| head_to_head::pair_stats(conn, a, b).await)
        .await
        .map_err(or_not_found("player"))?;
    to_bytes_without(&PairStats::from_domain(&stats, Vec::new()), &["players"])
}

/// Dashboard club totals.
pub async fn dashboard_totals(db: &Db) -> Result<Vec<u8>, ApiError> {
    let club = db
        .run(async |conn| dashboard::club_dashboard(conn).await)
        .await?;
    to_bytes(&serde_json::json!({
        "total_players": club.total_players,
        "total_confirmed_matches": club.total_confirmed_matches,
    }))
}

/// The club's most recent confirmed matches, as anyone sees them.
pub async fn dashboard_recent(db: &Db) -> Result<Vec<u8>, ApiError> {
    let (club, ctx) = db
        .run(async |conn| {
            let club = dashboard::club_dashboard(conn).await?;
            let ctx = context(conn, &club.recent_matches).await?;
            Ok((club, ctx))
        })
        .await?;
    let recent = club
        .recent_matches
        .iter()
        .map(|full| match_view(full, &ctx, &Caller::default()))
        .collect::<Result<Vec<_>, _>>()?;
    to_bytes(&serde_json::json!({ "recent_matches": recent }))
}

/// Sections 2–4 of `player`'s dashboard.
pub async fn dashboard_personal(db: &Db, player: PlayerId) -> Result<Vec<u8>, ApiError> {
    let personal = db
        .run(async |conn| dashboard::personal_dashboard(conn, player, Utc::now()).await)
        .await?;
    to_bytes(&personal_dashboard_view(&personal))
}

/// Whether `caller` may edit player `id` (its own player, or an admin; DOMAIN.md §4).
pub fn can_edit(caller: &Caller, id: PlayerId) -> bool {
    caller.is_admin || caller.player == Some(id)
}

/// The API players of `ids` that exist, by id.
async fn player_map(
    conn: &mut Conn<'_>,
    ids: &[PlayerId],
) -> Result<HashMap<PlayerId, Player>, DbError> {
    let rows = players::get_players(conn, ids).await?;
    Ok(players::views(conn, rows)
        .await?
        .iter()
        .map(|v| (v.row.player_id(), player_view(v)))
        .collect())
}

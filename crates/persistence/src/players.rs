//! Players: profile rows, the aggregate columns, verification, search.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::PlayerId;
use ttstats_domain::achievements::PlayerTotals;
use ttstats_domain::elo::PlayerAggregates;
use ttstats_domain::player::PlayerName;
use ttstats_domain::streaks::{Streak, StreakKind, Streaks};

use crate::conn::Conn;
use crate::error::DbError;
use crate::schema::{players, users};
use crate::to_db;

/// A `players` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = players)]
pub struct PlayerRow {
    pub id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub nickname: String,
    pub playing_style: String,
    pub notes: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub rating: i32,
    pub peak_rating: i32,
    pub rated_matches: i32,
    pub confirmed_matches: i32,
    pub wins: i32,
    pub losses: i32,
    pub games_won: i32,
    pub games_lost: i32,
    pub streak_kind: String,
    pub streak_length: i32,
    pub longest_win_streak: i32,
    pub longest_loss_streak: i32,
    pub deuce_wins: i32,
    pub top_rivalry: i32,
    pub top_giant_gap: i32,
}

impl PlayerRow {
    /// The typed id.
    pub fn player_id(&self) -> PlayerId {
        PlayerId(self.id)
    }

    /// Name and nickname for labels.
    pub fn name(&self) -> PlayerName {
        PlayerName::new(PlayerId(self.id), &self.name, &self.nickname)
    }

    /// The aggregate columns as the domain sees them.
    pub fn aggregates(&self) -> PlayerAggregates {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        PlayerAggregates {
            rating: self.rating,
            peak_rating: self.peak_rating,
            rated_matches: n(self.rated_matches),
            confirmed_matches: n(self.confirmed_matches),
            wins: n(self.wins),
            losses: n(self.losses),
            games_won: n(self.games_won),
            games_lost: n(self.games_lost),
        }
    }

    /// The stored streaks and achievement measures (written with each confirmation).
    pub fn totals(&self) -> PlayerTotals {
        let n = |v: i32| u32::try_from(v).unwrap_or(0);
        let kind = match self.streak_kind.as_str() {
            "win" => StreakKind::Win,
            "loss" => StreakKind::Loss,
            _ => StreakKind::None,
        };
        PlayerTotals {
            played: i64::from(self.confirmed_matches),
            won: i64::from(self.wins),
            streaks: Streaks {
                current: Streak {
                    kind,
                    length: n(self.streak_length),
                },
                longest_win: n(self.longest_win_streak),
                longest_loss: n(self.longest_loss_streak),
            },
            deuce_wins: i64::from(self.deuce_wins),
            top_rivalry: i64::from(self.top_rivalry),
            top_gap: i64::from(self.top_giant_gap),
        }
    }
}

/// A player with the facts that need the `users` row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlayerView {
    /// The row.
    pub row: PlayerRow,
    /// Linked to an active user with a verified e-mail.
    pub verified: bool,
}

impl PlayerView {
    /// No linked user.
    pub fn is_guest(&self) -> bool {
        self.row.user_id.is_none()
    }
}

/// A new player.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = players)]
pub struct NewPlayer<'a> {
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub nickname: &'a str,
    pub playing_style: &'a str,
    pub notes: &'a str,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Profile changes; `None` leaves a column alone.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = players)]
pub struct PlayerChanges {
    pub name: Option<String>,
    pub nickname: Option<String>,
    pub playing_style: Option<String>,
    pub notes: Option<String>,
    pub user_id: Option<Option<i64>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = players)]
struct AggregateColumns {
    rating: i32,
    peak_rating: i32,
    rated_matches: i32,
    confirmed_matches: i32,
    wins: i32,
    losses: i32,
    games_won: i32,
    games_lost: i32,
}

impl From<&PlayerAggregates> for AggregateColumns {
    fn from(a: &PlayerAggregates) -> Self {
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        Self {
            rating: a.rating,
            peak_rating: a.peak_rating,
            rated_matches: n(a.rated_matches),
            confirmed_matches: n(a.confirmed_matches),
            wins: n(a.wins),
            losses: n(a.losses),
            games_won: n(a.games_won),
            games_lost: n(a.games_lost),
        }
    }
}

/// Inserts a player; returns its id.
pub async fn insert_player(conn: &mut Conn<'_>, new: &NewPlayer<'_>) -> Result<PlayerId, DbError> {
    let id = db_run!(conn, |c| diesel::insert_into(players::table)
        .values(new)
        .returning(players::id)
        .get_result::<i64>(c)
        .await)?;
    Ok(PlayerId(id))
}

/// The player, or `None`.
pub async fn find_player(conn: &mut Conn<'_>, id: PlayerId) -> Result<Option<PlayerRow>, DbError> {
    Ok(db_run!(conn, |c| players::table
        .find(id.0)
        .select(PlayerRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// The player, or `NotFound`.
pub async fn get_player(conn: &mut Conn<'_>, id: PlayerId) -> Result<PlayerRow, DbError> {
    find_player(conn, id).await?.ok_or(DbError::NotFound)
}

/// The player linked to a user.
pub async fn find_player_of_user(
    conn: &mut Conn<'_>,
    user_id: i64,
) -> Result<Option<PlayerRow>, DbError> {
    Ok(db_run!(conn, |c| players::table
        .filter(players::user_id.eq(user_id))
        .select(PlayerRow::as_select())
        .first(c)
        .await
        .optional())?)
}

/// Players by id (any order; missing ids are absent).
pub async fn get_players(conn: &mut Conn<'_>, ids: &[PlayerId]) -> Result<Vec<PlayerRow>, DbError> {
    let ids: Vec<i64> = ids.iter().map(|p| p.0).collect();
    Ok(db_run!(conn, |c| players::table
        .filter(players::id.eq_any(&ids))
        .order(players::id)
        .select(PlayerRow::as_select())
        .load(c)
        .await)?)
}

/// Every player.
pub async fn all_players(conn: &mut Conn<'_>) -> Result<Vec<PlayerRow>, DbError> {
    Ok(db_run!(conn, |c| players::table
        .order(players::id)
        .select(PlayerRow::as_select())
        .load(c)
        .await)?)
}

/// The `limit` players with the most confirmed matches, most first (ties by id): whose
/// statistics `ttstats cache warm` precomputes. One read of the aggregate column.
pub async fn most_active(conn: &mut Conn<'_>, limit: u32) -> Result<Vec<PlayerId>, DbError> {
    let limit = i64::from(limit);
    let ids: Vec<i64> = db_run!(conn, |c| players::table
        .filter(players::confirmed_matches.gt(0))
        .order((players::confirmed_matches.desc(), players::id))
        .limit(limit)
        .select(players::id)
        .load(c)
        .await)?;
    Ok(ids.into_iter().map(PlayerId).collect())
}

/// The subset of `ids` that are verified players (linked user active with a verified e-mail).
pub async fn verified_among(
    conn: &mut Conn<'_>,
    ids: &[PlayerId],
) -> Result<HashSet<PlayerId>, DbError> {
    let ids: Vec<i64> = ids.iter().map(|p| p.0).collect();
    let verified: Vec<i64> = db_run!(conn, |c| players::table
        .inner_join(users::table)
        .filter(players::id.eq_any(&ids))
        .filter(users::is_active.eq(true))
        .filter(users::email_verified_at.is_not_null())
        .select(players::id)
        .load(c)
        .await)?;
    Ok(verified.into_iter().map(PlayerId).collect())
}

/// Players with their verification, in the order of `rows`.
pub async fn views(conn: &mut Conn<'_>, rows: Vec<PlayerRow>) -> Result<Vec<PlayerView>, DbError> {
    let ids: Vec<PlayerId> = rows.iter().map(PlayerRow::player_id).collect();
    let verified = verified_among(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| PlayerView {
            verified: verified.contains(&row.player_id()),
            row,
        })
        .collect())
}

/// A page of players matching `search` (case-insensitive on name and nickname), by name.
pub async fn search_players(
    conn: &mut Conn<'_>,
    search: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PlayerRow>, i64), DbError> {
    let pattern = search
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
    macro_rules! filtered {
        () => {{
            let mut q = players::table.into_boxed();
            if let Some(p) = &pattern {
                q = q.filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(name) LIKE ")
                        .bind::<diesel::sql_types::Text, _>(p.clone())
                        .sql(" OR lower(nickname) LIKE ")
                        .bind::<diesel::sql_types::Text, _>(p.clone())
                        .sql(")"),
                );
            }
            q
        }};
    }
    let total = db_run!(conn, |c| filtered!().count().get_result::<i64>(c).await)?;
    let rows = db_run!(conn, |c| filtered!()
        .order((players::name, players::id))
        .offset(offset)
        .limit(limit)
        .select(PlayerRow::as_select())
        .load(c)
        .await)?;
    Ok((rows, total))
}

/// Applies profile changes.
pub async fn update_player(
    conn: &mut Conn<'_>,
    id: PlayerId,
    changes: &PlayerChanges,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let n = db_run!(conn, |c| diesel::update(players::table.find(id.0))
        .set((changes, players::updated_at.eq(to_db(now))))
        .execute(c)
        .await)?;
    if n == 0 {
        Err(DbError::NotFound)
    } else {
        Ok(())
    }
}

/// Takes the row locks of `ids` in ascending order (DOMAIN.md §3.6), so concurrent rating
/// updates never deadlock; on SQLite the immediate transaction already serializes writers.
pub async fn lock_players(conn: &mut Conn<'_>, ids: &[PlayerId]) -> Result<(), DbError> {
    let mut sorted: Vec<i64> = ids.iter().map(|p| p.0).collect();
    sorted.sort_unstable();
    sorted.dedup();
    for id in sorted {
        db_run!(conn, |c| diesel::update(players::table.find(id))
            .set(players::updated_at.eq(players::updated_at))
            .execute(c)
            .await)?;
    }
    Ok(())
}

/// The aggregates of `ids`.
pub async fn aggregates_of(
    conn: &mut Conn<'_>,
    ids: &[PlayerId],
) -> Result<BTreeMap<PlayerId, PlayerAggregates>, DbError> {
    Ok(get_players(conn, ids)
        .await?
        .iter()
        .map(|r| (r.player_id(), r.aggregates()))
        .collect())
}

/// Writes aggregates back.
pub async fn write_aggregates(
    conn: &mut Conn<'_>,
    aggregates: &BTreeMap<PlayerId, PlayerAggregates>,
) -> Result<(), DbError> {
    for (id, agg) in aggregates {
        let columns = AggregateColumns::from(agg);
        db_run!(conn, |c| diesel::update(players::table.find(id.0))
            .set(&columns)
            .execute(c)
            .await)?;
    }
    Ok(())
}

#[derive(AsChangeset)]
#[diesel(table_name = players)]
struct TotalColumns {
    streak_kind: &'static str,
    streak_length: i32,
    longest_win_streak: i32,
    longest_loss_streak: i32,
    deuce_wins: i32,
    top_rivalry: i32,
    top_giant_gap: i32,
}

impl From<&PlayerTotals> for TotalColumns {
    fn from(t: &PlayerTotals) -> Self {
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let w = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        Self {
            streak_kind: streak_kind_str(t.streaks.current.kind),
            streak_length: n(t.streaks.current.length),
            longest_win_streak: n(t.streaks.longest_win),
            longest_loss_streak: n(t.streaks.longest_loss),
            deuce_wins: w(t.deuce_wins),
            top_rivalry: w(t.top_rivalry),
            top_giant_gap: w(t.top_gap),
        }
    }
}

/// The `players.streak_kind` value of `kind`.
pub fn streak_kind_str(kind: StreakKind) -> &'static str {
    match kind {
        StreakKind::Win => "win",
        StreakKind::Loss => "loss",
        StreakKind::None => "none",
    }
}

/// Writes a player's streak and achievement-measure columns (`played` and `won` are the
/// aggregate columns, written by [`write_aggregates`]).
pub async fn write_totals(
    conn: &mut Conn<'_>,
    player: PlayerId,
    totals: &PlayerTotals,
) -> Result<(), DbError> {
    let columns = TotalColumns::from(totals);
    db_run!(conn, |c| diesel::update(players::table.find(player.0))
        .set(&columns)
        .execute(c)
        .await)?;
    Ok(())
}

/// Number of players.
pub async fn count_players(conn: &mut Conn<'_>) -> Result<i64, DbError> {
    Ok(db_run!(conn, |c| players::table
        .count()
        .get_result(c)
        .await)?)
}

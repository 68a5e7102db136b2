//! Matches with their participants, games and confirmations: rows and loads.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::confirmation::Participant;
use ttstats_domain::record::MatchRecord;
use ttstats_domain::scoring::{GameScore, Tally};
use ttstats_domain::{BestOf, DomainError, MatchId, MatchKind, MatchType, PlayerId, Side};

use crate::conn::Conn;
use crate::error::DbError;
use crate::from_db;
use crate::players::{self, PlayerView};
use crate::ratings::EloHistoryRow;
use crate::schema::{
    championship_entry_members, elo_history, games, locations, match_confirmations,
    match_participants, matches,
};

/// A `matches` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = matches)]
pub struct MatchRow {
    pub id: i64,
    pub kind: String,
    pub best_of: i32,
    pub match_type: String,
    pub played_at: NaiveDateTime,
    pub location_id: Option<i64>,
    pub notes: String,
    pub championship_id: Option<i64>,
    pub side1_entry_id: Option<i64>,
    pub side2_entry_id: Option<i64>,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub side1_games: i32,
    pub side2_games: i32,
    pub winner_side: Option<i32>,
    pub is_confirmed: bool,
    pub confirmed_at: Option<NaiveDateTime>,
    pub auto_confirmed: bool,
    pub is_live: bool,
    pub live_state: Option<String>,
    pub scorekeeper_player_id: Option<i64>,
}

impl MatchRow {
    /// The format (rows always hold a valid one: a CHECK constraint guards it).
    pub fn best_of(&self) -> BestOf {
        BestOf::new(i64::from(self.best_of)).unwrap_or(BestOf::FIVE)
    }

    /// Singles or doubles.
    pub fn kind(&self) -> MatchKind {
        self.kind.parse().unwrap_or(MatchKind::Singles)
    }

    /// Casual, practice or tournament.
    pub fn match_type(&self) -> MatchType {
        self.match_type.parse().unwrap_or(MatchType::Casual)
    }

    /// The stored winner.
    pub fn winner(&self) -> Option<Side> {
        self.winner_side
            .and_then(|w| Side::try_from(i64::from(w)).ok())
    }
}

/// A new match row (cache columns start at their defaults).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = matches)]
pub struct NewMatch {
    pub kind: String,
    pub best_of: i32,
    pub match_type: String,
    pub played_at: NaiveDateTime,
    pub location_id: Option<i64>,
    pub notes: String,
    pub championship_id: Option<i64>,
    pub side1_entry_id: Option<i64>,
    pub side2_entry_id: Option<i64>,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub is_live: bool,
    pub live_state: Option<String>,
    pub scorekeeper_player_id: Option<i64>,
}

/// A `match_participants` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = match_participants)]
pub struct ParticipantRow {
    pub match_id: i64,
    pub player_id: i64,
    pub side: i32,
}

/// A `games` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = games)]
pub struct GameRow {
    pub id: i64,
    pub match_id: i64,
    pub number: i32,
    pub side1_points: i32,
    pub side2_points: i32,
    pub winner_side: i32,
    pub duration_minutes: Option<i32>,
    pub created_at: NaiveDateTime,
}

impl GameRow {
    /// The score (rows always hold a valid one).
    pub fn score(&self) -> Result<GameScore, DomainError> {
        GameScore::new(i64::from(self.side1_points), i64::from(self.side2_points))
    }
}

/// A new game.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = games)]
pub struct NewGame {
    pub match_id: i64,
    pub number: i32,
    pub side1_points: i32,
    pub side2_points: i32,
    pub winner_side: i32,
    pub duration_minutes: Option<i32>,
    pub created_at: NaiveDateTime,
}

/// A `match_confirmations` row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = match_confirmations)]
pub struct ConfirmationRow {
    pub match_id: i64,
    pub player_id: i64,
    pub confirmed_at: NaiveDateTime,
    pub source: String,
}

/// A match with everything that hangs off it.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchFull {
    /// The match row.
    pub row: MatchRow,
    /// Participants, side 1 first, then by player id.
    pub participants: Vec<ParticipantRow>,
    /// Games by number.
    pub games: Vec<GameRow>,
    /// Confirmations.
    pub confirmations: Vec<ConfirmationRow>,
}

impl MatchFull {
    /// The typed id.
    pub fn id(&self) -> MatchId {
        MatchId(self.row.id)
    }

    /// Player ids of `side`.
    pub fn side(&self, side: Side) -> Vec<PlayerId> {
        self.participants
            .iter()
            .filter(|p| p.side == i32::from(side.number()))
            .map(|p| PlayerId(p.player_id))
            .collect()
    }

    /// Every participant id.
    pub fn player_ids(&self) -> Vec<PlayerId> {
        self.participants
            .iter()
            .map(|p| PlayerId(p.player_id))
            .collect()
    }

    /// Whether `player` plays in the match.
    pub fn has_player(&self, player: PlayerId) -> bool {
        self.participants.iter().any(|p| p.player_id == player.0)
    }

    /// The games' scores, by number.
    pub fn scores(&self) -> Result<Vec<GameScore>, DbError> {
        Ok(self
            .games
            .iter()
            .map(GameRow::score)
            .collect::<Result<_, _>>()?)
    }

    /// Games per side and the winner, derived from the games.
    pub fn tally(&self) -> Result<Tally, DbError> {
        Ok(Tally::of(&self.scores()?, self.row.best_of()))
    }

    /// Who confirmed.
    pub fn confirmed_by(&self) -> Vec<PlayerId> {
        self.confirmations
            .iter()
            .map(|c| PlayerId(c.player_id))
            .collect()
    }

    /// Participants with their verification, for confirmation rules.
    pub fn confirmation_participants(
        &self,
        verified: &std::collections::HashSet<PlayerId>,
    ) -> Vec<Participant> {
        self.participants
            .iter()
            .filter_map(|p| {
                Some(Participant {
                    player: PlayerId(p.player_id),
                    side: Side::try_from(i64::from(p.side)).ok()?,
                    verified: verified.contains(&PlayerId(p.player_id)),
                })
            })
            .collect()
    }

    /// The match as the statistics see it.
    pub fn record(&self) -> Result<MatchRecord, DbError> {
        Ok(MatchRecord {
            id: self.id(),
            kind: self.row.kind(),
            match_type: self.row.match_type(),
            best_of: self.row.best_of(),
            played_at: from_db(self.row.played_at),
            created_at: from_db(self.row.created_at),
            side1: self.side(Side::One),
            side2: self.side(Side::Two),
            games: self.scores()?,
        })
    }
}

/// The match row, or `NotFound`.
pub async fn get_match_row(conn: &mut Conn<'_>, id: MatchId) -> Result<MatchRow, DbError> {
    Ok(db_run!(conn, |c| matches::table
        .find(id.0)
        .select(MatchRow::as_select())
        .first(c)
        .await)?)
}

/// The match with participants, games and confirmations, or `NotFound`.
pub async fn load_match(conn: &mut Conn<'_>, id: MatchId) -> Result<MatchFull, DbError> {
    let row = get_match_row(conn, id).await?;
    let mut loaded = load_children(conn, vec![row]).await?;
    loaded.pop().ok_or(DbError::NotFound)
}

/// The matches of `ids` with their children, in the order of `ids`; unknown ids are skipped.
pub async fn load_matches(conn: &mut Conn<'_>, ids: &[MatchId]) -> Result<Vec<MatchFull>, DbError> {
    let raw: Vec<i64> = ids.iter().map(|m| m.0).collect();
    let mut rows: Vec<MatchRow> = db_run!(conn, |c| matches::table
        .filter(matches::id.eq_any(&raw))
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    rows.sort_by_key(|r| raw.iter().position(|id| *id == r.id));
    load_children(conn, rows).await
}

/// Loads the children of many match rows in three queries, keeping the rows' order.
pub async fn load_children(
    conn: &mut Conn<'_>,
    rows: Vec<MatchRow>,
) -> Result<Vec<MatchFull>, DbError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut participants: HashMap<i64, Vec<ParticipantRow>> = HashMap::new();
    let mut games_by: HashMap<i64, Vec<GameRow>> = HashMap::new();
    let mut confirmations: HashMap<i64, Vec<ConfirmationRow>> = HashMap::new();
    // Chunked so huge lists stay under the backends' bind-parameter limits.
    for chunk in ids.chunks(10_000) {
        let ps: Vec<ParticipantRow> = db_run!(conn, |c| match_participants::table
            .filter(match_participants::match_id.eq_any(chunk))
            .order((
                match_participants::match_id,
                match_participants::side,
                match_participants::player_id,
            ))
            .select(ParticipantRow::as_select())
            .load(c)
            .await)?;
        for p in ps {
            participants.entry(p.match_id).or_default().push(p);
        }
        let gs: Vec<GameRow> = db_run!(conn, |c| games::table
            .filter(games::match_id.eq_any(chunk))
            .order((games::match_id, games::number))
            .select(GameRow::as_select())
            .load(c)
            .await)?;
        for g in gs {
            games_by.entry(g.match_id).or_default().push(g);
        }
        let cs: Vec<ConfirmationRow> = db_run!(conn, |c| match_confirmations::table
            .filter(match_confirmations::match_id.eq_any(chunk))
            .order((
                match_confirmations::match_id,
                match_confirmations::confirmed_at,
                match_confirmations::player_id,
            ))
            .select(ConfirmationRow::as_select())
            .load(c)
            .await)?;
        for cf in cs {
            confirmations.entry(cf.match_id).or_default().push(cf);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| MatchFull {
            participants: participants.remove(&row.id).unwrap_or_default(),
            games: games_by.remove(&row.id).unwrap_or_default(),
            confirmations: confirmations.remove(&row.id).unwrap_or_default(),
            row,
        })
        .collect())
}

/// Filters for listing matches.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    /// Only matches this player played.
    pub player: Option<PlayerId>,
    /// Only confirmed (true) or only unconfirmed (false).
    pub confirmed: Option<bool>,
    /// Only this kind.
    pub kind: Option<MatchKind>,
    /// Unconfirmed matches are visible only to these players (None = everything: admins).
    pub visible_to: Option<Visibility>,
}

/// Who may see unconfirmed matches.
#[derive(Debug, Clone, Copy)]
pub enum Visibility {
    /// Anonymous: confirmed matches only.
    ConfirmedOnly,
    /// A signed-in user: confirmed matches and the unconfirmed ones they play in.
    Player(Option<PlayerId>),
}

/// A page of matches, newest first (played_at, created_at, id).
pub async fn list_matches(
    conn: &mut Conn<'_>,
    filter: &MatchFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MatchFull>, i64), DbError> {
    macro_rules! filtered {
        () => {{
            let mut q = matches::table
                .filter(matches::is_live.eq(false))
                .into_boxed();
            if let Some(p) = filter.player {
                q = q.filter(
                    matches::id.eq_any(
                        match_participants::table
                            .filter(match_participants::player_id.eq(p.0))
                            .select(match_participants::match_id),
                    ),
                );
            }
            if let Some(confirmed) = filter.confirmed {
                q = q.filter(matches::is_confirmed.eq(confirmed));
            }
            if let Some(kind) = filter.kind {
                q = q.filter(matches::kind.eq(kind.as_str()));
            }
            match filter.visible_to {
                None => {}
                Some(Visibility::ConfirmedOnly | Visibility::Player(None)) => {
                    q = q.filter(matches::is_confirmed.eq(true));
                }
                Some(Visibility::Player(Some(viewer))) => {
                    q = q.filter(
                        matches::is_confirmed.eq(true).or(matches::id.eq_any(
                            match_participants::table
                                .filter(match_participants::player_id.eq(viewer.0))
                                .select(match_participants::match_id),
                        )),
                    );
                }
            }
            q
        }};
    }
    let total = db_run!(conn, |c| filtered!().count().get_result::<i64>(c).await)?;
    let rows = db_run!(conn, |c| filtered!()
        .order((
            matches::played_at.desc(),
            matches::created_at.desc(),
            matches::id.desc()
        ))
        .offset(offset)
        .limit(limit)
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    Ok((load_children(conn, rows).await?, total))
}

/// Every confirmed, non-live match as records with their confirmation instants, in play order.
pub async fn confirmed_records(
    conn: &mut Conn<'_>,
) -> Result<Vec<(MatchRecord, DateTime<Utc>)>, DbError> {
    let rows = db_run!(conn, |c| matches::table
        .filter(matches::is_confirmed.eq(true))
        .filter(matches::is_live.eq(false))
        .order((matches::played_at, matches::created_at, matches::id))
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    records_of(conn, rows).await
}

/// Records for the given rows with their confirmation instants.
pub async fn records_of(
    conn: &mut Conn<'_>,
    rows: Vec<MatchRow>,
) -> Result<Vec<(MatchRecord, DateTime<Utc>)>, DbError> {
    load_children(conn, rows)
        .await?
        .iter()
        .map(|m| {
            let at = from_db(m.row.confirmed_at.unwrap_or(m.row.played_at));
            Ok((m.record()?, at))
        })
        .collect()
}

/// A `locations` row, as matches show it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct LocationRow {
    pub id: i64,
    pub name: String,
    pub address: String,
}

/// The locations among `ids`, by id (missing ids are absent).
pub async fn locations_by_id(
    conn: &mut Conn<'_>,
    ids: &[i64],
) -> Result<HashMap<i64, LocationRow>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<LocationRow> = db_run!(conn, |c| locations::table
        .filter(locations::id.eq_any(ids))
        .select(LocationRow::as_select())
        .load(c)
        .await)?;
    Ok(rows.into_iter().map(|l| (l.id, l)).collect())
}

/// Whether the location exists.
pub async fn location_exists(conn: &mut Conn<'_>, id: i64) -> Result<bool, DbError> {
    let n = db_run!(conn, |c| locations::table
        .filter(locations::id.eq(id))
        .count()
        .get_result::<i64>(c)
        .await)?;
    Ok(n > 0)
}

/// The `elo_history` rows of many matches, by match, each in application order.
pub async fn history_of_matches(
    conn: &mut Conn<'_>,
    ids: &[MatchId],
) -> Result<HashMap<MatchId, Vec<EloHistoryRow>>, DbError> {
    let ids: Vec<i64> = ids.iter().map(|m| m.0).collect();
    let mut by_match: HashMap<MatchId, Vec<EloHistoryRow>> = HashMap::new();
    for chunk in ids.chunks(10_000) {
        let rows: Vec<EloHistoryRow> = db_run!(conn, |c| elo_history::table
            .filter(elo_history::match_id.eq_any(chunk))
            .order(elo_history::id)
            .select(EloHistoryRow::as_select())
            .load(c)
            .await)?;
        for row in rows {
            by_match.entry(MatchId(row.match_id)).or_default().push(row);
        }
    }
    Ok(by_match)
}

/// Rows the views of some matches (and fixtures) refer to, loaded once for all of them.
#[derive(Debug, Clone, Default)]
pub struct MatchContext {
    /// Every player shown, with their verification.
    pub players: HashMap<PlayerId, PlayerView>,
    /// The `elo_history` rows of the rated matches, by match, in application order.
    pub history: HashMap<MatchId, Vec<EloHistoryRow>>,
    /// The locations shown.
    pub locations: HashMap<i64, LocationRow>,
}

/// Loads what the views of `fulls` show, plus the `extra_players` and `extra_locations` that
/// other rows on the same page (fixtures) refer to.
pub async fn load_context(
    conn: &mut Conn<'_>,
    fulls: &[MatchFull],
    extra_players: impl IntoIterator<Item = PlayerId>,
    extra_locations: impl IntoIterator<Item = i64>,
) -> Result<MatchContext, DbError> {
    let mut ids: Vec<PlayerId> = fulls
        .iter()
        .flat_map(MatchFull::player_ids)
        .chain(extra_players)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let rows = players::get_players(conn, &ids).await?;
    let rated: Vec<MatchId> = fulls
        .iter()
        .filter(|f| f.row.is_confirmed)
        .map(MatchFull::id)
        .collect();
    let mut locations: Vec<i64> = fulls
        .iter()
        .filter_map(|f| f.row.location_id)
        .chain(extra_locations)
        .collect();
    locations.sort_unstable();
    locations.dedup();
    Ok(MatchContext {
        players: players::views(conn, rows)
            .await?
            .into_iter()
            .map(|v| (v.row.player_id(), v))
            .collect(),
        history: history_of_matches(conn, &rated).await?,
        locations: locations_by_id(conn, &locations).await?,
    })
}

/// Whether `player` entered the championship (DOMAIN.md §4.1: entrants see its matches).
pub async fn is_championship_entrant(
    conn: &mut Conn<'_>,
    championship_id: i64,
    player: PlayerId,
) -> Result<bool, DbError> {
    let n = db_run!(conn, |c| championship_entry_members::table
        .filter(championship_entry_members::championship_id.eq(championship_id))
        .filter(championship_entry_members::player_id.eq(player.0))
        .count()
        .get_result::<i64>(c)
        .await)?;
    Ok(n > 0)
}

// The matches awaiting `$player`'s own confirmation: complete, unconfirmed, not live, the
// player takes part and has not confirmed.
macro_rules! awaiting_confirmation_by {
    ($player:expr) => {
        matches::table
            .filter(matches::winner_side.is_not_null())
            .filter(matches::is_confirmed.eq(false))
            .filter(matches::is_live.eq(false))
            .filter(
                matches::id.eq_any(
                    match_participants::table
                        .filter(match_participants::player_id.eq($player))
                        .select(match_participants::match_id),
                ),
            )
            .filter(diesel::dsl::not(
                matches::id.eq_any(
                    match_confirmations::table
                        .filter(match_confirmations::player_id.eq($player))
                        .select(match_confirmations::match_id),
                ),
            ))
    };
}

/// A page of the matches awaiting `player`'s own confirmation, newest first (played_at,
/// created_at, id), and their total. Only a verified player is a required confirmer
/// (DOMAIN.md §3.5, §3.12), so an unverified one awaits nothing.
pub async fn pending_for(
    conn: &mut Conn<'_>,
    player: PlayerId,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MatchFull>, i64), DbError> {
    let total = count_pending_for(conn, player).await?;
    if total == 0 {
        return Ok((Vec::new(), 0));
    }
    let rows = db_run!(conn, |c| awaiting_confirmation_by!(player.0)
        .order((
            matches::played_at.desc(),
            matches::created_at.desc(),
            matches::id.desc()
        ))
        .offset(offset)
        .limit(limit)
        .select(MatchRow::as_select())
        .load(c)
        .await)?;
    Ok((load_children(conn, rows).await?, total))
}

/// How many matches await `player`'s own confirmation (the `pending_confirmations` badge).
pub async fn count_pending_for(conn: &mut Conn<'_>, player: PlayerId) -> Result<i64, DbError> {
    if players::verified_among(conn, &[player]).await?.is_empty() {
        return Ok(0);
    }
    Ok(db_run!(conn, |c| awaiting_confirmation_by!(player.0)
        .count()
        .get_result::<i64>(c)
        .await)?)
}

/// The per-request badges of `player` in one statement: how many live matches it scores or
/// plays in, and how many players have a rating strictly above `rating` (rank − 1,
/// DOMAIN.md §3.12).
pub async fn live_and_players_above(
    conn: &mut Conn<'_>,
    player: PlayerId,
    rating: i32,
) -> Result<(i64, i64), DbError> {
    use crate::schema::players as p;
    let (live, above) = db_run!(conn, |c| diesel::select((
        matches::table
            .filter(matches::is_live)
            .filter(
                matches::scorekeeper_player_id
                    .eq(player.0)
                    .or(matches::id.eq_any(
                        match_participants::table
                            .filter(match_participants::player_id.eq(player.0))
                            .select(match_participants::match_id),
                    )),
            )
            .count()
            .single_value(),
        p::table.filter(p::rating.gt(rating)).count().single_value(),
    ))
    .get_result::<(Option<i64>, Option<i64>)>(c)
    .await)?;
    Ok((live.unwrap_or(0), above.unwrap_or(0)))
}

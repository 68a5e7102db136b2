//! Every write to a match, with its derived data updated in the same transaction
//! (DOMAIN.md §3.3–3.6): cache columns, confirmations, aggregates and Elo, exactly once.
//!
//! Each function expects to run inside `Db::transaction` and starts by locking the match row,
//! so all writes to one match serialize.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::confirmation::{self, Completion, ConfirmContext, ConfirmOutcome};
use ttstats_domain::scoring::{self, GameScore};
use ttstats_domain::{
    BestOf, ChampionshipId, DomainError, MatchId, MatchKind, MatchType, PlayerId, Side, elo,
};

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{self, ConfirmationRow, MatchFull, NewGame, NewMatch, ParticipantRow};
use crate::schema::{games, match_confirmations, match_participants, matches as m};
use crate::{achievements, championships, notifications, players, ratings, to_db};

/// What a write did, for the response and for cache invalidation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The match written.
    pub match_id: Option<MatchId>,
    /// Its participants.
    pub participants: Vec<PlayerId>,
    /// The match became confirmed in this write (ratings and aggregates changed).
    pub became_confirmed: bool,
    /// It was auto-confirmed because of these unverified participants.
    pub auto_confirmed_because: Vec<PlayerId>,
    /// Required confirmers to ask (completion without auto-confirm).
    pub confirmation_requests: Vec<PlayerId>,
    /// A confirmed match was deleted: every rating was recomputed.
    pub ratings_replayed: bool,
}

/// A match to create.
#[derive(Debug, Clone)]
pub struct NewMatchInput {
    pub kind: MatchKind,
    pub best_of: BestOf,
    pub match_type: MatchType,
    pub played_at: DateTime<Utc>,
    pub location_id: Option<i64>,
    pub notes: String,
    pub side1: Vec<PlayerId>,
    pub side2: Vec<PlayerId>,
    /// Games in play order with their optional durations, already validated.
    pub games: Vec<(GameScore, Option<i32>)>,
    pub created_by_user_id: Option<i64>,
    pub championship_id: Option<i64>,
    pub side1_entry_id: Option<i64>,
    pub side2_entry_id: Option<i64>,
    /// Scored live by this player (no games yet).
    pub live_scorekeeper: Option<PlayerId>,
}

/// Creates a match with its participants and games, then settles it (winner, completion).
pub async fn create_match(
    conn: &mut Conn<'_>,
    input: &NewMatchInput,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    ttstats_domain::match_format::validate_sides(input.kind, &input.side1, &input.side2)?;
    let all: Vec<PlayerId> = input.side1.iter().chain(&input.side2).copied().collect();
    if players::get_players(conn, &all).await?.len() != all.len() {
        return Err(DomainError::UnknownPlayer.into());
    }
    if input.live_scorekeeper.is_some() && input.kind != MatchKind::Singles {
        return Err(DomainError::LiveRequiresSingles.into());
    }
    let mut accepted = Vec::new();
    for (game, _) in &input.games {
        scoring::add_game(&mut accepted, *game, input.best_of)?;
    }
    let (side1_entry_id, side2_entry_id) = championships::fill_entry_links(
        conn,
        input.championship_id,
        &input.side1,
        &input.side2,
        (input.side1_entry_id, input.side2_entry_id),
    )
    .await?;
    let new = NewMatch {
        kind: input.kind.as_str().to_owned(),
        best_of: i32::from(input.best_of.get()),
        match_type: input.match_type.as_str().to_owned(),
        played_at: to_db(input.played_at),
        location_id: input.location_id,
        notes: input.notes.clone(),
        championship_id: input.championship_id,
        side1_entry_id,
        side2_entry_id,
        created_by_user_id: input.created_by_user_id,
        created_at: to_db(now),
        updated_at: to_db(now),
        is_live: input.live_scorekeeper.is_some(),
        live_state: None,
        scorekeeper_player_id: input.live_scorekeeper.map(|p| p.0),
    };
    let id = db_run!(conn, |c| diesel::insert_into(m::table)
        .values(&new)
        .returning(m::id)
        .get_result::<i64>(c)
        .await)?;
    let rows: Vec<ParticipantRow> = [(Side::One, &input.side1), (Side::Two, &input.side2)]
        .into_iter()
        .flat_map(|(side, ids)| {
            ids.iter().map(move |p| ParticipantRow {
                match_id: id,
                player_id: p.0,
                side: i32::from(side.number()),
            })
        })
        .collect();
    insert_rows!(conn, match_participants::table, rows)?;
    for (index, (game, duration)) in input.games.iter().enumerate() {
        insert_game(conn, id, index as i32 + 1, *game, *duration, now).await?;
    }
    let full = matches::load_match(conn, MatchId(id)).await?;
    settle(conn, full, !input.games.is_empty(), now).await
}

/// Adds a game (number = highest + 1 unless given); returns the outcome and the number.
pub async fn add_game(
    conn: &mut Conn<'_>,
    id: MatchId,
    game: GameScore,
    duration: Option<i32>,
    number: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(WriteOutcome, i32), DbError> {
    let full = lock_match(conn, id, now).await?;
    check_game_write(&full)?;
    if full.tally()?.winner.is_some() {
        return Err(DomainError::MatchAlreadyComplete.into());
    }
    let used: Vec<u8> = full.games.iter().map(|g| g.number as u8).collect();
    let number = match number {
        Some(n) => i32::from(scoring::check_game_number(n, full.row.best_of(), &used)?),
        None => full.games.iter().map(|g| g.number).max().unwrap_or(0) + 1,
    };
    insert_game(conn, id.0, number, game, duration, now).await?;
    let full = matches::load_match(conn, id).await?;
    Ok((settle(conn, full, true, now).await?, number))
}

/// Replaces the score of game `number`.
pub async fn edit_game(
    conn: &mut Conn<'_>,
    id: MatchId,
    number: i32,
    game: GameScore,
    duration: Option<i32>,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let full = lock_match(conn, id, now).await?;
    check_game_write(&full)?;
    let changed = db_run!(conn, |c| diesel::update(
        games::table
            .filter(games::match_id.eq(id.0))
            .filter(games::number.eq(number))
    )
    .set((
        games::side1_points.eq(i32::from(game.side1_points())),
        games::side2_points.eq(i32::from(game.side2_points())),
        games::winner_side.eq(i32::from(game.winner().number())),
        games::duration_minutes.eq(duration),
    ))
    .execute(c)
    .await)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    let full = matches::load_match(conn, id).await?;
    settle(conn, full, true, now).await
}

/// Deletes game `number` and closes the gap, so numbers stay 1…n and the next game is n + 1.
pub async fn delete_game(
    conn: &mut Conn<'_>,
    id: MatchId,
    number: i32,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let full = lock_match(conn, id, now).await?;
    check_game_write(&full)?;
    let deleted = db_run!(conn, |c| diesel::delete(
        games::table
            .filter(games::match_id.eq(id.0))
            .filter(games::number.eq(number))
    )
    .execute(c)
    .await)?;
    if deleted == 0 {
        return Err(DbError::NotFound);
    }
    // One by one, ascending, so the unique (match_id, number) index never sees a duplicate.
    for later in full.games.iter().filter(|g| g.number > number) {
        db_run!(conn, |c| diesel::update(games::table.find(later.id))
            .set(games::number.eq(later.number - 1))
            .execute(c)
            .await)?;
    }
    let full = matches::load_match(conn, id).await?;
    settle(conn, full, true, now).await
}

/// Metadata changes of a match; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchMetaChanges {
    pub played_at: Option<DateTime<Utc>>,
    pub match_type: Option<MatchType>,
    pub best_of: Option<BestOf>,
    /// `Some(None)` removes the location.
    pub location_id: Option<Option<i64>>,
    /// `Some(None)` removes the notes.
    pub notes: Option<Option<String>>,
}

#[derive(AsChangeset)]
#[diesel(table_name = m)]
struct MetaColumns {
    played_at: Option<chrono::NaiveDateTime>,
    match_type: Option<String>,
    best_of: Option<i32>,
    #[expect(
        clippy::option_option,
        reason = "absent leaves the column, `Some(None)` sets it NULL"
    )]
    location_id: Option<Option<i64>>,
    notes: Option<String>,
}

/// Changes a match's metadata under the editing rules of DOMAIN.md §3.3: live matches change
/// nothing (`match_is_live`); confirmed and pending ones only location and notes
/// (`match_locked`); best_of only while there are no games (`best_of_locked`); played_at at
/// most 5 minutes ahead (`played_at_in_future`). A field sent with its current value is not a
/// change. Permission checks are the caller's.
pub async fn update_match_meta(
    conn: &mut Conn<'_>,
    id: MatchId,
    changes: &MatchMetaChanges,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let full = lock_match(conn, id, now).await?;
    let row = &full.row;
    let played_at = changes.played_at.filter(|at| to_db(*at) != row.played_at);
    let match_type = changes.match_type.filter(|t| *t != row.match_type());
    let best_of = changes.best_of.filter(|b| *b != row.best_of());
    let location_id = changes.location_id.filter(|l| *l != row.location_id);
    let notes = changes
        .notes
        .as_ref()
        .map(|n| n.clone().unwrap_or_default())
        .filter(|n| *n != row.notes);
    let any = played_at.is_some()
        || match_type.is_some()
        || best_of.is_some()
        || location_id.is_some()
        || notes.is_some();
    if row.is_live && any {
        return Err(DomainError::MatchIsLive.into());
    }
    let result_fields = played_at.is_some() || match_type.is_some() || best_of.is_some();
    if result_fields && row.winner().is_some() {
        // Pending and confirmed matches keep the result's setting; only location and notes.
        return Err(if best_of.is_some() && !row.is_confirmed {
            DomainError::BestOfLocked
        } else {
            DomainError::MatchLocked
        }
        .into());
    }
    if best_of.is_some() && !full.games.is_empty() {
        return Err(DomainError::BestOfLocked.into());
    }
    if let Some(at) = played_at {
        ttstats_domain::match_format::check_played_at(at, now)?;
    }
    if any {
        let columns = MetaColumns {
            played_at: played_at.map(to_db),
            match_type: match_type.map(|t| t.as_str().to_owned()),
            best_of: best_of.map(|b| i32::from(b.get())),
            location_id,
            notes,
        };
        db_run!(conn, |c| diesel::update(m::table.find(id.0))
            .set(&columns)
            .execute(c)
            .await)?;
    }
    Ok(base_outcome(&full))
}

/// The caller's player confirms (DOMAIN.md §3.5); idempotent.
pub async fn confirm_match(
    conn: &mut Conn<'_>,
    id: MatchId,
    caller: Option<PlayerId>,
    now: DateTime<Utc>,
) -> Result<(WriteOutcome, ConfirmOutcome), DbError> {
    let full = lock_match(conn, id, now).await?;
    let verified = players::verified_among(conn, &full.player_ids()).await?;
    let participants = full.confirmation_participants(&verified);
    let confirmed = full.confirmed_by();
    let outcome = confirmation::confirm(
        caller,
        ConfirmContext {
            participants: &participants,
            confirmed: &confirmed,
            complete: full.row.winner().is_some(),
            is_live: full.row.is_live,
        },
    )?;
    let mut written = base_outcome(&full);
    if let (ConfirmOutcome::Recorded { becomes_confirmed }, Some(player)) = (outcome, caller) {
        insert_confirmations(conn, id, &[player], "player", now).await?;
        if becomes_confirmed {
            written.became_confirmed = become_confirmed(conn, &full, false, now).await?;
        }
    }
    Ok((written, outcome))
}

/// Deletes a match. A confirmed one is reversed by replaying every rating (DOMAIN.md §3.3);
/// permission checks are the caller's.
pub async fn delete_match(
    conn: &mut Conn<'_>,
    id: MatchId,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let full = lock_match(conn, id, now).await?;
    let mut outcome = base_outcome(&full);
    if full.row.is_confirmed {
        players::lock_players(conn, &full.player_ids()).await?;
    }
    db_run!(conn, |c| diesel::delete(m::table.find(id.0))
        .execute(c)
        .await)?;
    if full.row.is_confirmed {
        ratings::recalculate(conn, false).await?;
        outcome.ratings_replayed = true;
    }
    Ok(outcome)
}

/// After a change of a player's verification or activity, re-evaluates their pending matches:
/// a side left without verified players auto-confirms (DOMAIN.md §3.5). An outcome's
/// `confirmation_requests` names `player` when the change made them a required confirmer who
/// has not confirmed yet (§3.16: they are asked now).
pub async fn reevaluate_pending(
    conn: &mut Conn<'_>,
    player: PlayerId,
    now: DateTime<Utc>,
) -> Result<Vec<WriteOutcome>, DbError> {
    let pending: Vec<i64> = db_run!(conn, |c| m::table
        .inner_join(match_participants::table)
        .filter(match_participants::player_id.eq(player.0))
        .filter(m::winner_side.is_not_null())
        .filter(m::is_confirmed.eq(false))
        .filter(m::is_live.eq(false))
        .order(m::id)
        .select(m::id)
        .load(c)
        .await)?;
    let mut outcomes = Vec::new();
    for id in pending {
        let full = lock_match(conn, MatchId(id), now).await?;
        let mut outcome = complete(conn, &full, now).await?;
        // The other awaited confirmers were asked when the match completed; only this
        // player can have just become a required confirmer.
        outcome.confirmation_requests.retain(|p| *p == player);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// Locks the match row (all writes to one match serialize on it) and loads the match;
/// `NotFound` when it does not exist. Services lock before checking state-dependent
/// permissions, so the state cannot change between the check and the write.
pub async fn lock_match(
    conn: &mut Conn<'_>,
    id: MatchId,
    now: DateTime<Utc>,
) -> Result<MatchFull, DbError> {
    // An UPDATE takes the row lock on PostgreSQL with the same SQL on both backends.
    let n = db_run!(conn, |c| diesel::update(m::table.find(id.0))
        .set(m::updated_at.eq(to_db(now)))
        .execute(c)
        .await)?;
    if n == 0 {
        return Err(DbError::NotFound);
    }
    matches::load_match(conn, id).await
}

fn check_game_write(full: &MatchFull) -> Result<(), DomainError> {
    if full.row.is_live {
        Err(DomainError::MatchIsLive)
    } else if full.row.is_confirmed {
        Err(DomainError::MatchLocked)
    } else {
        Ok(())
    }
}

pub(crate) async fn insert_game(
    conn: &mut Conn<'_>,
    match_id: i64,
    number: i32,
    game: GameScore,
    duration: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let new = NewGame {
        match_id,
        number,
        side1_points: i32::from(game.side1_points()),
        side2_points: i32::from(game.side2_points()),
        winner_side: i32::from(game.winner().number()),
        duration_minutes: duration,
        created_at: to_db(now),
    };
    let inserted = db_run!(conn, |c| diesel::insert_into(games::table)
        .values(&new)
        .execute(c)
        .await);
    match inserted.map_err(DbError::from) {
        Err(e) if e.is_conflict_on("games_match_number_key", "games.number") => {
            Err(DomainError::GameNumberTaken {
                number: number as u8,
            }
            .into())
        }
        other => other.map(|_| ()),
    }
}

pub(crate) fn base_outcome(full: &MatchFull) -> WriteOutcome {
    WriteOutcome {
        match_id: Some(full.id()),
        participants: full.player_ids(),
        ..WriteOutcome::default()
    }
}

/// Rewrites the cache columns from the games after a game write and runs the completion
/// pipeline when the result is (still) complete (DOMAIN.md §3.4).
pub(crate) async fn settle(
    conn: &mut Conn<'_>,
    mut full: MatchFull,
    games_altered: bool,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let tally = full.tally()?;
    let winner = tally.winner.map(|w| i32::from(w.number()));
    db_run!(conn, |c| diesel::update(m::table.find(full.row.id))
        .set((
            m::side1_games.eq(i32::from(tally.side1_games)),
            m::side2_games.eq(i32::from(tally.side2_games)),
            m::winner_side.eq(winner),
        ))
        .execute(c)
        .await)?;
    full.row.side1_games = i32::from(tally.side1_games);
    full.row.side2_games = i32::from(tally.side2_games);
    full.row.winner_side = winner;
    if games_altered && !full.confirmations.is_empty() {
        // They endorsed a result that no longer exists.
        db_run!(conn, |c| diesel::delete(
            match_confirmations::table.filter(match_confirmations::match_id.eq(full.row.id))
        )
        .execute(c)
        .await)?;
        full.confirmations.clear();
    }
    if games_altered && tally.winner.is_some() && !full.row.is_live {
        complete(conn, &full, now).await
    } else {
        Ok(base_outcome(&full))
    }
}

/// The completion pipeline for a complete, unconfirmed match (DOMAIN.md §3.5).
async fn complete(
    conn: &mut Conn<'_>,
    full: &MatchFull,
    now: DateTime<Utc>,
) -> Result<WriteOutcome, DbError> {
    let mut outcome = base_outcome(full);
    if full.row.is_confirmed || full.row.winner().is_none() {
        return Ok(outcome);
    }
    let verified: HashSet<PlayerId> = players::verified_among(conn, &full.player_ids()).await?;
    let participants = full.confirmation_participants(&verified);
    match confirmation::on_completion(&participants, &full.confirmed_by()) {
        Completion::AutoConfirm {
            unverified,
            confirm_for,
        } => {
            insert_confirmations(conn, full.id(), &confirm_for, "auto", now).await?;
            outcome.became_confirmed = become_confirmed(conn, full, true, now).await?;
            outcome.auto_confirmed_because = unverified;
        }
        Completion::Confirmed => {
            outcome.became_confirmed = become_confirmed(conn, full, false, now).await?;
        }
        Completion::RequestConfirmations(players) => outcome.confirmation_requests = players,
    }
    Ok(outcome)
}

async fn insert_confirmations(
    conn: &mut Conn<'_>,
    id: MatchId,
    players: &[PlayerId],
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let rows: Vec<ConfirmationRow> = players
        .iter()
        .map(|p| ConfirmationRow {
            match_id: id.0,
            player_id: p.0,
            confirmed_at: to_db(now),
            source: source.to_owned(),
        })
        .collect();
    insert_rows!(conn, match_confirmations::table, rows)
}

/// The false → true transition of `is_confirmed`, guarded in SQL so it happens exactly once
/// even when two final confirmations race; then, in the same transaction, aggregates, Elo,
/// achievements and the `match_result`/`leaderboard_overtake` notifications (§3.5).
async fn become_confirmed(
    conn: &mut Conn<'_>,
    full: &MatchFull,
    auto: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let flipped = db_run!(conn, |c| diesel::update(
        m::table
            .find(full.row.id)
            .filter(m::is_confirmed.eq(false))
            .filter(m::winner_side.is_not_null())
            .filter(m::is_live.eq(false))
    )
    .set((
        m::is_confirmed.eq(true),
        m::confirmed_at.eq(Some(to_db(now))),
        m::auto_confirmed.eq(auto),
    ))
    .execute(c)
    .await)?;
    if flipped == 0 {
        return Ok(false);
    }
    let ids = elo::lock_order(&full.side(Side::One), &full.side(Side::Two));
    players::lock_players(conn, &ids).await?;
    let mut aggregates = players::aggregates_of(conn, &ids).await?;
    let history = elo::apply_confirmed_match(&mut aggregates, &full.record()?, now);
    players::write_aggregates(conn, &aggregates).await?;
    ratings::insert_history(conn, &history).await?;
    achievements::award_for_match(conn, &full.record()?, now).await?;
    notifications::notify_match_confirmed(conn, full, &history, now).await?;
    if let Some(championship) = full.row.championship_id {
        championships::complete_if_finished(conn, ChampionshipId(championship), now).await?;
    }
    Ok(true)
}

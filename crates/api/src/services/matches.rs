//! Matches: recording (with games, or live), metadata edits, game entry, confirmation and
//! deletion, and the reads behind the match pages and the caller's pending list and badges.
//!
//! Checks run in the order of DOMAIN.md §6: authentication (the extractor), visibility (404),
//! permission (403), input validity (422, the converted body), then state (409, under the
//! match's row lock in `match_writes`).

use chrono::Utc;
use ttstats_api_types::matches::{
    Game, Match, MatchChanges, MatchFilter, NewMatch, Projection, ValidGame,
};
use ttstats_api_types::{FieldErrors, Page};
use ttstats_domain::match_format::check_creator;
use ttstats_domain::player_stats::PageRequest;
use ttstats_domain::{DomainError, MatchId, PlayerId};
use ttstats_persistence::match_writes::WriteOutcome;
use ttstats_persistence::match_writes::{self, MatchMetaChanges, NewMatchInput};
use ttstats_persistence::matches::{self, MatchFull, Visibility};
use ttstats_persistence::{Conn, Db, DbError, notifications};

use crate::auth::AuthUser;
use crate::cached::{Members, to_bytes};
use crate::error::ApiError;
use crate::services::invalidate;
use crate::services::{or_not_found, total};
use crate::state::AppState;
use crate::views::{self, Caller, MatchContext};

/// A page of the matches `caller` may see, newest first (DOMAIN.md §4.1: anonymous callers see
/// confirmed matches; users also the unconfirmed ones they play in; admins all).
pub async fn list_matches(
    db: &Db,
    caller: &Caller,
    filter: &MatchFilter,
) -> Result<Page<Match>, ApiError> {
    let visible_to = if caller.is_admin {
        None
    } else if caller.signed_in {
        Some(Visibility::Player(caller.player))
    } else {
        Some(Visibility::ConfirmedOnly)
    };
    let stored = matches::MatchFilter {
        player: filter.player,
        confirmed: filter.confirmed,
        kind: filter.kind,
        visible_to,
    };
    let (items, count) = db
        .run(async |conn| {
            let (fulls, count) = matches::list_matches(
                conn,
                &stored,
                filter.page.offset() as i64,
                i64::from(filter.page.per_page),
            )
            .await?;
            Ok((match_views(conn, &fulls, caller).await?, count))
        })
        .await?;
    Ok(Page::new(items, filter.page, total(count)))
}

/// One match, if `caller` may see it.
pub async fn get_match(db: &Db, caller: &Caller, id: MatchId) -> Result<Match, ApiError> {
    db.run(async |conn| {
        let full = load_visible(conn, id, caller).await?;
        one_view(conn, &full, caller).await
    })
    .await
    .map_err(or_not_found("match"))
}

/// What confirming the match now would do to each side, and the caller's share.
pub async fn projection(db: &Db, caller: &Caller, id: MatchId) -> Result<Projection, ApiError> {
    db.run(async |conn| {
        let full = load_visible(conn, id, caller).await?;
        let ctx = context(conn, std::slice::from_ref(&full)).await?;
        Ok(views::projection_view(&full, &ctx, caller))
    })
    .await
    .map_err(or_not_found("match"))
}

/// Records a match with its games (or a live singles match scored by the caller's player) and
/// settles it: a winner runs the completion pipeline, which may auto-confirm (DOMAIN.md §3.3,
/// §3.5).
pub async fn create_match(
    state: &AppState,
    user: &AuthUser,
    new: Result<NewMatch, FieldErrors>,
) -> Result<Match, ApiError> {
    if !user.is_admin() {
        user.require_player()?;
    }
    let new = new?;
    let now = Utc::now();
    check_creator(user.player_id(), user.is_admin(), &new.side1, &new.side2)?;
    new.check_played_at(now)?;
    let live_scorekeeper = if new.live {
        Some(user.require_player()?)
    } else {
        None
    };
    let input = NewMatchInput {
        kind: new.kind,
        best_of: new.best_of,
        match_type: new.match_type,
        played_at: new.played_at.unwrap_or(now),
        location_id: new.location_id,
        notes: new.notes.clone().unwrap_or_default(),
        side1: new.side1.clone(),
        side2: new.side2.clone(),
        games: new
            .games
            .iter()
            .map(|g| (g.score, g.duration_minutes.map(i32::from)))
            .collect(),
        created_by_user_id: Some(user.id()),
        championship_id: None,
        side1_entry_id: None,
        side2_entry_id: None,
        live_scorekeeper,
    };
    let caller = Caller::of(user);
    let (outcome, view) = state
        .db
        .transaction(async |conn| {
            check_location(conn, input.location_id).await?;
            let outcome = match_writes::create_match(conn, &input, now).await?;
            ask_to_confirm(conn, state, &outcome, now).await?;
            let full =
                matches::load_match(conn, outcome.match_id.ok_or(DbError::NotFound)?).await?;
            Ok((outcome, one_view(conn, &full, &caller).await?))
        })
        .await?;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(view)
}

/// Changes a match's metadata: participants and admins, under the editing rules of §3.3.
pub async fn update_match(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
    changes: Result<MatchChanges, FieldErrors>,
) -> Result<Match, ApiError> {
    let db = &state.db;
    let caller = Caller::of(user);
    let full = participant_match(db, &caller, id).await?;
    let changes = changes?;
    let meta = MatchMetaChanges {
        played_at: changes.played_at,
        match_type: changes.match_type,
        best_of: changes.best_of,
        location_id: changes.location_id,
        notes: changes.notes.clone(),
    };
    let now = Utc::now();
    let updated = db
        .transaction(async |conn| {
            check_location(conn, meta.location_id.flatten()).await?;
            match_writes::update_match_meta(conn, id, &meta, now).await?;
            let full = matches::load_match(conn, id).await?;
            one_view(conn, &full, &caller).await
        })
        .await
        .map_err(or_not_found("match"))?;
    // Played-at, type and format feed pending lists; a confirmed match's location and notes
    // appear in its players' cached history.
    let outcome = WriteOutcome {
        match_id: Some(id),
        participants: full.player_ids(),
        became_confirmed: full.row.is_confirmed,
        ..WriteOutcome::default()
    };
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(updated)
}

/// Deletes a match: its creator or an admin while unconfirmed (`not_match_creator`), a
/// confirmed one only an admin (`match_locked`), which re-rates everyone (§3.3).
pub async fn delete_match(state: &AppState, user: &AuthUser, id: MatchId) -> Result<(), ApiError> {
    let db = &state.db;
    let caller = Caller::of(user);
    db.run(async |conn| load_visible(conn, id, &caller).await)
        .await
        .map_err(or_not_found("match"))?;
    let now = Utc::now();
    let deleted = db
        .transaction(async |conn| {
            // Under the row lock: the match cannot become confirmed between check and delete.
            let full = match_writes::lock_match(conn, id, now).await?;
            if !user.is_admin() {
                if full.row.created_by_user_id != Some(user.id()) {
                    return Err(DomainError::NotMatchCreator.into());
                }
                if full.row.is_confirmed {
                    return Err(DomainError::MatchLocked.into());
                }
            }
            match_writes::delete_match(conn, id, now).await
        })
        .await
        .map_err(or_not_found("match"))?;
    invalidate::match_written(&state.cache, &deleted).await;
    Ok(())
}

/// Adds a game; its number is the highest + 1 unless the body gives one.
pub async fn add_game(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
    game: Result<ValidGame, FieldErrors>,
) -> Result<Game, ApiError> {
    let db = &state.db;
    participant_match(db, &Caller::of(user), id).await?;
    let game = game?;
    let now = Utc::now();
    let (outcome, number) = db
        .transaction(async |conn| {
            let written = match_writes::add_game(
                conn,
                id,
                game.score,
                game.duration_minutes.map(i32::from),
                game.number,
                now,
            )
            .await?;
            ask_to_confirm(conn, state, &written.0, now).await?;
            Ok(written)
        })
        .await
        .map_err(or_not_found("match"))?;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(Game::new(number as u8, game.score, game.duration_minutes))
}

/// Replaces game `number`.
pub async fn edit_game(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
    number: i64,
    game: Result<ValidGame, FieldErrors>,
) -> Result<Game, ApiError> {
    let db = &state.db;
    participant_match(db, &Caller::of(user), id).await?;
    let number = game_number(number)?;
    let game = game?;
    let now = Utc::now();
    let outcome = db
        .transaction(async |conn| {
            let written = match_writes::edit_game(
                conn,
                id,
                number,
                game.score,
                game.duration_minutes.map(i32::from),
                now,
            )
            .await?;
            ask_to_confirm(conn, state, &written, now).await?;
            Ok(written)
        })
        .await
        .map_err(or_not_found("game"))?;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(Game::new(number as u8, game.score, game.duration_minutes))
}

/// Removes game `number`; later games move up one number.
pub async fn delete_game(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
    number: i64,
) -> Result<(), ApiError> {
    let db = &state.db;
    participant_match(db, &Caller::of(user), id).await?;
    let number = game_number(number)?;
    let now = Utc::now();
    let outcome = db
        .transaction(async |conn| match_writes::delete_game(conn, id, number, now).await)
        .await
        .map_err(or_not_found("game"))?;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(())
}

/// The caller's own player confirms (DOMAIN.md §3.5: player, visibility, participant, live,
/// complete); a repeat is answered with the current match and writes nothing.
pub async fn confirm_match(
    state: &AppState,
    user: &AuthUser,
    id: MatchId,
) -> Result<Match, ApiError> {
    let db = &state.db;
    let player = user.require_player()?;
    let caller = Caller::of(user);
    db.run(async |conn| load_visible(conn, id, &caller).await)
        .await
        .map_err(or_not_found("match"))?;
    let now = Utc::now();
    let (outcome, view) = db
        .transaction(async |conn| {
            let (outcome, _) = match_writes::confirm_match(conn, id, Some(player), now).await?;
            let full = matches::load_match(conn, id).await?;
            Ok((outcome, one_view(conn, &full, &caller).await?))
        })
        .await
        .map_err(or_not_found("match"))?;
    invalidate::match_written(&state.cache, &outcome).await;
    Ok(view)
}

/// The matches waiting for the caller's own confirmation, newest first.
pub async fn pending_for(
    db: &Db,
    user: &AuthUser,
    page: PageRequest,
) -> Result<Page<Match>, ApiError> {
    let Some(player) = user.player_id() else {
        return Ok(Page::new(Vec::new(), page, 0));
    };
    let caller = Caller::of(user);
    let (items, count) = db
        .run(async |conn| {
            let (fulls, count) =
                matches::pending_for(conn, player, page.offset() as i64, i64::from(page.per_page))
                    .await?;
            Ok((match_views(conn, &fulls, &caller).await?, count))
        })
        .await?;
    Ok(Page::new(items, page, total(count)))
}

/// The cached part of a player's badges (family `pending`, tag `pending:{player}`):
/// `{"pending_confirmations": n}`.
pub async fn pending_badge(db: &Db, player: PlayerId) -> Result<Vec<u8>, ApiError> {
    let pending = db
        .run(async |conn| matches::count_pending_for(conn, player).await)
        .await?;
    to_bytes(&serde_json::json!({ "pending_confirmations": total(pending) }))
}

/// The per-request part of a player's badges (DOMAIN.md §3.12; live state is never cached):
/// `live_matches` and `rank`, in one statement; the player's rating comes from the cache.
pub async fn live_badges(db: &Db, player: PlayerId, rating: i32) -> Result<Members, ApiError> {
    let (live, above) = db
        .run(async |conn| matches::live_and_players_above(conn, player, rating).await)
        .await?;
    Members::default()
        .with("live_matches", &total(live))?
        .with("rank", &total(above).saturating_add(1))
}

/// The match, when visible to `caller` (DOMAIN.md §4.1); invisible is `NotFound`. Confirmed
/// matches are public; live ones visible to every signed-in user; unfinished and pending ones
/// to their participants and the entrants of their championship; admins see everything.
async fn load_visible(
    conn: &mut Conn<'_>,
    id: MatchId,
    caller: &Caller,
) -> Result<MatchFull, DbError> {
    let full = matches::load_match(conn, id).await?;
    let visible = if full.row.is_confirmed || caller.is_admin {
        true
    } else if !caller.signed_in {
        false
    } else if full.row.is_live {
        true
    } else if let Some(player) = caller.player {
        full.has_player(player)
            || match full.row.championship_id {
                Some(championship) => {
                    matches::is_championship_entrant(conn, championship, player).await?
                }
                None => false,
            }
    } else {
        false
    };
    if visible {
        Ok(full)
    } else {
        Err(DbError::NotFound)
    }
}

/// The match for an edit by a participant or an admin: 404 when invisible, then
/// `not_a_participant`.
async fn participant_match(db: &Db, caller: &Caller, id: MatchId) -> Result<MatchFull, ApiError> {
    let full = db
        .run(async |conn| load_visible(conn, id, caller).await)
        .await
        .map_err(or_not_found("match"))?;
    let plays = caller.player.is_some_and(|p| full.has_player(p));
    if plays || caller.is_admin {
        Ok(full)
    } else {
        Err(DomainError::NotAParticipant.into())
    }
}

/// The completion pipeline without auto-confirm asks the required confirmers (DOMAIN.md
/// §3.5): in-app `match_confirmation` rows and the e-mails, in the write's transaction.
pub(crate) async fn ask_to_confirm(
    conn: &mut Conn<'_>,
    state: &AppState,
    outcome: &WriteOutcome,
    now: chrono::DateTime<Utc>,
) -> Result<(), DbError> {
    match outcome.match_id {
        Some(id) if !outcome.confirmation_requests.is_empty() => {
            notifications::notify_confirmation_requests(
                conn,
                id,
                &outcome.confirmation_requests,
                &state.settings.public_url,
                now,
            )
            .await
        }
        _ => Ok(()),
    }
}

/// [`ask_to_confirm`] for each write of a re-evaluation or conversion.
pub(crate) async fn ask_all_to_confirm(
    conn: &mut Conn<'_>,
    state: &AppState,
    outcomes: &[WriteOutcome],
    now: chrono::DateTime<Utc>,
) -> Result<(), DbError> {
    for outcome in outcomes {
        ask_to_confirm(conn, state, outcome, now).await?;
    }
    Ok(())
}

/// A location reference must exist (`invalid_choice` on `location`).
async fn check_location(conn: &mut Conn<'_>, location: Option<i64>) -> Result<(), DbError> {
    match location {
        Some(id) if !matches::location_exists(conn, id).await? => {
            Err(DomainError::InvalidChoice { field: "location" }.into())
        }
        _ => Ok(()),
    }
}

/// A game number from the path; one that cannot exist is simply not found.
fn game_number(number: i64) -> Result<i32, ApiError> {
    i32::try_from(number)
        .ok()
        .filter(|n| (1..=9).contains(n))
        .ok_or_else(|| ApiError::not_found("game"))
}

/// Loads what the views of `fulls` refer to.
pub(crate) async fn context(
    conn: &mut Conn<'_>,
    fulls: &[MatchFull],
) -> Result<MatchContext, DbError> {
    matches::load_context(conn, fulls, [], []).await
}

async fn match_views(
    conn: &mut Conn<'_>,
    fulls: &[MatchFull],
    caller: &Caller,
) -> Result<Vec<Match>, DbError> {
    let ctx = context(conn, fulls).await?;
    fulls
        .iter()
        .map(|f| views::match_view(f, &ctx, caller))
        .collect()
}

async fn one_view(
    conn: &mut Conn<'_>,
    full: &MatchFull,
    caller: &Caller,
) -> Result<Match, DbError> {
    let ctx = context(conn, std::slice::from_ref(full)).await?;
    views::match_view(full, &ctx, caller)
}

//! Championships (DOMAIN.md §3.13): list, create, view, edit, register, unregister, start and
//! regenerate. Checks run in the order of DOMAIN.md §6: visibility (404), permission (403),
//! input (422), state (409); each write re-reads the championship under its row lock.

use chrono::{DateTime, Utc};
use ttstats_api_types::championships::{
    Championship, ChampionshipChanges, ChampionshipFilter, NewChampionship, Participation,
};
use ttstats_api_types::{FieldErrors, Page};
use ttstats_domain::championship::{self as rules, ParticipationFilter, Viewer};
use ttstats_domain::{ChampionshipId, PlayerId};
use ttstats_persistence::championships::{
    self as store, ChampionshipDetail, ChampionshipEdit, ChampionshipFull,
};
use ttstats_persistence::{Conn, Db, DbError};

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::views::championships::{championship, domain_status};

/// A page of the championships the caller may see, filtered by status and participation.
pub async fn list_championships(
    db: &Db,
    user: &AuthUser,
    filter: &ChampionshipFilter,
) -> Result<Page<Championship>, ApiError> {
    let statuses: Vec<_> = filter.statuses.iter().copied().map(domain_status).collect();
    let participation = match filter.participation {
        Participation::All => ParticipationFilter::All,
        Participation::Mine => ParticipationFilter::Mine,
        Participation::Public => ParticipationFilter::Public,
    };
    let offset = i64::try_from(filter.page.offset()).unwrap_or(i64::MAX);
    let limit = i64::from(filter.page.per_page);
    let (details, total) = db
        .run(async |conn| {
            let (fulls, total) = store::list_championships(
                conn,
                viewer(user),
                &statuses,
                participation,
                offset,
                limit,
            )
            .await?;
            Ok((store::details(conn, fulls).await?, total))
        })
        .await?;
    let today = Utc::now().date_naive();
    Ok(Page::new(
        details.iter().map(|d| championship(d, today)).collect(),
        filter.page,
        u32::try_from(total).unwrap_or(u32::MAX),
    ))
}

/// Creates a championship for the caller's player: public → registration; private → its
/// entries, the schedule and the entrants' notification, status scheduled.
pub async fn create_championship(
    db: &Db,
    user: &AuthUser,
    new: Result<NewChampionship, FieldErrors>,
) -> Result<Championship, ApiError> {
    let creator = user.require_player()?;
    let new = new?;
    let domain_new = rules::NewChampionship {
        name: new.name.clone(),
        description: new.description.clone().unwrap_or_default(),
        kind: new.kind,
        is_public: new.is_public,
        home_and_away: new.home_and_away,
        max_entries: i64::from(new.max_entries),
        start_date: new.start_date,
        registration_deadline: new.registration_deadline,
        entries: new.entries.clone(),
    };
    let now = Utc::now();
    let detail = db
        .transaction(async |conn| {
            let (id, _) = store::create_championship(
                conn,
                &domain_new,
                Some(creator),
                new.location_id,
                Some(user.id()),
                now,
            )
            .await?;
            load_detail(conn, id).await
        })
        .await
        .map_err(not_found)?;
    Ok(championship(&detail, now.date_naive()))
}

/// A championship the caller may see (404 otherwise).
pub async fn get_championship(
    db: &Db,
    user: &AuthUser,
    id: ChampionshipId,
) -> Result<Championship, ApiError> {
    let detail = db
        .run(async |conn| {
            let full = store::load_championship(conn, id).await?;
            visible(&full, user)?;
            detail_of(conn, full).await
        })
        .await
        .map_err(not_found)?;
    Ok(championship(&detail, Utc::now().date_naive()))
}

/// Edits name, description, location and status (creator or admin).
pub async fn update_championship(
    db: &Db,
    user: &AuthUser,
    id: ChampionshipId,
    changes: Result<ChampionshipChanges, FieldErrors>,
) -> Result<Championship, ApiError> {
    // 404 and 403 come before the body's 422 (DOMAIN.md §6).
    db.run(async |conn| {
        let full = store::load_championship(conn, id).await?;
        manageable(&full, user)
    })
    .await
    .map_err(not_found)?;
    let changes = changes?;
    let edit = ChampionshipEdit {
        name: changes.name,
        description: changes.description,
        location_id: changes.location_id,
        status: changes.status.map(domain_status),
    };
    write(db, id, async |conn, now| {
        let full = store::lock_championship(conn, id).await?;
        manageable(&full, user)?;
        store::update_championship(conn, id, &edit, now).await
    })
    .await
}

/// The caller's player enters, with `partner` for doubles.
pub async fn register(
    db: &Db,
    user: &AuthUser,
    id: ChampionshipId,
    partner: Option<PlayerId>,
) -> Result<Championship, ApiError> {
    write(db, id, async |conn, now| {
        let full = store::lock_championship(conn, id).await?;
        visible(&full, user)?;
        store::register(conn, id, user.player_id(), partner, now).await?;
        Ok(())
    })
    .await
}

/// The caller's player leaves (their whole entry) while registration is on.
pub async fn unregister(
    db: &Db,
    user: &AuthUser,
    id: ChampionshipId,
) -> Result<Championship, ApiError> {
    write(db, id, async |conn, _| {
        let full = store::lock_championship(conn, id).await?;
        visible(&full, user)?;
        store::unregister(conn, id, user.player_id()).await?;
        Ok(())
    })
    .await
}

/// Closes registration and generates the schedule (creator or admin).
pub async fn start(db: &Db, user: &AuthUser, id: ChampionshipId) -> Result<Championship, ApiError> {
    write(db, id, async |conn, now| {
        let full = store::lock_championship(conn, id).await?;
        manageable(&full, user)?;
        store::start(conn, id, Some(user.id()), now).await?;
        Ok(())
    })
    .await
}

/// Replaces the fixtures while none is converted (creator or admin).
pub async fn regenerate(
    db: &Db,
    user: &AuthUser,
    id: ChampionshipId,
) -> Result<Championship, ApiError> {
    write(db, id, async |conn, now| {
        let full = store::lock_championship(conn, id).await?;
        manageable(&full, user)?;
        store::regenerate(conn, id, Some(user.id()), now).await?;
        Ok(())
    })
    .await
}

/// Runs `change` in a transaction, then answers with the championship as it now stands.
async fn write(
    db: &Db,
    id: ChampionshipId,
    change: impl AsyncFnOnce(&mut Conn<'_>, DateTime<Utc>) -> Result<(), DbError>,
) -> Result<Championship, ApiError> {
    let now = Utc::now();
    let detail = db
        .transaction(async |conn| {
            change(conn, now).await?;
            load_detail(conn, id).await
        })
        .await
        .map_err(not_found)?;
    Ok(championship(&detail, now.date_naive()))
}

fn viewer(user: &AuthUser) -> Viewer {
    Viewer {
        player: user.player_id(),
        is_admin: user.is_admin(),
    }
}

/// Invisible championships do not exist for the caller (§4.1).
fn visible(full: &ChampionshipFull, user: &AuthUser) -> Result<(), DbError> {
    if full.visible_to(Some(viewer(user))) {
        Ok(())
    } else {
        Err(DbError::NotFound)
    }
}

/// Visible, and the caller created it or is an admin (`not_championship_creator`).
fn manageable(full: &ChampionshipFull, user: &AuthUser) -> Result<(), DbError> {
    visible(full, user)?;
    rules::check_championship_creator(viewer(user), full.row.created_by())?;
    Ok(())
}

async fn load_detail(
    conn: &mut Conn<'_>,
    id: ChampionshipId,
) -> Result<ChampionshipDetail, DbError> {
    let full = store::load_championship(conn, id).await?;
    detail_of(conn, full).await
}

async fn detail_of(
    conn: &mut Conn<'_>,
    full: ChampionshipFull,
) -> Result<ChampionshipDetail, DbError> {
    store::details(conn, vec![full])
        .await?
        .pop()
        .ok_or(DbError::NotFound)
}

fn not_found(error: DbError) -> ApiError {
    match error {
        DbError::NotFound => ApiError::not_found("championship"),
        other => other.into(),
    }
}

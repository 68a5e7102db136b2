use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use ttstats_domain::elo::{self, PlayerAggregates, Replay};
use ttstats_domain::scoring::GameScore;
use ttstats_domain::{BestOf, FixtureId, MatchId, MatchKind, MatchType, PlayerId};
use ttstats_persistence::check::{self, DriftReport};
use ttstats_persistence::match_writes::{self, NewMatchInput, WriteOutcome};
use ttstats_persistence::matches::{self, MatchFull};
use ttstats_persistence::players::{self, NewPlayer};
use ttstats_persistence::schema::{scheduled_match_participants as smp, scheduled_matches as sm};
use ttstats_persistence::users::{self, NewUser};
use ttstats_persistence::{Conn, Db, DbError, to_db};

pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

/// A player linked to a verified, active user.
pub async fn verified_player(db: &Db, name: &str) -> PlayerId {
    db.transaction(async |conn| {
        let user = users::insert_user(
            conn,
            &NewUser {
                username: name,
                email: &format!("{name}@example.test"),
                password_hash: "x",
                is_admin: false,
                is_active: true,
                email_verified_at: Some(to_db(now())),
                created_at: to_db(now()),
            },
        )
        .await?;
        players::insert_player(conn, &new_player(name, Some(user.0))).await
    })
    .await
    .unwrap()
}

/// A guest player (never verified).
pub async fn guest(db: &Db, name: &str) -> PlayerId {
    db.transaction(async |conn| players::insert_player(conn, &new_player(name, None)).await)
        .await
        .unwrap()
}

fn new_player(name: &str, user_id: Option<i64>) -> NewPlayer<'_> {
    NewPlayer {
        user_id,
        name,
        nickname: "",
        playing_style: "normal",
        notes: "",
        created_by_user_id: None,
        created_at: to_db(now()),
        updated_at: to_db(now()),
    }
}

pub fn games(scores: &[(i64, i64)]) -> Vec<(GameScore, Option<i32>)> {
    scores
        .iter()
        .map(|&(a, b)| (GameScore::new(a, b).unwrap(), None))
        .collect()
}

pub fn singles(a: PlayerId, b: PlayerId, scores: &[(i64, i64)], minutes_ago: i64) -> NewMatchInput {
    NewMatchInput {
        kind: MatchKind::Singles,
        best_of: BestOf::FIVE,
        match_type: MatchType::Casual,
        played_at: now() - Duration::minutes(minutes_ago),
        location_id: None,
        notes: String::new(),
        side1: vec![a],
        side2: vec![b],
        games: games(scores),
        created_by_user_id: None,
        championship_id: None,
        side1_entry_id: None,
        side2_entry_id: None,
        live_scorekeeper: None,
    }
}

pub async fn create(db: &Db, input: &NewMatchInput) -> WriteOutcome {
    db.transaction(async |conn| match_writes::create_match(conn, input, now()).await)
        .await
        .unwrap()
}

pub async fn confirm(db: &Db, id: MatchId, player: PlayerId) -> WriteOutcome {
    db.transaction(async |conn| {
        match_writes::confirm_match(conn, id, Some(player), now())
            .await
            .map(|(o, _)| o)
    })
    .await
    .unwrap()
}

pub async fn player(db: &Db, id: PlayerId) -> players::PlayerRow {
    db.run(async |conn| players::get_player(conn, id).await)
        .await
        .unwrap()
}

pub const WIN_3_0: [(i64, i64); 3] = [(11, 5), (11, 7), (11, 9)];

pub fn doubles(
    side1: [PlayerId; 2],
    side2: [PlayerId; 2],
    scores: &[(i64, i64)],
    minutes_ago: i64,
) -> NewMatchInput {
    NewMatchInput {
        kind: MatchKind::Doubles,
        side1: side1.to_vec(),
        side2: side2.to_vec(),
        ..singles(side1[0], side2[0], scores, minutes_ago)
    }
}

/// Creates a match and returns its id.
pub async fn create_id(db: &Db, input: &NewMatchInput) -> MatchId {
    create(db, input).await.match_id.unwrap()
}

/// A fixture at 18:00 on `date` (no write path exists yet: raw rows).
pub async fn fixture(
    db: &Db,
    date: NaiveDate,
    side1: &[PlayerId],
    side2: &[PlayerId],
) -> FixtureId {
    let kind = if side1.len() == 1 {
        "singles"
    } else {
        "doubles"
    };
    let time = NaiveTime::from_hms_opt(18, 0, 0).unwrap();
    macro_rules! insert {
        ($c:ident) => {{
            let id: i64 = diesel::insert_into(sm::table)
                .values((
                    sm::kind.eq(kind),
                    sm::scheduled_date.eq(date),
                    sm::scheduled_time.eq(time),
                    sm::created_at.eq(to_db(now())),
                ))
                .returning(sm::id)
                .get_result($c)
                .await?;
            for (side, ids) in [(1, side1), (2, side2)] {
                for p in ids {
                    diesel::insert_into(smp::table)
                        .values((
                            smp::scheduled_match_id.eq(id),
                            smp::player_id.eq(p.0),
                            smp::side.eq(side),
                        ))
                        .execute($c)
                        .await?;
                }
            }
            id
        }};
    }
    db.transaction(async |conn| {
        let id = match conn {
            Conn::Pg(c) => insert!(c),
            Conn::Sqlite(c) => insert!(c),
        };
        Ok(FixtureId(id))
    })
    .await
    .unwrap()
}

pub async fn load(db: &Db, id: MatchId) -> MatchFull {
    db.run(async |conn| matches::load_match(conn, id).await)
        .await
        .unwrap()
}

pub async fn add_game(db: &Db, id: MatchId, score: (i64, i64)) -> Result<i32, DbError> {
    let game = GameScore::new(score.0, score.1).unwrap();
    db.transaction(async |conn| {
        match_writes::add_game(conn, id, game, None, None, now())
            .await
            .map(|(_, number)| number)
    })
    .await
}

pub async fn delete_game(db: &Db, id: MatchId, number: i32) -> Result<WriteOutcome, DbError> {
    db.transaction(async |conn| match_writes::delete_game(conn, id, number, now()).await)
        .await
}

pub async fn delete_match(db: &Db, id: MatchId) -> WriteOutcome {
    db.transaction(async |conn| match_writes::delete_match(conn, id, now()).await)
        .await
        .unwrap()
}

pub async fn drift(db: &Db) -> DriftReport {
    db.run(async |conn| check::check(conn).await).await.unwrap()
}

/// Fails with the report's lines when anything drifted.
pub async fn assert_no_drift(db: &Db) {
    let report = drift(db).await;
    assert!(report.is_clean(), "{report}");
}

/// Runs raw SQL, to corrupt what the application never would.
pub async fn exec(db: &Db, sql: &str) {
    db.run(async |conn| {
        match conn {
            Conn::Pg(c) => c.batch_execute(sql).await?,
            Conn::Sqlite(c) => c.batch_execute(sql).await?,
        }
        Ok(())
    })
    .await
    .unwrap();
}

/// Every player's aggregates as the domain recomputes them from the confirmed matches.
pub async fn replayed(db: &Db) -> Replay {
    db.run(async |conn| {
        let records = matches::confirmed_records(conn).await?;
        let ids: Vec<PlayerId> = players::all_players(conn)
            .await?
            .iter()
            .map(players::PlayerRow::player_id)
            .collect();
        Ok(elo::replay(&records, &ids))
    })
    .await
    .unwrap()
}

/// The count columns of a player (everything but the order-dependent ratings).
pub fn counts(a: &PlayerAggregates) -> [u32; 5] {
    [
        a.confirmed_matches,
        a.wins,
        a.losses,
        a.games_won,
        a.games_lost,
    ]
}

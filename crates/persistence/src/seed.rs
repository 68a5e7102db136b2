//! Demo data (`ttstats seed-demo`): players, some with verified accounts and some guests, and
//! a club history of realistic matches over the last two years.
//!
//! Going through `match_writes` per match would cost a transaction and a rating update each;
//! instead the matches are generated in Rust with a seeded RNG, bulk-inserted in chunks with
//! their cache columns and confirmations already final, and aggregates plus Elo history come
//! from one `ratings::recalculate` at the end. That replays ratings in play order rather than
//! confirmation order, which is indistinguishable for generated data.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use ttstats_domain::confirmation::{self, Completion, Participant};
use ttstats_domain::scoring::{GameScore, Tally};
use ttstats_domain::{BestOf, MatchKind, MatchType, PlayerId, Side, elo};

use crate::conn::Conn;
use crate::error::DbError;
use crate::matches::{ConfirmationRow, NewGame, ParticipantRow};
use crate::players::{self, NewPlayer};
use crate::schema::{elo_history, games, match_confirmations, match_participants, matches as m};
use crate::users::{self, NewUser};
use crate::{Db, ratings, to_db};

/// The seed `seed_demo` uses, so two demo databases look alike.
pub const DEMO_SEED: u64 = 20_261_125;

/// Matches inserted per transaction.
const CHUNK: usize = 1000;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Players to create.
    pub players: u32,
    /// Matches to create (none with fewer than two players).
    pub matches: u32,
    /// The RNG seed: the same seed on an empty database gives the same data.
    pub seed: u64,
    /// The end of the generated history.
    pub now: DateTime<Utc>,
}

/// What was created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Players created.
    pub players: u32,
    /// Of which linked to a verified account.
    pub verified_players: u32,
    /// Of which guests (no account).
    pub guests: u32,
    /// Matches created.
    pub matches: u32,
    /// Of which doubles.
    pub doubles: u32,
    /// Of which confirmed.
    pub confirmed: u32,
    /// Of which complete but pending confirmation.
    pub pending: u32,
    /// Games created.
    pub games: u64,
    /// Elo history rows after the recalculation (the whole database's).
    pub history_rows: usize,
}

/// Fills `db` with `players` players and `matches` matches from [`DEMO_SEED`], ending now;
/// `progress(done, total)` is called after each chunk of matches.
pub async fn seed_demo(
    db: &Db,
    players: u32,
    matches: u32,
    progress: impl FnMut(u32, u32),
) -> Result<SeedReport, DbError> {
    let options = SeedOptions {
        players,
        matches,
        seed: DEMO_SEED,
        now: Utc::now(),
    };
    seed_demo_with(db, &options, progress).await
}

/// [`seed_demo`] with an explicit seed and end instant. Each chunk commits on its own, so a
/// failure part-way leaves the chunks before it; the recalculation runs last.
pub async fn seed_demo_with(
    db: &Db,
    options: &SeedOptions,
    mut progress: impl FnMut(u32, u32),
) -> Result<SeedReport, DbError> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let roster = db
        .transaction(async |conn| insert_roster(conn, &mut rng, options).await)
        .await?;
    let mut report = SeedReport {
        players: options.players,
        verified_players: roster.iter().filter(|p| p.verified).count() as u32,
        guests: roster.iter().filter(|p| p.user_id.is_none()).count() as u32,
        ..SeedReport::default()
    };
    let planned = if roster.len() < 2 {
        Vec::new()
    } else {
        plan_matches(&mut rng, &roster, options)?
    };
    let total = planned.len() as u32;
    let mut done = 0;
    for chunk in planned.chunks(CHUNK) {
        db.transaction(async |conn| insert_chunk(conn, chunk).await)
            .await?;
        for planned in chunk {
            report.matches += 1;
            report.games += planned.games.len() as u64;
            report.doubles += u32::from(planned.kind == MatchKind::Doubles);
            report.confirmed += u32::from(planned.confirmed_at.is_some());
            report.pending += u32::from(planned.confirmed_at.is_none());
        }
        done += chunk.len() as u32;
        progress(done, total);
    }
    report.history_rows = db
        .transaction(async |conn| {
            ratings::recalculate(conn, false).await?;
            let rows = db_run!(conn, |c| elo_history::table
                .count()
                .get_result::<i64>(c)
                .await)?;
            Ok(usize::try_from(rows).unwrap_or(0))
        })
        .await?;
    Ok(report)
}

/// A created player as the planner sees them.
struct Member {
    id: PlayerId,
    user_id: Option<i64>,
    verified: bool,
    /// Hidden playing strength on the Elo scale: who tends to win.
    strength: f64,
    /// How often they play, relative to others.
    activity: u32,
}

const FIRST_NAMES: [&str; 32] = [
    "Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Karin",
    "Lukas", "Maria", "Nils", "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tara", "Uwe", "Vera",
    "Willem", "Xenia", "Yusuf", "Zoe", "Marek", "Liang", "Aiko", "Tomas", "Priya", "Omar",
];
const LAST_NAMES: [&str; 32] = [
    "Berg", "Costa", "Dahl", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova", "Jensen",
    "Kowalski", "Lind", "Moreau", "Novak", "Olsen", "Petrov", "Quist", "Rossi", "Schmidt",
    "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Young", "Zeman", "Almeida", "Brandt", "Chen",
    "Dubois", "Egger", "Fontaine", "Horvat",
];
const NICKNAMES: [&str; 12] = [
    "Spin", "Wall", "Lefty", "Flash", "Chop", "Smash", "Loop", "Rocket", "Tiger", "Ghost",
    "Blocker", "Ace",
];

async fn insert_roster(
    conn: &mut Conn<'_>,
    rng: &mut StdRng,
    options: &SeedOptions,
) -> Result<Vec<Member>, DbError> {
    // Usernames continue after the players already there, so seeding twice does not collide.
    let offset = players::count_players(conn).await?;
    let at = to_db(options.now - Duration::days(740));
    let mut roster = Vec::with_capacity(options.players as usize);
    for index in 0..i64::from(options.players) {
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Demo");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Player");
        let name = format!("{first} {last}");
        let nickname = if rng.random_bool(0.2) {
            NICKNAMES.choose(rng).copied().unwrap_or_default()
        } else {
            ""
        };
        let style = match rng.random_range(0..10) {
            0 => "hard_rubber",
            1 => "unknown",
            _ => "normal",
        };
        // About 70 % verified accounts, 5 % accounts never verified, 25 % guests.
        let account = rng.random_range(0..100);
        let user_id = if account < 75 {
            let username = format!("{}.{}{}", first, last, offset + index + 1).to_lowercase();
            let user = users::insert_user(
                conn,
                &NewUser {
                    username: &username,
                    email: &format!("{username}@demo.ttstats.invalid"),
                    // Matches no password: demo accounts cannot sign in until an admin resets one.
                    password_hash: "!",
                    is_admin: false,
                    is_active: true,
                    email_verified_at: (account < 70).then_some(at),
                    created_at: at,
                },
            )
            .await?;
            Some(user.0)
        } else {
            None
        };
        let id = players::insert_player(
            conn,
            &NewPlayer {
                user_id,
                name: &name,
                nickname,
                playing_style: style,
                notes: "",
                created_by_user_id: None,
                created_at: at,
                updated_at: at,
            },
        )
        .await?;
        roster.push(Member {
            id,
            user_id,
            verified: account < 70,
            strength: 1250.0 + f64::from(rng.random_range(0..500_u16)),
            activity: rng.random_range(1..=10),
        });
    }
    Ok(roster)
}

/// A generated match with everything that will be inserted.
struct Planned {
    kind: MatchKind,
    best_of: BestOf,
    match_type: MatchType,
    played_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    /// Set for confirmed matches; pending ones have none.
    confirmed_at: Option<DateTime<Utc>>,
    auto_confirmed: bool,
    created_by_user_id: Option<i64>,
    side1: Vec<PlayerId>,
    side2: Vec<PlayerId>,
    games: Vec<(GameScore, Option<i32>)>,
    tally: Tally,
    confirmations: Vec<(PlayerId, DateTime<Utc>, &'static str)>,
}

/// Picks members with probability proportional to their activity.
struct Picker {
    cumulative: Vec<u32>,
}

impl Picker {
    fn new<'a>(members: impl Iterator<Item = &'a Member>) -> Self {
        let mut sum = 0;
        let cumulative = members
            .map(|member| {
                sum += member.activity;
                sum
            })
            .collect();
        Self { cumulative }
    }

    fn pick(&self, rng: &mut StdRng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let ticket = rng.random_range(0..total.max(1));
        self.cumulative.partition_point(|&c| c <= ticket)
    }
}

fn plan_matches(
    rng: &mut StdRng,
    roster: &[Member],
    options: &SeedOptions,
) -> Result<Vec<Planned>, DbError> {
    let everyone = Picker::new(roster.iter());
    let verified: Vec<usize> = (0..roster.len()).filter(|&i| roster[i].verified).collect();
    let verified_picker = Picker::new(verified.iter().map(|&i| &roster[i]));
    let mut planned = Vec::with_capacity(options.matches as usize);
    for _ in 0..options.matches {
        let kind = if roster.len() >= 4 && rng.random_bool(0.25) {
            MatchKind::Doubles
        } else {
            MatchKind::Singles
        };
        // Pending ones are recent: nobody leaves a result open for months.
        let pending = verified.len() >= 2 && rng.random_bool(0.1);
        let (side1, side2) = draw_sides(rng, kind, pending, &everyone, &verified, &verified_picker);
        let best_of = BestOf::new(match rng.random_range(0..100) {
            0 => 1,
            1 => 9,
            2..=21 => 3,
            22..=29 => 7,
            _ => 5,
        })?;
        let match_type = match rng.random_range(0..20) {
            0..=2 => MatchType::Practice,
            3..=5 => MatchType::Tournament,
            _ => MatchType::Casual,
        };
        let strength = |side: &[usize]| {
            side.iter().map(|&i| roster[i].strength).sum::<f64>() / side.len() as f64
        };
        let games = play(rng, best_of, strength(&side1), strength(&side2))?;
        let scores: Vec<GameScore> = games.iter().map(|(g, _)| *g).collect();
        let tally = Tally::of(&scores, best_of);

        let window_minutes = if pending { 21 * 24 * 60 } else { 730 * 24 * 60 };
        let played_at = options.now - Duration::minutes(rng.random_range(60..window_minutes));
        let created_at = (played_at + Duration::minutes(rng.random_range(1..=90))).min(options.now);
        let ids = |side: &[usize]| side.iter().map(|&i| roster[i].id).collect::<Vec<_>>();
        let participants: Vec<(usize, Participant)> = [(Side::One, &side1), (Side::Two, &side2)]
            .into_iter()
            .flat_map(|(side, members)| {
                members.iter().map(move |&i| {
                    let participant = Participant {
                        player: roster[i].id,
                        side,
                        verified: roster[i].verified,
                    };
                    (i, participant)
                })
            })
            .collect();
        let recorder = participants
            .iter()
            .filter(|(_, p)| p.verified)
            .map(|(i, _)| *i)
            .collect::<Vec<_>>()
            .choose(rng)
            .copied();
        let mut planned_match = Planned {
            kind,
            best_of,
            match_type,
            played_at,
            created_at,
            confirmed_at: None,
            auto_confirmed: false,
            created_by_user_id: recorder.and_then(|i| roster[i].user_id),
            side1: ids(&side1),
            side2: ids(&side2),
            games,
            tally,
            confirmations: Vec::new(),
        };
        let bare: Vec<Participant> = participants.iter().map(|(_, p)| *p).collect();
        confirm_planned(
            rng,
            &mut planned_match,
            &bare,
            pending,
            recorder,
            roster,
            options.now,
        );
        planned.push(planned_match);
    }
    // Ids ascend with play order, as they would in a club recording as it plays.
    planned.sort_by_key(|p| p.played_at);
    Ok(planned)
}

/// Draws distinct players for both sides; a pending match starts each side with a verified
/// player, or it would have auto-confirmed (DOMAIN.md §3.5).
fn draw_sides(
    rng: &mut StdRng,
    kind: MatchKind,
    pending: bool,
    everyone: &Picker,
    verified: &[usize],
    verified_picker: &Picker,
) -> (Vec<usize>, Vec<usize>) {
    let mut chosen: Vec<usize> = Vec::with_capacity(4);
    let mut draw = |rng: &mut StdRng, from_verified: bool| loop {
        let index = if from_verified {
            verified[verified_picker.pick(rng)]
        } else {
            everyone.pick(rng)
        };
        if !chosen.contains(&index) {
            chosen.push(index);
            break;
        }
    };
    draw(rng, pending);
    draw(rng, pending);
    if kind == MatchKind::Doubles {
        draw(rng, false);
        draw(rng, false);
    }
    // Drawn as [side 1, side 2, partner 1, partner 2].
    match *chosen.as_slice() {
        [a, b, c, d] => (vec![a, c], vec![b, d]),
        [a, b] => (vec![a], vec![b]),
        _ => (Vec::new(), Vec::new()),
    }
}

/// Fills in the confirmation state the completion pipeline would have reached.
fn confirm_planned(
    rng: &mut StdRng,
    planned: &mut Planned,
    participants: &[Participant],
    pending: bool,
    recorder: Option<usize>,
    roster: &[Member],
    now: DateTime<Utc>,
) {
    match confirmation::on_completion(participants, &[]) {
        Completion::AutoConfirm { confirm_for, .. } => {
            planned.auto_confirmed = true;
            planned.confirmed_at = Some(planned.created_at);
            planned.confirmations = confirm_for
                .into_iter()
                .map(|p| (p, planned.created_at, "auto"))
                .collect();
        }
        Completion::RequestConfirmations(_) if pending => {
            // Often the recorder has already confirmed; the other side, with a verified player
            // of its own, has not.
            if let Some(recorder) = recorder.filter(|_| rng.random_bool(0.6)) {
                planned.confirmations = vec![(roster[recorder].id, planned.created_at, "player")];
            }
        }
        Completion::RequestConfirmations(required) => {
            let mut at = planned.created_at;
            let mut order = required;
            order.shuffle(rng);
            for player in order {
                at = (at + Duration::minutes(rng.random_range(1..=2 * 24 * 60))).min(now);
                planned.confirmations.push((player, at, "player"));
            }
            planned.confirmed_at = Some(at);
        }
        Completion::Confirmed => planned.confirmed_at = Some(planned.created_at),
    }
}

/// Plays games until a side has the games needed; each game goes to side 1 with the Elo
/// expectation of the strengths, flattened because single games are closer than matches.
fn play(
    rng: &mut StdRng,
    best_of: BestOf,
    strength1: f64,
    strength2: f64,
) -> Result<Vec<(GameScore, Option<i32>)>, DbError> {
    let p1 = elo::expected_score(strength1, strength2).mul_add(0.6, 0.2);
    let needed = best_of.games_needed();
    let (mut won1, mut won2) = (0, 0);
    let mut games = Vec::new();
    while won1 < needed && won2 < needed {
        let side1_wins = rng.random_bool(p1);
        let loser_points: i64 = if rng.random_bool(0.15) {
            // Deuce: mostly 12-10, now and then a long one.
            10 + [0, 0, 0, 1, 1, 2, 3][rng.random_range(0..7)]
        } else {
            // The max of two draws leans towards close games.
            rng.random_range(0..=9).max(rng.random_range(0..=9))
        };
        let winner_points = (loser_points + 2).max(11);
        let score = if side1_wins {
            won1 += 1;
            GameScore::new(winner_points, loser_points)?
        } else {
            won2 += 1;
            GameScore::new(loser_points, winner_points)?
        };
        let minutes = rng.random_bool(0.3).then(|| rng.random_range(6..=18));
        games.push((score, minutes));
    }
    Ok(games)
}

/// A `matches` row with its cache columns already final.
#[derive(Insertable)]
#[diesel(table_name = m)]
struct SeedMatchRow {
    kind: &'static str,
    best_of: i32,
    match_type: &'static str,
    played_at: NaiveDateTime,
    created_by_user_id: Option<i64>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    side1_games: i32,
    side2_games: i32,
    winner_side: Option<i32>,
    is_confirmed: bool,
    confirmed_at: Option<NaiveDateTime>,
    auto_confirmed: bool,
}

impl From<&Planned> for SeedMatchRow {
    fn from(p: &Planned) -> Self {
        Self {
            kind: p.kind.as_str(),
            best_of: i32::from(p.best_of.get()),
            match_type: p.match_type.as_str(),
            played_at: to_db(p.played_at),
            created_by_user_id: p.created_by_user_id,
            created_at: to_db(p.created_at),
            updated_at: to_db(p.confirmed_at.unwrap_or(p.created_at)),
            side1_games: i32::from(p.tally.side1_games),
            side2_games: i32::from(p.tally.side2_games),
            winner_side: p.tally.winner.map(|w| i32::from(w.number())),
            is_confirmed: p.confirmed_at.is_some(),
            confirmed_at: p.confirmed_at.map(to_db),
            auto_confirmed: p.auto_confirmed,
        }
    }
}

async fn insert_chunk(conn: &mut Conn<'_>, chunk: &[Planned]) -> Result<(), DbError> {
    let rows: Vec<SeedMatchRow> = chunk.iter().map(SeedMatchRow::from).collect();
    let mut ids: Vec<i64> = db_run!(
        conn,
        pg: |c| diesel::insert_into(m::table)
            .values(&rows)
            .returning(m::id)
            .get_results(c)
            .await?,
        sqlite: |c| {
            let mut ids = Vec::with_capacity(rows.len());
            for row in &rows {
                ids.push(
                    diesel::insert_into(m::table)
                        .values(row)
                        .returning(m::id)
                        .get_result(c)
                        .await?,
                );
            }
            ids
        }
    );
    // Identity values are drawn in VALUES order; RETURNING's order is not promised.
    ids.sort_unstable();
    let mut participants = Vec::new();
    let mut game_rows = Vec::new();
    let mut confirmations = Vec::new();
    for (&id, planned) in ids.iter().zip(chunk) {
        for (side, members) in [(Side::One, &planned.side1), (Side::Two, &planned.side2)] {
            participants.extend(members.iter().map(|p| ParticipantRow {
                match_id: id,
                player_id: p.0,
                side: i32::from(side.number()),
            }));
        }
        game_rows.extend(
            planned
                .games
                .iter()
                .enumerate()
                .map(|(index, (game, minutes))| NewGame {
                    match_id: id,
                    number: index as i32 + 1,
                    side1_points: i32::from(game.side1_points()),
                    side2_points: i32::from(game.side2_points()),
                    winner_side: i32::from(game.winner().number()),
                    duration_minutes: *minutes,
                    created_at: to_db(planned.created_at),
                }),
        );
        confirmations.extend(planned.confirmations.iter().map(|&(player, at, source)| {
            ConfirmationRow {
                match_id: id,
                player_id: player.0,
                confirmed_at: to_db(at),
                source: source.to_owned(),
            }
        }));
    }
    insert_rows!(conn, match_participants::table, participants)?;
    insert_rows!(conn, games::table, game_rows)?;
    insert_rows!(conn, match_confirmations::table, confirmations)?;
    Ok(())
}

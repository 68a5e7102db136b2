use chrono::{Days, NaiveDate, NaiveTime};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ttstats_domain::championship::{
    ChampionshipStatus, NewChampionship, ParticipationFilter, Viewer,
};
use ttstats_domain::{ChampionshipId, DomainError, EntryId, MatchId, MatchKind, PlayerId};
use ttstats_persistence::championships::{self, ChampionshipFull};
use ttstats_persistence::schema::{notifications, scheduled_matches as sm};
use ttstats_persistence::{Conn, Db, DbError, both_backends, match_writes};

use crate::fixtures::*;

use ChampionshipStatus as S;
use ParticipationFilter as P;

fn today() -> NaiveDate {
    now().date_naive()
}

fn days(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

fn private(entries: &[&[PlayerId]], home_and_away: bool) -> NewChampionship {
    NewChampionship {
        name: "Winter league".into(),
        description: String::new(),
        kind: if entries.first().is_some_and(|e| e.len() == 2) {
            MatchKind::Doubles
        } else {
            MatchKind::Singles
        },
        is_public: false,
        home_and_away,
        max_entries: 8,
        start_date: days(7),
        registration_deadline: None,
        entries: entries.iter().map(|e| e.to_vec()).collect(),
    }
}

fn public(kind: MatchKind, max_entries: i64) -> NewChampionship {
    NewChampionship {
        name: "Spring cup".into(),
        kind,
        is_public: true,
        max_entries,
        registration_deadline: Some(days(5)),
        ..private(&[], true)
    }
}

async fn create_championship(
    db: &Db,
    new: &NewChampionship,
    creator: PlayerId,
) -> Result<ChampionshipId, DbError> {
    db.transaction(async |conn| {
        championships::create_championship(conn, new, Some(creator), None, None, now())
            .await
            .map(|(id, _)| id)
    })
    .await
}

async fn load(db: &Db, id: ChampionshipId) -> ChampionshipFull {
    db.run(async |conn| championships::load_championship(conn, id).await)
        .await
        .unwrap()
}

fn rule<T: std::fmt::Debug>(result: Result<T, DbError>) -> DomainError {
    match result {
        Err(DbError::Rule(rule)) => rule,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

async fn register(
    db: &Db,
    id: ChampionshipId,
    player: PlayerId,
    partner: Option<PlayerId>,
) -> Result<EntryId, DbError> {
    db.transaction(async |conn| {
        championships::register(conn, id, Some(player), partner, now()).await
    })
    .await
}

async fn start(db: &Db, id: ChampionshipId) -> Result<usize, DbError> {
    db.transaction(async |conn| {
        championships::start(conn, id, None, now())
            .await
            .map(|s| s.fixtures)
    })
    .await
}

/// What the scheduling helper's conversion does: the match is recorded for the fixture's
/// championship (entries left for linking), the fixture points at it, and the championship
/// hears about the conversion — all in one transaction.
async fn convert(
    db: &Db,
    championship: ChampionshipId,
    fixture: i64,
    side1: PlayerId,
    side2: PlayerId,
    scores: &[(i64, i64)],
) -> MatchId {
    let mut input = singles(side1, side2, scores, 5);
    input.championship_id = Some(championship.0);
    db.transaction(async |conn| {
        let outcome = match_writes::create_match(conn, &input, now()).await?;
        let id = outcome.match_id.ok_or(DbError::NotFound)?;
        match conn {
            Conn::Pg(c) => {
                diesel::update(sm::table.find(fixture))
                    .set(sm::match_id.eq(id.0))
                    .execute(c)
                    .await?
            }
            Conn::Sqlite(c) => {
                diesel::update(sm::table.find(fixture))
                    .set(sm::match_id.eq(id.0))
                    .execute(c)
                    .await?
            }
        };
        championships::on_fixture_converted(conn, championship, now()).await?;
        Ok(id)
    })
    .await
    .unwrap()
}

async fn championship_notifications(db: &Db, id: ChampionshipId) -> Vec<(i64, String)> {
    db.run(async |conn| {
        let q = notifications::table
            .filter(notifications::championship_id.eq(id.0))
            .filter(notifications::kind.eq("championship"))
            .order((notifications::user_id, notifications::id))
            .select((notifications::user_id, notifications::title));
        Ok(match conn {
            Conn::Pg(c) => q.load(c).await?,
            Conn::Sqlite(c) => q.load(c).await?,
        })
    })
    .await
    .unwrap()
}

/// (round, home entry, away entry) of every fixture, by round then position.
fn pairings(full: &ChampionshipFull) -> Vec<(i32, i64, i64)> {
    full.fixtures
        .iter()
        .map(|f| {
            (
                f.round_number.unwrap(),
                f.side1_entry_id.unwrap(),
                f.side2_entry_id.unwrap(),
            )
        })
        .collect()
}

both_backends!(
    four_entries_home_and_away_get_the_twelve_fixtures_of_example_4,
    |t| async move {
        let db = &t.db;
        let mut players = Vec::new();
        for name in ["anna", "bert", "cleo", "dave"] {
            players.push(verified_player(db, name).await);
        }
        let [a, b, c, d] = players[..] else {
            unreachable!()
        };
        let id = create_championship(db, &private(&[&[a], &[b], &[c], &[d]], true), a)
            .await
            .unwrap();
        let full = load(db, id).await;
        assert_eq!(full.row.status(), ChampionshipStatus::Scheduled);
        let e: Vec<i64> = full.entries.iter().map(|e| e.row.id).collect();
        let (ea, eb, ec, ed) = (e[0], e[1], e[2], e[3]);
        assert_eq!(full.entries[0].members, vec![a]);
        assert_eq!(
            pairings(&full),
            vec![
                (1, ea, ed),
                (1, eb, ec),
                (2, ea, ec),
                (2, ed, eb),
                (3, ea, eb),
                (3, ec, ed),
                (4, ed, ea),
                (4, ec, eb),
                (5, ec, ea),
                (5, eb, ed),
                (6, eb, ea),
                (6, ed, ec),
            ]
        );
        for f in &full.fixtures {
            let round = u64::try_from(f.round_number.unwrap()).unwrap();
            assert_eq!(f.scheduled_date, days(7 + 7 * (round - 1)));
            assert_eq!(f.scheduled_time, NaiveTime::from_hms_opt(18, 0, 0).unwrap());
            assert_eq!(f.kind, "singles");
            assert_eq!(f.match_id, None);
        }
        assert_eq!(full.row.end_date, Some(days(7 + 35)));
        assert_eq!(full.progress(), 0);
        // Sides are the entries' members; every entrant hears about the schedule once.
        let sides = db
            .run(async |conn| {
                let q = ttstats_persistence::schema::scheduled_match_participants::table
                    .filter(
                        ttstats_persistence::schema::scheduled_match_participants::scheduled_match_id
                            .eq(full.fixtures[0].id),
                    )
                    .order(ttstats_persistence::schema::scheduled_match_participants::side)
                    .select((
                        ttstats_persistence::schema::scheduled_match_participants::player_id,
                        ttstats_persistence::schema::scheduled_match_participants::side,
                    ));
                Ok(match conn {
                    Conn::Pg(c) => q.load::<(i64, i32)>(c).await?,
                    Conn::Sqlite(c) => q.load::<(i64, i32)>(c).await?,
                })
            })
            .await
            .unwrap();
        assert_eq!(sides, vec![(a.0, 1), (d.0, 2)]);
        assert_eq!(championship_notifications(db, id).await.len(), 4);
    }
);

both_backends!(
    a_championship_whose_last_match_is_auto_confirmed_completes_with_the_standings_winner,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "anna").await,
            verified_player(db, "bert").await,
        );
        let g = guest(db, "gus").await;
        let id = create_championship(db, &private(&[&[a], &[b], &[g]], false), a)
            .await
            .unwrap();
        let full = load(db, id).await;
        let e: Vec<i64> = full.entries.iter().map(|e| e.row.id).collect();
        // Three entries and a bye: R1 B–G, R2 A–G, R3 A–B.
        assert_eq!(
            pairings(&full),
            vec![(1, e[1], e[2]), (2, e[0], e[2]), (3, e[0], e[1])]
        );
        let fixture = |round: i32| {
            full.fixtures
                .iter()
                .find(|f| f.round_number == Some(round))
                .unwrap()
                .id
        };

        // Two verified players: pending until both confirm.
        let ab = convert(db, id, fixture(3), a, b, &WIN_3_0).await;
        assert_eq!(
            load(db, id).await.row.status(),
            ChampionshipStatus::InProgress
        );
        confirm(db, ab, a).await;
        assert!(confirm(db, ab, b).await.became_confirmed);
        // Against the guest: auto-confirmed when recorded.
        let bg = convert(db, id, fixture(1), b, g, &WIN_3_0).await;
        let recorded = db
            .run(async |conn| ttstats_persistence::matches::load_match(conn, bg).await)
            .await
            .unwrap();
        assert!(recorded.row.auto_confirmed);
        // The last fixture is converted unfinished and completed by game entry: its
        // auto-confirmation must run the completion check.
        let ag = convert(db, id, fixture(2), a, g, &[]).await;
        let mid = load(db, id).await;
        assert_eq!(mid.row.status(), ChampionshipStatus::InProgress);
        assert_eq!(mid.progress(), 100);
        for score in WIN_3_0 {
            add_game(db, ag, score).await.unwrap();
        }
        let done = load(db, id).await;
        assert_eq!(done.row.status(), ChampionshipStatus::Completed);
        assert_eq!(done.row.champion_entry_id, Some(e[0]));
        // Entry links were filled from the sides' players.
        let linked: Vec<(i64, Option<i64>, Option<i64>)> = done
            .matches
            .iter()
            .map(|m| (m.id, m.side1_entry_id, m.side2_entry_id))
            .collect();
        assert_eq!(
            linked,
            vec![
                (ab.0, Some(e[0]), Some(e[1])),
                (bg.0, Some(e[1]), Some(e[2])),
                (ag.0, Some(e[0]), Some(e[2])),
            ]
        );
        // Schedule and completion: both account holders hear twice, the guest never.
        let sent = championship_notifications(db, id).await;
        assert_eq!(sent.len(), 4);
        assert!(sent.last().unwrap().1.contains("complete"));
        assert_no_drift(db).await;
    }
);

both_backends!(
    a_last_match_auto_confirmed_before_its_fixture_is_linked_still_completes,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "anna").await;
        let g = guest(db, "gus").await;
        let id = create_championship(db, &private(&[&[a], &[g]], false), a)
            .await
            .unwrap();
        let fixture = load(db, id).await.fixtures[0].id;
        // Recorded with its games, the match auto-confirms inside create_match, before the
        // fixture points at it; the conversion hook completes the championship.
        convert(db, id, fixture, a, g, &[(11, 5), (9, 11), (8, 11), (4, 11)]).await;
        let done = load(db, id).await;
        assert_eq!(done.row.status(), ChampionshipStatus::Completed);
        assert_eq!(done.row.champion_entry_id, Some(done.entries[1].row.id));
    }
);

both_backends!(
    registration_refuses_closed_full_duplicate_and_malformed_entries,
    |t| async move {
        let db = &t.db;
        let mut players = Vec::new();
        for name in ["anna", "bert", "cleo", "dave"] {
            players.push(verified_player(db, name).await);
        }
        let [a, b, c, d] = players[..] else {
            unreachable!()
        };
        let cup = create_championship(db, &public(MatchKind::Singles, 2), a)
            .await
            .unwrap();
        assert_eq!(
            load(db, cup).await.row.status(),
            ChampionshipStatus::Registration
        );
        register(db, cup, a, None).await.unwrap();
        assert_eq!(
            rule(register(db, cup, a, None).await),
            DomainError::AlreadyRegistered
        );
        assert_eq!(
            rule(register(db, cup, b, Some(c)).await),
            DomainError::EntrySizeInvalid
        );
        register(db, cup, b, None).await.unwrap();
        assert_eq!(
            rule(register(db, cup, c, None).await),
            DomainError::ChampionshipFull
        );
        // Unregistering frees the place; the deadline closes registration.
        let left = db
            .transaction(async |conn| championships::unregister(conn, cup, Some(b)).await)
            .await
            .unwrap();
        assert!(left.is_some());
        let late = db
            .transaction(async |conn| {
                championships::register(conn, cup, Some(c), None, now() + chrono::Days::new(6))
                    .await
            })
            .await;
        assert_eq!(rule(late), DomainError::RegistrationClosed);
        assert_eq!(rule(start(db, cup).await), DomainError::NotEnoughEntries);
        register(db, cup, c, None).await.unwrap();
        assert_eq!(start(db, cup).await.unwrap(), 2);
        assert_eq!(
            load(db, cup).await.row.status(),
            ChampionshipStatus::Scheduled
        );
        assert_eq!(
            rule(register(db, cup, d, None).await),
            DomainError::RegistrationClosed
        );
        let unregister = db
            .transaction(async |conn| championships::unregister(conn, cup, Some(a)).await)
            .await;
        assert_eq!(rule(unregister), DomainError::ChampionshipNotInRegistration);
        assert_eq!(
            rule(start(db, cup).await),
            DomainError::ChampionshipNotInRegistration
        );

        // Doubles: a distinct, existing, unregistered partner.
        let pairs = create_championship(db, &public(MatchKind::Doubles, 8), a)
            .await
            .unwrap();
        assert_eq!(
            rule(register(db, pairs, a, None).await),
            DomainError::EntrySizeInvalid
        );
        assert_eq!(
            rule(register(db, pairs, a, Some(a)).await),
            DomainError::PlayersNotDistinct
        );
        assert_eq!(
            rule(register(db, pairs, a, Some(PlayerId(9_999))).await),
            DomainError::UnknownPlayer
        );
        let g = guest(db, "gus").await;
        register(db, pairs, a, Some(g)).await.unwrap();
        assert_eq!(
            rule(register(db, pairs, b, Some(g)).await),
            DomainError::AlreadyRegistered
        );
        let full = load(db, pairs).await;
        assert_eq!(full.entries.len(), 1);
        let mut members = full.entries[0].members.clone();
        members.sort_unstable();
        let mut expected = vec![a, g];
        expected.sort_unstable();
        assert_eq!(members, expected);
    }
);

both_backends!(
    regeneration_replaces_the_fixtures_until_one_is_converted,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "anna").await,
            verified_player(db, "bert").await,
            verified_player(db, "cleo").await,
        );
        let id = create_championship(db, &private(&[&[a], &[b], &[c]], true), a)
            .await
            .unwrap();
        let before = load(db, id).await;
        assert_eq!(before.fixtures.len(), 6);
        let regenerate = async || {
            db.transaction(async |conn| championships::regenerate(conn, id, None, now()).await)
                .await
        };
        let written = regenerate().await.unwrap().unwrap();
        assert_eq!(written.fixtures, 6);
        let after = load(db, id).await;
        assert_eq!(pairings(&after), pairings(&before));
        let first = &after.fixtures[0];
        let (home, away) = (
            after
                .entries
                .iter()
                .find(|e| Some(e.row.id) == first.side1_entry_id)
                .unwrap()
                .members[0],
            after
                .entries
                .iter()
                .find(|e| Some(e.row.id) == first.side2_entry_id)
                .unwrap()
                .members[0],
        );
        convert(db, id, first.id, home, away, &[]).await;
        assert_eq!(
            rule(regenerate().await),
            DomainError::FixtureAlreadyConverted
        );
    }
);

both_backends!(
    a_private_championship_needs_two_entries_and_writes_nothing_otherwise,
    |t| async move {
        let db = &t.db;
        let a = verified_player(db, "anna").await;
        assert_eq!(
            rule(create_championship(db, &private(&[], true), a).await),
            DomainError::NotEnoughEntries
        );
        assert_eq!(
            rule(create_championship(db, &private(&[&[a]], true), a).await),
            DomainError::NotEnoughEntries
        );
        assert_eq!(
            rule(create_championship(db, &private(&[&[a], &[PlayerId(9_999)]], true), a).await),
            DomainError::UnknownPlayer
        );
        let viewer = Viewer {
            player: None,
            is_admin: true,
        };
        let (rows, total) = db
            .run(async |conn| {
                championships::list_championships(
                    conn,
                    viewer,
                    ChampionshipStatus::ALL,
                    ParticipationFilter::All,
                    0,
                    20,
                )
                .await
            })
            .await
            .unwrap();
        assert!(rows.is_empty());
        assert_eq!(total, 0);
    }
);

both_backends!(
    private_championships_are_listed_for_their_creator_entrants_and_admins_only,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "anna").await,
            verified_player(db, "bert").await,
            verified_player(db, "cleo").await,
        );
        let league = create_championship(db, &private(&[&[b], &[c]], true), a)
            .await
            .unwrap();
        let cup = create_championship(db, &public(MatchKind::Singles, 8), c)
            .await
            .unwrap();
        let list = async |player: Option<PlayerId>,
                          is_admin: bool,
                          statuses: &[ChampionshipStatus],
                          participation: ParticipationFilter| {
            let viewer = Viewer { player, is_admin };
            db.run(async |conn| {
                championships::list_championships(conn, viewer, statuses, participation, 0, 20)
                    .await
            })
            .await
            .unwrap()
            .0
            .iter()
            .map(ChampionshipFull::id)
            .collect::<Vec<_>>()
        };
        let stranger = verified_player(db, "dave").await;
        assert_eq!(list(Some(stranger), false, S::ALL, P::All).await, vec![cup]);
        assert_eq!(list(None, false, S::ALL, P::All).await, vec![cup]);
        // Same start date: the newer first.
        assert_eq!(
            list(Some(a), false, S::ALL, P::All).await,
            vec![cup, league]
        );
        assert_eq!(list(Some(b), false, S::ALL, P::Mine).await, vec![league]);
        assert_eq!(list(Some(b), false, S::ALL, P::Public).await, vec![cup]);
        assert_eq!(list(None, true, S::ALL, P::All).await, vec![cup, league]);
        assert_eq!(
            list(None, true, &[S::Registration], P::All).await,
            vec![cup]
        );
        assert_eq!(list(None, true, S::ALL, P::Mine).await, Vec::new());
        let full = load(db, league).await;
        assert!(full.visible_to(Some(Viewer {
            player: Some(c),
            is_admin: false
        })));
        assert!(!full.visible_to(Some(Viewer {
            player: Some(stranger),
            is_admin: false
        })));
        assert!(!full.visible_to(None));
    }
);

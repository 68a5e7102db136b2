//! The fixture write path: scheduling, visibility, editing, deleting and converting
//! (DOMAIN.md §3.13), and the scheduled-match notifications (§3.16).

use chrono::{Duration, NaiveDate, NaiveTime};
use ttstats_domain::championship::Viewer;
use ttstats_domain::fixture::ConversionOptions;
use ttstats_domain::{BestOf, DomainError, FixtureId, MatchKind, MatchType, PlayerId};
use ttstats_persistence::fixtures::{self, ConvertInput, FixtureChanges, NewFixtureInput};
use ttstats_persistence::notifications::{self, ScheduledMatchNotice};
use ttstats_persistence::queries::calendar::FixtureView;
use ttstats_persistence::{Db, DbError, both_backends};

use crate::fixtures::*;

fn user(player: PlayerId) -> Viewer {
    Viewer {
        player: Some(player),
        is_admin: false,
    }
}

const ADMIN: Viewer = Viewer {
    player: None,
    is_admin: true,
};

fn six_pm() -> NaiveTime {
    NaiveTime::from_hms_opt(18, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    now().date_naive()
}

fn new_fixture(side1: &[PlayerId], side2: &[PlayerId], date: NaiveDate) -> NewFixtureInput {
    NewFixtureInput {
        kind: if side1.len() == 2 {
            MatchKind::Doubles
        } else {
            MatchKind::Singles
        },
        scheduled_date: date,
        scheduled_time: six_pm(),
        location_id: None,
        notes: "bring balls".into(),
        side1: side1.to_vec(),
        side2: side2.to_vec(),
        created_by_user_id: None,
    }
}

async fn schedule(db: &Db, input: &NewFixtureInput) -> Result<FixtureId, DbError> {
    db.transaction(async |conn| fixtures::create_fixture(conn, input, now()).await)
        .await
}

async fn visible(
    db: &Db,
    viewer: Viewer,
    id: FixtureId,
) -> Result<fixtures::FixtureDetail, DbError> {
    db.run(async |conn| fixtures::get_visible_fixture(conn, viewer, id).await)
        .await
}

async fn convert(
    db: &Db,
    id: FixtureId,
    input: &ConvertInput,
) -> Result<fixtures::Converted, DbError> {
    db.transaction(async |conn| fixtures::convert_fixture(conn, id, input, now()).await)
        .await
}

fn rule(result: Result<impl std::fmt::Debug, DbError>) -> DomainError {
    match result {
        Err(DbError::Rule(rule)) => rule,
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

async fn scalar(db: &Db, sql: &str) -> i64 {
    use diesel::sql_types::BigInt;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let sql = sql.to_owned();
    db.run(async |conn| {
        let row: N = match conn {
            ttstats_persistence::Conn::Pg(c) => diesel::sql_query(&sql).get_result(c).await?,
            ttstats_persistence::Conn::Sqlite(c) => diesel::sql_query(&sql).get_result(c).await?,
        };
        Ok(row.n)
    })
    .await
    .unwrap()
}

/// Ids of a championship and its two entries.
struct Cup {
    id: i64,
    entry1: i64,
    entry2: i64,
}

/// A `scheduled` private championship "Winter cup" created by `creator` with one entry for `a`
/// and one for `b`, and fixture `id` turned into its round-1 fixture: entry 1 vs entry 2.
async fn make_championship_fixture(
    db: &Db,
    id: FixtureId,
    creator: PlayerId,
    a: PlayerId,
    b: PlayerId,
) -> Cup {
    exec(
        db,
        &format!(
            "INSERT INTO championships (name, kind, is_public, home_and_away, max_entries, \
             start_date, status, created_by_player_id, created_at, updated_at) VALUES \
             ('Winter cup', 'singles', FALSE, FALSE, 8, '2027-01-01', 'scheduled', {creator}, \
             '2027-01-01 00:00:00', '2027-01-01 00:00:00')",
            creator = creator.0,
        ),
    )
    .await;
    let cup = scalar(
        db,
        "SELECT id AS n FROM championships WHERE name = 'Winter cup'",
    )
    .await;
    for (label, player) in [("A", a), ("B", b)] {
        exec(
            db,
            &format!(
                "INSERT INTO championship_entries (championship_id, display_name, created_at) \
                 VALUES ({cup}, '{label}', '2027-01-01 00:00:00')"
            ),
        )
        .await;
        exec(
            db,
            &format!(
                "INSERT INTO championship_entry_members (entry_id, player_id, championship_id) \
                 SELECT id, {player}, {cup} FROM championship_entries WHERE display_name = \
                 '{label}' AND championship_id = {cup}",
                player = player.0
            ),
        )
        .await;
    }
    let entry = async |label: &str| {
        scalar(
            db,
            &format!("SELECT id AS n FROM championship_entries WHERE display_name = '{label}'"),
        )
        .await
    };
    let (entry1, entry2) = (entry("A").await, entry("B").await);
    exec(
        db,
        &format!(
            "UPDATE scheduled_matches SET championship_id = {cup}, round_number = 1, \
             side1_entry_id = {entry1}, side2_entry_id = {entry2} WHERE id = {id}",
            id = id.0,
        ),
    )
    .await;
    Cup {
        id: cup,
        entry1,
        entry2,
    }
}

both_backends!(
    a_fixture_keeps_its_sides_as_given_and_refuses_unknown_players,
    |t| async move {
        let db = &t.db;
        let (a, b, c, d) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            guest(db, "carl").await,
            guest(db, "dora").await,
        );
        let id = schedule(db, &new_fixture(&[d, a], &[c, b], today()))
            .await
            .unwrap();
        let stored = visible(db, ADMIN, id).await.unwrap();
        assert_eq!(stored.view.row.kind, "doubles");
        assert_eq!(stored.view.side1, vec![a, d], "side 1 holds alice and dora");
        assert_eq!(stored.view.side2, vec![b, c]);
        assert_eq!(stored.view.row.notes, "bring balls");
        assert_eq!(stored.view.row.match_id, None);

        let ghost = PlayerId(999);
        assert_eq!(
            rule(schedule(db, &new_fixture(&[a], &[ghost], today())).await),
            DomainError::UnknownPlayer
        );
        assert_eq!(
            rule(schedule(db, &new_fixture(&[a], &[a], today())).await),
            DomainError::PlayersNotDistinct
        );
        assert_eq!(
            rule(schedule(db, &new_fixture(&[a, b], &[c], today())).await),
            DomainError::WrongPlayerCount
        );
        let nowhere = NewFixtureInput {
            location_id: Some(42),
            ..new_fixture(&[a], &[b], today())
        };
        assert_eq!(
            rule(schedule(db, &nowhere).await),
            DomainError::InvalidChoice { field: "location" }
        );
        assert_eq!(
            scalar(db, "SELECT COUNT(*) AS n FROM scheduled_matches").await,
            1,
            "refused fixtures leave nothing behind"
        );
    }
);

both_backends!(
    fixtures_are_seen_by_participants_entrants_and_admins_only,
    |t| async move {
        let db = &t.db;
        let (a, b, c, d) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
            verified_player(db, "dave").await,
        );
        let plain = schedule(db, &new_fixture(&[a], &[b], today()))
            .await
            .unwrap();
        assert!(visible(db, user(a), plain).await.is_ok());
        assert!(visible(db, user(b), plain).await.is_ok());
        assert!(visible(db, ADMIN, plain).await.is_ok());
        assert!(matches!(
            visible(db, user(c), plain).await,
            Err(DbError::NotFound)
        ));
        let nobody = Viewer {
            player: None,
            is_admin: false,
        };
        assert!(matches!(
            visible(db, nobody, plain).await,
            Err(DbError::NotFound)
        ));
        assert!(matches!(
            visible(db, ADMIN, FixtureId(999)).await,
            Err(DbError::NotFound)
        ));

        let cup = schedule(db, &new_fixture(&[c], &[a], today()))
            .await
            .unwrap();
        make_championship_fixture(db, cup, d, c, b).await;
        // b entered the championship (entry 2) without playing this fixture; d created it.
        assert!(visible(db, user(b), cup).await.is_ok(), "entrant");
        assert!(visible(db, user(d), cup).await.is_ok(), "creator");
        let seen = visible(db, user(b), cup).await.unwrap();
        assert_eq!(seen.view.championship_name.as_deref(), Some("Winter cup"));
    }
);

both_backends!(
    my_fixtures_list_only_those_i_play_in_and_admins_see_all,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let later = schedule(db, &new_fixture(&[a], &[b], today() + Duration::days(9)))
            .await
            .unwrap();
        let sooner = schedule(db, &new_fixture(&[c], &[a], today() + Duration::days(2)))
            .await
            .unwrap();
        let others = schedule(db, &new_fixture(&[b], &[c], today()))
            .await
            .unwrap();
        let list = async |viewer: Viewer, offset: i64, limit: i64| {
            let (views, total) = db
                .run(async |conn| fixtures::list_fixtures(conn, viewer, offset, limit).await)
                .await
                .unwrap();
            (views.iter().map(FixtureView::id).collect::<Vec<_>>(), total)
        };
        assert_eq!(list(user(a), 0, 20).await, (vec![sooner, later], 2));
        assert_eq!(list(user(a), 1, 1).await, (vec![later], 2));
        assert_eq!(list(ADMIN, 0, 20).await, (vec![others, sooner, later], 3));
        let nobody = Viewer {
            player: None,
            is_admin: false,
        };
        assert_eq!(list(nobody, 0, 20).await, (vec![], 0));
    }
);

both_backends!(
    an_edit_changes_date_time_location_and_notes_until_the_fixture_is_converted,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        exec(
            db,
            "INSERT INTO locations (name, address, notes, created_at) \
             VALUES ('Club hall', 'Main St 1', '', '2027-01-01 00:00:00')",
        )
        .await;
        let hall = scalar(db, "SELECT id AS n FROM locations").await;
        let id = schedule(db, &new_fixture(&[a], &[b], today()))
            .await
            .unwrap();
        let edit = async |changes: FixtureChanges| {
            db.transaction(async |conn| fixtures::update_fixture(conn, id, &changes, today()).await)
                .await
        };
        let next_week = today() + Duration::days(7);
        edit(FixtureChanges {
            scheduled_date: Some(next_week),
            scheduled_time: Some(NaiveTime::from_hms_opt(19, 30, 0).unwrap()),
            location_id: Some(Some(hall)),
            notes: Some(String::new()),
        })
        .await
        .unwrap();
        let row = visible(db, ADMIN, id).await.unwrap().view.row;
        assert_eq!(row.scheduled_date, next_week);
        assert_eq!(
            row.scheduled_time,
            NaiveTime::from_hms_opt(19, 30, 0).unwrap()
        );
        assert_eq!((row.location_id, row.notes.as_str()), (Some(hall), ""));
        edit(FixtureChanges::default()).await.unwrap();
        edit(FixtureChanges {
            location_id: Some(None),
            ..FixtureChanges::default()
        })
        .await
        .unwrap();
        assert_eq!(
            visible(db, ADMIN, id).await.unwrap().view.row.location_id,
            None
        );

        assert_eq!(
            rule(
                edit(FixtureChanges {
                    scheduled_date: Some(today() - Duration::days(1)),
                    ..FixtureChanges::default()
                })
                .await
            ),
            DomainError::ScheduledDateInPast
        );
        assert_eq!(
            rule(
                edit(FixtureChanges {
                    location_id: Some(Some(hall + 1)),
                    ..FixtureChanges::default()
                })
                .await
            ),
            DomainError::InvalidChoice { field: "location" }
        );
        assert!(matches!(
            db.transaction(async |conn| {
                fixtures::update_fixture(conn, FixtureId(999), &FixtureChanges::default(), today())
                    .await
            })
            .await,
            Err(DbError::NotFound)
        ));

        let past = schedule(db, &new_fixture(&[a], &[b], today() - Duration::days(1)))
            .await
            .unwrap();
        convert(db, past, &ConvertInput::default()).await.unwrap();
        let frozen = db
            .transaction(async |conn| {
                let changes = FixtureChanges {
                    notes: Some("late".into()),
                    ..FixtureChanges::default()
                };
                fixtures::update_fixture(conn, past, &changes, today()).await
            })
            .await;
        assert_eq!(rule(frozen), DomainError::FixtureAlreadyConverted);
    }
);

both_backends!(
    a_plain_fixture_is_deleted_but_a_championship_fixture_is_not,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let plain = schedule(db, &new_fixture(&[a], &[b], today()))
            .await
            .unwrap();
        let removed = db
            .transaction(async |conn| fixtures::delete_fixture(conn, plain).await)
            .await
            .unwrap();
        assert_eq!(removed, vec![a, b]);
        assert!(matches!(
            visible(db, ADMIN, plain).await,
            Err(DbError::NotFound)
        ));
        assert_eq!(
            scalar(db, "SELECT COUNT(*) AS n FROM scheduled_match_participants").await,
            0
        );

        let cup = schedule(db, &new_fixture(&[a], &[b], today()))
            .await
            .unwrap();
        make_championship_fixture(db, cup, c, a, b).await;
        let refused = db
            .transaction(async |conn| fixtures::delete_fixture(conn, cup).await)
            .await;
        assert_eq!(rule(refused), DomainError::NotChampionshipCreator);
        assert!(visible(db, ADMIN, cup).await.is_ok());
    }
);

both_backends!(
    converting_creates_the_match_at_the_scheduled_time_and_links_it_once,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let yesterday = today() - Duration::days(1);
        let id = schedule(db, &new_fixture(&[b], &[a], yesterday))
            .await
            .unwrap();
        let input = ConvertInput {
            games: games(&WIN_3_0),
            created_by_user_id: None,
            options: ConversionOptions::default(),
        };
        let converted = convert(db, id, &input).await.unwrap();
        let played = load(db, converted.match_id).await;
        assert_eq!(played.side(ttstats_domain::Side::One), vec![b]);
        assert_eq!(played.side(ttstats_domain::Side::Two), vec![a]);
        assert_eq!(played.row.played_at, yesterday.and_time(six_pm()));
        assert_eq!(played.row.best_of, 5);
        assert_eq!(played.row.match_type, "casual");
        assert_eq!(played.row.notes, "bring balls");
        assert_eq!(played.row.winner_side, Some(1));
        let mut asked = converted.outcome.confirmation_requests.clone();
        asked.sort_unstable();
        assert_eq!(
            asked,
            vec![a, b],
            "both verified players are asked to confirm"
        );
        assert_eq!(converted.championship_started, None);
        let linked = visible(db, ADMIN, id).await.unwrap();
        assert_eq!(linked.view.row.match_id, Some(converted.match_id.0));

        assert_eq!(
            rule(convert(db, id, &ConvertInput::default()).await),
            DomainError::FixtureAlreadyConverted
        );
        assert_eq!(scalar(db, "SELECT COUNT(*) AS n FROM matches").await, 1);
        assert_no_drift(db).await;
    }
);

both_backends!(
    a_conversion_that_fails_leaves_neither_a_match_nor_a_link,
    |t| async move {
        let db = &t.db;
        let (a, b) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
        );
        let ahead = schedule(db, &new_fixture(&[a], &[b], today() + Duration::days(2)))
            .await
            .unwrap();
        assert_eq!(
            rule(convert(db, ahead, &ConvertInput::default()).await),
            DomainError::PlayedAtInFuture,
            "a fixture still ahead cannot default its played_at"
        );
        let played_early = ConvertInput {
            options: ConversionOptions {
                played_at: Some(now() - Duration::hours(1)),
                best_of: Some(BestOf::new(1).unwrap()),
                match_type: Some(MatchType::Practice),
            },
            // Best of 1 is decided after one game: a second one is refused.
            games: games(&[(11, 5), (11, 7)]),
            created_by_user_id: None,
        };
        assert_eq!(
            rule(convert(db, ahead, &played_early).await),
            DomainError::MatchAlreadyComplete
        );
        assert_eq!(scalar(db, "SELECT COUNT(*) AS n FROM matches").await, 0);
        assert_eq!(
            visible(db, ADMIN, ahead).await.unwrap().view.row.match_id,
            None
        );

        let fine = ConvertInput {
            games: games(&[(11, 5)]),
            ..played_early
        };
        let converted = convert(db, ahead, &fine).await.unwrap();
        let played = load(db, converted.match_id).await;
        assert_eq!(played.row.best_of, 1);
        assert_eq!(played.row.match_type, "practice");
        assert_eq!(
            ttstats_persistence::from_db(played.row.played_at),
            now() - Duration::hours(1)
        );
    }
);

both_backends!(
    a_championship_fixture_converts_into_a_tournament_match_and_starts_the_championship,
    |t| async move {
        let db = &t.db;
        let (a, b, c) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            verified_player(db, "carol").await,
        );
        let id = schedule(db, &new_fixture(&[a], &[b], today() - Duration::days(1)))
            .await
            .unwrap();
        let cup = make_championship_fixture(db, id, c, a, b).await;
        let casual = ConvertInput {
            options: ConversionOptions {
                match_type: Some(MatchType::Casual),
                ..ConversionOptions::default()
            },
            ..ConvertInput::default()
        };
        let converted = convert(db, id, &casual).await.unwrap();
        let played = load(db, converted.match_id).await;
        assert_eq!(played.row.match_type, "tournament");
        assert_eq!(played.row.championship_id, Some(cup.id));
        assert_eq!(
            (played.row.side1_entry_id, played.row.side2_entry_id),
            (Some(cup.entry1), Some(cup.entry2))
        );
        assert_eq!(
            converted.championship_started,
            Some(ttstats_domain::ChampionshipId(cup.id))
        );
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) AS n FROM championships WHERE status = 'in_progress'"
            )
            .await,
            1
        );
    }
);

both_backends!(
    scheduled_match_notices_reach_accounts_that_want_them,
    |t| async move {
        let db = &t.db;
        let (a, b, g) = (
            verified_player(db, "alice").await,
            verified_player(db, "bob").await,
            guest(db, "gary").await,
        );
        let c = verified_player(db, "carol").await;
        exec(
            db,
            &format!(
                "UPDATE notification_preferences SET scheduled_match = FALSE WHERE user_id = \
                 (SELECT user_id FROM players WHERE id = {})",
                b.0
            ),
        )
        .await;
        let recipients = db
            .run(async |conn| notifications::scheduled_match_recipients(conn, &[a, b, g, c]).await)
            .await
            .unwrap();
        let players: Vec<PlayerId> = recipients.iter().map(|r| r.player_id).collect();
        assert_eq!(players, vec![a, c], "bob opted out and gary has no account");
        assert_eq!(recipients[0].email, "alice@example.test");

        let id = schedule(db, &new_fixture(&[a], &[g], today()))
            .await
            .unwrap();
        let notice = ScheduledMatchNotice {
            user_id: recipients[0].user_id,
            email: recipients[0].email.clone(),
            title: "Match scheduled".into(),
            body: "against gary".into(),
            link: format!("/scheduled-matches/{}", id.0),
            email_subject: "Match scheduled – Friday, January 15, 2027".into(),
            email_body: "Opponent: gary".into(),
        };
        db.transaction(async |conn| {
            notifications::notify_scheduled_match(conn, id, std::slice::from_ref(&notice), now())
                .await
        })
        .await
        .unwrap();
        assert_eq!(
            scalar(
                db,
                &format!(
                    "SELECT COUNT(*) AS n FROM notifications WHERE kind = 'scheduled_match' \
                     AND scheduled_match_id = {}",
                    id.0
                )
            )
            .await,
            1
        );
        assert_eq!(
            scalar(
                db,
                "SELECT COUNT(*) AS n FROM email_outbox WHERE kind = 'scheduled_match' \
                 AND to_address = 'alice@example.test'"
            )
            .await,
            1
        );
    }
);

//! Scheduling and the calendar (DOMAIN.md §3.13, §3.16, §4), black-box over HTTP.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use reqwest::Method;
use serde_json::{Value, json};
use ttstats_persistence::testing::{exec, strings};

use crate::helpers::{Reply, TestApp};

/// A signed-in member: their token and player id.
struct Member {
    token: String,
    player: i64,
}

/// A verified user with a player named `name`, signed in.
async fn member(app: &TestApp, name: &str) -> Member {
    let (token, player) = app.user(name, true, false).await;
    Member { token, player }
}

/// An admin without a player, signed in.
async fn admin(app: &TestApp) -> String {
    app.user_without_player("root", true).await.0
}

/// A signed-in user without a player.
async fn playerless(app: &TestApp, name: &str) -> String {
    app.user_without_player(name, false).await.0
}

/// Alice, Bob and Carol, members.
async fn trio(app: &TestApp) -> (Member, Member, Member) {
    (
        member(app, "alice").await,
        member(app, "bob").await,
        member(app, "carol").await,
    )
}

/// `a` schedules singles against `b` on [`FRIDAY`] at 18:00; returns the fixture id.
async fn on_friday(app: &TestApp, a: &Member, b: &Member) -> i64 {
    fixture(app, &a.token, a.player, b.player, FRIDAY, "18:00:00").await
}

/// `a` schedules singles against `b` today at midnight (so it may be converted at once).
async fn due_today(app: &TestApp, a: &Member, b: &Member) -> i64 {
    let today = today().to_string();
    fixture(app, &a.token, a.player, b.player, &today, "00:00:00").await
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A Friday far enough ahead for every run of these tests.
const FRIDAY: &str = "2030-08-23";

async fn schedule(app: &TestApp, token: &str, body: Value) -> Reply {
    app.call(
        Method::POST,
        "/api/v1/scheduled-matches",
        Some(token),
        Some(&body),
    )
    .await
}

/// Schedules singles `a` vs `b` on `date` at `time`; returns the fixture id.
async fn fixture(app: &TestApp, token: &str, a: i64, b: i64, date: &str, time: &str) -> i64 {
    let reply = schedule(
        app,
        token,
        json!({"scheduled_date": date, "scheduled_time": time, "side1": [a], "side2": [b]}),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn get(app: &TestApp, token: Option<&str>, path: &str) -> Reply {
    app.call(Method::GET, path, token, None::<&()>).await
}

async fn convert(app: &TestApp, token: &str, id: i64, body: Value) -> Reply {
    app.call(
        Method::POST,
        &format!("/api/v1/scheduled-matches/{id}/convert"),
        Some(token),
        Some(&body),
    )
    .await
}

async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> Reply {
    app.call(
        Method::PATCH,
        &format!("/api/v1/scheduled-matches/{id}"),
        Some(token),
        Some(&body),
    )
    .await
}

/// Turns fixture `id` into a fixture of a scheduled championship created by `creator`, with
/// entries for `a` and `b` (championships have no write path in this branch yet).
async fn into_championship(app: &TestApp, id: i64, creator: i64, a: i64, b: i64) {
    let db = &app.state.db;
    exec(
        db,
        &format!(
            "INSERT INTO championships (name, kind, is_public, home_and_away, max_entries, \
             start_date, status, created_by_player_id, created_at, updated_at) VALUES \
             ('Winter cup', 'singles', FALSE, FALSE, 8, '2026-01-01', 'scheduled', {creator}, \
             '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        ),
    )
    .await;
    for (label, player) in [("A", a), ("B", b)] {
        exec(
            db,
            &format!(
                "INSERT INTO championship_entries (championship_id, display_name, created_at) \
                 SELECT id, '{label}', '2026-01-01 00:00:00' FROM championships;
                 INSERT INTO championship_entry_members (entry_id, player_id, championship_id) \
                 SELECT e.id, {player}, e.championship_id FROM championship_entries e \
                 WHERE e.display_name = '{label}';"
            ),
        )
        .await;
    }
    exec(
        db,
        &format!(
            "UPDATE scheduled_matches SET round_number = 1, \
             championship_id = (SELECT id FROM championships), \
             side1_entry_id = (SELECT id FROM championship_entries WHERE display_name = 'A'), \
             side2_entry_id = (SELECT id FROM championship_entries WHERE display_name = 'B') \
             WHERE id = {id}"
        ),
    )
    .await;
}

crate::api_test!(
    scheduling_a_match_notifies_and_emails_each_participant_with_an_account,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let gary = app.guest("gary").await;
        exec(
            &app.state.db,
            &format!(
                "UPDATE notification_preferences SET scheduled_match = FALSE WHERE user_id = \
                 (SELECT user_id FROM players WHERE id = {})",
                carol.player
            ),
        )
        .await;
        let reply = schedule(
            &app,
            &alice.token,
            json!({
                "scheduled_date": FRIDAY, "scheduled_time": "18:00:00",
                "side1": [gary, alice.player], "side2": [carol.player, bob.player],
                "notes": "  bring balls  "
            }),
        )
        .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        let id = reply.body["id"].as_i64().unwrap();
        assert_eq!(
            reply.headers["location"],
            format!("/api/v1/scheduled-matches/{id}").as_str()
        );
        let body = &reply.body;
        assert_eq!(body["kind"], "doubles");
        assert_eq!(body["scheduled_date"], FRIDAY);
        assert_eq!(body["scheduled_time"], "18:00:00");
        assert_eq!(body["notes"], "bring balls");
        assert_eq!(body["location"], Value::Null);
        assert_eq!(body["match_id"], Value::Null);
        let side = |s: &str| -> Vec<i64> {
            let mut ids: Vec<i64> = body[s]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["id"].as_i64().unwrap())
                .collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(side("side1"), vec![alice.player, gary]);
        assert_eq!(side("side2"), vec![bob.player, carol.player]);

        let db = &app.state.db;
        let notified = strings(
            db,
            &format!(
                "SELECT u.username AS v FROM notifications n JOIN users u ON u.id = n.user_id \
                 WHERE n.kind = 'scheduled_match' AND n.scheduled_match_id = {id} \
                 ORDER BY u.username"
            ),
        )
        .await;
        assert_eq!(
            notified,
            ["alice", "bob"],
            "carol opted out, gary has no account"
        );
        let subjects = strings(
            db,
            "SELECT subject AS v FROM email_outbox WHERE kind = 'scheduled_match' \
             ORDER BY to_address",
        )
        .await;
        assert_eq!(
            subjects,
            [
                "Match scheduled – Friday, August 23, 2030",
                "Match scheduled – Friday, August 23, 2030"
            ]
        );
        let bodies = strings(
            db,
            "SELECT body_text AS v FROM email_outbox ORDER BY to_address",
        )
        .await;
        assert!(
            bodies[0].contains("Opponent: bob and carol"),
            "{}",
            bodies[0]
        );
        assert!(
            bodies[1].contains("Opponent: alice and gary"),
            "{}",
            bodies[1]
        );
        for text in &bodies {
            assert!(text.contains("Date: Friday, August 23, 2030"), "{text}");
            assert!(text.contains("Time: 18:00"), "{text}");
            assert!(text.contains("Location: TBD"), "{text}");
        }
    }
);

crate::api_test!(
    scheduling_is_refused_before_today_without_a_player_or_without_playing,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let body = |date: String, side1: Vec<i64>, side2: Vec<i64>| {
            json!({"scheduled_date": date, "scheduled_time": "18:00:00",
                   "side1": side1, "side2": side2})
        };
        let yesterday = (today() - Duration::days(1)).to_string();
        let (a, b, c) = (alice.player, bob.player, carol.player);

        let anonymous = app
            .call(
                Method::POST,
                "/api/v1/scheduled-matches",
                None,
                Some(&body(FRIDAY.into(), vec![a], vec![b])),
            )
            .await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );
        let nobody = playerless(&app, "nobody").await;
        let refused = schedule(&app, &nobody, body(FRIDAY.into(), vec![a], vec![b])).await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "player_profile_required")
        );

        let past = schedule(&app, &alice.token, body(yesterday, vec![a], vec![b])).await;
        assert_eq!((past.status, past.code()), (422, "scheduled_date_in_past"));
        assert_eq!(
            past.body["errors"]["scheduled_date"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        let outsider = schedule(&app, &alice.token, body(FRIDAY.into(), vec![b], vec![c])).await;
        assert_eq!(
            (outsider.status, outsider.code()),
            (422, "creator_not_participant")
        );
        let twice = schedule(&app, &alice.token, body(FRIDAY.into(), vec![a], vec![a])).await;
        assert_eq!((twice.status, twice.code()), (422, "players_not_distinct"));
        let uneven = schedule(&app, &alice.token, body(FRIDAY.into(), vec![a, c], vec![b])).await;
        assert_eq!((uneven.status, uneven.code()), (422, "wrong_player_count"));
        let ghost = schedule(&app, &alice.token, body(FRIDAY.into(), vec![a], vec![9999])).await;
        assert_eq!((ghost.status, ghost.code()), (422, "unknown_player"));
        let mut nowhere = body(FRIDAY.into(), vec![a], vec![b]);
        nowhere["location"] = json!(77);
        let nowhere = schedule(&app, &alice.token, nowhere).await;
        assert_eq!((nowhere.status, nowhere.code()), (422, "invalid_choice"));
        let garbled = schedule(&app, &alice.token, json!({"scheduled_date": "soon"})).await;
        assert_eq!((garbled.status, garbled.code()), (400, "malformed_request"));
        let garbled_anonymous = app
            .call(
                Method::POST,
                "/api/v1/scheduled-matches",
                None,
                Some(&json!({"scheduled_date": "soon"})),
            )
            .await;
        assert_eq!(
            garbled_anonymous.status, 401,
            "authentication is checked first"
        );
        let odd_id = get(&app, Some(&alice.token), "/api/v1/scheduled-matches/first").await;
        assert_eq!(
            (odd_id.status, odd_id.code()),
            (400, "invalid_query_parameter")
        );

        let root = admin(&app).await;
        let for_others = schedule(&app, &root, body(today().to_string(), vec![b], vec![c])).await;
        assert_eq!(
            for_others.status, 201,
            "an admin schedules for others, and today is fine"
        );
        let mine = get(&app, Some(&alice.token), "/api/v1/scheduled-matches").await;
        assert_eq!(mine.body["total"], 0, "nothing refused was stored");
    }
);

crate::api_test!(
    fixtures_are_seen_by_their_participants_and_admins_and_listed_as_mine,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let later = on_friday(&app, &alice, &bob).await;
        let sooner = fixture(
            &app,
            &carol.token,
            carol.player,
            alice.player,
            "2030-08-01",
            "09:30:00",
        )
        .await;
        let theirs = fixture(
            &app,
            &bob.token,
            bob.player,
            carol.player,
            FRIDAY,
            "10:00:00",
        )
        .await;
        let path = format!("/api/v1/scheduled-matches/{later}");

        let seen = get(&app, Some(&bob.token), &path).await;
        assert_eq!(seen.status, 200);
        assert_eq!(seen.body["id"], later);
        assert_eq!(seen.body["side1"][0]["name"], "alice");
        let hidden = get(&app, Some(&carol.token), &path).await;
        assert_eq!((hidden.status, hidden.code()), (404, "not_found"));
        let anonymous = get(&app, None, &path).await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );
        let missing = get(&app, Some(&alice.token), "/api/v1/scheduled-matches/999999").await;
        assert_eq!(missing.status, 404);
        let root = admin(&app).await;
        assert_eq!(get(&app, Some(&root), &path).await.status, 200);

        let mine = get(&app, Some(&alice.token), "/api/v1/scheduled-matches").await;
        assert_eq!(mine.status, 200);
        let ids: Vec<i64> = mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![sooner, later], "mine, by date");
        assert_eq!(
            (
                &mine.body["page"],
                &mine.body["per_page"],
                &mine.body["total"]
            ),
            (&json!(1), &json!(20), &json!(2))
        );
        let all = get(
            &app,
            Some(&root),
            "/api/v1/scheduled-matches?per_page=1&page=3",
        )
        .await;
        assert_eq!(all.body["total"], 3);
        assert_eq!(
            all.body["items"][0]["id"], later,
            "admins list every fixture"
        );
        let second = get(
            &app,
            Some(&root),
            "/api/v1/scheduled-matches?per_page=1&page=2",
        )
        .await;
        assert_eq!(second.body["items"][0]["id"], theirs);
        let bad = get(&app, Some(&root), "/api/v1/scheduled-matches?per_page=500").await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
    }
);

crate::api_test!(
    participants_edit_a_fixture_until_it_is_converted,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let id = on_friday(&app, &alice, &bob).await;
        let edited = patch(
            &app,
            &bob.token,
            id,
            json!({"scheduled_date": "2030-08-24", "scheduled_time": "19:30:00",
                   "notes": "court 2"}),
        )
        .await;
        assert_eq!(edited.status, 200, "{}", edited.body);
        assert_eq!(edited.body["scheduled_date"], "2030-08-24");
        assert_eq!(edited.body["scheduled_time"], "19:30:00");
        assert_eq!(edited.body["notes"], "court 2");
        let cleared = patch(&app, &alice.token, id, json!({"notes": null})).await;
        assert_eq!(cleared.body["notes"], Value::Null);
        assert_eq!(
            cleared.body["scheduled_time"], "19:30:00",
            "absent fields stay"
        );

        let stranger = patch(&app, &carol.token, id, json!({"notes": "mine now"})).await;
        assert_eq!((stranger.status, stranger.code()), (404, "not_found"));
        let yesterday = (today() - Duration::days(1)).to_string();
        let past = patch(&app, &alice.token, id, json!({"scheduled_date": yesterday})).await;
        assert_eq!((past.status, past.code()), (422, "scheduled_date_in_past"));
        let long = patch(&app, &alice.token, id, json!({"notes": "x".repeat(5000)})).await;
        assert_eq!((long.status, long.code()), (422, "field_too_long"));

        // A championship fixture is edited by the championship's creator, not its players.
        let cup = on_friday(&app, &alice, &bob).await;
        into_championship(&app, cup, carol.player, alice.player, bob.player).await;
        let player = patch(&app, &alice.token, cup, json!({"notes": "moved"})).await;
        assert_eq!(
            (player.status, player.code()),
            (403, "not_championship_creator")
        );
        let creator = patch(&app, &carol.token, cup, json!({"notes": "moved"})).await;
        assert_eq!(creator.status, 200);
        assert_eq!(creator.body["championship_name"], "Winter cup");

        let now = due_today(&app, &alice, &bob).await;
        assert_eq!(
            convert(&app, &alice.token, now, json!({})).await.status,
            201
        );
        let frozen = patch(&app, &alice.token, now, json!({"notes": "late"})).await;
        assert_eq!(
            (frozen.status, frozen.code()),
            (409, "fixture_already_converted")
        );
    }
);

crate::api_test!(
    a_participant_deletes_a_fixture_but_not_a_championship_one,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let id = on_friday(&app, &alice, &bob).await;
        let path = format!("/api/v1/scheduled-matches/{id}");
        let stranger = app
            .call(Method::DELETE, &path, Some(&carol.token), None::<&()>)
            .await;
        assert_eq!(stranger.status, 404);
        let deleted = app
            .call(Method::DELETE, &path, Some(&bob.token), None::<&()>)
            .await;
        assert_eq!(deleted.status, 204);
        assert_eq!(get(&app, Some(&alice.token), &path).await.status, 404);

        let cup = on_friday(&app, &alice, &bob).await;
        into_championship(&app, cup, carol.player, alice.player, bob.player).await;
        let cup_path = format!("/api/v1/scheduled-matches/{cup}");
        let refused = app
            .call(Method::DELETE, &cup_path, Some(&carol.token), None::<&()>)
            .await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "not_championship_creator")
        );
        assert_eq!(get(&app, Some(&alice.token), &cup_path).await.status, 200);
    }
);

crate::api_test!(
    converting_a_fixture_creates_its_match_once_at_the_scheduled_time,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let date = today().to_string();
        let id = due_today(&app, &alice, &bob).await;
        let stranger = convert(&app, &carol.token, id, json!({})).await;
        assert_eq!(stranger.status, 404);
        let bad = convert(&app, &bob.token, id, json!({"best_of": 4})).await;
        assert_eq!((bad.status, bad.code()), (422, "best_of_invalid"));

        let played = convert(
            &app,
            &bob.token,
            id,
            json!({"games": [
                {"side1_points": 11, "side2_points": 5},
                {"side1_points": 11, "side2_points": 7},
                {"side1_points": 11, "side2_points": 9}
            ]}),
        )
        .await;
        assert_eq!(played.status, 201, "{}", played.body);
        let m = &played.body;
        let match_id = m["id"].as_i64().unwrap();
        assert_eq!(
            played.headers["location"],
            format!("/api/v1/matches/{match_id}").as_str()
        );
        assert_eq!(m["side1"][0]["id"], alice.player);
        assert_eq!(m["side2"][0]["id"], bob.player);
        assert_eq!(m["best_of"], 5);
        assert_eq!(m["match_type"], "casual");
        assert_eq!(m["played_at"], format!("{date}T00:00:00Z"));
        assert_eq!(
            (&m["side1_games"], &m["winner_side"]),
            (&json!(3), &json!(1))
        );
        assert_eq!(m["is_confirmed"], false);
        let mut awaiting: Vec<i64> = m["awaiting"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_i64().unwrap())
            .collect();
        awaiting.sort_unstable();
        assert_eq!(awaiting, vec![alice.player, bob.player]);
        assert_eq!(
            m["viewer"]["can_confirm"], true,
            "bob has not confirmed yet"
        );
        for player in [&alice, &bob] {
            let inbox = get(&app, Some(&player.token), "/api/v1/notifications").await;
            assert_eq!(inbox.body["items"][0]["kind"], "match_confirmation");
            assert_eq!(
                inbox.body["items"][0]["match_id"], match_id,
                "the converted match asks both players to confirm (DOMAIN.md §3.5)"
            );
        }

        let linked = get(
            &app,
            Some(&alice.token),
            &format!("/api/v1/scheduled-matches/{id}"),
        )
        .await;
        assert_eq!(linked.body["match_id"], match_id);
        let again = convert(&app, &alice.token, id, json!({})).await;
        assert_eq!(
            (again.status, again.code()),
            (409, "fixture_already_converted")
        );

        let ahead = on_friday(&app, &alice, &bob).await;
        let early = convert(&app, &alice.token, ahead, json!({})).await;
        assert_eq!((early.status, early.code()), (422, "played_at_in_future"));
        let garbled = app
            .call(
                Method::POST,
                &format!("/api/v1/scheduled-matches/{ahead}/convert"),
                Some(&alice.token),
                Some(&"not an object"),
            )
            .await;
        assert_eq!((garbled.status, garbled.code()), (400, "malformed_request"));
        let no_body = app
            .client
            .post(app.url(&format!("/api/v1/scheduled-matches/{ahead}/convert")))
            .bearer_auth(&alice.token)
            .send()
            .await
            .unwrap();
        assert_eq!(
            no_body.status(),
            422,
            "no body takes the defaults, and the default played_at is still ahead"
        );
    }
);

crate::api_test!(
    a_championship_fixture_is_converted_by_its_players_into_a_tournament_match,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let id = due_today(&app, &alice, &bob).await;
        into_championship(&app, id, carol.player, alice.player, bob.player).await;
        let creator = convert(&app, &carol.token, id, json!({})).await;
        assert_eq!(
            (creator.status, creator.code()),
            (403, "not_a_participant"),
            "the creator sees the fixture but does not play it"
        );
        let played = convert(&app, &bob.token, id, json!({"match_type": "practice"})).await;
        assert_eq!(played.status, 201, "{}", played.body);
        assert_eq!(played.body["match_type"], "tournament");
        assert!(played.body["championship_id"].is_i64());
        let status = strings(&app.state.db, "SELECT status AS v FROM championships").await;
        assert_eq!(status, ["in_progress"]);
    }
);

crate::api_test!(
    the_calendar_shows_my_month_from_sunday_with_fixtures_matches_and_upcoming,
    |app| async move {
        let (alice, bob, carol) = trio(&app).await;
        let gary = app.guest("gary").await;
        let ahead = on_friday(&app, &alice, &bob).await;
        let date = today().to_string();
        let played = fixture(&app, &alice.token, alice.player, gary, &date, "00:00:00").await;
        let converted = convert(
            &app,
            &alice.token,
            played,
            json!({"games": [
                {"side1_points": 11, "side2_points": 5},
                {"side1_points": 11, "side2_points": 7},
                {"side1_points": 11, "side2_points": 9}
            ]}),
        )
        .await;
        assert_eq!(
            converted.body["is_confirmed"], true,
            "a guest's side auto-confirms"
        );
        let match_id = converted.body["id"].as_i64().unwrap();

        let august = get(
            &app,
            Some(&alice.token),
            "/api/v1/calendar?year=2030&month=8",
        )
        .await;
        assert_eq!(august.status, 200, "{}", august.body);
        let cal = &august.body;
        assert_eq!((&cal["year"], &cal["month"]), (&json!(2030), &json!(8)));
        assert_eq!(cal["previous"], json!({"year": 2030, "month": 7}));
        assert_eq!(cal["next"], json!({"year": 2030, "month": 9}));
        let days: Vec<&Value> = cal["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| w.as_array().unwrap())
            .collect();
        let first: NaiveDate = days[0]["date"].as_str().unwrap().parse().unwrap();
        assert_eq!(first.weekday(), Weekday::Sun);
        assert_eq!(
            first.to_string(),
            "2030-07-28",
            "filler days of July lead in"
        );
        assert_eq!(days[0]["in_month"], false);
        assert_eq!(days.len() % 7, 0);
        let friday = days.iter().find(|d| d["date"] == FRIDAY).unwrap();
        assert_eq!(friday["fixtures"][0]["id"], ahead);
        assert_eq!(friday["fixtures"][0]["side2"][0]["name"], "bob");
        assert_eq!(cal["upcoming"][0]["id"], ahead);
        let odds = &cal["upcoming"][0]["win_probability"];
        assert!(
            odds["side1"].as_i64().unwrap() > 50,
            "alice's win lifted her rating"
        );
        assert_eq!(
            odds["side1"].as_i64().unwrap() + odds["side2"].as_i64().unwrap(),
            100
        );
        assert_eq!(
            cal["upcoming"].as_array().unwrap().len(),
            1,
            "converted ones leave"
        );

        let this_month = get(&app, Some(&alice.token), "/api/v1/calendar").await;
        let day = this_month.body["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| w.as_array().unwrap())
            .find(|d| d["date"] == date.as_str())
            .unwrap()
            .clone();
        assert_eq!(day["matches"][0]["id"], match_id);
        assert_eq!(day["matches"][0]["is_confirmed"], true);
        assert_eq!(
            day["fixtures"],
            json!([]),
            "a fixture hides once its match is confirmed"
        );

        let carols = get(
            &app,
            Some(&carol.token),
            "/api/v1/calendar?year=2030&month=8",
        )
        .await;
        assert_eq!(carols.body["upcoming"], json!([]), "carol plays in nothing");
        let december = get(
            &app,
            Some(&carol.token),
            "/api/v1/calendar?year=2030&month=12",
        )
        .await;
        assert_eq!(december.body["next"], json!({"year": 2031, "month": 1}));

        for query in ["month=13", "month=0", "month=may", "year=0", "year=twenty"] {
            let bad = get(
                &app,
                Some(&alice.token),
                &format!("/api/v1/calendar?{query}"),
            )
            .await;
            assert_eq!(
                (bad.status, bad.code()),
                (400, "invalid_query_parameter"),
                "{query}"
            );
        }
        let anonymous = get(&app, None, "/api/v1/calendar").await;
        assert_eq!(anonymous.status, 401);
    }
);

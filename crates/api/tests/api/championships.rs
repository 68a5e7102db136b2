//! Championships over HTTP: creation, visibility, registration, start, standings, edits.

use chrono::{Days, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use ttstats_domain::scoring::GameScore;
use ttstats_domain::{BestOf, MatchKind, MatchType, PlayerId};
use ttstats_persistence::match_writes::{self, NewMatchInput};

use crate::api_test;
use crate::helpers::{Reply, TestApp};

/// A signed-in member: their token and player.
struct Member {
    token: String,
    player: PlayerId,
}

/// A verified user with a player, signed in.
async fn member(app: &TestApp, name: &str) -> Member {
    let (token, player) = app.user(name, true, false).await;
    Member {
        token,
        player: PlayerId(player),
    }
}

/// A signed-in user without a player (`admin` as asked).
async fn playerless(app: &TestApp, name: &str, admin: bool) -> String {
    app.user_without_player(name, admin).await.0
}

/// A guest player.
async fn guest(app: &TestApp, name: &str) -> PlayerId {
    PlayerId(app.guest(name).await)
}

/// Records a championship singles match (entries linked from the players) until fixture
/// conversion is served over HTTP.
async fn record(
    app: &TestApp,
    championship: i64,
    side1: PlayerId,
    side2: PlayerId,
    scores: &[(i64, i64)],
) -> i64 {
    let input = NewMatchInput {
        kind: MatchKind::Singles,
        best_of: BestOf::FIVE,
        match_type: MatchType::Tournament,
        played_at: Utc::now(),
        location_id: None,
        notes: String::new(),
        side1: vec![side1],
        side2: vec![side2],
        games: scores
            .iter()
            .map(|&(a, b)| (GameScore::new(a, b).unwrap(), None))
            .collect(),
        created_by_user_id: None,
        championship_id: Some(championship),
        side1_entry_id: None,
        side2_entry_id: None,
        live_scorekeeper: None,
    };
    app.state
        .db
        .transaction(async |conn| match_writes::create_match(conn, &input, Utc::now()).await)
        .await
        .unwrap()
        .match_id
        .unwrap()
        .0
}

fn day(offset: u64) -> NaiveDate {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(offset))
        .unwrap()
}

fn public_cup(kind: &str) -> Value {
    json!({
        "name": "Spring Cup",
        "kind": kind,
        "start_date": day(14),
        "registration_deadline": day(7),
    })
}

fn private_league(entries: &[&[PlayerId]]) -> Value {
    json!({
        "name": "Winter League",
        "is_public": false,
        "start_date": day(14),
        "entries": entries.iter().map(|e| e.iter().map(|p| p.0).collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<&Value>) -> Reply {
    app.call(Method::POST, path, Some(token), body).await
}

async fn get(app: &TestApp, path: &str, token: &str) -> Reply {
    app.call(Method::GET, path, Some(token), None::<&Value>)
        .await
}

async fn patch(app: &TestApp, path: &str, token: &str, body: &Value) -> Reply {
    app.call(Method::PATCH, path, Some(token), Some(body)).await
}

/// Creates a championship and returns its id.
async fn create(app: &TestApp, token: &str, body: &Value) -> i64 {
    let reply = post(app, "/api/v1/championships", token, Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

fn entry_of(championship: &Value, player: PlayerId) -> i64 {
    championship["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["players"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["id"] == player.0)
        })
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

api_test!(championships_need_a_signed_in_caller, |app| async move {
    let list = app
        .call(Method::GET, "/api/v1/championships", None, None::<&Value>)
        .await;
    assert_eq!((list.status, list.code()), (401, "unauthenticated"));
    let one = app
        .call(Method::GET, "/api/v1/championships/1", None, None::<&Value>)
        .await;
    assert_eq!((one.status, one.code()), (401, "unauthenticated"));
});

api_test!(
    a_public_championship_takes_registrations_until_its_creator_starts_it,
    |app| async move {
        let (alice, bob, carol, dave) = (
            member(&app, "alice").await,
            member(&app, "bob").await,
            member(&app, "carol").await,
            member(&app, "dave").await,
        );
        let created = post(
            &app,
            "/api/v1/championships",
            &alice.token,
            Some(&public_cup("singles")),
        )
        .await;
        assert_eq!(created.status, 201, "{}", created.body);
        let id = created.body["id"].as_i64().unwrap();
        assert_eq!(
            created.headers["location"],
            format!("/api/v1/championships/{id}").as_str()
        );
        assert_eq!(created.body["status"], "registration");
        assert_eq!(created.body["registration_open"], true);
        assert_eq!(created.body["created_by_player_id"], alice.player.0);
        assert_eq!(created.body["entries"], json!([]));

        let register = format!("/api/v1/championships/{id}/register");
        let start = format!("/api/v1/championships/{id}/start");
        let entered = post(&app, &register, &bob.token, None).await;
        assert_eq!(entered.status, 200, "{}", entered.body);
        assert_eq!(entered.body["entries"][0]["display_name"], "bob");
        assert_eq!(entered.body["entries"][0]["players"][0]["id"], bob.player.0);
        let again = post(&app, &register, &bob.token, None).await;
        assert_eq!((again.status, again.code()), (409, "already_registered"));
        let not_creator = post(&app, &start, &bob.token, None).await;
        assert_eq!(
            (not_creator.status, not_creator.code()),
            (403, "not_championship_creator")
        );
        let alone = post(&app, &start, &alice.token, None).await;
        assert_eq!((alone.status, alone.code()), (409, "not_enough_entries"));
        let with_partner = post(
            &app,
            &register,
            &carol.token,
            Some(&json!({"partner": dave.player.0})),
        )
        .await;
        assert_eq!(
            (with_partner.status, with_partner.code()),
            (422, "entry_size_invalid")
        );
        assert_eq!(post(&app, &register, &carol.token, None).await.status, 200);

        let started = post(&app, &start, &alice.token, None).await;
        assert_eq!(started.status, 200, "{}", started.body);
        let body = &started.body;
        assert_eq!(body["status"], "scheduled");
        assert_eq!(body["registration_open"], false);
        assert_eq!(body["fixtures"].as_array().unwrap().len(), 2);
        assert_eq!(body["fixtures"][0]["scheduled_date"], json!(day(14)));
        assert_eq!(body["fixtures"][0]["scheduled_time"], "18:00:00");
        assert_eq!(body["fixtures"][1]["round_number"], 2);
        assert_eq!(body["end_date"], json!(day(21)));
        assert_eq!(body["progress"], 0);
        assert_eq!(body["standings"].as_array().unwrap().len(), 2);
        assert_eq!(body["standings"][0]["points"], 0);
        assert_eq!(body["results"][0][0]["status"], "self");
        assert_eq!(body["results"][0][1]["status"], "not_played");

        let leave = post(
            &app,
            &format!("/api/v1/championships/{id}/unregister"),
            &carol.token,
            None,
        )
        .await;
        assert_eq!(
            (leave.status, leave.code()),
            (409, "championship_not_in_registration")
        );
        let late = post(&app, &register, &dave.token, None).await;
        assert_eq!((late.status, late.code()), (409, "registration_closed"));
        let regenerated = post(
            &app,
            &format!("/api/v1/championships/{id}/regenerate"),
            &alice.token,
            None,
        )
        .await;
        assert_eq!(regenerated.status, 200, "{}", regenerated.body);
        assert_eq!(regenerated.body["fixtures"].as_array().unwrap().len(), 2);
    }
);

api_test!(
    creation_refuses_callers_without_a_player_and_bad_input,
    |app| async move {
        let alice = member(&app, "alice").await;
        let nobody = playerless(&app, "nobody", false).await;
        let path = "/api/v1/championships";
        // 403 comes before the body's 422.
        let no_player = post(
            &app,
            path,
            &nobody,
            Some(&json!({"name": "", "start_date": day(1)})),
        )
        .await;
        assert_eq!(
            (no_player.status, no_player.code()),
            (403, "player_profile_required")
        );
        let mut no_deadline = public_cup("singles");
        no_deadline["registration_deadline"] = Value::Null;
        let reply = post(&app, path, &alice.token, Some(&no_deadline)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (422, "registration_deadline_required")
        );
        assert!(reply.body["errors"]["registration_deadline"].is_array());
        let mut past = public_cup("singles");
        past["start_date"] = json!(Utc::now().date_naive().pred_opt().unwrap());
        past["registration_deadline"] = json!(day(0).checked_sub_days(Days::new(5)).unwrap());
        let reply = post(&app, path, &alice.token, Some(&past)).await;
        assert_eq!((reply.status, reply.code()), (422, "start_date_in_past"));
        let reply = post(&app, path, &alice.token, Some(&public_cup("triples"))).await;
        assert_eq!((reply.status, reply.code()), (422, "invalid_choice"));
        let reply = post(
            &app,
            path,
            &alice.token,
            Some(&private_league(&[&[alice.player]])),
        )
        .await;
        // DOMAIN.md §6 lists `not_enough_entries` as a 409 wherever it arises.
        assert_eq!((reply.status, reply.code()), (409, "not_enough_entries"));
        assert!(reply.body["errors"]["entries"].is_array());
        let reply = post(
            &app,
            path,
            &alice.token,
            Some(&private_league(&[&[alice.player], &[PlayerId(999_999)]])),
        )
        .await;
        assert_eq!((reply.status, reply.code()), (422, "unknown_player"));
        let mut elsewhere = public_cup("singles");
        elsewhere["location"] = json!(999_999);
        let reply = post(&app, path, &alice.token, Some(&elsewhere)).await;
        assert_eq!((reply.status, reply.code()), (422, "invalid_choice"));
        let malformed = app
            .client
            .post(app.url(path))
            .bearer_auth(&alice.token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status().as_u16(), 400);
        let list = get(&app, "/api/v1/championships", &alice.token).await;
        assert_eq!(list.body["total"], 0, "nothing was written");
    }
);

api_test!(
    a_private_championship_is_scheduled_at_once_and_hidden_from_everyone_else,
    |app| async move {
        let alice = member(&app, "alice").await;
        let mut entrants = Vec::new();
        for name in ["bob", "carol", "dave", "erin"] {
            entrants.push(member(&app, name).await);
        }
        let stranger = member(&app, "zed").await;
        let admin = playerless(&app, "root", true).await;
        let ids: Vec<PlayerId> = entrants.iter().map(|m| m.player).collect();
        let id = create(
            &app,
            &alice.token,
            &private_league(&[&[ids[0]], &[ids[1]], &[ids[2]], &[ids[3]]]),
        )
        .await;
        let path = format!("/api/v1/championships/{id}");

        let seen = get(&app, &path, &entrants[0].token).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        let body = &seen.body;
        assert_eq!(body["status"], "scheduled");
        assert_eq!(body["is_public"], false);
        assert_eq!(body["fixtures"].as_array().unwrap().len(), 12);
        assert_eq!(body["end_date"], json!(day(14 + 35)));
        // Example 4, round 1: A–D, B–C.
        let entry = |i: usize| entry_of(body, ids[i]);
        let round1: Vec<(i64, i64)> = body["fixtures"].as_array().unwrap()[..2]
            .iter()
            .map(|f| {
                (
                    f["side1_entry_id"].as_i64().unwrap(),
                    f["side2_entry_id"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(round1, vec![(entry(0), entry(3)), (entry(1), entry(2))]);

        let hidden = get(&app, &path, &stranger.token).await;
        assert_eq!((hidden.status, hidden.code()), (404, "not_found"));
        let entering = post(&app, &format!("{path}/register"), &stranger.token, None).await;
        assert_eq!((entering.status, entering.code()), (404, "not_found"));
        assert_eq!(get(&app, &path, &admin).await.status, 200);
        assert_eq!(get(&app, &path, &alice.token).await.status, 200);
        let entrant_register =
            post(&app, &format!("{path}/register"), &entrants[0].token, None).await;
        assert_eq!(
            (entrant_register.status, entrant_register.code()),
            (409, "registration_closed")
        );

        let list = |token: &str, query: &str| {
            let path = format!("/api/v1/championships{query}");
            let token = token.to_owned();
            let app = &app;
            async move { get(app, &path, &token).await }
        };
        assert_eq!(list(&stranger.token, "").await.body["total"], 0);
        let mine = list(&entrants[1].token, "?participation=mine").await;
        assert_eq!(mine.body["total"], 1);
        assert_eq!(mine.body["items"][0]["id"], id);
        assert_eq!(
            list(&entrants[1].token, "?participation=public").await.body["total"],
            0
        );
        assert_eq!(list(&admin, "?status=upcoming").await.body["total"], 1);
        assert_eq!(list(&admin, "?status=past").await.body["total"], 0);
        let bad = list(&admin, "?status=soon").await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
        let bad = list(&admin, "?participation=others").await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
    }
);

api_test!(
    standings_and_results_follow_the_championship_matches_and_edits_are_the_creators,
    |app| async move {
        let (alice, bob) = (member(&app, "alice").await, member(&app, "bob").await);
        let gus = guest(&app, "gus").await;
        let id = create(
            &app,
            &alice.token,
            &private_league(&[&[alice.player], &[bob.player], &[gus]]),
        )
        .await;
        let path = format!("/api/v1/championships/{id}");
        // Against the guest: auto-confirmed; between members: pending.
        let ag = record(&app, id, alice.player, gus, &[(11, 3), (11, 4), (11, 5)]).await;
        let ab = record(
            &app,
            id,
            alice.player,
            bob.player,
            &[(11, 9), (9, 11), (11, 7), (11, 8)],
        )
        .await;
        let body = get(&app, &path, &bob.token).await.body;
        let (ea, eb, eg) = (
            entry_of(&body, alice.player),
            entry_of(&body, bob.player),
            entry_of(&body, gus),
        );
        let order: Vec<i64> = body["standings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["entry_id"].as_i64().unwrap())
            .collect();
        assert_eq!(order, vec![ea, eb, eg]);
        assert_eq!(
            body["standings"][0],
            json!({"entry_id": ea, "played": 1, "wins": 1, "losses": 0, "games_won": 3,
                   "games_lost": 0, "game_difference": 3, "points": 3})
        );
        assert_eq!(body["standings"][2]["losses"], 1);
        assert_eq!(
            body["results"][0][1],
            json!({"status": "pending_confirmation", "match_id": ab, "score": "3-1", "won": true})
        );
        assert_eq!(
            body["results"][0][2],
            json!({"status": "confirmed", "match_id": ag, "score": "3-0", "won": true})
        );
        assert_eq!(body["results"][1][0]["status"], "not_played");
        assert_eq!(body["results"][2][2]["status"], "self");

        let by_bob = patch(&app, &path, &bob.token, &json!({"name": "Bob's league"})).await;
        assert_eq!(
            (by_bob.status, by_bob.code()),
            (403, "not_championship_creator")
        );
        let bad = patch(&app, &path, &alice.token, &json!({"status": "paused"})).await;
        assert_eq!((bad.status, bad.code()), (422, "invalid_choice"));
        let nowhere = patch(&app, &path, &alice.token, &json!({"location": 999_999})).await;
        assert_eq!((nowhere.status, nowhere.code()), (422, "invalid_choice"));
        let renamed = patch(
            &app,
            &path,
            &alice.token,
            &json!({"name": "  Club league ", "description": "Thursdays"}),
        )
        .await;
        assert_eq!(renamed.status, 200, "{}", renamed.body);
        assert_eq!(renamed.body["name"], "Club league");
        assert_eq!(renamed.body["description"], "Thursdays");
        let closed = patch(&app, &path, &alice.token, &json!({"status": "completed"})).await;
        assert_eq!(closed.body["status"], "completed");
        assert_eq!(closed.body["champion_entry_id"], ea);
        let cancelled = patch(
            &app,
            &path,
            &alice.token,
            &json!({"status": "cancelled", "description": null}),
        )
        .await;
        assert_eq!(cancelled.body["status"], "cancelled");
        assert_eq!(cancelled.body["champion_entry_id"], Value::Null);
        assert_eq!(cancelled.body["description"], Value::Null);
        let past = get(&app, "/api/v1/championships?status=past", &bob.token).await;
        assert_eq!(past.body["total"], 1);
    }
);

api_test!(
    a_doubles_entry_is_the_caller_and_a_partner,
    |app| async move {
        let (alice, bob, carol) = (
            member(&app, "alice").await,
            member(&app, "bob").await,
            member(&app, "carol").await,
        );
        let gus = guest(&app, "gus").await;
        let nobody = playerless(&app, "nobody", false).await;
        let id = create(&app, &alice.token, &public_cup("doubles")).await;
        let register = format!("/api/v1/championships/{id}/register");
        let no_player = post(&app, &register, &nobody, None).await;
        assert_eq!(
            (no_player.status, no_player.code()),
            (403, "player_profile_required")
        );
        let alone = post(&app, &register, &bob.token, None).await;
        assert_eq!((alone.status, alone.code()), (422, "entry_size_invalid"));
        let himself = post(
            &app,
            &register,
            &bob.token,
            Some(&json!({"partner": bob.player.0})),
        )
        .await;
        assert_eq!(
            (himself.status, himself.code()),
            (422, "players_not_distinct")
        );
        let ghost = post(
            &app,
            &register,
            &bob.token,
            Some(&json!({"partner": 999_999})),
        )
        .await;
        assert_eq!((ghost.status, ghost.code()), (422, "unknown_player"));
        let pair = post(
            &app,
            &register,
            &bob.token,
            Some(&json!({"partner": gus.0})),
        )
        .await;
        assert_eq!(pair.status, 200, "{}", pair.body);
        let entry = &pair.body["entries"][0];
        assert_eq!(entry["display_name"], "bob and gus");
        assert_eq!(entry["players"].as_array().unwrap().len(), 2);
        let taken = post(
            &app,
            &register,
            &carol.token,
            Some(&json!({"partner": gus.0})),
        )
        .await;
        assert_eq!((taken.status, taken.code()), (409, "already_registered"));
        // Leaving removes the whole entry, partner included.
        let left = post(
            &app,
            &format!("/api/v1/championships/{id}/unregister"),
            &bob.token,
            None,
        )
        .await;
        assert_eq!(left.status, 200, "{}", left.body);
        assert_eq!(left.body["entries"], json!([]));
        let pair = post(
            &app,
            &register,
            &carol.token,
            Some(&json!({"partner": gus.0})),
        )
        .await;
        assert_eq!(pair.status, 200, "{}", pair.body);
    }
);

/// The titles of the caller's `championship` notifications, newest first.
async fn championship_notices(app: &TestApp, token: &str) -> Vec<String> {
    let inbox = get(app, "/api/v1/notifications", token).await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "championship")
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

api_test!(
    the_last_confirmed_fixture_completes_the_championship_with_its_winner_and_tells_the_entrants,
    |app| async move {
        let (alice, bob) = (member(&app, "alice").await, member(&app, "bob").await);
        let mut league = private_league(&[&[alice.player], &[bob.player]]);
        league["home_and_away"] = json!(false);
        let id = create(&app, &alice.token, &league).await;
        let path = format!("/api/v1/championships/{id}");
        let schedule_out = vec!["Winter League: the schedule is out".to_owned()];
        for token in [&alice.token, &bob.token] {
            assert_eq!(championship_notices(&app, token).await, schedule_out);
        }
        let body = get(&app, &path, &bob.token).await.body;
        let fixtures = body["fixtures"].as_array().unwrap();
        assert_eq!(fixtures.len(), 1, "two entries play once");
        let fixture = fixtures[0]["id"].as_i64().unwrap();

        let played = post(
            &app,
            &format!("/api/v1/scheduled-matches/{fixture}/convert"),
            &bob.token,
            Some(&json!({"played_at": Utc::now(), "games": [
                {"side1_points": 11, "side2_points": 5},
                {"side1_points": 11, "side2_points": 7},
                {"side1_points": 11, "side2_points": 9}
            ]})),
        )
        .await;
        assert_eq!(played.status, 201, "{}", played.body);
        let match_id = played.body["id"].as_i64().unwrap();
        let winner = if played.body["side1"][0]["id"] == alice.player.0 {
            &alice
        } else {
            &bob
        };
        let confirm = format!("/api/v1/matches/{match_id}/confirm");
        assert_eq!(post(&app, &confirm, &alice.token, None).await.status, 200);
        let pending = get(&app, &path, &alice.token).await.body;
        assert_eq!(
            pending["status"], "in_progress",
            "one confirmation is not enough"
        );
        assert_eq!(post(&app, &confirm, &bob.token, None).await.status, 200);

        let done = get(&app, &path, &alice.token).await.body;
        assert_eq!(done["status"], "completed");
        assert_eq!(done["champion_entry_id"], entry_of(&done, winner.player));
        assert_eq!(
            done["standings"][0]["entry_id"],
            entry_of(&done, winner.player)
        );
        assert_eq!(done["standings"][0]["points"], 3);
        for token in [&alice.token, &bob.token] {
            assert_eq!(
                championship_notices(&app, token).await,
                vec![
                    "Winter League is complete".to_owned(),
                    schedule_out[0].clone()
                ]
            );
        }
    }
);

api_test!(
    viewing_a_championship_leaves_the_cached_values_in_place,
    |app| async move {
        let alice = member(&app, "alice").await;
        let bob = member(&app, "bob").await;
        let id = create(
            &app,
            &alice.token,
            &private_league(&[&[alice.player], &[bob.player]]),
        )
        .await;
        let board = || app.get_as("/api/v1/leaderboard", None);
        assert_eq!(crate::stats::header(&board().await, "x-cache"), "MISS");
        let seen = get(&app, &format!("/api/v1/championships/{id}"), &bob.token).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        assert_eq!(
            crate::stats::header(&board().await, "x-cache"),
            "HIT-L1",
            "a read invalidates nothing"
        );
    }
);

//! Live scoring over HTTP (DOMAIN.md §3.15): the scorekeeper's actions, who may do them, and
//! watchers reading or streaming the state.

use std::time::Duration;

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};
use ttstats_domain::{BestOf, MatchId, MatchKind, MatchType, PlayerId};
use ttstats_persistence::match_writes::{self, NewMatchInput};
use ttstats_persistence::matches::{self, MatchFull};

use crate::helpers::{Reply, TestApp};

/// A signed-in user with a player; returns the player and an access token.
async fn member(app: &TestApp, name: &str, is_admin: bool) -> (PlayerId, String) {
    let (token, player) = app.user(name, true, is_admin).await;
    (PlayerId(player), token)
}

async fn guest(app: &TestApp, name: &str) -> PlayerId {
    PlayerId(app.guest(name).await)
}

/// A live singles match of `scorekeeper` against `opponent`.
async fn live_match(app: &TestApp, scorekeeper: PlayerId, opponent: PlayerId, best_of: i64) -> i64 {
    let input = NewMatchInput {
        kind: MatchKind::Singles,
        best_of: BestOf::new(best_of).unwrap(),
        match_type: MatchType::Casual,
        played_at: Utc::now(),
        location_id: None,
        notes: String::new(),
        side1: vec![scorekeeper],
        side2: vec![opponent],
        games: Vec::new(),
        created_by_user_id: None,
        championship_id: None,
        side1_entry_id: None,
        side2_entry_id: None,
        live_scorekeeper: Some(scorekeeper),
    };
    let now = Utc::now();
    app.state
        .db
        .transaction(async |conn| match_writes::create_match(conn, &input, now).await)
        .await
        .unwrap()
        .match_id
        .unwrap()
        .0
}

async fn stored(app: &TestApp, id: i64) -> MatchFull {
    app.state
        .db
        .run(async |conn| matches::load_match(conn, MatchId(id)).await)
        .await
        .unwrap()
}

/// POST /matches/{id}/live/{action}.
async fn live(app: &TestApp, id: i64, action: &str, token: Option<&str>, body: Value) -> Reply {
    let path = format!("/api/v1/matches/{id}/live/{action}");
    let body = (!body.is_null()).then_some(body);
    app.call(Method::POST, &path, token, body.as_ref()).await
}

async fn start(app: &TestApp, id: i64, token: &str) -> Reply {
    let reply = live(app, id, "start", Some(token), json!({"initial_server": 1})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

/// Scores the points of `sides` in order; returns the last reply.
async fn points(app: &TestApp, id: i64, token: &str, sides: &[u8]) -> Reply {
    let mut last = None;
    for &side in sides {
        let reply = live(app, id, "point", Some(token), json!({ "side": side })).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        last = Some(reply);
    }
    last.unwrap()
}

/// The points of a game won `p1`-`p2`, the loser's first so no earlier point ends it.
fn game(p1: usize, p2: usize) -> Vec<u8> {
    let mut sides = if p1 > p2 { vec![2; p2] } else { vec![1; p1] };
    sides.extend(if p1 > p2 { vec![1; p1] } else { vec![2; p2] });
    sides
}

async fn get_live(app: &TestApp, id: i64, token: Option<&str>) -> Reply {
    let path = format!("/api/v1/matches/{id}/live");
    app.call(Method::GET, &path, token, None::<&()>).await
}

fn score(body: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| body[k].as_u64().unwrap();
    (
        n("side1_games"),
        n("side2_games"),
        n("side1_points"),
        n("side2_points"),
    )
}

crate::api_test!(
    the_scorekeeper_scores_a_best_of_three_to_a_pending_match,
    |app| async move {
        let ((alice, token), (bob, _)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
        );
        let id = live_match(&app, alice, bob, 3).await;
        let started = start(&app, id, &token).await;
        assert_eq!(started.body["started"], true);
        assert_eq!(started.body["server"], 1);
        assert_eq!(started.body["is_live"], true);

        let first = points(&app, id, &token, &game(11, 6)).await;
        assert_eq!(score(&first.body), (1, 0, 0, 0));
        assert_eq!(first.body["game_number"], 2);
        assert_eq!(first.body["server"], 2, "game 2 opens with the other side");
        points(&app, id, &token, &game(9, 11)).await;
        let last = points(&app, id, &token, &game(11, 4)).await;

        assert_eq!(last.body["is_match_complete"], true);
        assert_eq!(last.body["winner_side"], 1);
        assert_eq!(last.body["is_live"], false);
        assert_eq!(last.body["server"], Value::Null);
        assert_eq!(
            last.body["confirm_url"],
            format!("/api/v1/matches/{id}/confirm")
        );
        let events = last.body["events"].as_array().unwrap();
        assert_eq!(
            events.last().unwrap()["final_side1_points"],
            11,
            "the deciding point carries the game's final score"
        );

        let done = stored(&app, id).await;
        assert!(!done.row.is_live);
        assert_eq!(done.row.winner_side, Some(1));
        assert!(
            !done.row.is_confirmed,
            "pending until both verified players confirm"
        );
        let games: Vec<(i32, i32)> = done
            .games
            .iter()
            .map(|g| (g.side1_points, g.side2_points))
            .collect();
        assert_eq!(games, vec![(11, 6), (9, 11), (11, 4)]);

        let after = live(&app, id, "point", Some(&token), json!({"side": 2})).await;
        assert_eq!(
            (after.status, after.code()),
            (409, "match_already_complete")
        );
    }
);

crate::api_test!(
    a_live_match_against_a_guest_is_confirmed_when_decided,
    |app| async move {
        let (alice, token) = member(&app, "alice", false).await;
        let gary = guest(&app, "gary").await;
        let id = live_match(&app, alice, gary, 1).await;
        start(&app, id, &token).await;
        let last = points(&app, id, &token, &game(5, 11)).await;
        assert_eq!(last.body["winner_side"], 2);
        let done = stored(&app, id).await;
        assert!(done.row.is_confirmed && done.row.auto_confirmed);
    }
);

crate::api_test!(
    only_the_scorekeeper_or_an_admin_may_score_while_any_member_may_watch,
    |app| async move {
        let ((alice, token), (bob, bob_token), (_, stranger), (_, admin)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
            member(&app, "carol", false).await,
            member(&app, "root", true).await,
        );
        let id = live_match(&app, alice, bob, 5).await;

        for token in [&bob_token, &stranger] {
            let refused = live(&app, id, "start", Some(token), json!({"initial_server": 1})).await;
            assert_eq!((refused.status, refused.code()), (403, "not_scorekeeper"));
            let bad_side = live(&app, id, "point", Some(token), json!({"side": 3})).await;
            assert_eq!(
                (bad_side.status, bad_side.code()),
                (403, "not_scorekeeper"),
                "permission is checked before the input"
            );
        }
        let anonymous = live(&app, id, "point", None, json!({"side": 1})).await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );

        let by_admin = live(
            &app,
            id,
            "start",
            Some(&admin),
            json!({"initial_server": 2}),
        )
        .await;
        assert_eq!(by_admin.status, 200);
        points(&app, id, &token, &[1]).await;

        let watched = get_live(&app, id, Some(&stranger)).await;
        assert_eq!(watched.status, 200);
        assert_eq!(score(&watched.body), (0, 0, 1, 0));
        assert_eq!(watched.body["initial_server"], 2);
        let anonymous = get_live(&app, id, None).await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );
        let missing = get_live(&app, 999_999, Some(&stranger)).await;
        assert_eq!((missing.status, missing.code()), (404, "not_found"));
    }
);

crate::api_test!(
    bad_input_and_the_wrong_state_are_refused_with_their_codes,
    |app| async move {
        let ((alice, token), (bob, _)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
        );
        let id = live_match(&app, alice, bob, 5).await;
        let early = live(&app, id, "point", Some(&token), json!({"side": 1})).await;
        assert_eq!((early.status, early.code()), (409, "live_not_started"));
        let bad = live(
            &app,
            id,
            "start",
            Some(&token),
            json!({"initial_server": 0}),
        )
        .await;
        assert_eq!((bad.status, bad.code()), (422, "invalid_side"));
        let malformed = live(&app, id, "point", Some(&token), json!({"side": "left"})).await;
        assert_eq!(
            (malformed.status, malformed.code()),
            (400, "malformed_request")
        );
        start(&app, id, &token).await;
        let again = start(&app, id, &token).await;
        assert_eq!(again.body["initial_server"], 1, "the same start is a no-op");
        let other = live(
            &app,
            id,
            "start",
            Some(&token),
            json!({"initial_server": 2}),
        )
        .await;
        assert_eq!((other.status, other.code()), (409, "live_already_started"));
        let unknown = live(&app, 999_999, "undo", Some(&token), Value::Null).await;
        assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
        let bad_id = app
            .call(
                Method::GET,
                "/api/v1/matches/first/live",
                Some(&token),
                None::<&()>,
            )
            .await;
        assert_eq!(
            (bad_id.status, bad_id.code()),
            (400, "invalid_query_parameter")
        );
        let anonymous = live(&app, id, "point", None, json!({"side": "left"})).await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated"),
            "authentication is checked first"
        );
    }
);

crate::api_test!(
    the_side_switch_prompt_appears_at_five_in_the_deciding_game_until_acknowledged,
    |app| async move {
        let ((alice, token), (bob, _)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
        );
        let id = live_match(&app, alice, bob, 3).await;
        start(&app, id, &token).await;
        let in_game_one = points(&app, id, &token, &[1; 5]).await;
        assert_eq!(in_game_one.body["should_prompt_side_switch"], false);
        points(&app, id, &token, &[1; 6]).await;
        points(&app, id, &token, &game(2, 11)).await;

        let four_all = points(&app, id, &token, &[1, 2, 1, 2, 1, 2, 1, 2]).await;
        assert_eq!(four_all.body["game_number"], 3);
        assert_eq!(four_all.body["should_prompt_side_switch"], false);
        let five = points(&app, id, &token, &[2]).await;
        assert_eq!(five.body["should_prompt_side_switch"], true);
        assert_eq!(
            get_live(&app, id, Some(&token)).await.body["should_prompt_side_switch"],
            true
        );

        let switched = live(&app, id, "side-switch", Some(&token), Value::Null).await;
        assert_eq!(switched.status, 200);
        assert_eq!(switched.body["should_prompt_side_switch"], false);
        assert_eq!(switched.body["side_switched"], true);
        let later = points(&app, id, &token, &[2]).await;
        assert_eq!(
            later.body["should_prompt_side_switch"], false,
            "once per match"
        );
    }
);

crate::api_test!(
    undo_takes_points_back_even_across_a_game_end,
    |app| async move {
        let ((alice, token), (bob, _)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
        );
        let id = live_match(&app, alice, bob, 5).await;
        start(&app, id, &token).await;
        let empty = live(&app, id, "undo", Some(&token), Value::Null).await;
        assert_eq!(
            (empty.status, score(&empty.body)),
            (200, (0, 0, 0, 0)),
            "nothing to undo"
        );
        points(&app, id, &token, &game(11, 7)).await;
        points(&app, id, &token, &[2]).await;

        let undone = live(&app, id, "undo", Some(&token), Value::Null).await;
        assert_eq!(score(&undone.body), (1, 0, 0, 0));
        let reopened = live(&app, id, "undo", Some(&token), Value::Null).await;
        assert_eq!(score(&reopened.body), (0, 0, 10, 7));
        assert_eq!(reopened.body["game_number"], 1);
        assert!(
            stored(&app, id).await.games.is_empty(),
            "game 1 is open again"
        );
    }
);

crate::api_test!(
    ending_early_keeps_the_games_and_hides_the_match_from_strangers,
    |app| async move {
        let ((alice, token), (bob, _), (_, stranger)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
            member(&app, "carol", false).await,
        );
        let id = live_match(&app, alice, bob, 5).await;
        start(&app, id, &token).await;
        points(&app, id, &token, &game(11, 3)).await;
        points(&app, id, &token, &[2, 2]).await;

        let ended = live(&app, id, "end", Some(&token), Value::Null).await;
        assert_eq!(ended.status, 200);
        assert_eq!(ended.body["is_live"], false);
        assert_eq!(ended.body["is_match_complete"], false);
        assert!(ended.body.get("confirm_url").is_none());
        let done = stored(&app, id).await;
        assert_eq!((done.games.len(), done.row.winner_side), (1, None));

        let again = live(&app, id, "point", Some(&token), json!({"side": 1})).await;
        assert_eq!((again.status, again.code()), (409, "match_not_live"));
        assert_eq!(
            get_live(&app, id, Some(&token)).await.body["is_live"],
            false
        );
        let hidden = get_live(&app, id, Some(&stranger)).await;
        assert_eq!(
            (hidden.status, hidden.code()),
            (404, "not_found"),
            "an unfinished match is visible to its players only"
        );
    }
);

/// Reads the next `data:` event of an SSE response, skipping comments.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String) -> Value {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                return serde_json::from_str(data).unwrap();
            }
            continue;
        }
        let Ok(chunk) = tokio::time::timeout(Duration::from_secs(10), response.chunk()).await
        else {
            panic!("no event within 10 s");
        };
        let Some(chunk) = chunk.unwrap() else {
            panic!("the stream closed early");
        };
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

crate::api_test!(
    watchers_receive_the_state_as_server_sent_events,
    |app| async move {
        let ((alice, token), (bob, _), (_, watcher)) = (
            member(&app, "alice", false).await,
            member(&app, "bob", false).await,
            member(&app, "carol", false).await,
        );
        let id = live_match(&app, alice, bob, 1).await;
        start(&app, id, &token).await;
        let path = format!("/api/v1/matches/{id}/live/events");
        let anonymous = app.call(Method::GET, &path, None, None::<&()>).await;
        assert_eq!(
            (anonymous.status, anonymous.code()),
            (401, "unauthenticated")
        );

        let mut stream = app
            .client
            .get(app.url(&path))
            .bearer_auth(&watcher)
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        assert_eq!(
            stream.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        let mut buffer = String::new();
        let first = next_event(&mut stream, &mut buffer).await;
        assert_eq!(first["match_id"], id);
        assert_eq!(score(&first), (0, 0, 0, 0));

        points(&app, id, &token, &[2]).await;
        let scored = next_event(&mut stream, &mut buffer).await;
        assert_eq!(score(&scored), (0, 0, 0, 1));

        points(&app, id, &token, &[1; 11]).await;
        let mut last = next_event(&mut stream, &mut buffer).await;
        while last["is_live"] == true {
            last = next_event(&mut stream, &mut buffer).await;
        }
        assert_eq!(last["winner_side"], 1);
        let closed = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("the stream closes once the match left live mode")
            .unwrap();
        assert_eq!(closed, None);
    }
);

use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use serde_json::json;

use crate::helpers::{Reply, TestApp, WIN_3_0};

/// Records and confirms (by both players) a singles match `a` vs `b` won by side 1.
pub(crate) async fn confirmed_singles(
    app: &TestApp,
    (ta, a): (&str, i64),
    (tb, b): (&str, i64),
) -> i64 {
    let id = app.singles(ta, a, b, WIN_3_0).await;
    for token in [ta, tb] {
        let reply = app
            .post_as(
                &format!("/api/v1/matches/{id}/confirm"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    id
}

/// A GET with extra headers.
async fn get_with(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    Reply::read(request.send().await.unwrap()).await
}

pub(crate) fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

crate::api_test!(
    the_leaderboard_ranks_the_winner_of_a_confirmed_match_first,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        confirmed_singles(&app, (&alice, a), (&bob, b)).await;

        let board = app.get_as("/api/v1/leaderboard", None).await;
        assert_eq!(board.status, 200, "{}", board.body);
        let items = board.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["rank"], 1);
        assert_eq!(items[0]["player"]["id"], a);
        assert_eq!(items[0]["wins"], 1);
        assert_eq!(items[1]["player"]["id"], b);
        assert_eq!(items[1]["losses"], 1);
        assert_eq!(board.body["total"], 2);
        assert!(board.body["iso_week"]["week"].is_u64());
        // Two new players (K 48) at 1500: ±24 this week; ties go to the first in table order.
        assert_eq!(
            (&items[0]["movement_7d"], &items[1]["movement_7d"]),
            (&json!(24), &json!(-24))
        );
        let mover = &board.body["biggest_mover"];
        assert_eq!(
            (&mover["player"]["id"], &mover["movement_7d"]),
            (&json!(a), &json!(24))
        );

        let singles = app
            .get_as("/api/v1/leaderboard?kind=singles&period=30d", None)
            .await;
        assert_eq!(singles.status, 200);
        assert_eq!(singles.body["items"][0]["player"]["id"], a);
        let doubles = app.get_as("/api/v1/leaderboard?kind=doubles", None).await;
        assert_eq!(doubles.body["items"], json!([]));
        assert_eq!(doubles.body["empty_reason"], "no_results");
    }
);

crate::api_test!(
    bad_leaderboard_parameters_are_refused_with_their_codes,
    |app| async move {
        for (query, code) in [
            ("kind=mixed", "invalid_query_parameter"),
            ("period=7d", "invalid_query_parameter"),
            ("limit=-1", "invalid_query_parameter"),
            ("period=custom&from=2026-03-10", "invalid_date_range"),
            (
                "period=custom&from=2026-03-10&to=2026-03-01",
                "invalid_date_range",
            ),
        ] {
            let reply = app
                .get_as(&format!("/api/v1/leaderboard?{query}"), None)
                .await;
            assert_eq!(reply.status, 400, "{query}: {}", reply.body);
            assert_eq!(reply.code(), code, "{query}");
        }
    }
);

crate::api_test!(
    a_repeated_read_is_served_from_memory_and_a_matching_etag_gets_304,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        confirmed_singles(&app, (&alice, a), (&bob, b)).await;
        let path = "/api/v1/leaderboard?limit=5";

        let first = get_with(&app, path, None, &[]).await;
        assert_eq!(first.status, 200);
        assert_eq!(header(&first, "x-cache"), "MISS");
        let second = get_with(&app, path, None, &[]).await;
        assert_eq!(header(&second, "x-cache"), "HIT-L1");
        assert_eq!(second.body, first.body);
        let etag = header(&first, ETAG.as_str()).to_owned();
        assert!(etag.starts_with("W/\""), "{etag}");
        assert_eq!(header(&second, ETAG.as_str()), etag);

        let unchanged = get_with(&app, path, None, &[(IF_NONE_MATCH.as_str(), &etag)]).await;
        assert_eq!(unchanged.status, 304);
        let stale = get_with(&app, path, None, &[(IF_NONE_MATCH.as_str(), "W/\"0\"")]).await;
        assert_eq!(stale.status, 200);
    }
);

crate::api_test!(
    only_an_admins_no_cache_bypasses_the_cache,
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        let (user, _) = app.user("carol", true, false).await;
        let path = "/api/v1/leaderboard";
        get_with(&app, path, None, &[]).await;

        let by_user = get_with(
            &app,
            path,
            Some(&user),
            &[(CACHE_CONTROL.as_str(), "no-cache")],
        )
        .await;
        assert_eq!(by_user.status, 200);
        assert_eq!(header(&by_user, "x-cache"), "HIT-L1");
        let by_admin = get_with(
            &app,
            path,
            Some(&admin),
            &[(CACHE_CONTROL.as_str(), "no-cache")],
        )
        .await;
        assert_eq!(by_admin.status, 200);
        assert_eq!(header(&by_admin, "x-cache"), "BYPASS");
        assert_eq!(by_admin.body, by_user.body);
    }
);

crate::api_test!(head_to_head_of_b_and_a_mirrors_a_and_b, |app| async move {
    let (alice, a) = app.user("alice", true, false).await;
    let (bob, b) = app.user("bob", true, false).await;
    confirmed_singles(&app, (&alice, a), (&bob, b)).await;
    confirmed_singles(&app, (&alice, a), (&bob, b)).await;

    let ab = app
        .get_as(
            &format!("/api/v1/head-to-head?player1={a}&player2={b}"),
            None,
        )
        .await;
    let ba = app
        .get_as(
            &format!("/api/v1/head-to-head?player1={b}&player2={a}"),
            None,
        )
        .await;
    assert_eq!(ab.status, 200, "{}", ab.body);
    assert_eq!(ba.status, 200, "{}", ba.body);
    assert_eq!(ab.body["has_data"], true);
    assert_eq!(ab.body["total_matches"], 2);
    assert_eq!(ab.body["player1"]["id"], a);
    assert_eq!(ba.body["player1"]["id"], b);
    for (one, two) in [
        ("player1_match_wins", "player2_match_wins"),
        ("player1_game_wins", "player2_game_wins"),
        ("player1_win_probability", "player2_win_probability"),
        ("player1_max_margin", "player2_max_margin"),
    ] {
        assert_eq!(ab.body[one], ba.body[two], "{one}");
        assert_eq!(ab.body[two], ba.body[one], "{two}");
    }
    assert_eq!(ab.body["player1_match_wins"], 2);
    let p1 = ab.body["player1_win_probability"].as_u64().unwrap();
    let p2 = ab.body["player2_win_probability"].as_u64().unwrap();
    assert_eq!(p1 + p2, 100);
    assert!(p1 > 50, "the winner is rated higher now: {p1}");

    let same = app
        .get_as(
            &format!("/api/v1/head-to-head?player1={a}&player2={a}"),
            None,
        )
        .await;
    assert_eq!(same.status, 422);
    assert_eq!(same.code(), "players_not_distinct");
    let unknown = app
        .get_as(
            &format!("/api/v1/head-to-head?player1={a}&player2=999999"),
            None,
        )
        .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "not_found");
    let pairs = app
        .get_as(&format!("/api/v1/pairs?player1={b}&player2={a}"), None)
        .await;
    assert_eq!(pairs.status, 200, "{}", pairs.body);
    assert_eq!(pairs.body["matches"], 0);
    assert_eq!(pairs.body["players"][0]["id"], b);
    assert_eq!(pairs.body["players"][1]["id"], a);
});

crate::api_test!(
    player_stats_count_confirmed_matches_and_tell_who_may_edit,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        confirmed_singles(&app, (&alice, a), (&bob, b)).await;

        let own = app
            .get_as(&format!("/api/v1/players/{a}/stats"), Some(&alice))
            .await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.body["player_id"], a);
        assert_eq!(own.body["total_matches"], 1);
        assert_eq!(own.body["wins"], 1);
        assert_eq!(
            own.body["current_streak"],
            json!({"kind": "win", "length": 1})
        );
        assert_eq!(own.body["can_edit"], true);
        let other = app
            .get_as(&format!("/api/v1/players/{a}/stats"), Some(&bob))
            .await;
        assert_eq!(other.body["can_edit"], false);
        assert_eq!(other.body["wins"], own.body["wins"]);
        let anonymous = app
            .get_as(&format!("/api/v1/players/{a}/stats"), None)
            .await;
        assert_eq!(anonymous.body["can_edit"], false);

        let achievements = app
            .get_as(&format!("/api/v1/players/{a}/achievements"), None)
            .await;
        assert_eq!(achievements.status, 200);
        assert!(
            achievements.body["progress"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        );

        let unknown = app.get_as("/api/v1/players/999999/stats", None).await;
        assert_eq!(unknown.status, 404);
        assert_eq!(unknown.code(), "not_found");
        let unknown = app.get_as("/api/v1/players/999999/matches", None).await;
        assert_eq!(unknown.status, 404);
    }
);

crate::api_test!(
    a_history_page_past_the_end_is_empty_with_the_true_total,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        let newest = {
            confirmed_singles(&app, (&alice, a), (&bob, b)).await;
            confirmed_singles(&app, (&bob, b), (&alice, a)).await
        };

        let first = app
            .get_as(&format!("/api/v1/players/{a}/matches?per_page=1"), None)
            .await;
        assert_eq!(first.status, 200, "{}", first.body);
        assert_eq!(first.body["total"], 2);
        assert_eq!(first.body["items"].as_array().unwrap().len(), 1);
        let item = &first.body["items"][0];
        assert_eq!(item["match"]["id"], newest);
        assert_eq!(item["own_side"], 2);
        assert_eq!(item["won"], false);
        assert_eq!(item["own_games"], 0);
        assert_eq!(item["opponent_games"], 3);
        assert_eq!(item["opponent"], "bob");

        let past = app
            .get_as(
                &format!("/api/v1/players/{a}/matches?page=5&per_page=1"),
                None,
            )
            .await;
        assert_eq!(past.status, 200);
        assert_eq!(past.body["items"], json!([]));
        assert_eq!(past.body["total"], 2);
        assert_eq!(past.body["page"], 5);
    }
);

crate::api_test!(
    the_dashboard_has_a_personal_part_only_for_a_signed_in_player,
    |app| async move {
        let (alice, a) = app.user("alice", true, false).await;
        let (bob, b) = app.user("bob", true, false).await;
        confirmed_singles(&app, (&alice, a), (&bob, b)).await;

        let anonymous = app.get_as("/api/v1/dashboard", None).await;
        assert_eq!(anonymous.status, 200, "{}", anonymous.body);
        assert_eq!(anonymous.body["total_players"], 2);
        assert_eq!(anonymous.body["total_confirmed_matches"], 1);
        assert_eq!(
            anonymous.body["recent_matches"].as_array().unwrap().len(),
            1
        );
        for personal in ["waiting_on_you", "rivalries", "fixtures"] {
            assert!(anonymous.body.get(personal).is_none(), "{personal}");
        }

        let own = app.get_as("/api/v1/dashboard", Some(&alice)).await;
        assert_eq!(own.status, 200, "{}", own.body);
        assert_eq!(own.body["total_players"], 2);
        assert_eq!(own.body["waiting_on_you"]["pending_confirmations"], 0);
        assert_eq!(own.body["rivalries"][0]["opponent"]["id"], b);
        assert_eq!(own.body["fixtures"], json!([]));
        let again = app.get_as("/api/v1/dashboard", Some(&alice)).await;
        assert_eq!(again.body, own.body);
        assert_eq!(header(&again, "x-cache"), "HIT-L1");
    }
);

//! JSON snapshots of the main responses, so a change of the wire shape is a reviewed decision
//! (`cargo insta review`). Ids and instants are redacted; everything else is exact.

use serde_json::json;

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_singles_match_and_its_players_keep_their_shape() {
    let app = spawn_app().await;
    let (alice, a) = app.user("alice", true, false).await;
    let (bob, b) = app.user("bob", true, false).await;
    let created = app
        .post_as(
            "/api/v1/matches",
            Some(&alice),
            &json!({
                "best_of": 5,
                "match_type": "casual",
                "side1": [a],
                "side2": [b],
                "games": [
                    {"side1_points": 11, "side2_points": 7},
                    {"side1_points": 9, "side2_points": 11},
                    {"side1_points": 12, "side2_points": 10},
                    {"side1_points": 11, "side2_points": 4}
                ]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    app.post_as(
        &format!("/api/v1/matches/{id}/confirm"),
        Some(&alice),
        &json!({}),
    )
    .await;
    let confirmed = app
        .post_as(
            &format!("/api/v1/matches/{id}/confirm"),
            Some(&bob),
            &json!({}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{:?}", confirmed.body);
    let match_snapshot = |value: &serde_json::Value| {
        insta::assert_json_snapshot!(value, {
            ".id" => "[id]",
            ".**.id" => "[id]",
            ".**.player_id" => "[id]",
            ".created_by" => "[id]",
            ".played_at" => "[instant]",
            ".created_at" => "[instant]",
            ".confirmed_at" => "[instant]",
            ".**.at" => "[instant]",
            ".awaiting" => "[ids]",
        });
    };
    match_snapshot(&confirmed.body);
    let player = app.get_as(&format!("/api/v1/players/{a}"), None).await;
    insta::assert_json_snapshot!("player", player.body, { ".id" => "[id]" });
}

//! System tests: the real `ttstats` binary, spawned as separate processes on loopback ports
//! with their own Redis and PostgreSQL servers, so that a test can kill, hang and restart any
//! of them (issue #9's faults, issue #10's scale-out). `just scale-test` runs the scale-out
//! proof alone; `cargo test -p ttstats-api --test system` runs them all. Tests whose server
//! binaries are missing are skipped with a printed reason, and fail with `CI=true`.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod faults;
mod procs;
mod scale;

use serde_json::{Value, json};

use crate::procs::{Api, Reply};

/// Three games to love-ish: side 1 wins 3–0.
pub const WIN_3_0: &[(i64, i64)] = &[(11, 5), (11, 7), (11, 9)];
/// Side 2 wins 3–1.
pub const LOSS_1_3: &[(i64, i64)] = &[(11, 8), (6, 11), (9, 11), (12, 14)];

/// The `games` array of a match body.
pub fn games(scores: &[(i64, i64)]) -> Value {
    scores
        .iter()
        .map(|(a, b)| json!({"side1_points": a, "side2_points": b}))
        .collect()
}

/// `POST /api/v1/matches`: a complete singles match `a` vs `b`.
pub async fn record_match(
    api: &Api,
    token: &str,
    a: i64,
    b: i64,
    scores: &[(i64, i64)],
) -> Result<Reply, reqwest::Error> {
    let body = json!({"side1": [a], "side2": [b], "games": games(scores)});
    api.call("POST", "/api/v1/matches", Some(token), Some(&body))
        .await
}

/// `POST /api/v1/matches/{id}/confirm` as the owner of `token`.
pub async fn confirm(api: &Api, token: &str, id: i64) -> Result<Reply, reqwest::Error> {
    api.call(
        "POST",
        &format!("/api/v1/matches/{id}/confirm"),
        Some(token),
        Some(&json!({})),
    )
    .await
}

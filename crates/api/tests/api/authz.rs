//! The authorization matrix (DOMAIN.md §4): every write endpoint of the OpenAPI document, called
//! by an anonymous caller, an unrelated user, the participant/owner of the resource and an admin,
//! each on a fresh resource, gets the documented answer — nobody acts on what is not theirs.
//! The rows are checked against the document, so a new write endpoint without a row fails here.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{Days, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp};

/// Who calls.
#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    Unrelated,
    Owner,
    Admin,
}

const CALLERS: [Caller; 4] = [
    Caller::Anonymous,
    Caller::Unrelated,
    Caller::Owner,
    Caller::Admin,
];

/// Success (any 2xx with this status) or a refusal with its problem `code`.
type Expect = (u16, &'static str);
const OK: Expect = (200, "");
const CREATED: Expect = (201, "");
const ACCEPTED: Expect = (202, "");
const NO_CONTENT: Expect = (204, "");
const UNAUTHENTICATED: Expect = (401, "unauthenticated");
const INVISIBLE: Expect = (404, "not_found");
const ADMIN_ONLY: Expect = (403, "admin_required");
const NOT_CREATOR: Expect = (403, "not_championship_creator");
const NOT_SCOREKEEPER: Expect = (403, "not_scorekeeper");
const SIGNED_IN: Expect = (409, "already_signed_in");

/// method, path as documented, answers for [anonymous, unrelated user, owner, admin].
#[rustfmt::skip]
const MATRIX: &[(&str, &str, [Expect; 4])] = &[
    // Accounts: public endpoints; nothing in them belongs to a caller.
    ("post", "/api/v1/auth/register", [CREATED, SIGNED_IN, SIGNED_IN, SIGNED_IN]),
    ("post", "/api/v1/auth/login", [(401, "invalid_credentials"); 4]),
    ("post", "/api/v1/auth/refresh", [(401, "invalid_token"); 4]),
    ("post", "/api/v1/auth/logout", [NO_CONTENT; 4]),
    ("post", "/api/v1/auth/verify-email", [(422, "verification_token_invalid"); 4]),
    ("post", "/api/v1/auth/resend-verification", [ACCEPTED; 4]),
    // Players: guests by anyone signed in; a profile by its user (or an admin).
    ("post", "/api/v1/players", [UNAUTHENTICATED, CREATED, CREATED, CREATED]),
    ("patch", "/api/v1/players/{id}", [UNAUTHENTICATED, (403, "not_profile_owner"), OK, OK]),
    // Matches: an unconfirmed match is invisible to non-participants (404 before 403).
    ("post", "/api/v1/matches", [UNAUTHENTICATED, (422, "creator_not_participant"), CREATED, CREATED]),
    ("patch", "/api/v1/matches/{id}", [UNAUTHENTICATED, INVISIBLE, OK, OK]),
    ("delete", "/api/v1/matches/{id}", [UNAUTHENTICATED, INVISIBLE, NO_CONTENT, NO_CONTENT]),
    ("post", "/api/v1/matches/{id}/games", [UNAUTHENTICATED, INVISIBLE, CREATED, CREATED]),
    ("put", "/api/v1/matches/{id}/games/{number}", [UNAUTHENTICATED, INVISIBLE, OK, OK]),
    ("delete", "/api/v1/matches/{id}/games/{number}", [UNAUTHENTICATED, INVISIBLE, NO_CONTENT, NO_CONTENT]),
    // Confirming is never done for someone else, not even by an admin.
    ("post", "/api/v1/matches/{id}/confirm", [UNAUTHENTICATED, INVISIBLE, OK, (403, "not_a_participant")]),
    // Live scoring: the scorekeeper (the owner here) or an admin.
    ("post", "/api/v1/matches/{id}/live/start", [UNAUTHENTICATED, NOT_SCOREKEEPER, OK, OK]),
    ("post", "/api/v1/matches/{id}/live/point", [UNAUTHENTICATED, NOT_SCOREKEEPER, OK, OK]),
    ("post", "/api/v1/matches/{id}/live/undo", [UNAUTHENTICATED, NOT_SCOREKEEPER, OK, OK]),
    ("post", "/api/v1/matches/{id}/live/end", [UNAUTHENTICATED, NOT_SCOREKEEPER, OK, OK]),
    ("post", "/api/v1/matches/{id}/live/side-switch", [UNAUTHENTICATED, NOT_SCOREKEEPER, OK, OK]),
    // Fixtures: invisible to non-participants.
    ("post", "/api/v1/scheduled-matches", [UNAUTHENTICATED, (422, "creator_not_participant"), CREATED, CREATED]),
    ("patch", "/api/v1/scheduled-matches/{id}", [UNAUTHENTICATED, INVISIBLE, OK, OK]),
    ("delete", "/api/v1/scheduled-matches/{id}", [UNAUTHENTICATED, INVISIBLE, NO_CONTENT, NO_CONTENT]),
    ("post", "/api/v1/scheduled-matches/{id}/convert", [UNAUTHENTICATED, INVISIBLE, CREATED, CREATED]),
    // Championships (public ones, created by the owner): changes by their creator or an admin;
    // anyone signed in enters (and withdraws) their own player.
    ("post", "/api/v1/championships", [UNAUTHENTICATED, CREATED, CREATED, CREATED]),
    ("patch", "/api/v1/championships/{id}", [UNAUTHENTICATED, NOT_CREATOR, OK, OK]),
    ("post", "/api/v1/championships/{id}/start", [UNAUTHENTICATED, NOT_CREATOR, OK, OK]),
    ("post", "/api/v1/championships/{id}/regenerate", [UNAUTHENTICATED, NOT_CREATOR, OK, OK]),
    ("post", "/api/v1/championships/{id}/register", [UNAUTHENTICATED, OK, OK, OK]),
    ("post", "/api/v1/championships/{id}/unregister", [UNAUTHENTICATED, OK, OK, OK]),
    // Notifications: each user reads and sets only their own; another's is invisible, even
    // to an admin.
    ("post", "/api/v1/notifications/{id}/read", [UNAUTHENTICATED, INVISIBLE, OK, INVISIBLE]),
    ("post", "/api/v1/notifications/read-all", [UNAUTHENTICATED, OK, OK, OK]),
    ("put", "/api/v1/me/notification-preferences", [UNAUTHENTICATED, OK, OK, OK]),
    // Operations: admins only.
    ("post", "/api/v1/admin/cache/clear", [UNAUTHENTICATED, ADMIN_ONLY, ADMIN_ONLY, NO_CONTENT]),
    ("post", "/api/v1/admin/cache/warm", [UNAUTHENTICATED, ADMIN_ONLY, ADMIN_ONLY, OK]),
    ("post", "/api/v1/admin/elo/recalculate", [UNAUTHENTICATED, ADMIN_ONLY, ADMIN_ONLY, OK]),
    ("patch", "/api/v1/admin/users/{id}", [UNAUTHENTICATED, ADMIN_ONLY, ADMIN_ONLY, OK]),
];

/// The signed-in people of the matrix.
struct World {
    owner: (String, i64),
    rival: (String, i64),
    unrelated: (String, i64),
    admin: (String, i64),
    /// An unverified account without a player, the target of account administration.
    target_user: i64,
}

impl World {
    async fn new(app: &TestApp) -> Self {
        let (_, target_user) = app.user_without_player("target", false).await;
        Self {
            owner: app.user("owner", true, false).await,
            rival: app.user("rival", true, false).await,
            unrelated: app.user("unrelated", true, false).await,
            admin: app.user("boss", true, true).await,
            target_user,
        }
    }

    fn token(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Anonymous => None,
            Caller::Unrelated => Some(&self.unrelated.0),
            Caller::Owner => Some(&self.owner.0),
            Caller::Admin => Some(&self.admin.0),
        }
    }

    fn player(&self, caller: Caller) -> Option<i64> {
        match caller {
            Caller::Anonymous => None,
            Caller::Unrelated => Some(self.unrelated.1),
            Caller::Owner => Some(self.owner.1),
            Caller::Admin => Some(self.admin.1),
        }
    }
}

fn day(offset: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(offset))
        .unwrap()
        .to_string()
}

fn created(reply: &Reply) -> i64 {
    assert!(reply.status < 300, "setup failed: {}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

/// A match of the owner (side 1) against the rival, recorded by `by`.
async fn a_match(app: &TestApp, w: &World, by: &str, games: &[(i64, i64)], live: bool) -> i64 {
    let games: Vec<Value> = games
        .iter()
        .map(|(a, b)| json!({"side1_points": a, "side2_points": b}))
        .collect();
    let mut body = json!({
        "best_of": 3,
        "match_type": "casual",
        "played_at": Utc::now() - Duration::hours(1),
        "side1": [w.owner.1],
        "side2": [w.rival.1],
    });
    if live {
        body["live"] = json!(true);
    } else {
        body["games"] = json!(games);
    }
    created(&app.post_as("/api/v1/matches", Some(by), &body).await)
}

/// A started live match scored by the owner, with one point played.
async fn a_live_match(app: &TestApp, w: &World) -> i64 {
    let id = a_match(app, w, &w.owner.0, &[], true).await;
    let base = format!("/api/v1/matches/{id}/live");
    let owner = Some(w.owner.0.as_str());
    let started = app
        .post_as(
            &format!("{base}/start"),
            owner,
            &json!({"initial_server": 1}),
        )
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let point = app
        .post_as(&format!("{base}/point"), owner, &json!({"side": 1}))
        .await;
    assert_eq!(point.status, 200, "{}", point.body);
    id
}

async fn a_fixture(app: &TestApp, w: &World) -> i64 {
    let body = json!({
        "scheduled_date": day(1),
        "scheduled_time": "18:00:00",
        "side1": [w.owner.1],
        "side2": [w.rival.1],
    });
    created(
        &app.post_as("/api/v1/scheduled-matches", Some(&w.owner.0), &body)
            .await,
    )
}

fn cup(n: usize) -> Value {
    json!({
        "name": format!("Cup {n}"),
        "kind": "singles",
        "start_date": day(14),
        "registration_deadline": day(7),
    })
}

/// A public championship created by the owner, with the owner and the rival entered.
async fn a_championship(app: &TestApp, w: &World, n: usize, started: bool) -> i64 {
    let id = created(
        &app.post_as("/api/v1/championships", Some(&w.owner.0), &cup(n))
            .await,
    );
    for token in [&w.owner.0, &w.rival.0] {
        let entered = app
            .post_as(
                &format!("/api/v1/championships/{id}/register"),
                Some(token),
                &json!({}),
            )
            .await;
        assert_eq!(entered.status, 200, "{}", entered.body);
    }
    if started {
        let reply = app
            .post_as(
                &format!("/api/v1/championships/{id}/start"),
                Some(&w.owner.0),
                &json!({}),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    id
}

/// The target of a row that needs no resource made first: the path and the body.
fn fixed_target(w: &World, path: &str, n: usize) -> Option<(String, Value)> {
    let body = match path {
        "/api/v1/auth/register" => (
            path.into(),
            json!({"username": format!("newcomer{n}"), "email": format!("newcomer{n}@example.test"),
                   "password": crate::helpers::PASSWORD}),
        ),
        "/api/v1/auth/login" => (
            path.into(),
            json!({"username": "owner", "password": "wrong-guess-123"}),
        ),
        "/api/v1/auth/refresh" | "/api/v1/auth/logout" => {
            (path.into(), json!({"refresh_token": "0".repeat(64)}))
        }
        "/api/v1/auth/verify-email" => (path.into(), json!({"token": "0".repeat(64)})),
        "/api/v1/auth/resend-verification" => {
            (path.into(), json!({"email": "nobody@example.test"}))
        }
        "/api/v1/players" => (path.into(), json!({"name": format!("Guest {n}")})),
        "/api/v1/players/{id}" => (
            path.replace("{id}", &w.owner.1.to_string()),
            json!({"nickname": format!("nick{n}")}),
        ),
        "/api/v1/matches" => (
            path.into(),
            json!({"best_of": 3, "match_type": "casual",
                   "played_at": Utc::now() - Duration::hours(1),
                   "side1": [w.owner.1], "side2": [w.rival.1],
                   "games": [{"side1_points": 11, "side2_points": 4}]}),
        ),
        "/api/v1/scheduled-matches" => (
            path.into(),
            json!({"scheduled_date": day(2), "scheduled_time": "19:00:00",
                   "side1": [w.owner.1], "side2": [w.rival.1]}),
        ),
        "/api/v1/championships" => (path.into(), cup(n)),
        "/api/v1/admin/cache/clear"
        | "/api/v1/admin/cache/warm"
        | "/api/v1/admin/elo/recalculate"
        | "/api/v1/notifications/read-all" => (path.into(), json!({})),
        "/api/v1/me/notification-preferences" => (path.into(), json!({"match_result": false})),
        "/api/v1/admin/users/{id}" => (
            path.replace("{id}", &w.target_user.to_string()),
            json!({"email_verified": true}),
        ),
        _ => return None,
    };
    Some(body)
}

/// A fresh target for one call: the concrete path and the body.
async fn prepare(
    app: &TestApp,
    w: &World,
    caller: Caller,
    path: &str,
    n: usize,
) -> (String, Value) {
    let won = [(11, 5), (11, 7)];
    let concrete = |id: i64| {
        path.replace("{id}", &id.to_string())
            .replace("{number}", "1")
    };
    if let Some(target) = fixed_target(w, path, n) {
        return target;
    }
    match path {
        "/api/v1/matches/{id}" => (
            concrete(a_match(app, w, &w.owner.0, &won, false).await),
            json!({"notes": "edited"}),
        ),
        "/api/v1/matches/{id}/games" => (
            concrete(a_match(app, w, &w.owner.0, &won[..1], false).await),
            json!({"side1_points": 11, "side2_points": 9}),
        ),
        "/api/v1/matches/{id}/games/{number}" => (
            concrete(a_match(app, w, &w.owner.0, &won[..1], false).await),
            json!({"side1_points": 11, "side2_points": 3}),
        ),
        // Recorded by an admin, so neither player has confirmed yet.
        "/api/v1/matches/{id}/confirm" => (
            concrete(a_match(app, w, &w.admin.0, &won, false).await),
            json!({}),
        ),
        "/api/v1/matches/{id}/live/start" => (
            concrete(a_match(app, w, &w.owner.0, &[], true).await),
            json!({"initial_server": 1}),
        ),
        p if p.starts_with("/api/v1/matches/{id}/live/") => {
            (concrete(a_live_match(app, w).await), json!({"side": 2}))
        }
        "/api/v1/scheduled-matches/{id}" => (
            concrete(a_fixture(app, w).await),
            json!({"notes": "bring balls"}),
        ),
        "/api/v1/scheduled-matches/{id}/convert" => (
            concrete(a_fixture(app, w).await),
            json!({"played_at": Utc::now() - Duration::hours(1)}),
        ),
        "/api/v1/championships/{id}" => (
            concrete(a_championship(app, w, n, false).await),
            json!({"description": "edited"}),
        ),
        "/api/v1/championships/{id}/start" => {
            (concrete(a_championship(app, w, n, false).await), json!({}))
        }
        "/api/v1/championships/{id}/regenerate" => {
            (concrete(a_championship(app, w, n, true).await), json!({}))
        }
        "/api/v1/championships/{id}/register" => {
            let id = created(
                &app.post_as("/api/v1/championships", Some(&w.rival.0), &cup(n))
                    .await,
            );
            (concrete(id), json!({}))
        }
        "/api/v1/championships/{id}/unregister" => {
            let id = created(
                &app.post_as("/api/v1/championships", Some(&w.rival.0), &cup(n))
                    .await,
            );
            if let (Some(token), Some(_)) = (w.token(caller), w.player(caller)) {
                let entered = app
                    .post_as(
                        &format!("/api/v1/championships/{id}/register"),
                        Some(token),
                        &json!({}),
                    )
                    .await;
                assert_eq!(entered.status, 200, "{}", entered.body);
            }
            (concrete(id), json!({}))
        }
        // A match the admin recorded asks the owner to confirm: the owner's newest notification.
        "/api/v1/notifications/{id}/read" => {
            a_match(app, w, &w.admin.0, &won, false).await;
            let inbox = app
                .get_as("/api/v1/notifications?per_page=1", Some(&w.owner.0))
                .await;
            (
                concrete(inbox.body["items"][0]["id"].as_i64().unwrap()),
                json!({}),
            )
        }
        other => panic!("no target for {other}: add it to `prepare`"),
    }
}

fn method(name: &str) -> Method {
    Method::from_bytes(name.to_uppercase().as_bytes()).unwrap()
}

#[test]
fn every_write_endpoint_has_a_row_in_the_matrix() {
    let doc = serde_json::to_value(ttstats_api::openapi::document()).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|m| !matches!(m.as_str(), "get" | "head" | "options"))
                .map(|m| (m.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let rows: BTreeSet<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(rows.len(), MATRIX.len(), "a row appears twice");
    let missing: Vec<_> = documented.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "write endpoints without a matrix row: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows of no documented endpoint: {stale:?}"
    );
}

crate::api_test!(
    every_write_endpoint_answers_each_kind_of_caller_as_documented,
    |app| async move {
        let world = World::new(&app).await;
        let mut failures = String::new();
        let mut n = 0;
        for (verb, path, expected) in MATRIX {
            for (caller, (status, code)) in CALLERS.into_iter().zip(expected) {
                n += 1;
                let (url, body) = prepare(&app, &world, caller, path, n).await;
                let reply = app
                    .call(method(verb), &url, world.token(caller), Some(&body))
                    .await;
                if (reply.status, reply.code()) != (*status, *code) {
                    let _ = writeln!(
                        failures,
                        "{verb} {path} as {caller:?}: expected {status} {code:?}, got {} {:?}",
                        reply.status,
                        reply.code()
                    );
                }
            }
        }
        assert!(failures.is_empty(), "\n{failures}");
    }
);

//! The cache never serves a value a write has made stale (issue #6, DOMAIN.md §5): for each
//! write type a read is a MISS, then a HIT, then the write, then a read shows the new value;
//! two instances on one database and one Redis see each other's writes; a cold key read by
//! 100 requests at once is computed once; warming fills what reads then find.
//!
//! The apps use the test Redis (`TEST_REDIS_URL`) under their own key prefix; with `CI=true`
//! a missing Redis fails these tests.

use std::time::{Duration, Instant};

use chrono::Utc;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, WIN_3_0, games, use_test_redis};

fn x_cache(reply: &Reply) -> &str {
    reply
        .headers
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A user with a token and a player id.
struct Who {
    token: String,
    id: i64,
}

/// The people of one case: `alice` and `bob` are verified, `carol` is not (matches against
/// her are auto-confirmed), `admin` administers.
struct Cast {
    alice: Who,
    bob: Who,
    carol: Who,
    admin: String,
    prefix: String,
}

impl Cast {
    async fn new(app: &TestApp, prefix: &str, admin: &str) -> Self {
        let who = |(token, id)| Who { token, id };
        Self {
            alice: who(app.user(&format!("{prefix}alice"), true, false).await),
            bob: who(app.user(&format!("{prefix}bob"), true, false).await),
            carol: who(app.user(&format!("{prefix}carol"), false, false).await),
            admin: admin.to_owned(),
            prefix: prefix.to_owned(),
        }
    }
}

/// Records a singles match `alice` vs `opponent` with `scores` as alice; returns its id.
async fn record(app: &TestApp, cast: &Cast, opponent: i64, scores: &[(i64, i64)]) -> i64 {
    let body = json!({"best_of": 5, "side1": [cast.alice.id], "side2": [opponent],
        "games": games(scores)});
    let reply = app
        .post_as("/api/v1/matches", Some(&cast.alice.token), &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

async fn confirm(app: &TestApp, id: i64, token: &str) {
    let reply = app
        .post_as(
            &format!("/api/v1/matches/{id}/confirm"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

/// A fixture alice vs bob tomorrow at 18:00; returns its id.
async fn schedule(app: &TestApp, cast: &Cast) -> i64 {
    let tomorrow = (Utc::now() + chrono::Duration::days(1)).date_naive();
    let body = json!({"scheduled_date": tomorrow, "scheduled_time": "18:00:00",
        "side1": [cast.alice.id], "side2": [cast.bob.id]});
    let reply = app
        .post_as("/api/v1/scheduled-matches", Some(&cast.alice.token), &body)
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().unwrap()
}

/// Every write type of issue #6.
#[derive(Debug, Clone, Copy)]
enum Write {
    AddGame,
    EditGame,
    DeleteGame,
    Confirm,
    LastConfirm,
    AutoConfirm,
    DeletePendingMatch,
    DeleteConfirmedMatch,
    RenamePlayer,
    UnverifyPlayer,
    RecalculateElo,
    ScheduleFixture,
    EditFixture,
    DeleteFixture,
    ConvertFixture,
    ClearCache,
}

/// The cacheable read whose value the write changes.
#[derive(Debug, Clone, Copy)]
enum Read {
    /// `/dashboard` as bob (his pending confirmations and fixtures).
    BobsDashboard,
    /// `/dashboard` as alice.
    AlicesDashboard,
    /// `/players/{alice}/stats`.
    AlicesStats,
    /// `/players/{bob}/stats`.
    BobsStats,
    /// `/leaderboard?limit=0`.
    Leaderboard,
    /// `/me/badges` as bob.
    BobsBadges,
    /// `/me/badges` as alice.
    AlicesBadges,
    /// `/calendar` (this month) as bob.
    BobsCalendar,
}

struct Case {
    write: Write,
    read: Read,
    /// True of the new value only (checked false before the write, so it cannot pass
    /// vacuously).
    fresh: fn(&Cast, i64, &Value) -> bool,
}

fn waiting(body: &Value, id: i64) -> bool {
    body["waiting_on_you"]["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|i| i["match_id"] == id))
}

fn pending_badge(body: &Value, n: u64) -> bool {
    body["pending_confirmations"].as_u64() == Some(n)
}

fn upcoming(body: &Value, id: i64) -> Option<&Value> {
    body["upcoming"].as_array()?.iter().find(|f| f["id"] == id)
}

fn fixture(body: &Value, id: i64) -> Option<&Value> {
    body["fixtures"]
        .as_array()?
        .iter()
        .find(|f| f["scheduled_match_id"] == id)
}

const CASES: &[Case] = &[
    Case {
        write: Write::AddGame,
        read: Read::BobsDashboard,
        fresh: |_, id, body| waiting(body, id),
    },
    Case {
        write: Write::EditGame,
        read: Read::BobsDashboard,
        fresh: |_, id, body| !waiting(body, id),
    },
    Case {
        write: Write::DeleteGame,
        read: Read::BobsDashboard,
        fresh: |_, id, body| !waiting(body, id),
    },
    Case {
        write: Write::Confirm,
        read: Read::AlicesDashboard,
        fresh: |_, id, body| !waiting(body, id),
    },
    Case {
        write: Write::LastConfirm,
        read: Read::BobsStats,
        fresh: |_, _, body| body["losses"] == 1,
    },
    Case {
        write: Write::AutoConfirm,
        read: Read::AlicesStats,
        fresh: |_, _, body| body["wins"] == 1,
    },
    Case {
        write: Write::DeletePendingMatch,
        read: Read::BobsDashboard,
        fresh: |_, id, body| !waiting(body, id),
    },
    Case {
        write: Write::DeleteConfirmedMatch,
        read: Read::AlicesStats,
        fresh: |_, _, body| body["wins"] == 0,
    },
    Case {
        write: Write::RenamePlayer,
        read: Read::Leaderboard,
        fresh: |cast, _, body| {
            let renamed = format!("{}renamed", cast.prefix);
            body["items"]
                .as_array()
                .is_some_and(|rows| rows.iter().any(|r| r["player"]["name"] == renamed))
        },
    },
    Case {
        write: Write::UnverifyPlayer,
        read: Read::AlicesStats,
        fresh: |_, _, body| body["wins"] == 1,
    },
    Case {
        write: Write::RecalculateElo,
        read: Read::AlicesStats,
        fresh: |_, _, body| body["rating"] != 1900,
    },
    Case {
        write: Write::ScheduleFixture,
        read: Read::BobsDashboard,
        fresh: |_, _, body| body["fixtures"].as_array().is_some_and(|f| f.len() == 1),
    },
    Case {
        write: Write::EditFixture,
        read: Read::BobsDashboard,
        fresh: |_, id, body| fixture(body, id).is_some_and(|f| f["scheduled_time"] == "19:30:00"),
    },
    Case {
        write: Write::DeleteFixture,
        read: Read::BobsDashboard,
        fresh: |_, id, body| fixture(body, id).is_none(),
    },
    Case {
        write: Write::ConvertFixture,
        read: Read::BobsDashboard,
        fresh: |_, id, body| fixture(body, id).is_none(),
    },
    Case {
        write: Write::ClearCache,
        read: Read::AlicesStats,
        fresh: |_, _, body| body["rating"] == 1777,
    },
    // The pending badge (family `pending`).
    Case {
        write: Write::AddGame,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 1),
    },
    Case {
        write: Write::EditGame,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    Case {
        write: Write::DeleteGame,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    Case {
        write: Write::Confirm,
        read: Read::AlicesBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    Case {
        write: Write::LastConfirm,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    Case {
        write: Write::DeletePendingMatch,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    Case {
        write: Write::UnverifyPlayer,
        read: Read::BobsBadges,
        fresh: |_, _, body| pending_badge(body, 0),
    },
    // The calendar month (family `calendar_month`): its upcoming fixtures.
    Case {
        write: Write::ScheduleFixture,
        read: Read::BobsCalendar,
        fresh: |_, _, body| body["upcoming"].as_array().is_some_and(|f| f.len() == 1),
    },
    Case {
        write: Write::EditFixture,
        read: Read::BobsCalendar,
        fresh: |_, id, body| upcoming(body, id).is_some_and(|f| f["scheduled_time"] == "19:30:00"),
    },
    Case {
        write: Write::DeleteFixture,
        read: Read::BobsCalendar,
        fresh: |_, id, body| upcoming(body, id).is_none(),
    },
    Case {
        write: Write::ConvertFixture,
        read: Read::BobsCalendar,
        fresh: |_, id, body| upcoming(body, id).is_none(),
    },
    Case {
        write: Write::RenamePlayer,
        read: Read::BobsCalendar,
        fresh: |cast, _, body| {
            body["upcoming"][0]["side1"][0]["name"] == format!("{}renamed", cast.prefix)
        },
    },
];

/// Brings the database to the state before the write; returns the id the write acts on.
async fn prepare(app: &TestApp, cast: &Cast, write: Write) -> i64 {
    let (alice, bob, carol) = (&cast.alice, &cast.bob, &cast.carol);
    match write {
        Write::AddGame => record(app, cast, bob.id, &WIN_3_0[..2]).await,
        Write::EditGame | Write::DeleteGame | Write::Confirm | Write::DeletePendingMatch => {
            record(app, cast, bob.id, WIN_3_0).await
        }
        Write::LastConfirm | Write::UnverifyPlayer => {
            let id = record(app, cast, bob.id, WIN_3_0).await;
            confirm(app, id, &alice.token).await;
            id
        }
        Write::DeleteConfirmedMatch => record(app, cast, carol.id, WIN_3_0).await,
        Write::RenamePlayer => {
            // A fixture too, for the calendar's upcoming fixtures to show alice's name.
            schedule(app, cast).await;
            record(app, cast, carol.id, WIN_3_0).await
        }
        Write::RecalculateElo => {
            let id = record(app, cast, carol.id, WIN_3_0).await;
            // Drift the stored rating behind the cache's back; the replay repairs it.
            app.set_rating(alice.id, 1900, 1).await;
            id
        }
        // Nothing to prepare: the write creates what the read shows.
        Write::AutoConfirm | Write::ClearCache | Write::ScheduleFixture => 0,
        Write::EditFixture | Write::DeleteFixture | Write::ConvertFixture => {
            schedule(app, cast).await
        }
    }
}

/// Performs the write through the API and checks it succeeded.
#[expect(
    clippy::too_many_lines,
    reason = "one short arm per write type keeps the table's writes in one place"
)]
async fn apply(app: &TestApp, cast: &Cast, write: Write, id: i64) {
    let (alice, bob, carol) = (&cast.alice, &cast.bob, &cast.carol);
    let at = |path: &str| path.replace("{id}", &id.to_string());
    let reply = match write {
        Write::AddGame => {
            let game = json!({"side1_points": 11, "side2_points": 9});
            app.post_as(&at("/api/v1/matches/{id}/games"), Some(&alice.token), &game)
                .await
        }
        Write::EditGame => {
            let game = json!({"side1_points": 9, "side2_points": 11});
            app.put_as(
                &at("/api/v1/matches/{id}/games/3"),
                Some(&alice.token),
                &game,
            )
            .await
        }
        Write::DeleteGame => {
            app.delete_as(&at("/api/v1/matches/{id}/games/3"), Some(&alice.token))
                .await
        }
        Write::Confirm => {
            app.post_as(
                &at("/api/v1/matches/{id}/confirm"),
                Some(&alice.token),
                &json!({}),
            )
            .await
        }
        Write::LastConfirm => {
            app.post_as(
                &at("/api/v1/matches/{id}/confirm"),
                Some(&bob.token),
                &json!({}),
            )
            .await
        }
        Write::AutoConfirm => {
            let body = json!({"best_of": 5, "side1": [alice.id], "side2": [carol.id],
                "games": games(WIN_3_0)});
            app.post_as("/api/v1/matches", Some(&alice.token), &body)
                .await
        }
        Write::DeletePendingMatch => {
            app.delete_as(&at("/api/v1/matches/{id}"), Some(&alice.token))
                .await
        }
        Write::DeleteConfirmedMatch => {
            app.delete_as(&at("/api/v1/matches/{id}"), Some(&cast.admin))
                .await
        }
        Write::RenamePlayer => {
            let body = json!({"name": format!("{}renamed", cast.prefix)});
            app.patch_as(
                &format!("/api/v1/players/{}", alice.id),
                Some(&alice.token),
                &body,
            )
            .await
        }
        Write::UnverifyPlayer => {
            let me = app.get_as("/api/v1/me", Some(&bob.token)).await;
            let user = me.body["user"]["id"].as_i64().unwrap();
            app.patch_as(
                &format!("/api/v1/admin/users/{user}"),
                Some(&cast.admin),
                &json!({"email_verified": false}),
            )
            .await
        }
        Write::RecalculateElo => {
            app.call(
                Method::POST,
                "/api/v1/admin/elo/recalculate",
                Some(&cast.admin),
                None::<&()>,
            )
            .await
        }
        Write::ScheduleFixture => {
            schedule(app, cast).await;
            return;
        }
        Write::EditFixture => {
            let body = json!({"scheduled_time": "19:30:00"});
            app.patch_as(
                &at("/api/v1/scheduled-matches/{id}"),
                Some(&alice.token),
                &body,
            )
            .await
        }
        Write::DeleteFixture => {
            app.delete_as(&at("/api/v1/scheduled-matches/{id}"), Some(&alice.token))
                .await
        }
        Write::ConvertFixture => {
            let body = json!({"played_at": Utc::now() - chrono::Duration::minutes(1),
                "games": games(WIN_3_0)});
            app.post_as(
                &at("/api/v1/scheduled-matches/{id}/convert"),
                Some(&alice.token),
                &body,
            )
            .await
        }
        Write::ClearCache => {
            // A change the cache cannot know about, then the operator's clear.
            app.set_rating(alice.id, 1777, 1).await;
            app.call(
                Method::POST,
                "/api/v1/admin/cache/clear",
                Some(&cast.admin),
                None::<&()>,
            )
            .await
        }
    };
    assert!(
        (200..300).contains(&reply.status),
        "{write:?}: {} {}",
        reply.status,
        reply.body
    );
}

async fn read(app: &TestApp, cast: &Cast, read: Read) -> Reply {
    match read {
        Read::BobsDashboard => app.get_as("/api/v1/dashboard", Some(&cast.bob.token)).await,
        Read::AlicesDashboard => {
            app.get_as("/api/v1/dashboard", Some(&cast.alice.token))
                .await
        }
        Read::AlicesStats => {
            app.get_as(&format!("/api/v1/players/{}/stats", cast.alice.id), None)
                .await
        }
        Read::BobsStats => {
            app.get_as(&format!("/api/v1/players/{}/stats", cast.bob.id), None)
                .await
        }
        Read::Leaderboard => app.get_as("/api/v1/leaderboard?limit=0", None).await,
        Read::BobsBadges => app.get_as("/api/v1/me/badges", Some(&cast.bob.token)).await,
        Read::AlicesBadges => {
            app.get_as("/api/v1/me/badges", Some(&cast.alice.token))
                .await
        }
        Read::BobsCalendar => app.get_as("/api/v1/calendar", Some(&cast.bob.token)).await,
    }
}

crate::api_test!(
    every_write_type_makes_the_next_read_on_the_same_instance_fresh,
    with | s | use_test_redis(s),
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        for (i, case) in CASES.iter().enumerate() {
            let cast = Cast::new(&app, &format!("c{i}"), &admin).await;
            let id = prepare(&app, &cast, case.write).await;
            // Earlier cases' values must not make the first read a hit.
            app.state.cache.clear(None).await;

            let first = read(&app, &cast, case.read).await;
            assert_eq!(first.status, 200, "{:?}: {}", case.write, first.body);
            assert_eq!(x_cache(&first), "MISS", "{:?}", case.write);
            let second = read(&app, &cast, case.read).await;
            assert_eq!(x_cache(&second), "HIT-L1", "{:?}", case.write);
            assert_eq!(second.body, first.body, "{:?}", case.write);
            assert!(
                !(case.fresh)(&cast, id, &second.body),
                "{:?}: the check already holds before the write: {}",
                case.write,
                second.body
            );

            apply(&app, &cast, case.write, id).await;

            let after = read(&app, &cast, case.read).await;
            assert_eq!(after.status, 200, "{:?}: {}", case.write, after.body);
            assert_eq!(x_cache(&after), "MISS", "{:?}", case.write);
            assert!(
                (case.fresh)(&cast, id, &after.body),
                "{:?}: stale after the write: {}",
                case.write,
                after.body
            );
        }
    }
);

crate::api_test!(
    an_l1_hit_of_head_to_head_pairs_dashboard_or_badges_reads_no_database,
    with | s | use_test_redis(s),
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        let cast = Cast::new(&app, "h", &admin).await;
        let id = record(&app, &cast, cast.bob.id, WIN_3_0).await;
        confirm(&app, id, &cast.alice.token).await;
        confirm(&app, id, &cast.bob.token).await;
        record(&app, &cast, cast.bob.id, WIN_3_0).await; // pending: a badge of 1 for bob
        let (alice, bob) = (cast.alice.id, cast.bob.id);
        let h2h = format!("/api/v1/head-to-head?player1={alice}&player2={bob}");
        let pairs = format!("/api/v1/pairs?player1={bob}&player2={alice}");
        let reads: [(&str, Option<&str>, u64); 6] = [
            (&h2h, None, 0),
            (&h2h, Some(&cast.bob.token), 0),
            (&pairs, None, 0),
            ("/api/v1/dashboard", Some(&cast.bob.token), 0),
            ("/api/v1/dashboard", None, 0),
            // Live matches are never cached (DOMAIN.md §5): one statement counts them and
            // the players rated above.
            ("/api/v1/me/badges", Some(&cast.bob.token), 1),
        ];
        for (path, token, queries) in reads {
            let first = app.get_as(path, token).await;
            assert_eq!(first.status, 200, "{path}: {}", first.body);
            let before = app.state.db.checkouts();
            let hit = app.get_as(path, token).await;
            assert_eq!(x_cache(&hit), "HIT-L1", "{path}");
            assert_eq!(hit.body, first.body, "{path}");
            assert_eq!(
                app.state.db.checkouts() - before,
                queries,
                "{path} (signed in: {}) used the database on a hit",
                token.is_some()
            );
        }

        let badges = app.get_as("/api/v1/me/badges", Some(&cast.bob.token)).await;
        assert_eq!(
            badges.body,
            json!({"pending_confirmations": 1, "live_matches": 0, "rank": 4}),
            "bob lost to alice: she, root and carol (both unrated) are above him"
        );
        let probability = app.get_as(&h2h, None).await.body["player1_win_probability"].clone();
        assert!(
            probability.as_f64().is_some_and(|p| p > 0.5),
            "{probability}"
        );
    }
);

crate::api_test!(
    head_to_head_of_unknown_or_equal_players_is_refused_even_when_cached,
    with | s | use_test_redis(s),
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        let cast = Cast::new(&app, "u", &admin).await;
        let alice = cast.alice.id;
        let known = format!(
            "/api/v1/head-to-head?player1={alice}&player2={}",
            cast.bob.id
        );
        assert_eq!(app.get_as(&known, None).await.status, 200);
        for _ in 0..2 {
            let unknown = app
                .get_as(
                    &format!("/api/v1/head-to-head?player1={alice}&player2=999999"),
                    None,
                )
                .await;
            assert_eq!((unknown.status, unknown.code()), (404, "not_found"));
            let same = app
                .get_as(
                    &format!("/api/v1/head-to-head?player1={alice}&player2={alice}"),
                    None,
                )
                .await;
            assert_eq!((same.status, same.code()), (422, "players_not_distinct"));
        }
    }
);

crate::api_test!(
    a_deactivated_user_is_refused_at_once_after_a_cached_hit_on_every_instance,
    with | s | use_test_redis(s),
    |a| async move {
        let (admin, _) = a.user("root", true, true).await;
        let cast = Cast::new(&a, "d", &admin).await;
        let second = if a.state.settings.redis_url.is_some() {
            Some(a.second_instance().await)
        } else {
            None
        };
        let instances: Vec<&TestApp> = std::iter::once(&a).chain(second.as_ref()).collect();
        for app in &instances {
            for _ in 0..2 {
                let ok = app.get_as("/api/v1/me/badges", Some(&cast.bob.token)).await;
                assert_eq!(ok.status, 200, "{}", ok.body);
            }
        }
        let user_of = async |token: &str| {
            let me = a.get_as("/api/v1/me", Some(token)).await;
            me.body["user"]["id"].as_i64().unwrap()
        };
        let patch = async |user: i64, body: Value| {
            let path = format!("/api/v1/admin/users/{user}");
            let reply = a.patch_as(&path, Some(&admin), &body).await;
            assert_eq!(reply.status, 200, "{}", reply.body);
        };
        patch(user_of(&cast.bob.token).await, json!({"active": false})).await;

        let refused = a.get_as("/api/v1/me/badges", Some(&cast.bob.token)).await;
        assert_eq!((refused.status, refused.code()), (401, "invalid_token"));
        if let Some(b) = &second {
            let seen = eventually(
                async || b.get_as("/api/v1/me/badges", Some(&cast.bob.token)).await,
                |v| v["code"] == "invalid_token",
            )
            .await;
            assert_eq!(
                seen.status, 401,
                "instance B still lets bob in: {}",
                seen.body
            );
        }
        // Others are unaffected, and an admin demoted is no admin on the next request.
        let alice = a.get_as("/api/v1/me/badges", Some(&cast.alice.token)).await;
        assert_eq!(alice.status, 200);
        let (other_admin, _) = a.user("deputy", true, true).await;
        let stats = "/api/v1/admin/cache/stats";
        assert_eq!(a.get_as(stats, Some(&other_admin)).await.status, 200);
        patch(user_of(&other_admin).await, json!({"is_admin": false})).await;
        let demoted = a.get_as(stats, Some(&other_admin)).await;
        assert_eq!((demoted.status, demoted.code()), (403, "admin_required"));
    }
);

/// Polls `get` until `fresh` holds, for at most two seconds (pub/sub takes milliseconds).
async fn eventually(mut get: impl AsyncFnMut() -> Reply, fresh: impl Fn(&Value) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let reply = get().await;
        if fresh(&reply.body) || Instant::now() > deadline {
            return reply;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

crate::api_test!(
    a_write_through_one_instance_is_seen_by_another_sharing_redis,
    with | s | use_test_redis(s),
    |a| async move {
        if a.state.settings.redis_url.is_none() {
            return; // two in-process caches cannot share invalidations without Redis
        }
        let b = a.second_instance().await;
        let (admin, _) = a.user("root", true, true).await;
        let cast = Cast::new(&a, "x", &admin).await;
        let stats = format!("/api/v1/players/{}/stats", cast.alice.id);

        // B caches alice's statistics (the second read is B's own L1).
        let cold = b.get_as(&stats, None).await;
        assert_eq!((cold.status, x_cache(&cold)), (200, "MISS"));
        let warm = b.get_as(&stats, None).await;
        assert_eq!(x_cache(&warm), "HIT-L1");
        assert_eq!(warm.body["wins"], 0);

        // A records an auto-confirmed win; B's next reads turn fresh once the message lands.
        apply(&a, &cast, Write::AutoConfirm, 0).await;
        let seen = eventually(async || b.get_as(&stats, None).await, |v| v["wins"] == 1).await;
        assert_eq!(
            seen.body["wins"], 1,
            "instance B still serves {}",
            seen.body
        );

        // A fixture scheduled through B shows on bob's dashboard read through A.
        let before = a.get_as("/api/v1/dashboard", Some(&cast.bob.token)).await;
        assert_eq!(before.body["fixtures"], json!([]));
        let again = a.get_as("/api/v1/dashboard", Some(&cast.bob.token)).await;
        assert_eq!(x_cache(&again), "HIT-L1");
        let fixture = schedule(&b, &cast).await;
        let seen = eventually(
            async || a.get_as("/api/v1/dashboard", Some(&cast.bob.token)).await,
            |v| v["fixtures"][0]["scheduled_match_id"] == fixture,
        )
        .await;
        assert_eq!(seen.body["fixtures"][0]["scheduled_match_id"], fixture);

        let received = b.state.cache.stats().await.invalidations.received;
        assert!(received > 0, "B applied no invalidation from A");
    }
);

crate::api_test!(
    a_hundred_concurrent_reads_of_a_cold_key_compute_it_once,
    with | s | use_test_redis(s),
    |app| async move {
        let (admin, _) = app.user("root", true, true).await;
        let computations = async || -> u64 {
            let stats = app.get_as("/api/v1/admin/cache/stats", Some(&admin)).await;
            stats.body["families"]["leaderboard"]["misses"]
                .as_u64()
                .unwrap()
        };
        let before = computations().await;
        let path = "/api/v1/leaderboard?kind=singles&period=90d&limit=7";
        let replies =
            futures_util::future::join_all((0..100).map(|_| app.get_as(path, None))).await;
        assert!(replies.iter().all(|r| r.status == 200));
        assert!(replies.iter().all(|r| r.body == replies[0].body));
        assert_eq!(
            replies.iter().filter(|r| x_cache(r) == "MISS").count(),
            1,
            "exactly one request computed"
        );
        assert_eq!(computations().await - before, 1);
    }
);

crate::api_test!(
    warming_fills_what_reads_then_find_byte_for_byte,
    with | s | use_test_redis(s),
    |app| async move {
        let admin = crate::helpers::admin_token(&app).await;
        let cast = Cast::new(&app, "w", &admin).await;
        record(&app, &cast, cast.carol.id, WIN_3_0).await;
        let warm = async |query: &str| {
            let path = format!("/api/v1/admin/cache/warm{query}");
            app.call(Method::POST, &path, Some(&admin), None::<&()>)
                .await
        };

        let report = warm("?players=5").await;
        assert_eq!(report.status, 200, "{}", report.body);
        // 15 leaderboard variants, 2 dashboard parts, and per active player (alice, carol)
        // statistics, two history page sizes and the Elo history.
        assert_eq!(report.body["players"], 2);
        assert_eq!(report.body["entries"], 15 + 2 + 2 * 4);
        assert_eq!(report.body["computed"], report.body["entries"]);
        assert!(report.body["duration_ms"].is_u64());

        for path in [
            "/api/v1/leaderboard".to_owned(),
            "/api/v1/leaderboard?kind=doubles&period=30d".to_owned(),
            format!("/api/v1/players/{}/stats", cast.alice.id),
            format!("/api/v1/players/{}/matches?per_page=10", cast.alice.id),
            format!("/api/v1/players/{}/elo-history", cast.carol.id),
        ] {
            let hit = app.get_as(&path, None).await;
            assert_eq!(x_cache(&hit), "HIT-L1", "{path}");
            let request = app
                .client
                .get(app.url(&path))
                .bearer_auth(&admin)
                .header("Cache-Control", "no-cache");
            let truth = request.send().await.unwrap();
            assert_eq!(truth.headers()["x-cache"], "BYPASS");
            let truth: Value = truth.json().await.unwrap();
            if path.ends_with("/stats") {
                // `can_edit` is the one per-viewer member (true for the admin).
                assert_eq!(hit.body["wins"], truth["wins"], "{path}");
            } else {
                assert_eq!(hit.body, truth, "{path}");
            }
        }

        let again = warm("").await;
        assert_eq!(again.body["computed"], 0, "{}", again.body);
        let bad = warm("?players=lots").await;
        assert_eq!((bad.status, bad.code()), (400, "invalid_query_parameter"));
        let refused = app
            .call(
                Method::POST,
                "/api/v1/admin/cache/warm",
                Some(&cast.alice.token),
                None::<&()>,
            )
            .await;
        assert_eq!((refused.status, refused.code()), (403, "admin_required"));
    }
);

crate::api_test!(
    metrics_expose_cache_counters_per_tier_and_family,
    with | s | use_test_redis(s),
    |app| async move {
        app.get_as("/api/v1/leaderboard", None).await;
        app.get_as("/api/v1/leaderboard", None).await;
        let text = app.get("/metrics").await.text().await.unwrap();
        for name in [
            r#"ttstats_cache_hits_total{tier="l1",family="leaderboard"}"#,
            r#"ttstats_cache_misses_total{tier="l2",family="leaderboard"}"#,
            r#"ttstats_cache_computations_total{family="leaderboard"}"#,
            r#"ttstats_cache_l1_entries{family="leaderboard"}"#,
            r#"ttstats_cache_invalidations_total{origin="remote"}"#,
            "ttstats_cache_redis_errors_total",
            "ttstats_cache_redis_breaker_open",
        ] {
            assert!(text.contains(name), "{name} missing from /metrics");
        }
    }
);

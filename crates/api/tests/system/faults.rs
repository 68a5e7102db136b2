//! Issue #9: what users see while Redis, PostgreSQL or ttstats itself fail, and what is left
//! afterwards.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::procs::{Api, Deployment, Instance, Postgres, Redis, require, wait_for};
use crate::{WIN_3_0, confirm, record_match};

/// What a background workload saw.
#[derive(Default)]
struct Tally {
    /// Writes answered 2xx.
    ok: AtomicUsize,
    /// Matches whose creation was answered 201, with whether both confirmations were too.
    acknowledged: Mutex<Vec<(i64, bool)>>,
    /// Every answer that was neither 2xx nor an accepted refusal, described.
    failures: Mutex<Vec<String>>,
    /// 503 answers (with code and Retry-After checked).
    unavailable: AtomicUsize,
    stop: AtomicBool,
}

impl Tally {
    fn fail(&self, what: String) {
        self.failures.lock().unwrap().push(what);
    }

    fn failures(&self) -> Vec<String> {
        self.failures.lock().unwrap().clone()
    }

    fn ok(&self) -> usize {
        self.ok.load(Ordering::SeqCst)
    }

    /// Waits (bounded) until `more` further writes were answered 2xx.
    async fn progress(&self, more: usize, while_what: &str) {
        let target = self.ok() + more;
        wait_for(
            &format!("{more} more successful writes {while_what}"),
            Duration::from_secs(30),
            || async { (self.ok() >= target).then_some(()) },
        )
        .await;
    }
}

/// Whether `reply` is acceptable under `allow_503`: 2xx, or a clean 503 (problem+json code
/// `service_unavailable` and a `Retry-After`). Anything else is recorded as a failure.
fn judge(
    tally: &Tally,
    what: &str,
    reply: Result<crate::procs::Reply, reqwest::Error>,
    allow_503: bool,
) -> Option<Value> {
    match reply {
        Ok(r) if (200..300).contains(&r.status) => Some(r.body),
        Ok(r) if allow_503 && r.status == 503 => {
            if r.body["code"] != "service_unavailable" || r.header("retry-after").is_empty() {
                tally.fail(format!(
                    "{what}: 503 without code/Retry-After: {:?} {}",
                    r.headers, r.body
                ));
            }
            tally.unavailable.fetch_add(1, Ordering::SeqCst);
            None
        }
        Ok(r) => {
            tally.fail(format!("{what}: {} {}", r.status, r.body));
            None
        }
        Err(e) => {
            tally.fail(format!("{what}: {e}"));
            None
        }
    }
}

/// Records a match `a` vs `b` and confirms it as both players, through `apis` in turn,
/// until told to stop.
fn spawn_writer(
    tally: &Arc<Tally>,
    apis: Vec<Api>,
    players: [(String, i64); 2],
    allow_503: bool,
) -> tokio::task::JoinHandle<()> {
    let tally = Arc::clone(tally);
    tokio::spawn(async move {
        let [(ta, a), (tb, b)] = players;
        let mut turn = 0;
        while !tally.stop.load(Ordering::SeqCst) {
            let api = &apis[turn % apis.len()];
            turn += 1;
            let created = record_match(api, &ta, a, b, WIN_3_0).await;
            let Some(m) = judge(&tally, "record", created, allow_503) else {
                continue;
            };
            tally.ok.fetch_add(1, Ordering::SeqCst);
            let id = m["id"].as_i64().unwrap();
            let mut confirmed = true;
            for token in [&tb, &ta] {
                let reply = confirm(api, token, id).await;
                confirmed &= judge(&tally, "confirm", reply, allow_503).is_some();
            }
            tally.acknowledged.lock().unwrap().push((id, confirmed));
        }
    })
}

/// Reads statistics through `apis` in turn until told to stop.
fn spawn_reader(
    tally: &Arc<Tally>,
    apis: Vec<Api>,
    paths: Vec<String>,
) -> tokio::task::JoinHandle<()> {
    let tally = Arc::clone(tally);
    tokio::spawn(async move {
        let mut turn = 0;
        while !tally.stop.load(Ordering::SeqCst) {
            let api = &apis[turn % apis.len()];
            let path = &paths[turn % paths.len()];
            turn += 1;
            judge(&tally, path, api.get(path).await, false);
        }
    })
}

/// Every cached read equals the same read computed from the database (an admin's
/// `Cache-Control: no-cache`), on every instance.
async fn assert_fresh(instances: &[&Instance], admin: &str, paths: &[String]) {
    for instance in instances {
        for path in paths {
            // The same viewer for both (some bodies say what the viewer may do).
            let cached = instance
                .api
                .call("GET", path, Some(admin), None)
                .await
                .unwrap();
            let computed = instance
                .api
                .call_with(
                    "GET",
                    path,
                    Some(admin),
                    None,
                    &[("cache-control", "no-cache")],
                )
                .await
                .unwrap();
            assert_eq!(computed.header("x-cache"), "BYPASS");
            assert_eq!(
                cached.body,
                computed.body,
                "{} serves a stale {path} ({})",
                instance.name,
                cached.header("x-cache")
            );
        }
    }
}

async fn assert_acknowledged_present(api: &Api, token: &str, tally: &Tally) {
    let acknowledged = tally.acknowledged.lock().unwrap().clone();
    assert!(!acknowledged.is_empty());
    for (id, confirmed) in acknowledged {
        let reply = api
            .call("GET", &format!("/api/v1/matches/{id}"), Some(token), None)
            .await
            .unwrap();
        assert_eq!(
            reply.status, 200,
            "acknowledged match {id} is gone: {}",
            reply.body
        );
        assert_eq!(reply.body["games"].as_array().unwrap().len(), WIN_3_0.len());
        if confirmed {
            assert_eq!(reply.body["is_confirmed"], true, "{}", reply.body);
        }
    }
}

const REDIS_TEST: &str = "redis_killed_hung_and_restarted_fails_no_request_and_serves_fresh_data";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_killed_hung_and_restarted_fails_no_request_and_serves_fresh_data() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = Postgres::start(dir.path(), REDIS_TEST) else {
        return;
    };
    let Some(mut redis) = Redis::start(dir.path(), REDIS_TEST).await else {
        return;
    };
    let deployment = Deployment::new(dir.path(), Some(pg.url()), Some(redis.url()));
    let a = deployment.serve("a").await;
    let b = deployment.serve("b").await;
    deployment.create_user("admin", true);
    let p1 = deployment.create_user("ann", false);
    let p2 = deployment.create_user("bea", false);
    let admin = a.api.login("admin").await;
    let (ann, bea) = (a.api.login("ann").await, a.api.login("bea").await);
    let paths = vec![
        format!("/api/v1/players/{p1}/stats"),
        format!("/api/v1/players/{p2}/stats"),
        "/api/v1/leaderboard".to_owned(),
        format!("/api/v1/head-to-head?player1={p1}&player2={p2}"),
        format!("/api/v1/players/{p1}/matches"),
    ];

    let tally = Arc::new(Tally::default());
    let both = vec![a.api.clone(), b.api.clone()];
    let writer = spawn_writer(&tally, both.clone(), [(ann, p1), (bea, p2)], false);
    let reader = spawn_reader(&tally, vec![b.api.clone(), a.api.clone()], paths.clone());
    tally.progress(2, "before the faults").await;

    redis.kill();
    tally.progress(3, "while Redis is dead").await;
    redis.restart().await;
    a.wait_for_redis(&admin).await;
    b.wait_for_redis(&admin).await;
    tally.progress(2, "after Redis restarted").await;

    redis.hang();
    tally.progress(3, "while Redis hangs").await;
    redis.resume();
    a.wait_for_redis(&admin).await;
    b.wait_for_redis(&admin).await;
    tally.progress(2, "after Redis resumed").await;

    tally.stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    reader.await.unwrap();
    assert_eq!(tally.failures(), Vec::<String>::new(), "no request failed");
    assert_fresh(&[&a, &b], &admin, &paths).await;
    let errors = |s: &Value| s["l2"]["errors"].as_u64().unwrap();
    let (sa, sb) = (a.cache_stats(&admin).await, b.cache_stats(&admin).await);
    assert!(
        errors(&sa) > 0 && errors(&sb) > 0,
        "both instances saw the outage"
    );
    println!(
        "redis faults: {} writes answered 2xx through kill, restart, SIGSTOP and SIGCONT, 0 failed; \
         Redis errors absorbed a {} / b {}; both reconnected without a restart; cached reads \
         equal database reads afterwards",
        tally.ok(),
        errors(&sa),
        errors(&sb)
    );
}

const PG_TEST: &str =
    "postgres_restart_answers_503_with_retry_after_and_keeps_every_acknowledged_write";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_answers_503_with_retry_after_and_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = Postgres::start(dir.path(), PG_TEST) else {
        return;
    };
    let deployment =
        Deployment::new(dir.path(), Some(pg.url()), None).with("TTSTATS_DB_TIMEOUT", "2");
    let a = deployment.serve("a").await;
    let p1 = deployment.create_user("ann", false);
    let p2 = deployment.create_user("bea", false);
    let (ann, bea) = (a.api.login("ann").await, a.api.login("bea").await);

    let tally = Arc::new(Tally::default());
    let writers: Vec<_> = (0..2)
        .map(|_| {
            spawn_writer(
                &tally,
                vec![a.api.clone()],
                [(ann.clone(), p1), (bea.clone(), p2)],
                true,
            )
        })
        .collect();
    tally.progress(3, "before the restart").await;

    pg.stop_server();
    wait_for("writes answered 503", Duration::from_secs(20), || async {
        (tally.unavailable.load(Ordering::SeqCst) >= 2).then_some(())
    })
    .await;
    let ready = a.api.get("/readyz").await.unwrap();
    assert_eq!(ready.status, 503, "{}", ready.body);
    pg.start_server();
    tally
        .progress(3, "after PostgreSQL restarted (the pool recovers)")
        .await;

    tally.stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(
        tally.failures().is_empty(),
        "only 2xx and clean 503s: {:?}\n{}",
        tally.failures(),
        a.log_tail()
    );
    assert_eq!(a.api.get("/readyz").await.unwrap().status, 200);
    assert_acknowledged_present(&a.api, &ann, &tally).await;
    let (clean, report) = deployment.check_reports_no_drift();
    assert!(clean, "{report}");
    println!(
        "postgres restart: {} writes 2xx, {} answered 503 with Retry-After during the outage, \
         0 other failures; every acknowledged match present and whole; check: no drift",
        tally.ok(),
        tally.unavailable.load(Ordering::SeqCst)
    );
}

const KILL_TEST: &str = "ttstats_killed_mid_write_restarts_without_drift";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ttstats_killed_mid_write_restarts_without_drift() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new(dir.path(), None, None);
    let mut a = deployment.serve("a").await;
    let p1 = deployment.create_user("ann", false);
    let p2 = deployment.create_user("bea", false);
    let (ann, bea) = (a.api.login("ann").await, a.api.login("bea").await);

    let tally = Arc::new(Tally::default());
    let writers: Vec<_> = (0..3)
        .map(|_| {
            spawn_writer(
                &tally,
                vec![a.api.clone()],
                [(ann.clone(), p1), (bea.clone(), p2)],
                false,
            )
        })
        .collect();
    tally.progress(6, "before the kill").await;
    a.kill();
    tally.stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    a.start().await;
    let (clean, report) = deployment.check_reports_no_drift();
    assert!(clean, "{report}");
    assert_acknowledged_present(&a.api, &ann, &tally).await;
    println!(
        "SIGKILL mid-write ({KILL_TEST}): {} writes acknowledged before the kill, all present \
         after the restart; check: no drift",
        tally.ok()
    );
}

const TERM_TEST: &str = "sigterm_lets_the_request_in_flight_finish";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_the_request_in_flight_finish() {
    let dir = tempfile::tempdir().unwrap();
    let Some(pg) = Postgres::start(dir.path(), TERM_TEST) else {
        return;
    };
    if require("psql", TERM_TEST).is_none() {
        return;
    }
    let deployment = Deployment::new(dir.path(), Some(pg.url()), None);
    let mut a = deployment.serve("a").await;
    let p1 = deployment.create_user("ann", false);
    let p2 = deployment.create_user("bea", false);
    let ann = a.api.login("ann").await;

    // Hold a lock that makes the next match insert wait, so the request is provably in flight.
    let mut session = pg.session();
    let mut stdin = session.stdin.take().unwrap();
    writeln!(stdin, "BEGIN; LOCK TABLE matches IN EXCLUSIVE MODE;").unwrap();
    stdin.flush().unwrap();
    wait_for("the lock", Duration::from_secs(10), || async {
        let held = pg.psql(
            "SELECT count(*) FROM pg_locks WHERE relation = 'matches'::regclass \
             AND mode = 'ExclusiveLock' AND granted",
        );
        (held == "1").then_some(())
    })
    .await;
    let api = a.api.clone();
    let token = ann.clone();
    let in_flight = tokio::spawn(async move { record_match(&api, &token, p1, p2, WIN_3_0).await });
    wait_for(
        "the insert to wait on the lock",
        Duration::from_secs(10),
        || async {
            let waiting =
                pg.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
            (waiting != "0").then_some(())
        },
    )
    .await;

    a.terminate();
    // The listener closes at once; the request keeps waiting for its lock.
    wait_for("the listener to close", Duration::from_secs(10), || async {
        a.api.get("/healthz").await.is_err().then_some(())
    })
    .await;
    writeln!(stdin, "COMMIT;").unwrap();
    drop(stdin);
    let reply = in_flight.await.unwrap().unwrap();
    assert_eq!(reply.status, 201, "{}", reply.body);
    let status = a.exited(Duration::from_secs(20)).await;
    assert!(
        status.success(),
        "ttstats exits cleanly: {status}\n{}",
        a.log_tail()
    );
    let _ = session.wait();

    a.start().await;
    let id = reply.body["id"].as_i64().unwrap();
    let stored = a
        .api
        .call("GET", &format!("/api/v1/matches/{id}"), Some(&ann), None)
        .await
        .unwrap();
    assert_eq!(stored.status, 200, "{}", stored.body);
    println!("SIGTERM: the request in flight finished with 201 and the server exited 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_writers_never_see_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = Deployment::new(dir.path(), None, None);
    let a = deployment.serve("a").await;
    let names = ["ann", "bea", "cid", "dan", "eve", "fay"];
    let mut players = Vec::new();
    for name in names {
        let id = deployment.create_user(name, false);
        players.push((a.api.login(name).await, id));
    }

    let tally = Arc::new(Tally::default());
    let writers: Vec<_> = players
        .chunks(2)
        .flat_map(|pair| {
            let pair = [pair[0].clone(), pair[1].clone()];
            [
                spawn_writer(&tally, vec![a.api.clone()], pair.clone(), false),
                spawn_writer(&tally, vec![a.api.clone()], pair, false),
            ]
        })
        .collect();
    tally.progress(10, "from six concurrent writers").await;
    // Other processes write the same file meanwhile: the operator's commands.
    let recalculated = deployment.command(&["elo", "recalculate"]);
    assert!(recalculated.status.success(), "{recalculated:?}");
    let fixed = deployment.command(&["check", "--fix"]);
    assert!(fixed.status.success(), "{fixed:?}");
    tally.progress(10, "after the commands").await;
    tally.stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.await.unwrap();
    }
    assert_eq!(
        tally.failures(),
        Vec::<String>::new(),
        "every write succeeded"
    );
    let (clean, report) = deployment.check_reports_no_drift();
    assert!(clean, "{report}");
    println!(
        "sqlite: {} matches recorded and confirmed by 6 concurrent writers plus `elo recalculate` \
         and `check --fix` in other processes, 0 errors",
        tally.ok()
    );
}

#!/usr/bin/env python3
"""`just bench` and `just soak`: reproducible read/write benchmarks of a release build.

    scripts/bench.py bench [--quick] [--doc] [--sizes 5000,50000,500000] [--backends sqlite,postgres]
    scripts/bench.py soak [--minutes 3] [--backend sqlite|postgres] [--size 50000]

Everything runs on loopback: the release `ttstats` server, wrk (fixed concurrency, bounded in
time) for throughput and latency of one URL, and `ttstats-load` (crates/loadtest) for what wrk
cannot do: cold misses (a cache clear before every read), match writes under concurrent reads
with a freshness check, and the soak. Databases are seeded once by `ttstats seed-demo` into
$CARGO_TARGET_DIR/bench-data and copied per run (SQLite: a file copy; PostgreSQL: CREATE DATABASE
… TEMPLATE on its own cluster), so runs start from the same data. Raw results go to
$CARGO_TARGET_DIR/bench/*.json; the full run (and `--doc`) rewrites docs/benchmarks.md, keeping
its hand-written sections, and the plot docs/benchmarks-db-latency.svg.

Only the standard library is needed; the plot uses matplotlib from a virtualenv under the target
dir (created on first use; without it the plot is skipped with a warning).
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.expanduser("~/.cache/ttstats/target")
DATA = os.path.join(TARGET, "bench-data")
OUT = os.path.join(TARGET, "bench")
VENV = os.path.join(TARGET, "bench-venv")
BIN = os.path.join(TARGET, "release", "ttstats")
LOAD = os.path.join(TARGET, "release", "ttstats-load")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
PLOT = os.path.join(ROOT, "docs", "benchmarks-db-latency.svg")
MATPLOTLIB = "matplotlib==3.11.2"

PLAYERS = 200
PASSWORD = "Rallye-Topspin-2026"
ADMIN = "benchadmin"
USERS = [f"bench{i:02d}" for i in range(1, 33)]
# The statistics endpoints of issue #8; {p}, {q}: the two players with most matches.
CASES = [
    ("leaderboard", "/api/v1/leaderboard", False),
    ("leaderboard_singles_90d", "/api/v1/leaderboard?kind=singles&period=90d", False),
    ("player_stats", "/api/v1/players/{p}/stats", False),
    ("player_history", "/api/v1/players/{p}/matches", False),
    ("head_to_head", "/api/v1/head-to-head?player1={p}&player2={q}", False),
    ("dashboard", "/api/v1/dashboard", True),
    ("pending_badge", "/api/v1/me/badges", True),
]
BACKEND_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# Also measured one request at a time (`wrk -c1`): issue #8's "database-only p50 ≤ 5 ms" is
# about one request's cost, which 32 queued connections hide (p50 ≈ 32 / throughput).
SEQUENTIAL = ("leaderboard", "player_stats")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env=None, check=True, capture=False, **kw):
    full_env = dict(os.environ, **(env or {}))
    result = subprocess.run(
        cmd, env=full_env, check=False, text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None, **kw)
    if check and result.returncode != 0:
        if capture:
            log(result.stdout, result.stderr)
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}")
    return result


def http(method, url, token=None, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


# ---------------------------------------------------------------- services


class Postgres:
    """A throwaway cluster per run (in /tmp: the `postgres` user cannot enter a root-owned
    target dir); seeded databases persist as `pg_dump` files in bench-data and are restored."""

    def __init__(self):
        self.dir = f"/tmp/ttstats-bench-pg-{os.getpid()}"
        self.port = None
        self.root = os.getuid() == 0
        self.restored = set()
        self.migrated = set()

    def _as_pg(self, cmd):
        return (["runuser", "-u", "postgres", "--"] + cmd) if self.root else cmd

    def start(self):
        if not shutil.which("initdb") or not shutil.which("pg_ctl"):
            raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) are missing")
        if self.root:
            run(["bash", "-c", "id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres"])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        if self.root:
            shutil.chown(self.dir, "postgres")
        run(self._as_pg(["initdb", "-D", f"{self.dir}/data", "-U", "postgres", "--auth=trust",
                         "--no-sync"]), capture=True)
        self.port = free_port()
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=200 -c shared_buffers=256MB")
        run(self._as_pg(["pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log",
                         "-o", opts, "-w", "start"]), capture=True)

    def stop(self):
        if self.port:
            run(self._as_pg(["pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop"]),
                check=False, capture=True)
            self.port = None
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def psql(self, sql, db="postgres"):
        return run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                    "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql],
                   capture=True).stdout.strip()

    def log_path(self):
        return os.path.join(self.dir, "log")



class Redis:
    def __init__(self):
        self.proc = None
        self.port = None

    def start(self):
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is missing (apt-get install -y redis-server)")
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def flush(self):
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(b"FLUSHALL\r\n")
            s.recv(64)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None


class Server:
    """One `ttstats serve` process on a free port."""

    def __init__(self, database_url, name, redis_url=None, extra=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        os.makedirs(os.path.join(DATA, "logs"), exist_ok=True)
        os.makedirs(os.path.join(DATA, "server"), exist_ok=True)
        env = {
            "DATABASE_URL": database_url,
            "TTSTATS_BIND": f"127.0.0.1:{self.port}",
            "TTSTATS_DATA_DIR": os.path.join(DATA, "server"),
            "TTSTATS_STATIC_DIR": os.path.join(DATA, "server", "no-spa"),
            "TTSTATS_SIGN_IN_LIMIT": "100000/60",
            "RUST_LOG": "warn",
            "REDIS_URL": redis_url or "",
            # As docker/Dockerfile sets it: bounded glibc arenas keep RSS flat (Soak).
            "MALLOC_ARENA_MAX": "2",
        }
        env.update(extra or {})
        self.env = env
        self.log = open(os.path.join(DATA, "logs", f"server-{name}.log"), "w")
        self.proc = subprocess.Popen([BIN, "serve"], env=dict(os.environ, **env),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited; see {self.log.name}")
            try:
                if http("GET", self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("the server did not answer /healthz within 60 s")

    @property
    def pid(self):
        return self.proc.pid

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return None

    def login(self, username):
        status, _, body = http("POST", self.base + "/api/v1/auth/login",
                               body={"username": username, "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"login of {username} failed: {status} {body[:200]!r}")
        return json.loads(body)["access_token"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- data


def ttstats(args, database_url, capture=True, check=True):
    env = {"DATABASE_URL": database_url, "TTSTATS_DATA_DIR": os.path.join(DATA, "server"),
           "RUST_LOG": "warn", "REDIS_URL": ""}
    return run([BIN] + args, env=env, capture=capture, check=check)


def seed(database_url, matches):
    """seed-demo, then the benchmark's accounts (an admin and 32 verified players)."""
    log(f"seeding {matches} matches into {database_url} (once; reused by later runs)")
    started = time.time()
    ttstats(["seed-demo", "--players", str(PLAYERS), "--matches", str(matches)], database_url,
            capture=False)
    seconds = time.time() - started
    for username, admin in [(ADMIN, True)] + [(u, False) for u in USERS]:
        args = ["user", "create", "--username", username, "--email",
                f"{username}@bench.invalid", "--password", PASSWORD, "--verified"]
        ttstats(args + (["--admin"] if admin else []), database_url)
    return seconds


def migrate(database_url):
    started = time.time()
    ttstats(["migrate"], database_url)
    if time.time() - started > 2:
        log(f"migrated {database_url} in {time.time() - started:.0f} s")


# Bump when seeding writes something an older seed lacks and migrations cannot add (2:
# achievements are awarded as matches are confirmed); older seeded databases are recreated.
SEED_VERSION = 2


def seed_info_path(backend, matches):
    return os.path.join(DATA, f"{backend}-{matches}.seeded.json")


def seed_is_current(backend, matches):
    try:
        with open(seed_info_path(backend, matches)) as f:
            return json.load(f).get("seed_version") == SEED_VERSION
    except (OSError, ValueError):
        return False


def ensure_sqlite(matches):
    path = os.path.join(DATA, f"sqlite-{matches}.db")
    if not os.path.exists(path) or not seed_is_current("sqlite", matches):
        tmp = path + ".tmp"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.remove(tmp + suffix)
        seconds = seed(f"sqlite://{tmp}", matches)
        with sqlite3.connect(tmp) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        os.replace(tmp, path)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.remove(tmp + suffix)
        with open(seed_info_path("sqlite", matches), "w") as f:
            json.dump({"seconds": seconds, "seed_version": SEED_VERSION}, f)
    # A database seeded by an older build gets this build's migrations once, here, rather
    # than in every server started on a copy of it (some backfill: minutes at 500,000).
    migrate(f"sqlite://{path}")
    work = os.path.join(DATA, "run", f"sqlite-{matches}.db")
    os.makedirs(os.path.dirname(work), exist_ok=True)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(work + suffix):
            os.remove(work + suffix)
    shutil.copyfile(path, work)
    return f"sqlite://{work}", work


def ensure_postgres(pg, matches):
    marker = seed_info_path("postgres", matches)
    dump = os.path.join(DATA, f"postgres-{matches}.dump")
    seed_db, work_db = f"seed_{matches}", f"run_{matches}"
    if not seed_is_current("postgres", matches) or not os.path.exists(dump):
        pg.psql(f"DROP DATABASE IF EXISTS {seed_db}")
        pg.psql(f"CREATE DATABASE {seed_db}")
        seconds = seed(pg.url(seed_db), matches)
        # A bulk load leaves no planner statistics until autovacuum comes by.
        pg.psql("VACUUM ANALYZE", db=seed_db)
        run(["pg_dump", "-Fc", "-f", dump + ".tmp", pg.url(seed_db)])
        os.replace(dump + ".tmp", dump)
        with open(marker, "w") as f:
            json.dump({"seconds": seconds, "seed_version": SEED_VERSION}, f)
        pg.restored.add(seed_db)
    elif seed_db not in pg.restored:
        log(f"restoring {dump}")
        pg.psql(f"DROP DATABASE IF EXISTS {seed_db}")
        pg.psql(f"CREATE DATABASE {seed_db}")
        run(["pg_restore", "-j", "2", "-d", pg.url(seed_db), dump])
        pg.psql("VACUUM ANALYZE", db=seed_db)
        pg.restored.add(seed_db)
    if seed_db not in pg.migrated:
        migrate(pg.url(seed_db))
        pg.psql("ANALYZE", db=seed_db)
        pg.migrated.add(seed_db)
    pg.psql(f"DROP DATABASE IF EXISTS {work_db}")
    pg.psql(f"CREATE DATABASE {work_db} TEMPLATE {seed_db}")
    return pg.url(work_db), work_db


# ---------------------------------------------------------------- measuring

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    return round(float(m.group(1)) * UNITS[m.group(2)], 3) if m else None


def wrk(url, seconds, connections, token=None):
    # wrk needs at least one connection per thread.
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = run(cmd + [url], capture=True).stdout
    result = {"connections": connections, "seconds": seconds}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    result["rps"] = round(float(m.group(1)), 1) if m else 0.0
    for q in ("50", "99"):
        m = re.search(rf"^\s+{q}%\s+(\S+)", out, re.M)
        result[f"p{q}_ms"] = to_ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in", out)
    result["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    result["errors"] = errors
    if result["requests"] == 0:
        result["p50_ms"] = result["p99_ms"] = None
    return result


def x_cache(server, path, token):
    # A previous run of a slow endpoint may still hold every pooled connection (503) while the
    # server works through the requests wrk left queued: wait, bounded (PostgreSQL at 500,000
    # matches, docs/benchmarks.md Finding 4).
    for _ in range(600):
        status, headers, body = http("GET", server.base + path, token=token)
        if status != 503:
            break
        time.sleep(1)
    if status != 200:
        raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
    return headers.get("X-Cache") or headers.get("x-cache"), body


def resolve_cases(server, token, only=None):
    """The case paths with {p}/{q}: the two players with the most confirmed matches; `only`
    (names) narrows the list."""
    _, _, body = http("GET", server.base + "/api/v1/leaderboard?limit=1000")
    items = sorted(json.loads(body)["items"], key=lambda i: -i["matches"])
    p, q = items[0]["player"]["id"], items[1]["player"]["id"]
    return [(name, path.format(p=p, q=q), auth) for name, path, auth in CASES
            if not only or name in only], (p, q)


def load_cmd(server, *args):
    out = run([LOAD, "--base", server.base] + list(args), capture=True,
              env={"TTSTATS_LOAD_PASSWORD": PASSWORD})
    if out.stderr.strip():
        log(out.stderr.strip())
    return json.loads(out.stdout)


def bench_backend(backend, sizes, cache_size, opts, pg, redis, results):
    for matches in sizes:
        label = f"{backend}-{matches}"
        log(f"== {BACKEND_NAMES[backend]}, {matches} matches")
        if backend == "sqlite":
            url, _ = ensure_sqlite(matches)
        else:
            url, _ = ensure_postgres(pg, matches)
        entry = results.setdefault(backend, {}).setdefault(str(matches), {})
        with open(seed_info_path(backend, matches)) as f:
            entry["seed_seconds"] = round(json.load(f)["seconds"], 1)

        # Database only: TTSTATS_CACHE=off computes every read (X-Cache: BYPASS).
        server = Server(url, f"{label}-bypass", extra={"TTSTATS_CACHE": "off"})
        try:
            token = server.login(USERS[0])
            cases, pair = resolve_cases(server, token, opts.cases)
            entry["players"] = {"p": pair[0], "q": pair[1]}
            static_dir = os.path.join(DATA, "static", label)
            os.makedirs(static_dir, exist_ok=True)
            entry["bypass"] = {}
            for name, path, auth in cases:
                source, body = x_cache(server, path, token if auth else None)
                if source is None:
                    # Not served through the cache at all (no X-Cache): findings in the doc.
                    entry.setdefault("uncached", []).append(name)
                assert source in ("BYPASS", None), (path, source)
                with open(os.path.join(static_dir, f"{name}.json"), "wb") as f:
                    f.write(body)
                r = wrk(server.base + path, opts.duration, opts.connections,
                        token if auth else None)
                r["body_bytes"] = len(body)
                entry["bypass"][name] = r
                log(f"  bypass {name:26} {r['rps']:>9.1f} req/s  p50 {r['p50_ms']} ms  "
                    f"p99 {r['p99_ms']} ms  errors {r['errors']}")
                if name in SEQUENTIAL:
                    x_cache(server, path, token if auth else None)  # the -c32 queue drained
                    r = wrk(server.base + path, opts.seq_seconds, 1, token if auth else None)
                    entry.setdefault("sequential", {})[name] = r
                    log(f"  sequential {name:22} {r['rps']:>9.1f} req/s  p50 {r['p50_ms']} ms  "
                        f"p99 {r['p99_ms']} ms  errors {r['errors']}")
            if opts.explain and matches == max(sizes) and not opts.db_only:
                entry["explain"] = explain(backend, server, cases, token, pg, url)
        finally:
            server.stop()

        if opts.db_only:
            continue
        # Cache on, L1 + Redis: cold misses at every size, the rest at `cache_size`.
        redis.flush()
        extra = {"TTSTATS_BENCH_STATIC_DIR": static_dir}
        server = Server(url, f"{label}-cached", redis_url=redis.url(), extra=extra)
        try:
            cold = load_cmd(server, "cold", "--admin", f"{ADMIN}:{PASSWORD}", "--reader",
                            f"{USERS[0]}:{PASSWORD}", "--repeat", str(opts.cold_repeat),
                            *[path for _, path, _ in cases])
            entry["cold"] = {name: c for (name, _, _), c in zip(cases, cold["cold"])}
            if matches != cache_size:
                continue
            token = server.login(USERS[0])
            entry["l1"], entry["static"] = {}, {}
            for name, path, auth in cases:
                x_cache(server, path, token if auth else None)
                source, _ = x_cache(server, path, token if auth else None)
                assert source in ("HIT-L1", None), (path, source)
                entry["l1"][name] = wrk(server.base + path, opts.duration, opts.connections,
                                        token if auth else None)
                entry["static"][name] = wrk(f"{server.base}/bench/static/{name}.json",
                                            opts.duration, opts.connections)
                log(f"  L1 {name:30} {entry['l1'][name]['rps']:>9.1f} req/s; static "
                    f"{entry['static'][name]['rps']:>9.1f} req/s")
            entry["healthz"] = wrk(server.base + "/healthz", opts.duration, opts.connections)
            users = ",".join(USERS[:16])
            entry["mixed"] = load_cmd(server, "mixed", "--users", users, "--clients", "16",
                                      "--write-share", "0.1", "--seconds",
                                      str(opts.mixed_seconds), "--interval",
                                      str(opts.mixed_seconds), "--pid", str(server.pid))
            entry["mixed"].pop("intervals", None)
            warm = load_cmd(server, "warm")
            admin = server.login(ADMIN)
            _, _, stats = http("GET", server.base + "/api/v1/admin/cache/stats", token=admin)
            stats = json.loads(stats)
            entry["memory"] = {"warmed_players": warm["players"],
                               "l1_entries": stats["l1"]["entries"],
                               "l1_bytes": stats["l1"]["bytes"],
                               "redis_keys": stats["l2"].get("keys"),
                               "redis_memory_bytes": stats["l2"].get("memory_bytes"),
                               "rss_kib": server.rss_kib()}
        finally:
            server.stop()

        # L2 hits: a fresh process with no in-process tier in front of the warm Redis.
        server = Server(url, f"{label}-l2", redis_url=redis.url(),
                        extra={"TTSTATS_L1_MAX_MB": "0"})
        try:
            token = server.login(USERS[0])
            entry["l2"] = {}
            for name, path, auth in cases:
                x_cache(server, path, token if auth else None)
                source, _ = x_cache(server, path, token if auth else None)
                assert source in ("HIT-L2", None), (path, source)
                entry["l2"][name] = wrk(server.base + path, opts.duration, opts.connections,
                                        token if auth else None)
                log(f"  L2 {name:30} {entry['l2'][name]['rps']:>9.1f} req/s")
        finally:
            server.stop()


# ---------------------------------------------------------------- EXPLAIN


def explain(backend, server, cases, token, pg, url):
    """The statements each endpoint runs, with their plans (PostgreSQL: EXPLAIN through
    auto_explain on a copy of the database; SQLite: EXPLAIN QUERY PLAN of the same statements
    with their parameters inlined)."""
    if backend == "postgres":
        return explain_postgres(server, cases, token, pg, url)
    return explain_sqlite(cases, url)


def capture_statements(server, cases, token, log_path):
    """Per case, the statements PostgreSQL logged while serving it once."""
    found = {}
    for name, path, auth in cases:
        time.sleep(0.3)
        start = os.path.getsize(log_path)
        x_cache(server, path, token if auth else None)
        time.sleep(0.5)
        with open(log_path, errors="replace") as f:
            f.seek(start)
            found[name] = f.read()
    return found


def parse_pg_log(text):
    """(statement, parameters, plan) triples from log_statement + auto_explain output."""
    entries = re.split(r"\n(?=\S.*?(?:LOG|DETAIL):)", "\n" + text)
    statements, plans = [], []
    for e in entries:
        m = re.search(r"LOG:\s+execute [^:]*:\s+(.*)", e, re.S)
        if m:
            statements.append([m.group(1).strip(), {}])
            continue
        m = re.search(r"DETAIL:\s+parameters?:\s+(.*)", e, re.S)
        if m and statements:
            params = dict(re.findall(r"\$(\d+) = ('(?:[^']|'')*'|NULL)", m.group(1)))
            statements[-1][1] = params
            continue
        m = re.search(r"LOG:\s+duration: [\d.]+ ms\s+plan:\s*\n\s*Query Text: .*?\n(.*)", e, re.S)
        if m:
            plans.append(m.group(1).rstrip())
    skip = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SET|SHOW|SELECT 1\b|SELECT version)", re.I)
    kept = [s for s in statements if not skip.match(s[0])]
    plans = [p for p in plans if p.strip()]
    return kept, plans


def explain_postgres(server, cases, token, pg, url):
    # The seeded database as template: the benchmark's server is still connected to its copy.
    db = url.rsplit("/", 1)[1].replace("run_", "seed_", 1)
    exp = f"explain_{db}"
    pg.psql(f"DROP DATABASE IF EXISTS {exp}")
    pg.psql(f"CREATE DATABASE {exp} TEMPLATE {db}")
    for setting in ("session_preload_libraries = 'auto_explain'",
                    "auto_explain.log_min_duration = 0", "log_statement = 'all'",
                    "auto_explain.log_analyze = off"):
        pg.psql(f"ALTER DATABASE {exp} SET {setting}")
    s = Server(pg.url(exp), "explain-postgres", extra={"TTSTATS_CACHE": "off"})
    try:
        logs = capture_statements(s, cases, s.login(USERS[0]), pg.log_path())
    finally:
        s.stop()
    pg.psql(f"DROP DATABASE IF EXISTS {exp}")
    out = {}
    for name, text in logs.items():
        statements, plans = parse_pg_log(text)
        # auth: the signed-in user's row; not part of what the endpoint reads.
        out[name] = [{"sql": sql, "params": params, "plan": plan}
                     for (sql, params), plan in zip(statements, plans)]
    with open(os.path.join(OUT, "pg-statements.json"), "w") as f:
        json.dump(out, f, indent=1)
    return out


def sqlite_sql(sql, params):
    """A logged PostgreSQL statement made runnable on SQLite (for EXPLAIN QUERY PLAN)."""
    def literal(n):
        v = params.get(n, "NULL")
        if v in ("'t'", "'true'"):
            return "1"
        if v in ("'f'", "'false'"):
            return "0"
        return v
    sql = re.sub(r"= ANY\(\$(\d+)\)",
                 lambda m: "IN (" + ",".join(x or "NULL" for x in
                                            params.get(m.group(1), "'{}'").strip("'{}").split(","))
                 + ")", sql)
    sql = re.sub(r"!= ALL\(\$(\d+)\)",
                 lambda m: "NOT IN (" + ",".join(x or "NULL" for x in
                                                params.get(m.group(1), "'{}'").strip("'{}").split(","))
                 + ")", sql)
    sql = sql.replace("= ANY(SELECT", "IN (SELECT")
    return re.sub(r"\$(\d+)", lambda m: literal(m.group(1)), sql)


def explain_sqlite(cases, url):
    statements_file = os.path.join(OUT, "pg-statements.json")
    if not os.path.exists(statements_file):
        return {"note": "run the PostgreSQL part first: its logged statements are translated"}
    with open(statements_file) as f:
        statements = json.load(f)
    path = url.removeprefix("sqlite://")
    out = {}
    with sqlite3.connect(path) as c:
        for name, _, _ in cases:
            out[name] = []
            for s in statements.get(name, []):
                sql = sqlite_sql(s["sql"], s["params"])
                try:
                    rows = c.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
                    plan = "\n".join(f"{'  ' * depth(rows, r)}{r[3]}" for r in rows)
                except sqlite3.Error as e:
                    plan = f"(not translated: {e})"
                out[name].append({"sql": sql, "plan": plan})
    return out


def depth(rows, row):
    parents = {r[0]: r[1] for r in rows}
    d, p = 0, row[1]
    while p in parents:
        d, p = d + 1, parents[p]
    return d


# ---------------------------------------------------------------- report


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    commit = run(["git", "rev-parse", "--short", "HEAD"], capture=True, cwd=ROOT).stdout.strip()
    dirty = run(["git", "status", "--porcelain"], capture=True, cwd=ROOT).stdout.strip()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": platform.platform(), "commit": commit + ("+changes" if dirty else ""),
        "load_before": os.getloadavg(),
        "rustc": run(["rustc", "--version"], capture=True).stdout.strip(),
        "wrk": run(["wrk", "--version"], capture=True, check=False).stdout.splitlines()[0]
        if shutil.which("wrk") else None,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def pct(a, b):
    return f"{100 * a / b:.0f} %" if a and b else "–"


def sections_of(text):
    """Heading → body of each `## ` section, in order."""
    parts = re.split(r"^## ", text, flags=re.M)
    out = {}
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        out[heading.strip()] = body.strip("\n")
    return out


def write_doc(generated, order):
    """Replaces the generated sections of docs/benchmarks.md, keeping every other one."""
    old = sections_of(open(DOC).read()) if os.path.exists(DOC) else {}
    merged = dict(old)
    merged.update(generated)
    headings = [h for h in order if h in merged] + [h for h in merged if h not in order]
    text = "# Benchmarks\n\n" + merged.pop("__intro__", generated.get("__intro__", "")) + "\n"
    for h in headings:
        if h == "__intro__":
            continue
        text += f"\n## {h}\n\n{merged[h]}\n"
    with open(DOC, "w") as f:
        f.write(text)


DOC_ORDER = ["__intro__", "Targets", "Database only", "Cold misses", "Cache hits",
             "Writes under concurrent reads", "Memory", "Query plans", "Findings", "Soak",
             "SPA bundle"]


def report(results, opts):
    m = results["machine"]
    sizes = results["sizes"]
    cs = str(results["cache_size"])
    backends = [b for b in ("sqlite", "postgres") if b in results]
    intro = f"""Generated by `just bench` ({'quick' if opts.quick else 'full'} run) from
`scripts/bench.py`; raw results: `$CARGO_TARGET_DIR/bench/results.json`. Hand-written sections
(*Findings*, *Soak* from `just soak`, *SPA bundle*) are kept when it rewrites this file.

* Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['os']}; load average
  before the run {', '.join(f'{x:.1f}' for x in m['load_before'])} — **shared with other builds**,
  so absolute numbers are noisy; the targets are ratios measured in the same run, seconds apart.
* Commit `{m['commit']}`, {m['rustc']}, release profile (thin LTO), {m['date']}.
* Server: `ttstats serve` with 2 actix workers, `RUST_LOG=warn`; load generator on the same
  2 cores: `wrk -t2 -c{opts.connections} -d{opts.duration}s --latency` per URL (one URL per run).
* Data: `ttstats seed-demo --players {PLAYERS} --matches N` for N in {', '.join(f'{s:,}' for s in sizes)}
  (+ 33 benchmark accounts); seeded once into `$CARGO_TARGET_DIR/bench-data` and copied per run.
  Player pages use the two players with most matches ({', '.join(f"{b}: #{results[b][cs]['players']['p']} and #{results[b][cs]['players']['q']}" for b in backends if 'players' in results[b].get(cs, {}))}).
* Modes: **database only** = `TTSTATS_CACHE=off` (every read computed, `X-Cache: BYPASS`);
  **cold miss** = `ttstats-load cold`: an admin clears the cache (both tiers), then one read
  (sequential, {opts.cold_repeat} times per endpoint); **L1 hit** = warm in-process cache (+ Redis);
  **L2 hit** = a fresh process with `TTSTATS_L1_MAX_MB=0` in front of the warm Redis;
  **static** = the same bytes as the endpoint's body, served from memory by the same server and
  middleware at `/bench/static/{{name}}` (`TTSTATS_BENCH_STATIC_DIR`), the ceiling for that size.
  The bench checks `X-Cache` before each measured run.
* Reproduce: `just bench` (≈ 25 min with the databases seeded; seeding 500,000 matches takes
  longer the first time), `just bench --quick` (5,000 matches, short runs, no doc), `just soak`.
"""
    gen = {"__intro__": intro}

    # Targets
    rows = []
    for b in backends:
        e = results[b].get(cs, {})
        if "l1" in e:
            cached = [n for n in e["l1"] if n not in e.get("uncached", [])]
            worst_l1 = min(e["l1"][n]["rps"] / e["static"][n]["rps"] for n in cached)
            worst_l2 = min(e["l2"][n]["rps"] / e["static"][n]["rps"] for n in cached)
            rows.append(f"| {BACKEND_NAMES[b]} | L1 hit ≥ 60 % of static (worst endpoint) | "
                        f"{worst_l1 * 100:.0f} % | {'met' if worst_l1 >= 0.6 else '**missed**'} |")
            rows.append(f"| {BACKEND_NAMES[b]} | L2 hit ≥ 30 % of static (worst endpoint) | "
                        f"{worst_l2 * 100:.0f} % | {'met' if worst_l2 >= 0.3 else '**missed**'} |")
        for n in SEQUENTIAL:
            # One request at a time when measured (the goal's meaning), else at -c32.
            def db_only(size):
                e = results[b].get(str(size), {})
                r = e.get("sequential", {}).get(n)
                return (r, "sequential") if r else (e.get("bypass", {}).get(n), "-c32")
            mid, how = db_only(50000)
            if mid and mid["p50_ms"] is not None:
                ok = mid["p50_ms"] <= 5
                rows.append(f"| {BACKEND_NAMES[b]} | database-only {n} p50 ≤ 5 ms at 50,000 "
                            f"({how}) | {mid['p50_ms']} ms | {'met' if ok else '**missed**'} |")
            (lo, how), (hi, _) = db_only(min(sizes)), db_only(max(sizes))
            if lo and hi and max(sizes) != min(sizes) and lo["p50_ms"] and hi["p50_ms"]:
                ratio = hi["p50_ms"] / lo["p50_ms"]
                rows.append(f"| {BACKEND_NAMES[b]} | {n} p50 at {max(sizes):,} ≤ 1.5 × at "
                            f"{min(sizes):,} ({how}) | {ratio:.2f} × ({lo['p50_ms']} → "
                            f"{hi['p50_ms']} ms) | {'met' if ratio <= 1.5 else '**missed**'} |")
        mixed = results[b].get(cs, {}).get("mixed")
        if mixed:
            ok = mixed["errors"] == 0 and mixed["stale_reads"] == 0
            rows.append(f"| {BACKEND_NAMES[b]} | writes: next read fresh, no error under mixed load | "
                        f"{mixed['stale_reads']} stale, {mixed['errors']} errors in "
                        f"{mixed['requests']:,} requests | {'met' if ok else '**missed**'} |")
    gen["Targets"] = ("Issue #8's goals, each measured in this run. The database-only p50 "
                      "goals are read from the sequential runs (`wrk -c1`, one request at a "
                      "time: the cost of one request), not from the `-c32` table, whose p50 is "
                      "mostly queueing.\n\n"
                      "| backend | target | measured | |\n|---|---|---:|---|\n" + "\n".join(rows))

    # Database only
    text = ("Every read computed from the database (`TTSTATS_CACHE=off`). Requests/s at "
            f"{opts.connections} connections; p50 / p99 latency in ms. The plot "
            "(`benchmarks-db-latency.svg`) shows the p50 curves.\n\n"
            "![database-only p50 latency by history size](benchmarks-db-latency.svg)\n")
    for b in backends:
        text += f"\n**{BACKEND_NAMES[b]}**\n\n| endpoint | body (largest) |"
        text += "".join(f" {int(s):,} matches |" for s in sizes) + "\n|---|---:|"
        text += "---:|" * len(sizes) + "\n"
        for name, _, _ in CASES:
            cells = []
            body = None
            for s in sizes:
                r = results[b].get(str(s), {}).get("bypass", {}).get(name)
                if r:
                    body = r.get("body_bytes")
                    cells.append((f"{fmt(r['rps'], 0)} req/s, {r['p50_ms']} / {r['p99_ms']}" if r["requests"]
                                  else f"no answer within {r['seconds']} s")
                                 + (f", **{r['errors']} errors**" if r["errors"] else ""))
                else:
                    cells.append("–")
            text += f"| {name} | {fmt(body)} B | " + " | ".join(cells) + " |\n"
        if any(results[b].get(str(s), {}).get("sequential") for s in sizes):
            text += (f"\nSequential (`wrk -t1 -c1 -d{opts.seq_seconds}s`, one request at a "
                     "time): requests/s, p50 / p99 ms.\n\n| endpoint |"
                     + "".join(f" {int(s):,} matches |" for s in sizes) + "\n|---|"
                     + "---:|" * len(sizes) + "\n")
            for name in SEQUENTIAL:
                cells = []
                for s in sizes:
                    r = results[b].get(str(s), {}).get("sequential", {}).get(name)
                    cells.append(f"{fmt(r['rps'], 0)} req/s, {r['p50_ms']} / {r['p99_ms']}"
                                 if r and r["requests"] else "–")
                text += f"| {name} | " + " | ".join(cells) + " |\n"
        seeds = ", ".join(f"{int(s):,}: {results[b][str(s)].get('seed_seconds')} s"
                          for s in sizes if str(s) in results[b])
        text += f"\nSeeding time when created ({BACKEND_NAMES[b]}): {seeds}.\n"
    gen["Database only"] = text

    text = ("One read right after `POST /api/v1/admin/cache/clear` (L1 and Redis empty: the "
            "computation plus storing the value in both tiers). p50 / p99 in ms, sequential.\n")
    for b in backends:
        text += f"\n**{BACKEND_NAMES[b]}**\n\n| endpoint |" + "".join(
            f" {int(s):,} |" for s in sizes) + "\n|---|" + "---:|" * len(sizes) + "\n"
        for name, _, _ in CASES:
            cells = []
            for s in sizes:
                c = results[b].get(str(s), {}).get("cold", {}).get(name)
                cells.append(f"{c['latency']['p50_ms']} / {c['latency']['p99_ms']}" if c else "–")
            text += f"| {name} | " + " | ".join(cells) + " |\n"
    gen["Cold misses"] = text

    text = (f"At {int(cs):,} matches. Requests/s (p50 / p99 ms); the ratios are against the "
            "static body of the same endpoint, measured seconds apart.\n")
    for b in backends:
        e = results[b].get(cs, {})
        if "l1" not in e:
            continue
        text += (f"\n**{BACKEND_NAMES[b]}** (`/healthz`: {fmt(e['healthz']['rps'], 0)} req/s)\n\n"
                 "| endpoint | database only | L1 hit | L2 hit | static | L1 / static | "
                 "L2 / static |\n|---|---:|---:|---:|---:|---:|---:|\n")
        for name, _, _ in CASES:
            cell = lambda r: f"{fmt(r['rps'], 0)} ({r['p50_ms']} / {r['p99_ms']})" + (
                f" **{r['errors']} errors**" if r["errors"] else "")
            byp, l1, l2, st = (e["bypass"][name], e["l1"][name], e["l2"][name],
                               e["static"][name])
            note = " (not cached)" if name in e.get("uncached", []) else ""
            text += (f"| {name}{note} | {cell(byp)} | {cell(l1)} | {cell(l2)} | {cell(st)} | "
                     f"{pct(l1['rps'], st['rps'])} | {pct(l2['rps'], st['rps'])} |\n")
    gen["Cache hits"] = text

    text = ("`ttstats-load mixed`: 16 clients read statistics (a club-like mix of leaderboards, "
            "player pages, head-to-head, dashboard and badges) for "
            f"{opts.mixed_seconds} s; 8 of them own a pair of verified accounts and, with "
            "probability 0.1 per operation, record a singles match as one player, confirm it as "
            "the other, then read the first player's statistics, which must count the match "
            "(otherwise: a stale read, counted as an error). *write → fresh read* is the time "
            "from the record request to that read's answer, invalidation included.\n\n"
            "| backend | requests | req/s | reads p50 / p99 | record p50 / p99 | confirm p50 / p99 | "
            "write → fresh read p50 / p99 | stale | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for b in backends:
        mx = results[b].get(cs, {}).get("mixed")
        if not mx:
            continue
        o = mx["ops"]
        reads = [v for k, v in o.items() if k.startswith("read_") and v.get("n")]
        rp50 = max((v["p50_ms"] for v in reads), default=None)
        rp99 = max((v["p99_ms"] for v in reads), default=None)
        g = lambda k: f"{o.get(k, {}).get('p50_ms', '–')} / {o.get(k, {}).get('p99_ms', '–')}"
        text += (f"| {BACKEND_NAMES[b]} | {mx['requests']:,} ({mx['writes']:,} writes) | "
                 f"{mx['requests_per_second']:,.0f} | ≤ {rp50} / ≤ {rp99} | {g('write_record')} | "
                 f"{g('write_confirm')} | {g('write_to_fresh_read')} | {mx['stale_reads']} | "
                 f"{mx['errors']} |\n")
    text += ("\nReads p50 / p99 is the worst endpoint's; per-endpoint figures are in "
             "`results.json`.\n")
    gen["Writes under concurrent reads"] = text

    text = ("After `ttstats-load warm` (statistics and first history page of every ranked "
            "player) on top of the runs above, on the L1 server:\n\n| backend | players | "
            "L1 entries | L1 bytes | Redis keys | Redis memory | server RSS |\n"
            "|---|---:|---:|---:|---:|---:|---:|\n")
    for b in backends:
        mem = results[b].get(cs, {}).get("memory")
        if mem:
            text += (f"| {BACKEND_NAMES[b]} | {mem['warmed_players']} | {fmt(mem['l1_entries'])} | "
                     f"{fmt(mem['l1_bytes'])} | {fmt(mem['redis_keys'])} | "
                     f"{fmt(mem['redis_memory_bytes'])} | {fmt(mem['rss_kib'] // 1024)} MiB |\n")
    gen["Memory"] = text

    text = ("The statements each endpoint runs at the largest size, captured from PostgreSQL "
            "(`log_statement = all` + `auto_explain` on a copy of the database; the "
            "signed-in user's lookups are included for the dashboard and the badge), and the "
            "same statements with their parameters inlined under SQLite's `EXPLAIN QUERY "
            "PLAN`.\n")
    def plans_of(b):
        found = [(int(k), v["explain"]) for k, v in results.get(b, {}).items()
                 if isinstance(v, dict) and "explain" in v]
        return max(found, key=lambda f: f[0]) if found else (None, {})
    pg_size, pg_plans = plans_of("postgres")
    sq_size, sq_plans = plans_of("sqlite")
    text += (f"\nPostgreSQL at {fmt(pg_size)} matches, SQLite at {fmt(sq_size)} matches.\n")
    for name, _, _ in CASES:
        pgs = pg_plans.get(name, []) if isinstance(pg_plans, dict) else []
        sqs = sq_plans.get(name, []) if isinstance(sq_plans, dict) else []
        if not pgs and not sqs:
            continue
        text += f"\n<details><summary><b>{name}</b> ({len(pgs)} statements)</summary>\n\n"
        for i, s in enumerate(pgs):
            text += f"```sql\n{s['sql']}\n```\nPostgreSQL:\n```\n{s['plan']}\n```\n"
            if i < len(sqs):
                text += f"SQLite:\n```\n{sqs[i]['plan']}\n```\n"
        text += "</details>\n"
    gen["Query plans"] = text
    return gen


def plot(results):
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        log(f"creating {VENV} for the plot ({MATPLOTLIB})")
        run([sys.executable, "-m", "venv", VENV], check=False)
    if run([python, "-c", "import matplotlib"], check=False, capture=True).returncode != 0:
        if run([python, "-m", "pip", "install", "-q", MATPLOTLIB], check=False).returncode != 0:
            log("warning: matplotlib is unavailable; the plot is not updated")
            return
    data_file = os.path.join(OUT, "results.json")
    script = r"""
import json, sys
import matplotlib
matplotlib.use("svg")
import matplotlib.pyplot as plt
results = json.load(open(sys.argv[1]))
sizes = results["sizes"]
backends = [b for b in ("sqlite", "postgres") if b in results]
fig, axes = plt.subplots(1, len(backends), figsize=(6 * len(backends), 4.2), sharey=True, squeeze=False)
for ax, b in zip(axes[0], backends):
    for name in results["cases"]:
        xs, ys = [], []
        for s in sizes:
            r = results[b].get(str(s), {}).get("bypass", {}).get(name)
            if r and r["p50_ms"]:
                xs.append(s); ys.append(r["p50_ms"])
        ax.plot(xs, ys, marker="o", label=name)
    ax.set_xscale("log"); ax.set_yscale("log")
    ax.set_title({"sqlite": "SQLite", "postgres": "PostgreSQL"}[b] + ": database only")
    ax.set_xlabel("confirmed + pending matches in the database")
    ax.grid(True, which="both", alpha=0.3)
axes[0][0].set_ylabel("p50 latency (ms)")
axes[0][-1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], metadata={"Date": None})
"""
    run([python, "-c", script, data_file, PLOT])
    log(f"wrote {PLOT}")


def bench(opts):
    sizes = [int(s) for s in opts.sizes.split(",")]
    backends = opts.backends.split(",")
    cache_size = 50000 if 50000 in sizes else sizes[len(sizes) // 2]
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    results = {"machine": machine(), "sizes": sizes, "cache_size": cache_size,
               "cases": [c[0] for c in CASES],
               "settings": {"duration": opts.duration, "connections": opts.connections,
                            "seq_seconds": opts.seq_seconds,
                            "cold_repeat": opts.cold_repeat, "mixed_seconds": opts.mixed_seconds}}
    started = time.time()
    redis = Redis()
    pg = Postgres()
    redis.start()
    try:
        if "postgres" in backends:
            pg.start()
        # PostgreSQL first: its logged statements feed SQLite's EXPLAIN QUERY PLAN.
        for b in sorted(backends, key=lambda b: b != "postgres"):
            own = sizes
            if b == "postgres" and opts.pg_sizes:
                own = [int(x) for x in opts.pg_sizes.split(",")]
            bench_backend(b, own, cache_size, opts, pg, redis, results)
            with open(os.path.join(OUT, "results-partial.json"), "w") as f:
                json.dump(results, f, indent=1)
    finally:
        redis.stop()
        pg.stop()
    results["machine"]["load_after"] = os.getloadavg()
    results["seconds"] = round(time.time() - started)
    name = "results-quick.json" if opts.quick else "results.json"
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(results, f, indent=1)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    shutil.copyfile(os.path.join(OUT, name), os.path.join(OUT, f"results-{stamp}.json"))
    log(f"wrote {os.path.join(OUT, name)} ({results['seconds']} s)")
    if not opts.quick or opts.doc:
        if opts.quick:
            shutil.copyfile(os.path.join(OUT, name), os.path.join(OUT, "results.json"))
        write_doc(report(results, opts), DOC_ORDER)
        plot(results)
        log(f"wrote {DOC}")


def soak(opts):
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    pg, redis = Postgres(), Redis()
    redis.start()
    try:
        if opts.backend == "postgres":
            pg.start()
            url, _ = ensure_postgres(pg, opts.size)
        else:
            url, _ = ensure_sqlite(opts.size)
        server = Server(url, "soak", redis_url=redis.url())
        try:
            rss_start = server.rss_kib()
            log(f"soak: {opts.minutes} min, {opts.clients} clients, {BACKEND_NAMES[opts.backend]} "
                f"with {opts.size:,} matches, L1 + Redis")
            # 32 accounts in 16 writing pairs, so half of the clients write; a write is record +
            # 2 confirmations + a checked read. A share of 0.037 gave 5 % write requests (the
            # writing half only), so 0.075 gives the 10 %.
            result = load_cmd(server, "mixed", "--users", ",".join(USERS), "--clients",
                              str(opts.clients), "--write-share", "0.075", "--seconds",
                              str(int(opts.minutes * 60)), "--interval", "60", "--pid",
                              str(server.pid))
        finally:
            server.stop()
        check = ttstats(["check"], url, check=False)
    finally:
        redis.stop()
        pg.stop()
    result["rss_start_kib"] = rss_start
    result["check_exit"] = check.returncode
    result["check_output"] = check.stdout.strip()
    result["backend"], result["size"] = opts.backend, opts.size
    result["machine"] = machine()
    with open(os.path.join(OUT, "soak.json"), "w") as f:
        json.dump(result, f, indent=1)
    log(check.stdout.strip())
    iv = result["intervals"]
    lines = [
        f"`just soak --minutes {opts.minutes:g}` ({result['machine']['date']}, commit "
        f"`{result['machine']['commit']}`): {opts.clients} clients on {BACKEND_NAMES[opts.backend]} "
        f"with {opts.size:,} seeded matches, L1 + Redis; 32 verified accounts in 16 pairs record "
        "and confirm singles matches, each write followed by a read that must show it. "
        f"{result['requests']:,} requests, {result['writes']:,} of them writes "
        f"({100 * result['writes'] / max(result['requests'], 1):.1f} %), "
        f"{result['errors']} errors, {result['stale_reads']} stale reads; `ttstats check` "
        f"afterwards: {'no drift' if check.returncode == 0 else '**drift**'}.",
        "",
        "| minute | requests | reads p50 / p99 ms | write → fresh read p50 / p99 ms | errors | RSS |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for i, v in enumerate(iv, 1):
        lines.append(f"| {i} | {v['requests']:,} | {v['reads'].get('p50_ms')} / "
                     f"{v['reads'].get('p99_ms')} | {v['write_to_fresh_read'].get('p50_ms')} / "
                     f"{v['write_to_fresh_read'].get('p99_ms')} | {v['errors']} | "
                     f"{(v['rss_kib'] or 0) // 1024} MiB |")
    lines.append(f"\nRSS after start-up: {rss_start // 1024} MiB. Raw: `$CARGO_TARGET_DIR/bench/soak.json`.")
    if opts.doc:
        write_doc({"Soak": "\n".join(lines)}, DOC_ORDER)
        log(f"updated the Soak section of {DOC}")
    print("\n".join(lines))
    failed = result["errors"] or result["stale_reads"] or check.returncode != 0
    if failed:
        log("soak FAILED: " + "; ".join(result["first_errors"][:5]))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("bench", help="the benchmark matrix; rewrites docs/benchmarks.md")
    b.add_argument("--quick", action="store_true",
                   help="5,000 matches, 2 s per URL, no doc (unless --doc): a smoke run")
    b.add_argument("--doc", action="store_true", help="write docs/benchmarks.md after --quick too")
    b.add_argument("--sizes", help="matches per database, comma-separated")
    b.add_argument("--backends", default="sqlite,postgres")
    b.add_argument("--pg-sizes", help="PostgreSQL's sizes when they differ from --sizes")
    b.add_argument("--duration", type=int, help="seconds per wrk run")
    b.add_argument("--connections", type=int, default=32)
    b.add_argument("--seq-seconds", type=int,
                   help="seconds per sequential (-c1) run of " + ", ".join(SEQUENTIAL))
    b.add_argument("--cases", type=lambda v: v.split(","),
                   help="only these endpoints (comma-separated names, e.g. "
                        "leaderboard,player_stats)")
    b.add_argument("--db-only", action="store_true",
                   help="database-only runs only (no cold misses, cache hits, mixed load, plans)")
    b.add_argument("--no-explain", dest="explain", action="store_false")
    b.add_argument("--no-build", dest="build", action="store_false",
                   help="use the release binaries as they are")
    p = sub.add_parser("prepare", help="seed the benchmark databases only")
    p.add_argument("--sizes", default="5000,50000,500000")
    p.add_argument("--backends", default="sqlite,postgres")
    s = sub.add_parser("soak", help="a bounded mixed read/write soak; exit 1 on errors or drift")
    s.add_argument("--minutes", type=float, default=3)
    s.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    s.add_argument("--size", type=int, default=50000, help="seeded matches")
    s.add_argument("--clients", type=int, default=32)
    s.add_argument("--no-build", dest="build", action="store_false")
    s.add_argument("--no-doc", dest="doc", action="store_false",
                   help="do not update the Soak section of docs/benchmarks.md")
    opts = parser.parse_args()
    if opts.command == "bench" and not opts.quick:
        opts.doc = True
    if opts.command == "bench":
        opts.sizes = opts.sizes or ("5000" if opts.quick else "5000,50000,500000")
        opts.duration = opts.duration or (2 if opts.quick else 5)
        opts.seq_seconds = opts.seq_seconds or (2 if opts.quick else 3)
        opts.cold_repeat = 5 if opts.quick else 10
        opts.mixed_seconds = 5 if opts.quick else 15
    for tool in ("wrk",) if opts.command == "bench" else ():
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y {tool}")
    if getattr(opts, "build", True):
        log("building the release binaries")
        run(["cargo", "build", "--release", "-q", "-p", "ttstats-api", "--bin", "ttstats", "--bin", "ttstats-load",
             "-p", "ttstats-loadtest"], cwd=ROOT)
    if opts.command == "bench":
        bench(opts)
        return 0
    if opts.command == "prepare":
        os.makedirs(DATA, exist_ok=True)
        pg = Postgres()
        try:
            for b in opts.backends.split(","):
                if b == "postgres":
                    pg.start()
                for size in (int(x) for x in opts.sizes.split(",")):
                    ensure_postgres(pg, size) if b == "postgres" else ensure_sqlite(size)
        finally:
            pg.stop()
        return 0
    return soak(opts)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis on free loopback ports for the test suite.
#   scripts/services.sh start   -> prints `export TEST_DATABASE_URL=… TEST_REDIS_URL=…`
#   scripts/services.sh stop
# Locally a missing server is a loud skip; with CI=true it is an error.
set -euo pipefail
root=${TTSTATS_SERVICES_DIR:-/tmp/ttstats-services}
pg_dir=$root/pg
ci=${CI:-false}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
missing() {
  if [ "$ci" = "true" ]; then echo "error: $1 is required with CI=true" >&2; exit 1; fi
  echo "warning: $1 not found; its tests will be skipped" >&2
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_pg() {
  if ! command -v initdb >/dev/null || ! command -v pg_ctl >/dev/null; then missing "PostgreSQL (initdb, pg_ctl)"; return; fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi
  rm -rf "$pg_dir"; mkdir -p "$pg_dir"
  [ "$(id -u)" = 0 ] && chown postgres "$root" "$pg_dir"
  as_pg initdb -D "$pg_dir/data" -U postgres --auth=trust --no-sync >"$root/initdb.log" 2>&1 \
    || { cat "$root/initdb.log" >&2; exit 1; }
  local port; port=$(free_port)
  as_pg pg_ctl -D "$pg_dir/data" -l "$pg_dir/log" \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null \
    || { cat "$pg_dir/log" >&2; exit 1; }
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
}

start_redis() {
  if ! command -v redis-server >/dev/null; then missing "redis-server"; return; fi
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$root/redis.pid" --logfile "$root/redis.log" >/dev/null
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$port"
  echo "export TEST_REDIS_PORT=$port"
}

case "${1:-}" in
  start)
    mkdir -p "$root"
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$root"
    start_pg
    start_redis
    ;;
  stop)
    if [ -f "$pg_dir/data/postmaster.pid" ]; then as_pg pg_ctl -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    if [ -f "$root/redis.pid" ]; then kill "$(cat "$root/redis.pid")" 2>/dev/null || true; rm -f "$root/redis.pid"; fi
    # Every test leaves a database behind; the cluster is throwaway, so free the disk.
    rm -rf "$pg_dir"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

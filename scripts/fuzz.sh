#!/usr/bin/env bash
# Property-based fuzzing of the whole API from its own OpenAPI document with schemathesis:
# starts a throwaway `ttstats serve` (debug build, SQLite in a temporary data dir, a free
# loopback port), creates a verified normal user, seeds a few rows so that paths with ids hit
# real data, and runs `schemathesis run` authenticated as that user. Fails on any 5xx, any
# response that does not match its documented schema and any undocumented status code.
#
# Bounded: FUZZ_MAX_EXAMPLES cases per operation (default 40) and FUZZ_MAX_TIME seconds for
# the whole run (default 120). schemathesis is pinned and installed with pip into its own
# virtualenv under the cargo target dir (skipped when present at that version; not the `venv`
# of scripts/check-deploy.sh, whose pinned tools it could upgrade). Without network access the
# run is skipped with a warning; with CI=true that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ttstats/target}"
SCHEMATHESIS_VERSION=4.32.5
venv="$CARGO_TARGET_DIR/venv-fuzz"
st="$venv/bin/schemathesis"

if ! "$st" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  mkdir -p "$CARGO_TARGET_DIR"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION"; }; then
    if [ "${CI:-}" = true ]; then
      echo "error: cannot install schemathesis $SCHEMATHESIS_VERSION" >&2
      exit 1
    fi
    echo "warning: cannot install schemathesis $SCHEMATHESIS_VERSION: fuzzing skipped" >&2
    exit 0
  fi
fi

cargo build --quiet -p ttstats-api --bin ttstats
bin="$CARGO_TARGET_DIR/debug/ttstats"

work=$(mktemp -d)
server_pid=
# shellcheck disable=SC2329 # invoked by the trap
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# High throttling limits: the fuzzer signs in and registers far more often than a person.
export TTSTATS_DATA_DIR="$work/data" TTSTATS_BIND="127.0.0.1:$port" \
  TTSTATS_STATIC_DIR="$work/no-spa" TTSTATS_PUBLIC_URL="$base" \
  TTSTATS_REGISTER_LIMIT=100000/3600 TTSTATS_SIGN_IN_LIMIT=100000/900 \
  TTSTATS_VERIFICATION_EMAIL_LIMIT=100000/3600
unset DATABASE_URL REDIS_URL TTSTATS_ENV
password="fuzz-$RANDOM-quartz-pass"
for who in fuzzer rival partner; do
  "$bin" user create --username "$who" --email "$who@example.org" --password "$password" \
    --verified >>"$work/user.log" 2>&1 || { cat "$work/user.log" >&2; exit 1; }
done
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

# Sign in as the normal user and seed: two matches (one confirmed), a fixture, a championship.
api() { # method path [json] → body; fails on a non-2xx answer
  curl -fsS -X "$1" "$base/api/v1$2" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' ${3:+--data "$3"}
}
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
token=$(curl -fsS "$base/api/v1/auth/login" -H 'content-type: application/json' \
  --data "{\"username\":\"fuzzer\",\"password\":\"$password\"}" | json "['access_token']")
me=$(api GET /me | json "['player']['id']")
rival=$(api GET '/players?search=rival' | json "['items'][0]['id']")
partner=$(api GET '/players?search=partner' | json "['items'][0]['id']")
guest=$(api POST /players '{"name":"Guest Fuzz"}' | json "['id']")
played_at=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
api POST /matches "{\"best_of\":3,\"match_type\":\"casual\",\"played_at\":\"$played_at\",
  \"side1\":[$me],\"side2\":[$rival],
  \"games\":[{\"side1_points\":11,\"side2_points\":7},{\"side1_points\":11,\"side2_points\":9}]}" \
  >/dev/null
api POST /matches "{\"best_of\":3,\"match_type\":\"practice\",\"played_at\":\"$played_at\",
  \"side1\":[$me,$partner],\"side2\":[$rival,$guest],
  \"games\":[{\"side1_points\":9,\"side2_points\":11}]}" >/dev/null
api POST /matches "{\"best_of\":3,\"match_type\":\"casual\",\"played_at\":\"$played_at\",
  \"side1\":[$me],\"side2\":[$guest],\"live\":true}" >/dev/null
tomorrow=$(date -u -d '+1 day' +%Y-%m-%d)
next_week=$(date -u -d '+7 days' +%Y-%m-%d)
api POST /scheduled-matches "{\"scheduled_date\":\"$tomorrow\",\"scheduled_time\":\"18:00:00\",
  \"side1\":[$me],\"side2\":[$rival]}" >/dev/null
api POST /championships "{\"name\":\"Fuzz Cup\",\"kind\":\"singles\",\"start_date\":\"$next_week\",
  \"registration_deadline\":\"$tomorrow\",\"max_entries\":8}" >/dev/null

status=0
# One worker: with two, Python 3.11's ast module (hypothesis parses sources to describe its
# strategies) can fail with "SystemError: AST constructor recursion depth mismatch".
"$st" run "$base/api-docs/openapi.json" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --header "Authorization: Bearer $token" \
  --max-examples "${FUZZ_MAX_EXAMPLES:-40}" --max-time "${FUZZ_MAX_TIME:-120}" \
  --request-timeout 10 --seed "${FUZZ_SEED:-1}" --workers 1 --no-shrink \
  --exclude-path /metrics --exclude-path '/api/v1/matches/{id}/live/events' \
  --suppress-health-check all --warnings off \
  "$@" || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (errors)" >&2
  grep -E 'ERROR|panicked' "$work/server.log" | tail -n 40 >&2 || true
fi
exit "$status"

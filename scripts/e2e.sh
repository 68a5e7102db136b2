#!/usr/bin/env bash
# End-to-end test of the SPA: builds it if needed, starts `ttstats serve` on a free loopback
# port with a fresh SQLite data dir and an admin account, and drives headless Chromium
# (playwright-core, frontend/e2e/e2e.mjs), which saves screenshots of the main pages at desktop
# and phone widths to $E2E_SCREENSHOTS (default $CARGO_TARGET_DIR/e2e-screenshots). Without
# chromium the test is skipped with a warning; with CI=true that is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/frontend/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ttstats/target}"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || [ ! -d frontend/node_modules/playwright-core ]; then
  if [ "${CI:-}" = true ]; then
    echo "error: chromium ($chromium) or playwright-core missing; run scripts/setup.sh" >&2
    exit 1
  fi
  echo "warning: chromium or playwright-core missing: end-to-end test skipped" >&2
  exit 0
fi
if ! ls frontend/dist/*.wasm >/dev/null 2>&1 || [ -n "$(find frontend/src frontend/index.html frontend/style -newer frontend/dist/index.html -print -quit)" ]; then
  scripts/build-frontend.sh
fi
cargo build --quiet -p ttstats-api --bin ttstats
bin="$CARGO_TARGET_DIR/debug/ttstats"

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export TTSTATS_DATA_DIR="$work/data" TTSTATS_BIND="127.0.0.1:$port" \
  TTSTATS_STATIC_DIR="$root/frontend/dist" TTSTATS_PUBLIC_URL="http://127.0.0.1:$port" \
  TTSTATS_REGISTER_LIMIT=100/3600 TTSTATS_SIGN_IN_LIMIT=100/900
unset DATABASE_URL REDIS_URL
admin_password="e2e-admin-$RANDOM-pass"
"$bin" user create --username e2eadmin --email e2eadmin@example.org \
  --password "$admin_password" --admin --verified >"$work/user.log" 2>&1 \
  || { cat "$work/user.log" >&2; exit 1; }
"$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done
status=0
E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$CARGO_TARGET_DIR/e2e-screenshots}" \
  BASE_URL="http://127.0.0.1:$port" ADMIN_USER=e2eadmin ADMIN_PASSWORD="$admin_password" \
  CHROMIUM="$chromium" node frontend/e2e/e2e.mjs || status=$?
if [ "$status" != 0 ]; then
  echo "--- server log (last 40 lines)" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
